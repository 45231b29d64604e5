//! The pure core's cost per call: building each of the nine requests and reading
//! its recorded answer (testdata/fixtures/transcripts.md), the cookie jar, and a
//! whole call through a session and its fluent builder over an in-memory transport.
//!
//! `cargo bench -p medusa-auth-core --bench protocol`
//!
//! The heap allocations of the same work are counted in `tests/allocations.rs`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::future::IntoFuture;
use std::hint::black_box;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use futures::executor::block_on;
use medusa_auth_core::internal::{
    CookieJar, Endpoint, Outgoing, OutgoingCredentials, RequestFactory, SESSION_COOKIE_NAME,
    login_body, read_access_token, read_customer, read_exists, read_ok, read_user,
};
use medusa_auth_core::{
    AccessToken, AdminAuthApi, AdminGetSession, BaseUrl, Client, Credentials, CustomHeaders,
    HttpTransport, SecretString, Side, Timestamp, TransportError,
};
use medusa_auth_testdata::exchange;

fn factory() -> RequestFactory {
    RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
}

/// Builds the request of `endpoint` as a session does: the login body (checked
/// email and password) or the `exists` path, then the factory.
fn build(
    factory: &RequestFactory,
    endpoint: Endpoint,
    email: &str,
    password: &SecretString,
    credentials: &OutgoingCredentials<'_>,
    custom: &CustomHeaders,
) -> http::Request<Bytes> {
    let method = endpoint.method();
    let body = if endpoint.takes_password() {
        login_body(email, password).unwrap()
    } else {
        Bytes::new()
    };
    let path = endpoint.path((endpoint == Endpoint::StoreExists).then_some(email));
    let outgoing = Outgoing {
        method: &method,
        path: &path,
        query: "",
        body: &body,
        content_type: None,
        scope: endpoint.scope(),
        custom,
    };
    factory.build(&outgoing, credentials, None).unwrap()
}

/// Reads `answer` as the call of `endpoint` does.
fn read(endpoint: Endpoint, answer: &http::Response<Bytes>) {
    match endpoint {
        Endpoint::AdminCreateSession | Endpoint::AdminGetSession => {
            black_box(read_user(answer).unwrap());
        }
        Endpoint::StoreAuthenticate | Endpoint::StoreGetSession => {
            black_box(read_customer(answer).unwrap());
        }
        Endpoint::AdminDeleteSession | Endpoint::StoreDeleteSession => {
            read_ok(answer).unwrap();
        }
        Endpoint::StoreExists => {
            black_box(read_exists(answer).unwrap());
        }
        Endpoint::AdminGetToken | Endpoint::StoreGetToken => {
            black_box(read_access_token(answer, endpoint.side()).unwrap());
        }
    }
}

/// Answers every request at once with a canned response.
struct Canned(http::Response<Bytes>);

#[async_trait::async_trait]
impl HttpTransport for Canned {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        black_box(request);
        Ok(self.0.clone())
    }
}

