//! `session.get/post/delete/request`: any Medusa route with one session's
//! credentials, chosen by the route's family, through the same exchange as the auth
//! calls (cookies, typed errors, expired JWTs), over a scripted transport.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use medusa_auth_core::{
    ApiErrorKind, AuthSession, Credentials, Error, ExposeSecret, InvalidInput, Side,
};
use serde::Deserialize;
use support::{Scripted, builder, client, cookie_of, header, loaded, recorded_jwt, run};

fn bearer_of(side: Side) -> String {
    format!("Bearer {}", recorded_jwt(side).expose_secret())
}

/// The credential headers of `request`, by name and value.
fn credentials_sent(request: &http::Request<Bytes>) -> Vec<(&'static str, String)> {
    [
        "cookie",
        "authorization",
        "x-medusa-access-token",
        "x-publishable-api-key",
    ]
    .into_iter()
    .filter_map(|name| header(request, name).map(|value| (name, value)))
    .collect()
}

#[test]
fn the_route_family_decides_the_credentials() {
    let cookie = ("cookie", cookie_of(11));
    let admin = vec![
        cookie.clone(),
        ("authorization", bearer_of(Side::Admin)),
        ("x-medusa-access-token", "session_api_token".to_owned()),
    ];
    let store = vec![
        cookie.clone(),
        ("authorization", bearer_of(Side::Store)),
        ("x-publishable-api-key", "pk_01H".to_owned()),
    ];
    let cookie_only = vec![cookie.clone()];
    let cases = [
        ("/admin/products", &admin),
        ("/admin", &admin),
        ("/store/products", &store),
        ("/store/customers/me", &store),
        ("/store", &store),
        ("/health", &cookie_only),
        ("/auth/session", &cookie_only),
        ("/administrator", &cookie_only),
        ("/stores", &cookie_only),
    ];
    for (path, expected) in cases {
        let transport = Scripted::new();
        transport.json("{}");
        let session = loaded(&transport);
        run(session.get(path)).unwrap();
        let sent = transport.last();
        assert_eq!(&credentials_sent(&sent), expected, "{path}");
        assert_eq!(
            sent.uri().to_string(),
            format!("http://127.0.0.1:9000{path}")
        );
        for name in ["cookie", "authorization", "x-medusa-access-token"] {
            if let Some(value) = sent.headers().get(name) {
                assert!(value.is_sensitive(), "{path}: {name}");
            }
        }
    }
}

#[test]
fn methods_queries_and_the_base_url_prefix() {
    let transport = Scripted::new();
    for _ in 0..4 {
        transport.json("{}");
    }
    let (builder, _) = builder(&transport);
    let session = builder
        .base_url("https://shop.example.com/medusa/")
        .build()
        .unwrap()
        .session();
    run(async {
        session
            .get("/store/products")
            .query("q", "a b&c=d")
            .query("fields", "+id,*title")
            .query("caf\u{e9}", "100%")
            .await
            .unwrap();
        session.post("/admin/products/prod_1").await.unwrap();
        session.delete("/admin/products/prod_1").await.unwrap();
        session
            .request(Method::PATCH, "/store/carts/cart_1")
            .await
            .unwrap();
    });
    let sent = transport.sent();
    assert_eq!(
        sent[0].uri().to_string(),
        "https://shop.example.com/medusa/store/products?q=a%20b%26c%3Dd&fields=%2Bid%2C*title&caf%C3%A9=100%25"
    );
    assert_eq!(sent[0].method(), Method::GET);
    let routes: Vec<String> = sent[1..]
        .iter()
        .map(|r| format!("{} {}", r.method(), r.uri()))
        .collect();
    assert_eq!(
        routes,
        [
            "POST https://shop.example.com/medusa/admin/products/prod_1",
            "DELETE https://shop.example.com/medusa/admin/products/prod_1",
            "PATCH https://shop.example.com/medusa/store/carts/cart_1",
        ]
    );
    // No body, no content type.
    assert!(sent[1].body().is_empty());
    assert_eq!(header(&sent[1], "content-type"), None);
    assert_eq!(
        header(&sent[0], "accept").as_deref(),
        Some("application/json")
    );
    // The builder shows what it would send.
    let pending = session.get("/store/products").query("limit", "10");
    let request = pending.api_request().unwrap();
    assert_eq!(request.query(), "limit=10");
    assert_eq!(request.path(), "/store/products");
}

