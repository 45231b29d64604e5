//! HTTPS against a loopback server whose certificate a private CA made in the test:
//! refused by default, accepted once the CA is added, HTTP/2 negotiated by ALPN.

mod support;

use std::time::Duration;

use http::Version;
use medusa_auth_hyper::{
    Certificate, Client, Error, HttpTransport as _, HyperTransport, TransportErrorKind,
};
use support::{RecordedClock, Server, TestPki, chain, fixture, get};

async fn tls_server(pki: &TestPki) -> Server {
    Server::start_tls(pki, |_, _| fixture(51)).await
}

#[tokio::test]
async fn a_certificate_of_an_unknown_ca_is_refused_by_default() {
    let pki = TestPki::new();
    let server = tls_server(&pki).await;
    let transport = HyperTransport::builder()
        .request_timeout(Duration::from_secs(5))
        .build();
    let error = transport
        .send(get(&server.url(), "/store/auth/customer@example.com"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect);
    assert!(!error.may_have_reached_server());
    let causes = chain(&error);
    assert!(causes.contains("UnknownIssuer"), "{causes}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn the_private_ca_once_added_is_trusted_and_http2_is_negotiated() {
    let pki = TestPki::new();
    let server = tls_server(&pki).await;
    let client = Client::builder()
        .base_url(server.url())
        .add_root_certificate(Certificate::from_pem(pki.ca_pem.as_bytes()).expect("a PEM CA"))
        .clock(RecordedClock)
        .build()
        .expect("a valid configuration");
    let session = client.session();
    for _ in 0..3 {
        assert!(
            session
                .store()
                .exists("customer@example.com")
                .await
                .expect("exists")
        );
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|s| s.version == Version::HTTP_2),
        "{seen:?}"
    );
    assert_eq!(server.connections(), 1, "one multiplexed HTTP/2 connection");
}

#[tokio::test]
async fn a_der_root_works_without_the_built_in_roots() {
    let pki = TestPki::new();
    let server = tls_server(&pki).await;
    let transport = HyperTransport::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(Certificate::from_der(pki.ca_der.clone()).expect("a DER CA"))
        .build();
    let response = transport
        .send(get(&server.url(), "/store/auth/customer@example.com"))
        .await
        .expect("trusted");
    assert_eq!(response.version(), Version::HTTP_2);
    assert_eq!(response.body().as_ref(), br#"{"exists":true}"#);
}

#[tokio::test]
async fn http2_can_be_turned_off() {
    let pki = TestPki::new();
    let server = tls_server(&pki).await;
    let transport = HyperTransport::builder()
        .http2(false)
        .add_root_certificate(Certificate::from_pem(pki.ca_pem.as_bytes()).expect("a PEM CA"))
        .build();
    let response = transport
        .send(get(&server.url(), "/store/auth/customer@example.com"))
        .await
        .expect("trusted");
    assert_eq!(response.version(), Version::HTTP_11);
    assert_eq!(server.seen()[0].version, Version::HTTP_11);
}

#[tokio::test]
async fn another_ca_does_not_make_the_server_trusted() {
    let pki = TestPki::new();
    let other = TestPki::other();
    let server = tls_server(&pki).await;
    let client = Client::builder()
        .base_url(server.url())
        .add_root_certificate(Certificate::from_pem(other.ca_pem.as_bytes()).expect("a PEM CA"))
        .build()
        .expect("a valid configuration");
    let error = client
        .session()
        .store()
        .exists("customer@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Connect),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_bundle_of_several_roots_is_read_whole() {
    let first = TestPki::new();
    let second = TestPki::other();
    let bundle = format!("{}\n{}", first.ca_pem, second.ca_pem);
    let roots = Certificate::from_pem_bundle(bundle.as_bytes()).expect("two certificates");
    assert_eq!(roots.len(), 2);
    let server = tls_server(&second).await;
    let mut builder = HyperTransport::builder().tls_built_in_root_certs(false);
    for root in roots {
        builder = builder.add_root_certificate(root);
    }
    builder
        .build()
        .send(get(&server.url(), "/store/auth/customer@example.com"))
        .await
        .expect("the second root is trusted");
}
