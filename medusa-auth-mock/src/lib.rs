#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The core crate, re-exported so a test needs no other dependency.
pub use medusa_auth_core as core;

mod clock;
mod fake;
mod memory;
mod mocks;
pub mod scenarios;
mod seed;
#[cfg(feature = "server")]
mod server;

pub use clock::ManualClock;
pub use fake::{ConnectionDropped, FakeMedusa, FakeMedusaBuilder, Fault, IdempotencyKey, Route};
pub use memory::{InstantSleep, MemoryTransport, ThreadSleep};
pub use mockall::{Sequence, predicate};
pub use mocks::{MockAdminAuthApi, MockHttpTransport, MockStoreAuthApi};
pub use seed::{Seed, SeedAdmin, SeedCustomer};
#[cfg(feature = "server")]
pub use server::{FakeServer, MAX_REQUEST_BODY};