#[test]
fn a_json_body_goes_with_its_content_type() {
    let transport = Scripted::new();
    transport.json(r#"{"cart":{"id":"cart_1"}}"#);
    let session = client(&transport).session();
    let cart = run(session
        .post("/store/carts")
        .json(&serde_json::json!({"region_id": "reg_1", "items": [{"quantity": 2}]})))
    .unwrap();
    assert_eq!(cart["cart"]["id"], "cart_1");
    let sent = transport.last();
    assert_eq!(sent.method(), Method::POST);
    assert_eq!(
        header(&sent, "content-type").as_deref(),
        Some("application/json")
    );
    let body: serde_json::Value = serde_json::from_slice(sent.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"region_id": "reg_1", "items": [{"quantity": 2}]})
    );
    // No retries configured: no idempotency key.
    assert_eq!(header(&sent, "idempotency-key"), None);

    // A body JSON cannot hold is refused before anything is sent.
    let mut unserializable = BTreeMap::new();
    unserializable.insert(vec![1u8], 1);
    let error = run(session.post("/store/carts").json(&unserializable)).unwrap_err();
    assert!(
        matches!(error, Error::InvalidInput(InvalidInput::UnserializableBody)),
        "{error:?}"
    );
    assert_eq!(transport.sent_count(), 1);
}

#[derive(Debug, Deserialize, PartialEq)]
struct Products {
    products: Vec<Product>,
    count: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Product {
    id: String,
    title: String,
}

#[test]
fn a_2xx_answer_is_decoded_into_a_type_or_a_value() {
    let body =
        r#"{"products":[{"id":"prod_1","title":"Shirt","extra":true}],"count":1,"offset":0}"#;
    let transport = Scripted::new();
    transport.json(body).json(body);
    let session = client(&transport).session();
    let typed = run(session.get("/store/products").decode::<Products>()).unwrap();
    assert_eq!(
        typed,
        Products {
            products: vec![Product {
                id: "prod_1".into(),
                title: "Shirt".into()
            }],
            count: 1
        }
    );
    let value: serde_json::Value = run(session.get("/store/products")).unwrap();
    assert_eq!(value["products"][0]["title"], "Shirt");
    assert_eq!(value["offset"], 0);

    // A body of the wrong shape names the field.
    let transport = Scripted::new();
    transport.json(r#"{"products":[{"id":7,"title":"x"}],"count":1}"#);
    let session = client(&transport).session();
    let error = run(session.get("/store/products").decode::<Products>()).unwrap_err();
    assert!(
        matches!(&error, Error::Decode(decode) if decode.path == "products[0].id"),
        "{error:?}"
    );
}

#[test]
fn an_empty_2xx_answer_reads_as_unit_or_null() {
    let transport = Scripted::new();
    transport
        .respond(204, &[], "")
        .respond(200, &[("content-type", "application/json")], "")
        .respond(202, &[("content-type", "text/plain")], " \n")
        .respond(204, &[], "");
    let session = client(&transport).session();
    run(async {
        session
            .delete("/admin/products/prod_1")
            .decode::<()>()
            .await
            .unwrap();
        let value = session.delete("/admin/products/prod_1").await.unwrap();
        assert_eq!(value, serde_json::Value::Null);
        let value = session.post("/admin/jobs").await.unwrap();
        assert_eq!(value, serde_json::Value::Null);
        let none = session
            .get("/store/products")
            .decode::<Option<Products>>()
            .await
            .unwrap();
        assert_eq!(none, None);
    });
    assert_eq!(transport.sent_count(), 4);
}

#[test]
fn other_answers_are_typed_errors() {
    let transport = Scripted::new();
    transport
        .respond(401, &[("content-type", "text/plain")], "Unauthorized")
        .respond(
            401,
            &[("content-type", "application/json")],
            r#"{"message":"Unauthorized"}"#,
        )
        .respond(
            404,
            &[("content-type", "application/json")],
            r#"{"type":"not_found","message":"Product with id: prod_9 was not found"}"#,
        )
        .answer(70)
        .respond(
            200,
            &[("content-type", "text/html")],
            "<h1>Welcome to nginx!</h1>",
        );
    let session = client(&transport).session();
    run(async {
        let error = session.get("/admin/products").await.unwrap_err();
        assert!(
            matches!(error, Error::Unauthorized { message: None, .. }),
            "{error:?}"
        );
        assert!(error.is_unauthorized());
        let error = session.get("/store/customers/me").await.unwrap_err();
        assert!(
            matches!(&error, Error::Unauthorized { message: Some(m), .. } if m == "Unauthorized"),
            "{error:?}"
        );
        let error = session.get("/store/products/prod_9").await.unwrap_err();
        assert_eq!(error.api_kind(), Some(&ApiErrorKind::NotFound));
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
        let error = session.get("/store/nope").await.unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedResponse { excerpt, .. } if excerpt == "Cannot GET /store/nope"),
            "{error:?}"
        );
        let error = session.get("/health").await.unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedResponse { status, .. } if status.as_u16() == 200),
            "{error:?}"
        );
    });
}

