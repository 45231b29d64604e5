//! The pure core's cost per call: building each of the nine requests and reading
//! its recorded answer (testdata/fixtures/transcripts.md), and the cookie jar.
//!
//! `cargo bench -p medusa-auth-core --bench protocol`
//!
//! The heap allocations of the same work are counted in `tests/allocations.rs`.

// criterion_group! generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{Criterion, criterion_group, criterion_main};
use medusa_auth_core::cookies::{CookieJar, SESSION_COOKIE_NAME};
use medusa_auth_core::response::{
    read_access_token, read_customer, read_exists, read_ok, read_user,
};
use medusa_auth_core::{
    AccessToken, AuthRequest, BaseUrl, CustomHeaders, OutgoingCredentials, RequestFactory,
    SecretString, Side,
};
use medusa_auth_testdata::exchange;

fn factory() -> RequestFactory {
    RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
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
            let request = factory
                .build(
                    &AuthRequest::AdminGetSession,
                    &cookie_credentials,
                    &none,
                    None,
                )
                .unwrap();
            black_box(request);
            black_box(read_user(black_box(&user_answer)).unwrap())
        })
    });
    group.bench_function("admin build+read, bearer", |b| {
        b.iter(|| {
            let request = factory
                .build(
                    &AuthRequest::AdminGetSession,
                    &bearer_credentials,
                    &none,
                    None,
                )
                .unwrap();
            black_box(request);
            black_box(read_user(black_box(&user_answer)).unwrap())
        })
    });
    let customer_answer = exchange(43).response();
    group.bench_function("store build+read, cookie (334-byte answer)", |b| {
        b.iter(|| {
            let request = factory
                .build(
                    &AuthRequest::StoreGetSession,
                    &cookie_credentials,
                    &none,
                    None,
                )
                .unwrap();
            black_box(request);
            black_box(read_customer(black_box(&customer_answer)).unwrap())
        })
    });
    group.finish();

    let mut group = c.benchmark_group("calls");
    let calls: [(&str, AuthRequest<'_>, u32); 7] = [
        (
            "admin.create_session",
            AuthRequest::AdminCreateSession {
                email: "admin@example.com",
                password: &password,
            },
            11,
        ),
        ("admin.delete_session", AuthRequest::AdminDeleteSession, 23),
        (
            "admin.get_token",
            AuthRequest::AdminGetToken {
                email: "admin@example.com",
                password: &password,
            },
            15,
        ),
        (
            "store.authenticate",
            AuthRequest::StoreAuthenticate {
                email: "customer@example.com",
                password: &password,
            },
            36,
        ),
        ("store.delete_session", AuthRequest::StoreDeleteSession, 60),
        (
            "store.exists",
            AuthRequest::StoreExists {
                email: "plus+tag@example.com",
            },
            54,
        ),
        (
            "store.get_token",
            AuthRequest::StoreGetToken {
                email: "customer@example.com",
                password: &password,
            },
            45,
        ),
    ];
    for (name, request, number) in calls {
        let answer = exchange(number).response();
        group.bench_function(name, |b| {
            b.iter(|| {
                let built = factory
                    .build(&request, &cookie_credentials, &none, None)
                    .unwrap();
                black_box(built);
                match request.call().side() {
                    _ if request.call().is_logout() => {
                        black_box(read_ok(&answer).map(|_| 0)).unwrap()
                    }
                    _ if matches!(request, AuthRequest::StoreExists { .. }) => {
                        black_box(read_exists(&answer).map(|_| 0)).unwrap()
                    }
                    _ if request.login().is_some() && !request.call().is_login() => {
                        black_box(read_access_token(&answer, request.call().side()).map(|_| 0))
                            .unwrap()
                    }
                    Side::Admin => black_box(read_user(&answer).map(|_| 0)).unwrap(),
                    Side::Store => black_box(read_customer(&answer).map(|_| 0)).unwrap(),
                }
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
    let now = httpdate::parse_http_date("Sun, 22 Nov 2026 13:08:30 GMT").unwrap();
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
                AccessToken::new(Side::Admin, admin_jwt.secret()).is_expired_at(SystemTime::now()),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