fn bench(c: &mut Criterion) {
    let factory = factory();
    let none = CustomHeaders::new();
    let password = SecretString::from("supersecret");
    let cookie = http::HeaderValue::from_static(
        "connect.sid=s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw",
    );
    let cookie_credentials = OutgoingCredentials {
        cookie: Some(cookie),
        ..Default::default()
    };
    let admin_jwt = read_access_token(&exchange(15).response(), Side::Admin).unwrap();
    let bearer_credentials = OutgoingCredentials {
        bearer: Some(&admin_jwt),
        ..Default::default()
    };

    let user_answer = exchange(12).response();

    let mut group = c.benchmark_group("get_session");
    group.bench_function("admin build+read, cookie (283-byte answer)", |b| {
        b.iter(|| {
            let request = build(
                &factory,
                Endpoint::AdminGetSession,
                "",
                &password,
                &cookie_credentials,
                &none,
            );
            black_box(request);
            black_box(read_user(black_box(&user_answer)).unwrap())
        })
    });
    group.bench_function("admin build+read, bearer", |b| {
        b.iter(|| {
            let request = build(
                &factory,
                Endpoint::AdminGetSession,
                "",
                &password,
                &bearer_credentials,
                &none,
            );
            black_box(request);
            black_box(read_user(black_box(&user_answer)).unwrap())
        })
    });
    let customer_answer = exchange(43).response();
    group.bench_function("store build+read, cookie (334-byte answer)", |b| {
        b.iter(|| {
            let request = build(
                &factory,
                Endpoint::StoreGetSession,
                "",
                &password,
                &cookie_credentials,
                &none,
            );
            black_box(request);
            black_box(read_customer(black_box(&customer_answer)).unwrap())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("calls");
    let calls: [(Endpoint, &str, u32); 7] = [
        (Endpoint::AdminCreateSession, "admin@example.com", 11),
        (Endpoint::AdminDeleteSession, "", 23),
        (Endpoint::AdminGetToken, "admin@example.com", 15),
        (Endpoint::StoreAuthenticate, "customer@example.com", 36),
        (Endpoint::StoreDeleteSession, "", 60),
        (Endpoint::StoreExists, "plus+tag@example.com", 54),
        (Endpoint::StoreGetToken, "customer@example.com", 45),
    ];
    for (endpoint, email, number) in calls {
        let answer = exchange(number).response();
        group.bench_function(endpoint.name(), |b| {
            b.iter(|| {
                let built = build(
                    &factory,
                    endpoint,
                    email,
                    &password,
                    &cookie_credentials,
                    &none,
                );
                black_box(built);
                read(endpoint, black_box(&answer));
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("cookies");
    let origin = BaseUrl::parse("http://127.0.0.1:9000")
        .unwrap()
        .origin()
        .clone();
    let login = exchange(11).response();
    let now: Timestamp = "2026-11-22T13:08:30Z".parse().unwrap();
    group.bench_function("store Set-Cookie", |b| {
        b.iter(|| {
            let mut jar = CookieJar::new();
            black_box(jar.store_from_response(
                &origin,
                "/admin/auth",
                login.headers(),
                SESSION_COOKIE_NAME,
                now,
            ))
        })
    });
    let mut jar = CookieJar::new();
    jar.store_from_response(
        &origin,
        "/admin/auth",
        login.headers(),
        SESSION_COOKIE_NAME,
        now,
    );
    group.bench_function("Cookie header", |b| {
        b.iter(|| black_box(jar.header_for(&origin, "/admin/auth", now)))
    });
    group.bench_function("JWT expiry", |b| {
        b.iter(|| {
            black_box(
                AccessToken::new(Side::Admin, admin_jwt.secret()).is_expired_at(Timestamp::now()),
            )
        })
    });
    group.finish();

    // A whole call through a session, over a transport that answers at once: the
    // exchange around the build + read above (the lock, the jar, the boxed futures,
    // the transport's copy of the answer), and the fluent builder's own share (the
    // same call sent through the trait method directly, and with a per-call header).
    let mut group = c.benchmark_group("session");
    let mut answer = exchange(12).response();
    answer.headers_mut().remove(http::header::SET_COOKIE);
    let client = Client::builder(Canned(answer))
        .base_url("http://127.0.0.1:9000")
        .build()
        .unwrap();
    let session = client
        .session_with(Credentials::SessionCookie(
            exchange(11).set_cookie_value().unwrap().into(),
        ))
        .unwrap();
    group.bench_function("admin.get_session().await, cookie", |b| {
        b.iter(|| black_box(block_on(session.admin().get_session().into_future()).unwrap()))
    });
    group.bench_function("send_get_session (no builder), cookie", |b| {
        b.iter(|| {
            black_box(block_on(AdminAuthApi::send_get_session(
                &session,
                AdminGetSession::new(),
            )))
            .unwrap()
        })
    });
    group.bench_function("admin.get_session().header(..).await, cookie", |b| {
        b.iter(|| {
            black_box(
                block_on(
                    session
                        .admin()
                        .get_session()
                        .header("x-request-id", "7f2c")
                        .into_future(),
                )
                .unwrap(),
            )
        })
    });
    group.bench_function("get(\"/admin/auth\").await as Value, cookie", |b| {
        b.iter(|| black_box(block_on(session.get("/admin/auth").into_future()).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