#[test]
fn an_expired_jwt_on_a_route_request_is_token_expired() {
    for (side, path, valid_for) in [
        (Side::Store, "/store/customers/me", 30 * 24 * 3600),
        (Side::Admin, "/admin/users", 24 * 3600),
    ] {
        let transport = Scripted::new();
        transport
            .respond(401, &[], "Unauthorized")
            .respond(401, &[], "Unauthorized");
        let (builder, clock) = builder(&transport);
        let session = builder
            .build()
            .unwrap()
            .session_with(Credentials::Bearer(recorded_jwt(side)))
            .unwrap();
        clock.advance(Duration::from_secs(valid_for + 3600));
        let error = run(session.get(path)).unwrap_err();
        assert!(
            matches!(
                error,
                Error::TokenExpired { side: expired, expired_at, .. }
                    if expired == side && Some(expired_at) == recorded_jwt(side).expires_at()
            ),
            "{path}: {error:?}"
        );
        assert!(error.is_unauthorized());
        assert_eq!(header(&transport.last(), "authorization"), None, "{path}");
        // A route that takes no JWT is refused for what it is.
        let error = run(session.get("/health")).unwrap_err();
        assert!(
            matches!(error, Error::Unauthorized { .. }),
            "{path}: {error:?}"
        );
    }
}

#[test]
fn a_path_that_would_not_mean_what_it_says_is_refused_before_sending() {
    let transport = Scripted::new();
    let session = loaded(&transport);
    for path in [
        "/store/../admin/users",
        "/store/%2e%2E/admin/users",
        "/store/./products",
        "/store/products/..",
        "admin/users",
        "//evil.example/admin",
        "/store/products?limit=1",
        "/store/products#x",
        "/store/pro ducts",
        "/store/caf\u{e9}",
        "/store/a\r\nb",
        "",
    ] {
        let error = run(session.get(path)).unwrap_err();
        assert!(
            matches!(error, Error::InvalidInput(InvalidInput::InvalidPath { .. })),
            "{path:?}: {error:?}"
        );
        assert!(session.get(path).api_request().is_err(), "{path:?}");
        // The other methods refuse it too.
        let error = run(session.post(path).json(&serde_json::json!({}))).unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{path:?}");
    }
    assert_eq!(transport.sent_count(), 0);
}

