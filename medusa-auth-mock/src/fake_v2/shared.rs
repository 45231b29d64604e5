//! Code the v2 fake shares with the v1 fake, compiled from the v1 files themselves
//! (the v1 fake is left untouched while v2 lands, so its private modules are not
//! widened; hoisting these into a common module later is a move, not a rewrite).
//!
//! - `memo`: the bounded memo of pure, costly results (JWT signatures, cookie HMACs);
//! - `ids`: `prefix_<ULID>` ids, millisecond ISO dates, the clock as `SystemTime`;
//! - `password`: salted password hashes compared in constant time;
//! - `session`: express-session's cookie signing (cookie-signature's HMAC-SHA256, the
//!   `s%3A<sid>.<sig>` value, the `cookie` package's parsing, uid-safe session ids).
//!   Its v1 session store and `Set-Cookie` writer are not used here: v2's cookie is
//!   `SameSite=Lax` in production and its sessions hold an auth context.

#[path = "../fake/ids.rs"]
#[allow(clippy::duplicate_mod)]
pub(crate) mod ids;
#[path = "../fake/memo.rs"]
#[allow(clippy::duplicate_mod)]
pub(crate) mod memo;
#[path = "../fake/password.rs"]
#[allow(clippy::duplicate_mod)]
pub(crate) mod password;
#[path = "../fake/session.rs"]
#[allow(clippy::duplicate_mod, dead_code)]
pub(crate) mod session;
