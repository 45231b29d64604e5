//! The real Medusa backend of the interop suite (`interop/medusa.sh start`), found
//! through the variables `interop/medusa.sh env` prints.
#![allow(dead_code)]

use std::io::Write as _;
use std::path::PathBuf;

use medusa_auth_hyper::{Client, SecretString};

/// Where the real servers are, and the users they were seeded with.
pub struct Backend {
    pub url: String,
    pub production_url: Option<String>,
    pub control: Option<PathBuf>,
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
/// The admin's API token when `MEDUSA_ADMIN_API_TOKEN` is not set (`medusa.sh`'s default).
pub const DEFAULT_ADMIN_API_TOKEN: &str = "real_medusa_admin_api_token";
pub const CUSTOMER_EMAIL: &str = "customer@example.com";
pub const SECOND_CUSTOMER_EMAIL: &str = "second@example.com";
pub const GUEST_EMAIL: &str = "guest@example.com";

pub fn password() -> SecretString {
    "supersecret".into()
}

/// The admin's API token, as `interop/medusa.sh` seeded it (`MEDUSA_ADMIN_API_TOKEN`).
pub fn admin_api_token() -> String {
    std::env::var("MEDUSA_ADMIN_API_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_API_TOKEN.to_owned())
}

impl Backend {
    /// The backend, or `None` after saying on the terminal why the test is skipped.
    pub fn from_env(test: &str) -> Option<Backend> {
        match std::env::var("MEDUSA_BACKEND_URL") {
            Ok(url) if !url.is_empty() => Some(Backend {
                url,
                production_url: std::env::var("MEDUSA_PRODUCTION_URL")
                    .ok()
                    .filter(|u| !u.is_empty()),
                control: std::env::var_os("MEDUSA_INTEROP_CONTROL").map(PathBuf::from),
            }),
            _ => {
                skip(
                    test,
                    "MEDUSA_BACKEND_URL is not set (start one with interop/medusa.sh start)",
                );
                None
            }
        }
    }

    pub fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.url)
            .build()
            .expect("a valid configuration")
    }
}

/// Says, past the test harness's capture, that a test was skipped and why.
pub fn skip(test: &str, why: &str) {
    let _ = writeln!(std::io::stderr(), "interop test {test} skipped: {why}");
}
