//! The real Medusa v2 backend of the interop suite (`interop-v2/medusa.sh start`),
//! found through the variables `interop-v2/medusa.sh env` prints, and what the v2
//! scenarios need of it: the reset tokens its test-only subscriber writes down, and
//! its JWT secret.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use medusa_auth_hyper::{ExposeSecret, HyperTransport, SecretString};
use medusa_auth_mock::v2::scenarios::{self, Keys, Target};

/// Where the real v2 servers are, and what they were seeded with.
pub struct BackendV2 {
    pub url: String,
    pub production_url: Option<String>,
    pub control: Option<PathBuf>,
    pub keys: Keys,
    pub jwt_secret: SecretString,
    pub reset_tokens: PathBuf,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl BackendV2 {
    /// The backend, or `None` after saying on the terminal why the test is skipped.
    pub fn from_env(test: &str) -> Option<BackendV2> {
        let Some(url) = var("MEDUSA_V2_BACKEND_URL") else {
            crate::backend::skip(
                test,
                "MEDUSA_V2_BACKEND_URL is not set (start one with interop-v2/medusa.sh start)",
            );
            return None;
        };
        let required = |name: &str| {
            var(name).unwrap_or_else(|| {
                panic!("{name} is not set: eval \"$(interop-v2/medusa.sh env)\"")
            })
        };
        Some(BackendV2 {
            url,
            production_url: var("MEDUSA_V2_PRODUCTION_URL"),
            control: var("MEDUSA_V2_INTEROP_CONTROL").map(PathBuf::from),
            keys: Keys {
                admin: (
                    required("MEDUSA_V2_ADMIN_EMAIL"),
                    required("MEDUSA_V2_ADMIN_PASSWORD").into(),
                ),
                customer: (
                    required("MEDUSA_V2_CUSTOMER_EMAIL"),
                    required("MEDUSA_V2_CUSTOMER_PASSWORD").into(),
                ),
                publishable_key: required("MEDUSA_V2_PUBLISHABLE_KEY"),
                secret_api_key: required("MEDUSA_V2_SECRET_API_KEY").into(),
            },
            jwt_secret: required("MEDUSA_V2_JWT_SECRET").into(),
            reset_tokens: PathBuf::from(required("MEDUSA_V2_RESET_TOKENS")),
        })
    }

    /// The scenario target of the server at `url`.
    pub fn target(&self, name: &str, url: &str) -> Target {
        Target::new(
            name,
            url,
            Arc::new(HyperTransport::new()),
            self.keys.clone(),
            Arc::new(RealBackend {
                jwt_secret: self.jwt_secret.clone(),
                reset_tokens: self.reset_tokens.clone(),
            }),
        )
        .with_sleep(Arc::new(medusa_auth_hyper::TokioSleep))
    }
}

/// A real server's reset tokens (one JSON line per `auth.password_reset` event) and
/// its JWT secret.
struct RealBackend {
    jwt_secret: SecretString,
    reset_tokens: PathBuf,
}

#[async_trait::async_trait]
impl scenarios::Backend for RealBackend {
    async fn last_reset_token(&self, email: &str) -> Option<SecretString> {
        // A small file, read whole: blocking the worker for it is harmless here.
        let text = std::fs::read_to_string(&self.reset_tokens).ok()?;
        text.lines()
            .rev()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|event| event["entity_id"] == email)
            .find_map(|event| event["token"].as_str().map(str::to_owned))
            .map(SecretString::from)
    }

    fn sign_claims(&self, claims: &serde_json::Value) -> Option<String> {
        scenarios::sign_hs256(self.jwt_secret.expose_secret().as_bytes(), claims)
    }
}
