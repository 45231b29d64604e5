//! A cookie goes back only to the origin that set it, checked end to end with two
//! fake Medusa servers on loopback (two ports of 127.0.0.1: two origins, the same
//! host).
//!
//! Two clients, one per server, share one hyper connection pool through a
//! recording transport. The recorder also widens every cookie server A sets with
//! `Domain=127.0.0.1`: by RFC 6265 cookies ignore ports, so a browser would send
//! such a cookie to server B too. The SDK binds a cookie to its origin (scheme,
//! host and port) and must not.
//!
//! Two guards stand behind this: a session handle belongs to one client, so to one
//! base URL, and its jar matches every cookie on origin as well
//! (`medusa-auth-core`'s cookie tests and the `set_cookie` fuzz target check the
//! jar alone, with many origins). This test checks the outcome on the wire.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderValue, Request, Response};
use medusa_auth_core::Client;
use medusa_auth_hyper::{HttpTransport, HyperTransport, SecretString, TransportError};
use medusa_auth_mock::{FakeMedusa, Seed};

/// Per origin (`host:port`): every cookie value it set, and every one it was sent.
#[derive(Default)]
struct Traffic {
    set: HashMap<String, HashSet<String>>,
    sent: HashMap<String, Vec<String>>,
    requests: HashMap<String, usize>,
}

struct Recorder {
    inner: HyperTransport,
    widen_cookies_of: String,
    traffic: Mutex<Traffic>,
}

#[async_trait]
impl HttpTransport for Recorder {
    async fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, TransportError> {
        let origin = request
            .uri()
            .authority()
            .expect("an absolute URI")
            .to_string();
        {
            let mut traffic = self.traffic.lock().unwrap();
            *traffic.requests.entry(origin.clone()).or_default() += 1;
            for header in request.headers().get_all(COOKIE) {
                for pair in header.to_str().unwrap().split("; ") {
                    let value = pair.split_once('=').unwrap().1.to_owned();
                    traffic.sent.entry(origin.clone()).or_default().push(value);
                }
            }
        }
        let mut response = self.inner.send(request).await?;
        let set_cookies: Vec<HeaderValue> = response
            .headers_mut()
            .remove(SET_COOKIE)
            .into_iter()
            .collect();
        let mut traffic = self.traffic.lock().unwrap();
        for value in set_cookies {
            let text = value.to_str().unwrap().to_owned();
            let pair = text.split(';').next().unwrap();
            let cookie_value = pair.split_once('=').unwrap().1.to_owned();
            traffic
                .set
                .entry(origin.clone())
                .or_default()
                .insert(cookie_value);
            let text = if origin == self.widen_cookies_of {
                format!("{text}; Domain=127.0.0.1")
            } else {
                text
            };
            response
                .headers_mut()
                .append(SET_COOKIE, HeaderValue::from_str(&text).unwrap());
        }
        Ok(response)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_never_cross_between_two_servers_on_one_host() {
    let (fake_a, fake_b) = (
        FakeMedusa::from_seed(&Seed::interop()),
        FakeMedusa::from_seed(&Seed::interop()),
    );
    let (server_a, server_b) = (
        fake_a.start_server().await.unwrap(),
        fake_b.start_server().await.unwrap(),
    );
    let origin_of = |url: &str| {
        url.trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    };
    let (origin_a, origin_b) = (origin_of(server_a.url()), origin_of(server_b.url()));
    assert_ne!(origin_a, origin_b);

    let recorder = Arc::new(Recorder {
        inner: HyperTransport::new(),
        widen_cookies_of: origin_a.clone(),
        traffic: Mutex::new(Traffic::default()),
    });
    let shared: Arc<dyn HttpTransport> = recorder.clone();
    let client_a = Client::builder_shared(shared.clone())
        .base_url(server_a.url())
        .build()
        .unwrap();
    let client_b = Client::builder_shared(shared)
        .base_url(server_b.url())
        .build()
        .unwrap();

    let password = SecretString::from("supersecret");
    let customer_password = SecretString::from("supersecret");
    // Logins on both servers, interleaved, then calls that send the cookies back.
    let (admin_a, admin_b) = (client_a.session(), client_b.session());
    let (shopper_a, shopper_b) = (client_a.session(), client_b.session());
    admin_a
        .admin()
        .create_session("admin@example.com", password.clone())
        .await
        .unwrap();
    shopper_b
        .store()
        .authenticate("customer@example.com", customer_password.clone())
        .await
        .unwrap();
    admin_b
        .admin()
        .create_session("admin@example.com", password.clone())
        .await
        .unwrap();
    shopper_a
        .store()
        .authenticate("customer@example.com", customer_password.clone())
        .await
        .unwrap();
    for _ in 0..3 {
        admin_a.admin().get_session().await.unwrap();
        admin_b.admin().get_session().await.unwrap();
        shopper_a.store().get_session().await.unwrap();
        shopper_b.store().get_session().await.unwrap();
    }
    // Each server knows only its own sessions: a cookie that crossed would be a 401.
    shopper_b.store().delete_session().await.unwrap();
    assert!(shopper_b.store().get_session().await.is_err());
    shopper_a.store().get_session().await.unwrap();

    let traffic = recorder.traffic.lock().unwrap();
    for (origin, other) in [(&origin_a, &origin_b), (&origin_b, &origin_a)] {
        let set_here = &traffic.set[origin];
        let set_there = &traffic.set[other];
        let sent = &traffic.sent[origin];
        assert!(
            sent.len() >= 7,
            "{origin} was sent {} cookies: the test must exercise cookies",
            sent.len()
        );
        for value in sent {
            assert!(
                set_here.contains(value),
                "{origin} was sent a cookie it never set"
            );
            assert!(
                !set_there.contains(value),
                "{origin} was sent a cookie set by {other}"
            );
        }
    }
    // A: two logins, six get_session, one more; B: the same, a logout and a 401.
    assert_eq!(traffic.requests[&origin_a], 9);
    assert_eq!(traffic.requests[&origin_b], 10);
}
