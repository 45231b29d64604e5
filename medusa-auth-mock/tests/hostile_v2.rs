//! The fake Medusa v2 never panics, whatever it is sent: arbitrary methods, paths,
//! queries, header values and bodies (property-based), and a sweep of the inputs
//! most likely to hurt (deep JSON, huge bodies, odd encodings, forged tokens and
//! cookies). Every answer is a well-formed response, and the fake still works
//! afterwards.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, Response};
use medusa_auth_mock::{FakeMedusaV2, SeedV2};
use proptest::prelude::*;

const PATHS: [&str; 32] = [
    "/auth/user/emailpass",
    "/auth/customer/emailpass",
    "/auth/customer/emailpass/register",
    "/auth/customer/emailpass/reset-password",
    "/auth/customer/emailpass/update",
    "/auth/user/emailpass/callback",
    "/auth/customer/google",
    "/auth/emailpass/user",
    "/auth/user/providers",
    "/auth/session",
    "/auth/session/",
    "/AUTH/SESSION",
    "/auth/token/refresh",
    "/auth/%E0%A4%A/emailpass",
    "/auth//emailpass",
    "/admin/users/me",
    "/admin/users",
    "/admin/users/%zz",
    "/admin/customers",
    "/admin/api-keys",
    "/admin/api-keys/apk_1/revoke",
    "/admin/nothing",
    "/store/customers",
    "/store/customers/me",
    "/store/regions",
    "/store/nothing",
    "/health",
    "/",
    "//admin/users",
    "/auth/../admin/users",
    "/%00",
    "*",
];

const METHODS: [&str; 9] = [
    "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO",
];

const CONTENT_TYPES: [&str; 9] = [
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON; charset=\"UTF-16LE\"",
    "application/json; charset=latin1",
    "application/json; charset=utf-32be",
    "application/x-www-form-urlencoded",
    "text/plain; charset=windows-1252",
    "text/plain; charset=klingon",
    "multipart/form-data; boundary=x",
];

const BODIES: [&str; 26] = [
    "",
    "{}",
    "[]",
    "null",
    "\"text\"",
    "{\"email\":",
    "{\"email\":\"admin@example.com\",\"password\":\"supersecret\"}",
    "{\"email\":\"customer@example.com\",\"password\":{\"$gt\":\"\"}}",
    "{\"email\":[\"a@b.io\"],\"password\":[1,2]}",
    "{\"identifier\":42}",
    "{\"identifier\":\"customer@example.com\",\"metadata\":{\"a\":[1,{\"b\":null}]}}",
    "{\"password\":\"\"}",
    "{\"email\":\"\\ud800@example.com\",\"password\":\"x\"}",
    "{\"__proto__\":{\"admin\":true},\"email\":\"a@b.io\",\"password\":\"x\"}",
    "{\"1\":2,\"0\":1,\"email\":\"a@b.io\",\"email\":\"b@b.io\"}",
    "{\"email\":1e999,\"password\":-0}",
    "\u{feff}{\"email\":\"a@b.io\"}",
    "{\"first_name\":{},\"last_name\":[],\"email\":\"new@example.com\",\"phone\":5}",
    "{\"email\":\"a@b.io\",\"password\":\"x\"}garbage",
    "{\"title\":\"t\",\"type\":\"secret\"}",
    "{\"revoke_in\":1e308}",
    "\u{0}\u{1}\u{2}",
    "email=admin%40example.com&password=supersecret&a[b][c][d][e][f][g]=1&x[]=1&x[]=2",
    "%zz=%zz&&&=",
    "{\"a\":\"\\u00\"}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

/// A well-formed answer: a status, a `Date`, Express's header, a `Content-Length`
/// that is the body's, no body for `HEAD`, JSON where it says JSON, and a 500 only
/// as Medusa's `unknown_error`.
fn check(method: &Method, response: &Response<Bytes>) {
    let status = response.status().as_u16();
    assert!((200..600).contains(&status), "{status}");
    assert!(response.headers().contains_key("date"));
    assert_eq!(response.headers()["x-powered-by"], "Express");
    if method == Method::HEAD || status == 304 {
        assert!(response.body().is_empty());
    } else if let Some(length) = response.headers().get("content-length") {
        let length: usize = length.to_str().unwrap().parse().unwrap();
        assert_eq!(length, response.body().len());
    }
    let json = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap().starts_with("application/json"));
    if json && method != Method::HEAD && status != 304 {
        let value: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        if status == 500 {
            assert_eq!(value["type"], "unknown_error", "{value}");
        }
        assert!(value.is_object());
    }
}

