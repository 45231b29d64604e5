//! The client builder: its configuration errors, its one warning for plain HTTP to
//! a host that is not loopback, and the secrets that never reach a log or a `Debug`.

mod support;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use medusa_auth_hyper::{
    Certificate, Client, ConfigError, Credentials, CustomHeaders, DEFAULT_POOL_IDLE_TIMEOUT,
    HyperTransport, HyperTransportBuilder, RetryPolicy,
};
use support::{RecordedClock, Server, TestPki, fixture};
use tracing_subscriber::fmt::MakeWriter;

/// Everything a `fmt` subscriber writes, kept for the test to read.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("not poisoned")).into_owned()
    }

    fn subscriber(&self, level: tracing::Level) -> impl tracing::Subscriber + Send + Sync {
        tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(self.clone())
            .finish()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("not poisoned").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const SECRET_KEY: &str = "sk_never_logged_api_key";

#[test]
fn plain_http_to_a_remote_host_warns_once_per_client() {
    let captured = Captured::default();
    let warnings = |captured: &Captured| captured.text().matches(" WARN ").count();
    tracing::subscriber::with_default(captured.subscriber(tracing::Level::TRACE), || {
        let client = Client::builder()
            .base_url("http://shop.example.com:9000/medusa")
            .api_key(SECRET_KEY)
            .build()
            .expect("plain HTTP is allowed");
        assert_eq!(warnings(&captured), 1, "{}", captured.text());
        let text = captured.text();
        assert!(text.contains("shop.example.com"), "{text}");
        assert!(text.contains("plain HTTP"), "{text}");
        assert!(!text.contains(SECRET_KEY), "{text}");

        // Clones and sessions are the same client: no second warning.
        let _clone = client.clone();
        let _session = client.session();
        assert_eq!(warnings(&captured), 1);

        // Another client is another warning.
        Client::builder()
            .base_url("http://10.1.2.3")
            .build()
            .expect("valid");
        assert_eq!(warnings(&captured), 2);

        for quiet in [
            "https://shop.example.com",
            "http://127.0.0.1:9000",
            "http://127.8.9.10",
            "http://localhost:9000",
            "http://api.localhost",
            "http://[::1]:9000",
        ] {
            Client::builder().base_url(quiet).build().expect("valid");
            assert_eq!(warnings(&captured), 2, "{quiet} must not warn");
        }
        // The default base URL is http://localhost:9000.
        Client::builder().build().expect("valid");
        assert_eq!(warnings(&captured), 2);
    });
}

#[test]
fn invalid_configurations_are_refused_without_quoting_secrets() {
    let error = Client::builder()
        .base_url("https://admin:hunter2@shop.example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(error, ConfigError::InvalidBaseUrl { .. }),
        "{error:?}"
    );
    assert!(!error.to_string().contains("hunter2"));

    let error = Client::builder()
        .default_header("x-token", "secret\r\nInjected: yes")
        .build()
        .unwrap_err();
    assert!(matches!(error, ConfigError::InvalidHeader(_)), "{error:?}");
    assert!(!error.to_string().contains("secret"));

    let error = Client::builder()
        .api_key("bad\nkey-value")
        .build()
        .unwrap_err();
    assert!(!error.to_string().contains("key-value"));

    let error = Client::builder()
        .retry_policy(RetryPolicy::new(1).with_jitter(2.0))
        .build()
        .unwrap_err();
    assert!(matches!(error, ConfigError::InvalidRetryPolicy(_)));

    assert!(
        Client::builder()
            .base_url("ftp://shop.example.com")
            .build()
            .is_err()
    );
}

#[test]
fn retries_need_no_explicit_sleep() {
    // The core refuses max_retries > 0 without a Sleep; this builder plugs tokio's in.
    Client::builder()
        .max_retries(3)
        .build()
        .expect("TokioSleep is plugged in");
}

#[test]
fn the_pool_keeps_idle_connections_under_medusas_keep_alive() {
    // Medusa closes an idle connection after 5 s; the default stays under it.
    assert_eq!(DEFAULT_POOL_IDLE_TIMEOUT, Duration::from_secs(4));
    let shown = format!("{:?}", HyperTransportBuilder::default());
    assert!(shown.contains("pool_idle_timeout: Some(4s)"), "{shown}");
    let shown = format!("{:?}", Client::builder());
    assert!(shown.contains("pool_idle_timeout: Some(4s)"), "{shown}");
}

#[test]
fn debug_output_shows_no_secret() {
    let builder = Client::builder()
        .base_url("https://shop.example.com")
        .api_key(SECRET_KEY)
        .default_header("x-custom-secret", "header-value-secret");
    let shown = format!("{builder:?}");
    assert!(!shown.contains(SECRET_KEY), "{shown}");
    assert!(!shown.contains("header-value-secret"), "{shown}");
    let client = builder.build().expect("valid");
    let shown = format!("{client:?}");
    assert!(!shown.contains(SECRET_KEY), "{shown}");
    let session = client
        .session_with(Credentials::SessionCookie("s%3Acookie-value-secret".into()))
        .expect("a valid cookie");
    session
        .set_credentials(Credentials::ApiToken("api-token-secret".into()))
        .expect("a valid token");
    let shown = format!("{session:?}");
    for secret in ["cookie-value-secret", "api-token-secret"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    let transport = HyperTransport::builder()
        .request_timeout(Duration::from_secs(7))
        .build();
    let shown = format!("{transport:?}");
    assert!(shown.contains("7s"), "{shown}");
}

/// Logs in, takes a token and reads the session with every secret on the wire, at
/// TRACE level (hyper's and h2's own events included): none of the secrets may
/// appear in what was logged.
async fn run_logged_flow(server: &Server, root: Option<Certificate>) -> String {
    let captured = Captured::default();
    let _guard = tracing::subscriber::set_default(captured.subscriber(tracing::Level::TRACE));
    let mut builder = Client::builder()
        .base_url(server.url())
        .api_key(SECRET_KEY)
        .clock(RecordedClock);
    if let Some(root) = root {
        builder = builder.add_root_certificate(root);
    }
    let client = builder.build().expect("valid");
    let custom = CustomHeaders::new()
        .with("authorization", "Bearer per-call-secret-token")
        .expect("valid");
    let session = client.session();
    session
        .admin()
        .create_session("admin@example.com", "supersecret")
        .await
        .expect("login");
    session
        .admin()
        .get_token("admin@example.com", "supersecret")
        .await
        .expect("token");
    session.admin().get_session().await.expect("session");
    let _ = session.store().get_session().headers(custom).await;
    // Any route, with every credential the session holds (the script's last answer, a
    // 401, repeats).
    let _ = session
        .get("/admin/users")
        .header("x-medusa-access-token", "per-call-secret-token")
        .await;
    captured.text()
}

fn assert_no_secret(logged: &str) {
    let admin_sid = medusa_auth_testdata::exchange(11)
        .set_cookie_value()
        .expect("a cookie");
    let jwt_body = String::from_utf8_lossy(fixture(15).body()).into_owned();
    let jwt = jwt_body.split('"').nth(3).expect("a JWT");
    assert!(
        logged.contains("medusa_auth"),
        "the capture works: {logged}"
    );
    for secret in [
        "supersecret",
        SECRET_KEY,
        admin_sid.as_str(),
        &admin_sid[3..20],
        jwt,
        &jwt[40..70],
        "real_medusa_admin_api_token",
        "per-call-secret-token",
    ] {
        assert!(!logged.contains(secret), "{secret:?} was logged:\n{logged}");
    }
}

fn scripted() -> Vec<http::Response<bytes::Bytes>> {
    vec![fixture(11), fixture(15), fixture(12), fixture(44)]
}

#[tokio::test]
async fn no_secret_is_logged_over_http1() {
    let server = Server::scripted(scripted()).await;
    let logged = run_logged_flow(&server, None).await;
    assert_no_secret(&logged);
}

#[tokio::test]
async fn no_secret_is_logged_over_http2() {
    let pki = TestPki::new();
    let responses = scripted();
    let server = Server::start_tls(&pki, move |_, index| {
        responses
            .get(index)
            .or(responses.last())
            .cloned()
            .unwrap_or_default()
    })
    .await;
    let root = Certificate::from_pem(pki.ca_pem.as_bytes()).expect("a PEM CA");
    let logged = run_logged_flow(&server, Some(root)).await;
    assert_no_secret(&logged);
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.version == http::Version::HTTP_2)
    );
}

