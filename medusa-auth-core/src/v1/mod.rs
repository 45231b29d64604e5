//! Medusa v1 (`@medusajs/medusa` 1.x): the nine auth calls of `medusa.admin.auth` and
//! `medusa.auth`, their inputs, wire shapes and models.
//!
//! Everything here is re-exported at the crate root.

mod api;
mod calls;
pub(crate) mod endpoint;
mod inputs;
pub(crate) mod models;
pub(crate) mod wire;

pub use api::{AdminAuthApi, StoreAuthApi};
pub use inputs::{
    AdminCreateSession, AdminDeleteSession, AdminGetSession, AdminGetToken, StoreAuthenticate,
    StoreDeleteSession, StoreExists, StoreGetSession, StoreGetToken,
};
pub use models::{Customer, Metadata, User, UserRole};