fn still_works(fake: &FakeMedusaV2) {
    let login = Request::post("/auth/user/emailpass")
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"email":"admin@example.com","password":"supersecret"}"#,
        ))
        .unwrap();
    let answer = fake.handle(login);
    assert_eq!(answer.status(), 200);
}

fn fake() -> FakeMedusaV2 {
    FakeMedusaV2::from_seed(&SeedV2::interop())
}

/// Arbitrary bytes that make a valid header value (no CR, LF or NUL).
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        any::<u8>().prop_filter("a header byte", |b| {
            *b == b'\t' || (*b >= 0x20 && *b != 0x7F)
        }),
        0..80,
    )
}

fn header_name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "authorization",
        "cookie",
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "x-publishable-api-key",
        "x-forwarded-proto",
        "origin",
        "access-control-request-method",
        "access-control-request-headers",
        "if-none-match",
        "x-medusa-locale",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_requests_never_break_the_fake(
        method in prop::sample::select(METHODS.to_vec()),
        path in prop::sample::select(PATHS.to_vec()),
        tail in "[a-zA-Z0-9%/._~+:@-]{0,24}",
        query in proptest::option::of("[a-z0-9=&%+\\[\\]]{0,40}"),
        headers in proptest::collection::vec((header_name(), header_bytes()), 0..6),
        content_type in proptest::option::of(prop::sample::select(CONTENT_TYPES.to_vec())),
        body in prop_oneof![
            prop::sample::select(BODIES.to_vec()).prop_map(|b| b.as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..300),
            "[{}\\[\\]\",:a-z0-9 ]{0,200}".prop_map(String::into_bytes),
        ],
    ) {
        let fake = fake();
        let mut uri = path.to_owned();
        if path != "*" {
            uri.push_str(&tail);
        }
        if let Some(query) = &query {
            uri = format!("{uri}?{query}");
        }
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let Ok(mut request) = Request::builder().method(method.clone()).uri(uri.as_str()).body(Bytes::from(body)) else {
            return Ok(());
        };
        if let Some(content_type) = content_type {
            request.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
        }
        for (name, value) in headers {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                request.headers_mut().append(HeaderName::from_static(name), value);
            }
        }
        let answer = fake.handle(request);
        check(&method, &answer);
        still_works(&fake);
    }
}

#[test]
fn credentials_forged_every_way_are_refused_not_crashed_on() {
    let fake = fake();
    let login = Request::post("/auth/customer/emailpass")
        .header("content-type", "application/json")
        .body(Bytes::from_static(
            br#"{"email":"customer@example.com","password":"supersecret"}"#,
        ))
        .unwrap();
    let answer = fake.handle(login);
    let body: serde_json::Value = serde_json::from_slice(answer.body()).unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let session = fake.handle(
        Request::post("/auth/session")
            .header("authorization", format!("Bearer {token}"))
            .body(Bytes::new())
            .unwrap(),
    );
    let cookie = session.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let huge = "x".repeat(64 * 1024);
    let authorizations = [
        format!("Bearer {token}x"),
        format!("Bearer {}", token.replacen('.', "..", 1)),
        format!("Bearer {huge}.{huge}.{huge}"),
        "Bearer eyJhbGciOiJub25lIn0.e30.".to_owned(),
        "Bearer eyJhbGciOiJIUzI1NiJ9.WzFd.AAAA".to_owned(),
        "Basic".to_owned(),
        "Basic ".to_owned(),
        "Basic  c2tf".to_owned(),
        "Basic sk_".to_owned(),
        format!("Basic {huge}"),
        "Basic ////====****".to_owned(),
        "Bearer sk_live".to_owned(),
        "\u{a0}Bearer\u{a0}x".to_owned(),
    ];
    let cookies = [
        format!("{cookie}x"),
        cookie.replace("s%3A", ""),
        "connect.sid=s%3A; connect.sid=\"s%3Ax.y\"; ;=;".to_owned(),
        format!("connect.sid=s%3A{huge}.{huge}"),
        "connect.sid=%E0%A4%A".to_owned(),
    ];
    for path in [
        "/admin/users/me",
        "/store/customers/me",
        "/auth/token/refresh",
        "/auth/session",
    ] {
        for method in [Method::GET, Method::POST, Method::DELETE] {
            for authorization in &authorizations {
                let mut request = Request::builder()
                    .method(method.clone())
                    .uri(path)
                    .header("x-publishable-api-key", fake.publishable_key())
                    .body(Bytes::new())
                    .unwrap();
                if let Ok(value) = HeaderValue::from_bytes(authorization.as_bytes()) {
                    request.headers_mut().insert("authorization", value);
                }
                let answer = fake.handle(request);
                check(&method, &answer);
                assert_ne!(answer.status(), 200, "{method} {path} {authorization:.40}");
            }
            for cookie in &cookies {
                let request = Request::builder()
                    .method(method.clone())
                    .uri(path)
                    .header("cookie", cookie.as_str())
                    .header("x-publishable-api-key", fake.publishable_key())
                    .body(Bytes::new())
                    .unwrap();
                let answer = fake.handle(request);
                check(&method, &answer);
                assert_ne!(answer.status(), 200, "{method} {path} {cookie:.40}");
            }
        }
    }
    // Opaque (non-UTF-8) header bytes read as Latin-1, never as a crash.
    let mut request = Request::get("/admin/users/me").body(Bytes::new()).unwrap();
    let opaque = HeaderValue::from_bytes(b"Bearer \xff\xfe\x80").unwrap();
    request
        .headers_mut()
        .append("authorization", opaque.clone());
    request.headers_mut().append("cookie", opaque.clone());
    request
        .headers_mut()
        .append("x-forwarded-proto", opaque.clone());
    request.headers_mut().append("content-type", opaque);
    check(&Method::GET, &fake.handle(request));
    still_works(&fake);
}