/// Every builder setting is kept by the settings given after it: a setter that
/// started the builder over would lose the base URL, the transport's size limit or
/// its connect timeout.
#[test]
fn each_setting_keeps_the_ones_before_it() {
    const URL: &str = "https://shop.example.com/medusa";
    let ca = Certificate::from_der(TestPki::new().ca_der).expect("the test CA");
    let kept = |builder: medusa_auth_hyper::ClientBuilder, what: &str| {
        let shown = format!("{builder:?}");
        assert!(
            shown.contains("max_response_bytes: 12345"),
            "{what} lost the size limit: {shown}"
        );
        let client = builder.build().expect("valid");
        assert_eq!(client.base_url().as_str(), URL, "{what} lost the base URL");
    };
    let start = || Client::builder().base_url(URL).max_response_bytes(12_345);
    kept(
        start().default_headers(CustomHeaders::new()),
        "default_headers",
    );
    kept(start().default_header("x-tenant", "eu"), "default_header");
    kept(start().sleep(medusa_auth_hyper::TokioSleep), "sleep");
    kept(start().session_cookie_name("sid"), "session_cookie_name");
    kept(
        start().tls_built_in_root_certs(false),
        "tls_built_in_root_certs",
    );
    kept(
        start().add_root_certificate(ca.clone()),
        "add_root_certificate",
    );
    kept(
        start().connect_timeout(Duration::from_secs(2)),
        "connect_timeout",
    );
    kept(
        start().request_timeout(Duration::from_secs(2)),
        "request_timeout",
    );
    kept(start().pool_idle_timeout(None), "pool_idle_timeout");
    kept(start().max_retries(2), "max_retries");
    kept(start().retry_policy(RetryPolicy::default()), "retry_policy");
    kept(start().user_agent("shop/1.0"), "user_agent");
    kept(start().publishable_api_key("pk_1"), "publishable_api_key");
    kept(start().api_key("sk_1"), "api_key");
    kept(
        start().transport(HyperTransport::builder().max_response_bytes(12_345)),
        "transport",
    );
    // A given transport, then a transport setting: the builder makes its own again,
    // from the defaults, and the base URL stays.
    let given = Client::builder()
        .base_url(URL)
        .with_transport(HyperTransport::new());
    assert!(format!("{given:?}").contains("Given"), "{given:?}");
    let client = given.build().expect("valid");
    assert_eq!(client.base_url().as_str(), URL);
    let rebuilt = Client::builder()
        .base_url(URL)
        .with_transport(HyperTransport::new())
        .max_response_bytes(12_345);
    kept(rebuilt, "a setting after with_transport");

    // v2's own settings keep the shared ones too.
    let v2 = medusa_auth_hyper::v2::Client::builder()
        .base_url(URL)
        .max_response_bytes(12_345)
        .secret_api_key("sk_v2")
        .refresh_margin(Some(Duration::from_secs(90)));
    let shown = format!("{v2:?}");
    assert!(shown.contains("max_response_bytes: 12345"), "{shown}");
    assert!(!shown.contains("sk_v2"), "{shown}");
    let client = v2.build().expect("valid");
    assert_eq!(client.base_url().as_str(), URL);
    assert_eq!(
        client.as_core().refresh_margin(),
        Some(Duration::from_secs(90))
    );
    let shown = format!("{client:?}");
    assert!(shown.contains("v2::Client"), "{shown}");
    assert!(shown.contains(URL), "{shown}");
}

