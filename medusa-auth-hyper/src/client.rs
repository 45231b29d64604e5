//! [`MedusaClient::builder`]: a ready [`Client`] over a [`HyperTransport`], configured
//! like the JS client.

use std::fmt;
use std::time::Duration;

use medusa_auth_core::{
    Client, ClientBuilder, Clock, ConfigError, CustomHeaders, RetryPolicy, SecretString, Sleep,
};

use crate::sleep::TokioSleep;
use crate::tls::Certificate;
use crate::transport::HyperTransportBuilder;

/// Where [`MedusaClient::builder`] lives: the clients it builds are the core's
/// [`Client`], sending through a [`HyperTransport`](crate::HyperTransport) and
/// waiting between retries with [`TokioSleep`].
#[derive(Debug)]
pub enum MedusaClient {}

impl MedusaClient {
    /// Starts configuring a client (base URL `http://localhost:9000`, no retries, the
    /// transport defaults).
    pub fn builder() -> MedusaClientBuilder {
        MedusaClientBuilder::default()
    }
}

/// Configures a [`Client`] over a [`HyperTransport`](crate::HyperTransport); reads
/// like the JS client's config (`baseUrl`, `maxRetries`, `apiKey`,
/// `publishableApiKey`, `customHeaders`) plus the transport's timeouts, size limit
/// and TLS roots.
///
/// ```
/// use std::time::Duration;
/// use medusa_auth_hyper::MedusaClient;
/// let client = MedusaClient::builder()
///     .base_url("https://shop.example.com/medusa")
///     .max_retries(3)
///     .publishable_api_key("pk_01H")
///     .default_header("x-tenant", "eu")
///     .connect_timeout(Duration::from_secs(3))
///     .request_timeout(Duration::from_secs(15))
///     .max_response_bytes(1 << 20)
///     .user_agent("my-shop/1.0")
///     .build()?;
/// assert_eq!(client.base_url().as_str(), "https://shop.example.com/medusa");
/// # Ok::<(), medusa_auth_core::ConfigError>(())
/// ```
///
/// `build` fails with the core's [`ConfigError`] (an invalid base URL, header or
/// retry policy); it never quotes a key, a header value or the base URL.
pub struct MedusaClientBuilder {
    /// Everything but the transport: the core's own builder, its transport given at
    /// `build`.
    core: ClientBuilder,
    transport: HyperTransportBuilder,
}

impl Default for MedusaClientBuilder {
    fn default() -> Self {
        MedusaClientBuilder {
            core: Client::configure().sleep(TokioSleep),
            transport: HyperTransportBuilder::default(),
        }
    }
}

impl fmt::Debug for MedusaClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MedusaClientBuilder")
            .field("core", &self.core)
            .field("transport", &self.transport)
            .finish()
    }
}

impl MedusaClientBuilder {
    /// The backend's URL (default `http://localhost:9000`); may carry a path prefix.
    ///
    /// Plain HTTP to a host that is not loopback works, but sends passwords, tokens
    /// and cookies in clear: `build` logs one `tracing` warning for it.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.core = self.core.base_url(base_url);
        self
    }

    /// Retries per call (default 0, as in the JS client), by the rules of the core's
    /// [`RetryPolicy`]; keeps the rest of the policy.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.core = self.core.max_retries(max_retries);
        self
    }

    /// The whole retry policy (jitter, back-off cap, deadline).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.core = self.core.retry_policy(policy);
        self
    }

    /// The JS `apiKey`: an admin API token sent as `x-medusa-access-token` on admin
    /// calls (never on the login, never on store calls).
    pub fn api_key(mut self, api_key: impl Into<SecretString>) -> Self {
        self.core = self.core.api_key(api_key);
        self
    }

    /// The JS `publishableApiKey`: `x-publishable-api-key` on every request.
    pub fn publishable_api_key(mut self, key: impl Into<String>) -> Self {
        self.core = self.core.publishable_api_key(key);
        self
    }

    /// Adds a header to every request (per-call headers win over it); an invalid one
    /// makes `build` fail.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        self.core = self.core.default_header(name, value);
        self
    }

    /// Replaces the headers added to every request.
    pub fn default_headers(mut self, headers: CustomHeaders) -> Self {
        self.core = self.core.default_headers(headers);
        self
    }

    /// Replaces `User-Agent: medusa-auth/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.core = self.core.user_agent(user_agent);
        self
    }

    /// How to wait between retries (default [`TokioSleep`]).
    pub fn sleep(mut self, sleep: impl Sleep) -> Self {
        self.core = self.core.sleep(sleep);
        self
    }

    /// The clock for cookie expiry, `Retry-After` dates, JWT expiry and the retry
    /// deadline (default: the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.core = self.core.clock(clock);
        self
    }

    /// The name of the session cookie (default `connect.sid`).
    pub fn session_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.core = self.core.session_cookie_name(name);
        self
    }

    /// How long establishing a TCP connection may take (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// How long one attempt may take in all, body included (default 30 s). Each retry
    /// gets its own; the retry policy's deadline bounds the whole call.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.request_timeout(timeout);
        self
    }

    /// The largest response body accepted, in bytes (default 8 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.transport = self.transport.max_response_bytes(limit);
        self
    }

    /// Trusts `certificate` as a root in addition to the built-in ones.
    pub fn add_root_certificate(mut self, certificate: Certificate) -> Self {
        self.transport = self.transport.add_root_certificate(certificate);
        self
    }

    /// Whether the built-in roots are trusted (default true); see
    /// [`HyperTransportBuilder::tls_built_in_root_certs`].
    pub fn tls_built_in_root_certs(mut self, enabled: bool) -> Self {
        self.transport = self.transport.tls_built_in_root_certs(enabled);
        self
    }

    /// Replaces every transport setting (timeouts, size limit, pool, TLS) at once.
    pub fn transport(mut self, transport: HyperTransportBuilder) -> Self {
        self.transport = transport;
        self
    }

    /// Checks the configuration and makes the client: one connection pool, shared by
    /// its clones and by every [`Session`](medusa_auth_core::Session) made from it.
    pub fn build(self) -> Result<Client, ConfigError> {
        let client = self.core.transport(self.transport.build()).build()?;
        warn_if_cleartext(&client);
        Ok(client)
    }
}

/// One warning per client whose credentials would cross the network in clear.
fn warn_if_cleartext(client: &Client) {
    let origin = client.base_url().origin();
    if !origin.is_https() && !origin.is_loopback() {
        tracing::warn!(
            host = %origin.host(),
            port = origin.port(),
            "the Medusa base URL is plain HTTP to a host that is not loopback: passwords, \
             tokens and session cookies will travel in clear; use https"
        );
    }
}