#[test]
fn hostile_bodies_get_body_parsers_answers() {
    let fake = fake();
    let post = |content_type: &str, body: Vec<u8>| {
        let request = Request::post("/auth/customer/emailpass/register")
            .header("content-type", content_type)
            .body(Bytes::from(body))
            .unwrap();
        let answer = fake.handle(request);
        check(&Method::POST, &answer);
        answer
    };
    // V8 parses deep JSON (its parser is iterative): a deep array is a body without
    // a password; an unclosed one is a syntax error.
    let deep = format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)).into_bytes();
    assert_eq!(post("application/json", deep).status(), 401);
    let open = "[".repeat(50_000).into_bytes();
    assert_eq!(
        post("application/json", open).body(),
        r#"{"message":"Unexpected end of JSON input","type":"invalid_data"}"#
    );
    let deep_object = format!("{{\"a\":{}1{}}}", "[".repeat(40_000), "]".repeat(40_000));
    assert_eq!(
        post("application/json", deep_object.into_bytes()).status(),
        401
    );
    let huge = vec![b' '; 100 * 1024 + 1];
    let answer = post("application/json", huge);
    assert_eq!(
        answer.body(),
        r#"{"message":"request entity too large","type":"unknown_error"}"#
    );
    let many_keys: Vec<String> = (0..8_000).map(|i| format!("\"k{i}\":{i}")).collect();
    let answer = post(
        "application/json",
        format!("{{{}}}", many_keys.join(",")).into_bytes(),
    );
    assert_eq!(answer.status(), 401);
    let many_params = vec!["a=1"; 1001].join("&");
    let answer = post(
        "application/x-www-form-urlencoded",
        many_params.into_bytes(),
    );
    assert_eq!(
        answer.body(),
        r#"{"message":"too many parameters","type":"unknown_error"}"#
    );
    for bytes in [
        &b"\xff\xfe\xfd"[..],
        b"\xc3\x28",
        b"{\"email\":\"\xe2\x82\"}",
    ] {
        post("application/json", bytes.to_vec());
        post("application/json; charset=utf-16be", bytes.to_vec());
        post("text/plain", bytes.to_vec());
    }
    still_works(&fake);
}

#[test]
fn a_stream_of_requests_keeps_memory_bounded() {
    let fake = fake();
    // Anonymous requests make no session; each login's session replaces none.
    for index in 0..3000 {
        let request = Request::get(format!("/auth/user/providers?n={index}"))
            .header("cookie", format!("connect.sid=s%3A{index}.sig"))
            .body(Bytes::new())
            .unwrap();
        fake.handle(request);
    }
    assert_eq!(fake.session_count(), 0);
    // Reset requests keep a bounded history of events.
    for _ in 0..1_200 {
        fake.handle(
            Request::post("/auth/customer/emailpass/reset-password")
                .header("content-type", "application/json")
                .body(Bytes::from_static(
                    br#"{"identifier":"customer@example.com"}"#,
                ))
                .unwrap(),
        );
    }
    assert_eq!(fake.reset_tokens("customer@example.com").len(), 1_000);
    still_works(&fake);
}