#[test]
fn per_call_headers_on_a_route_request() {
    let transport = Scripted::new();
    transport.json("{}");
    let (builder, _) = builder(&transport);
    let session = builder
        .default_header("x-trace", "default")
        .build()
        .unwrap()
        .session();
    run(session
        .get("/store/products")
        .header("x-trace", "per-call")
        .header("x-request-id", "7f2c")
        .headers(
            medusa_auth_core::CustomHeaders::new()
                .with("accept", "application/vnd.custom+json")
                .unwrap(),
        ))
    .unwrap();
    let sent = transport.last();
    assert_eq!(header(&sent, "x-trace").as_deref(), Some("per-call"));
    assert_eq!(header(&sent, "x-request-id").as_deref(), Some("7f2c"));
    assert_eq!(
        header(&sent, "accept").as_deref(),
        Some("application/vnd.custom+json")
    );

    // A bad header, or an API token to a store route, fails when awaited; nothing is sent.
    for (name, value) in [
        ("x-bad", "line\r\nbreak"),
        ("host", "evil.example"),
        ("x-medusa-access-token", "real_medusa_admin_api_token"),
    ] {
        let error = run(session.get("/store/products").header(name, value)).unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{name}: {error:?}");
        assert!(!error.to_string().contains("real_medusa"), "{error}");
    }
    assert_eq!(transport.sent_count(), 1);
}

#[test]
fn a_route_answer_sets_cookies_for_the_next_calls() {
    let transport = Scripted::new();
    transport
        .respond(
            200,
            &[
                ("content-type", "application/json"),
                ("set-cookie", "connect.sid=s%3Anew.sig; Path=/; HttpOnly"),
            ],
            r#"{"cart":{}}"#,
        )
        .answer(12);
    let session = client(&transport).session();
    run(session.post("/store/carts")).unwrap();
    assert_eq!(
        session.session_cookie().unwrap().expose_secret(),
        "s%3Anew.sig"
    );
    run(session.admin().get_session()).unwrap();
    assert_eq!(
        header(&transport.last(), "cookie").as_deref(),
        Some("connect.sid=s%3Anew.sig")
    );
}

#[test]
fn an_auth_session_trait_object_sends_the_same_requests() {
    let transport = Scripted::new();
    for _ in 0..4 {
        transport.json("{}");
    }
    let session: Arc<dyn AuthSession> = Arc::new(loaded(&transport));
    run(async {
        session.get("/admin/products").await.unwrap();
        session.post("/store/carts").json(&[1, 2]).await.unwrap();
        session.delete("/admin/products/prod_1").await.unwrap();
        session
            .request(Method::PUT, "/health")
            .decode::<serde_json::Value>()
            .await
            .unwrap();
    });
    let sent = transport.sent();
    let seen: Vec<(String, usize)> = sent
        .iter()
        .map(|r| {
            (
                format!("{} {}", r.method(), r.uri().path()),
                credentials_sent(r).len(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("GET /admin/products".to_owned(), 3),
            ("POST /store/carts".to_owned(), 3),
            ("DELETE /admin/products/prod_1".to_owned(), 3),
            ("PUT /health".to_owned(), 1),
        ]
    );
    assert_eq!(&sent[1].body()[..], b"[1,2]");
    assert_eq!(
        header(&sent[1], "x-publishable-api-key").as_deref(),
        Some("pk_01H")
    );
    assert_eq!(
        header(&sent[2], "x-medusa-access-token").as_deref(),
        Some("session_api_token")
    );
}

#[test]
fn clients_over_one_shared_transport_each_send_to_their_own_base_url() {
    let transport = Scripted::new();
    for _ in 0..2 {
        transport.json("{}");
    }
    let shared: Arc<dyn medusa_auth_core::HttpTransport> = Arc::new(transport.clone());
    let v1 = medusa_auth_core::Client::builder_shared(shared.clone())
        .base_url("http://127.0.0.1:9000")
        .build()
        .unwrap();
    let v2 = medusa_auth_core::v2::Client::builder_shared(shared)
        .base_url("http://127.0.0.1:9010")
        .build()
        .unwrap();
    run(v1.session().get("/store/products")).unwrap();
    run(v2.session().request(Method::GET, "/store/products")).unwrap();
    let sent = transport.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].uri(), "http://127.0.0.1:9000/store/products");
    assert_eq!(sent[1].uri(), "http://127.0.0.1:9010/store/products");
}