#[test]
fn a_client_shows_its_base_url() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9000")
        .build()
        .expect("valid");
    let shown = format!("{client:?}");
    assert!(
        shown.starts_with(r#"Client { base_url: BaseUrl("http://127.0.0.1:9000")"#),
        "{shown}"
    );
}

/// The transport's settings, each kept by the ones given after it, read back.
#[test]
fn the_transport_keeps_every_setting() {
    let ca = Certificate::from_der(TestPki::new().ca_der).expect("the test CA");
    let base = || {
        HyperTransport::builder()
            .connect_timeout(Duration::from_secs(3))
            .max_response_bytes(77)
    };
    let check = |transport: HyperTransport, what: &str| {
        assert_eq!(
            transport.connect_timeout(),
            Duration::from_secs(3),
            "{what}"
        );
        assert_eq!(transport.max_response_bytes(), 77, "{what}");
    };
    check(
        base().pool_max_idle_per_host(2).build(),
        "pool_max_idle_per_host",
    );
    check(
        base().tls_built_in_root_certs(false).build(),
        "tls_built_in_root_certs",
    );
    check(
        base().add_root_certificate(ca).build(),
        "add_root_certificate",
    );
    check(base().http2(false).build(), "http2");
    check(base().pool_idle_timeout(None).build(), "pool_idle_timeout");
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS 1.2 and 1.3")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    check(base().tls_config(config).build(), "tls_config");
    let defaults = HyperTransport::builder().build();
    assert_eq!(
        defaults.connect_timeout(),
        medusa_auth_hyper::DEFAULT_CONNECT_TIMEOUT
    );
    assert_eq!(
        defaults.request_timeout(),
        medusa_auth_hyper::DEFAULT_REQUEST_TIMEOUT
    );
    assert_eq!(
        defaults.max_response_bytes(),
        medusa_auth_hyper::DEFAULT_MAX_RESPONSE_BYTES
    );
    assert_eq!(medusa_auth_hyper::DEFAULT_MAX_RESPONSE_BYTES, 8 << 20);
    assert_eq!(
        medusa_auth_hyper::DEFAULT_CONNECT_TIMEOUT,
        Duration::from_secs(10)
    );
    assert_eq!(
        medusa_auth_hyper::DEFAULT_REQUEST_TIMEOUT,
        Duration::from_secs(30)
    );
}
