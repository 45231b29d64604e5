#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
mod fake;
mod fake_v2;
mod memory;
mod mocks;
#[cfg(feature = "scenarios")]
#[cfg_attr(docsrs, doc(cfg(feature = "scenarios")))]
pub mod scenarios;
mod seed;
#[cfg(feature = "server")]
mod server;
mod sessions;
pub mod v2;

pub use clock::ManualClock;
pub use fake::{ConnectionDropped, FakeMedusa, FakeMedusaBuilder, Fault, IdempotencyKey, Route};
pub use fake_v2::{
    FakeMedusaV2, FakeMedusaV2Builder, MemoryTransportV2, RECORDED_JWT_SECRET, SeedV2, SeedV2User,
};
pub use memory::{InstantSleep, MemoryTransport, ThreadSleep};
pub use mockall::{Sequence, predicate};
pub use mocks::{MockAdminAuthApi, MockHttpTransport, MockRouteApi, MockStoreAuthApi};
pub use seed::{Seed, SeedAdmin, SeedCustomer};
#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use server::{FakeServer, MAX_REQUEST_BODY};
pub use sessions::{MockSession, MockSessionFactory};
