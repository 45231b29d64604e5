//! The fake never panics, whatever it is sent: hostile bodies, bad headers, odd
//! methods and paths, huge bodies. Each answer is a well-formed response, and the
//! seeded users still log in afterwards.

use bytes::Bytes;
use http::{HeaderValue, Method, Request};
use medusa_auth_mock::{FakeMedusa, Seed};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const PATHS: [&str; 22] = [
    "/admin/auth",
    "/admin/auth/",
    "/ADMIN/AUTH",
    "/admin/auth/token",
    "/admin/auth/nope",
    "/admin",
    "/store/auth",
    "/store/auth/token",
    "/store/auth/customer@example.com",
    "/store/auth/%",
    "/store/auth/%E0%A4%A",
    "/store/auth/%C3%28",
    "/store/auth/a%2Fb%40c.io",
    "/store/auth//",
    "/store/customers",
    "/store",
    "/health",
    "/",
    "/admin/../store/auth",
    "/store/auth/x?y=%zz",
    "/%00",
    "/store/auth/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.io",
];

const BODIES: [&str; 24] = [
    "",
    "{}",
    "[]",
    "null",
    "\"text\"",
    "{\"email\":",
    "{\"email\":\"admin@example.com\",\"password\":\"supersecret\"}",
    "{\"email\":\"customer@example.com\",\"password\":{\"$gt\":\"\"}}",
    "{\"email\":[\"a@b.io\"],\"password\":[1,2]}",
    "{\"email\":\"admin@example.com\",\"password\":null}",
    "{\"email\":\"\\u0000@example.com\",\"password\":\"x\"}",
    "{\"email\":\"\\ud800@example.com\",\"password\":\"x\"}",
    "{\"__proto__\":{\"admin\":true},\"email\":\"a@b.io\",\"password\":\"x\"}",
    "{\"constructor\":1,\"1\":2,\"email\":\"a@b.io\"}",
    "{\"email\":\"a@b.io\",\"password\":\"x\",\"email\":\"admin@example.com\"}",
    "{\"email\":1e999,\"password\":-0}",
    "\u{feff}{\"email\":\"a@b.io\"}",
    "{\"email\":\"\\\"quoted\\\"@example.com\",\"password\":\"x\"}",
    "{\"first_name\":{},\"last_name\":[],\"email\":\"new@example.com\",\"password\":\"p\",\"phone\":5}",
    "{\"email\":\"a@b.io\",\"password\":\"x\"}garbage",
    "{\"a\":{\"b\":{\"c\":{\"d\":[[[[[[[[[[]]]]]]]]]]}}}}",
    "\u{0}\u{1}\u{2}",
    "email=admin%40example.com&password=supersecret",
    "{\"email\":\"ñandú@ejemplo.com\",\"password\":\"contraseña\"}",
];

const CONTENT_TYPES: [&str; 8] = [
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/json; charset=latin1",
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/json; charset",
    "",
];

const METHODS: [&str; 8] = [
    "GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "FOO",
];

fn check(fake: &FakeMedusa, request: Request<Bytes>) {
    let method = request.method().clone();
    let response = fake.handle(request);
    let status = response.status().as_u16();
    assert!((200..600).contains(&status));
    assert!(response.headers().contains_key("date"));
    if method == Method::HEAD {
        assert!(response.body().is_empty());
    }
    if let Some(length) = response.headers().get("content-length") {
        let length: usize = length.to_str().unwrap().parse().unwrap();
        if method != Method::HEAD {
            assert_eq!(length, response.body().len());
        }
    }
    if status == 500 && method != Method::HEAD {
        // Only an undecodable `exists` parameter gives a 500, as Medusa's error handler.
        let body = String::from_utf8_lossy(response.body());
        assert!(body.contains("unknown_error"), "{body}");
    }
}

#[test]
fn random_requests_never_break_the_fake() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cookie_value = {
        let answer = fake.handle(Request::get("/health").body(Bytes::new()).unwrap());
        answer.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    for _ in 0..3000 {
        let method = Method::from_bytes(rng.pick(&METHODS).as_bytes()).unwrap();
        let path = rng.pick(&PATHS);
        let mut builder = Request::builder().method(method).uri(path);
        let content_type = rng.pick(&CONTENT_TYPES);
        if !content_type.is_empty() {
            builder = builder.header("content-type", content_type);
        }
        match rng.below(8) {
            0 => builder = builder.header("cookie", cookie_value.as_str()),
            1 => {
                builder = builder.header("cookie", "connect.sid=s%3A; connect.sid=\"s%3Ax.y\"; ;=;")
            }
            2 => builder = builder.header("authorization", "Bearer eyJhbGciOiJub25lIn0.e30."),
            3 => builder = builder.header("authorization", "Bearer a.b.c d"),
            4 => builder = builder.header("x-medusa-access-token", ""),
            5 => builder = builder.header("x-forwarded-proto", "https, http"),
            6 => builder = builder.header("content-length", "99999999999999999999"),
            _ => {}
        }
        if rng.below(4) == 0 {
            builder = builder
                .header("origin", "http://localhost:7001")
                .header("access-control-request-headers", "x-a");
        }
        let body = rng.pick(&BODIES);
        check(&fake, builder.body(Bytes::from(body.to_owned())).unwrap());
    }
    // Random bytes as bodies.
    for _ in 0..500 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let request = Request::post("/admin/auth")
            .header("content-type", "application/json")
            .body(Bytes::from(bytes))
            .unwrap();
        check(&fake, request);
    }
    // The fake still works.
    let session = fake.client().session();
    let user = futures::executor::block_on(async {
        session
            .admin()
            .create_session("admin@example.com", "supersecret")
            .await
    })
    .unwrap();
    assert_eq!(user.email, "admin@example.com");
}

#[test]
fn bad_header_values_are_ignored() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let opaque = HeaderValue::from_bytes(b"connect.sid=\xff\xfe").unwrap();
    let mut request = Request::get("/admin/auth").body(Bytes::new()).unwrap();
    request.headers_mut().append("cookie", opaque.clone());
    request
        .headers_mut()
        .append("cookie", HeaderValue::from_static("a=b"));
    request
        .headers_mut()
        .append("authorization", opaque.clone());
    request
        .headers_mut()
        .append("x-medusa-access-token", opaque.clone());
    request.headers_mut().append(
        "x-medusa-access-token",
        HeaderValue::from_static("real_medusa_admin_api_token"),
    );
    request.headers_mut().append("content-type", opaque.clone());
    request.headers_mut().append("x-forwarded-proto", opaque);
    let answer = fake.handle(request);
    // Repeated tokens join as Node joins them ("x, y"): not a valid token.
    assert_eq!(answer.status(), 401);
    let huge = "x".repeat(64 * 1024);
    let request = Request::get("/store/auth")
        .header("cookie", format!("connect.sid=s%3A{huge}.{huge}"))
        .header("authorization", format!("Bearer {huge}.{huge}.{huge}"))
        .body(Bytes::new())
        .unwrap();
    assert_eq!(fake.handle(request).status(), 401);
}

#[test]
fn huge_and_refused_bodies_get_express_error_pages() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let huge = format!("{{\"email\":\"{}\"}}", "a".repeat(200 * 1024));
    let answer = fake.handle(
        Request::post("/admin/auth")
            .header("content-type", "application/json")
            .body(Bytes::from(huge))
            .unwrap(),
    );
    assert_eq!(answer.status(), 413);
    assert!(
        String::from_utf8_lossy(answer.body())
            .contains("PayloadTooLargeError: request entity too large")
    );
    for (content_type, encoding) in [
        ("application/json; charset=latin1", None),
        ("application/json", Some("gzip")),
    ] {
        let mut builder = Request::post("/store/auth").header("content-type", content_type);
        if let Some(encoding) = encoding {
            builder = builder.header("content-encoding", encoding);
        }
        let answer = fake.handle(builder.body(Bytes::from_static(b"{}")).unwrap());
        assert_eq!(answer.status(), 415);
        assert_eq!(answer.headers()["content-type"], "text/html; charset=utf-8");
    }
    // A huge body of another type is not read at all.
    let answer = fake.handle(
        Request::post("/store/auth")
            .header("content-type", "text/plain")
            .body(Bytes::from(vec![b'x'; 300 * 1024]))
            .unwrap(),
    );
    assert_eq!(answer.status(), 400);
    assert!(String::from_utf8_lossy(answer.body()).contains("email must be an email"));
}

#[test]
fn an_undecodable_email_parameter_is_medusas_500() {
    let fake = FakeMedusa::from_seed(&Seed::interop());
    let answer = fake.handle(
        Request::get("/store/auth/%E0%A4%A")
            .body(Bytes::new())
            .unwrap(),
    );
    assert_eq!(answer.status(), 500);
    assert_eq!(
        answer.body(),
        r#"{"code":"unknown_error","type":"unknown_error","message":"An unknown error occurred."}"#
    );
}

#[test]
fn every_request_without_a_cookie_makes_a_session() {
    let fake = FakeMedusa::default();
    for _ in 0..2000 {
        fake.handle(Request::get("/health").body(Bytes::new()).unwrap());
    }
    // Each request without a cookie makes a session, as express-session does.
    assert_eq!(fake.session_count(), 2000);
}
