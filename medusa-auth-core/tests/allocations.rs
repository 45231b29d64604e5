//! Heap allocations of the hot path: building a `get_session` request and reading
//! its answer. Counted with dhat's global allocator, so a change that adds work on
//! this path fails here; the timings are in `benches/protocol.rs`.

use std::future::IntoFuture;

use bytes::Bytes;
use medusa_auth_core::internal::{
    CookieJar, Endpoint, Outgoing, OutgoingCredentials, RequestFactory, SESSION_COOKIE_NAME,
    read_user,
};
use medusa_auth_core::{BaseUrl, CustomHeaders, Timestamp};
use medusa_auth_testdata::exchange;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// What one build + read of admin `get_session` with a cookie allocates (6 in 0.1,
/// and still 6 with the route's parts given as an `Outgoing`). The request needs its
/// header map and its cookie value (its URI is parsed once per client, the user
/// agent is static); the answer needs the `User`'s strings (id, email, role,
/// api_token; dates are inline).
const MAX_ALLOCATIONS: u64 = 6;

/// What the whole call allocates: the build + read above, the two boxed futures (the
/// trait's `send_get_session` and the transport's `send`) and the canned answer's
/// copied header map (two blocks). The builder itself adds none.
const MAX_CALL_ALLOCATIONS: u64 = MAX_ALLOCATIONS + 4;

// One test: dhat counts with one profiler at a time.
#[test]
fn the_hot_path_allocates_only_what_the_work_needs() {
    let _profiler = dhat::Profiler::builder().testing().build();
    get_session_build_and_read();
    the_cookie_header_of_one_cookie_allocates_nothing();
    a_whole_call_through_the_fluent_builder();
}

fn get_session_build_and_read() {
    let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap());
    let none = CustomHeaders::new();
    let no_body = Bytes::new();
    let cookie = http::HeaderValue::from_static(
        "connect.sid=s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw",
    );
    let credentials = OutgoingCredentials {
        cookie: Some(cookie),
        ..Default::default()
    };
    let answer = exchange(12).response();
    // The request as a session prepares it for the endpoint.
    let build = || {
        let endpoint = Endpoint::AdminGetSession;
        let method = endpoint.method();
        let path = endpoint.path(None);
        let outgoing = Outgoing {
            method: &method,
            path: &path,
            query: "",
            body: &no_body,
            content_type: None,
            scope: endpoint.scope(),
            custom: &none,
        };
        factory.build(&outgoing, &credentials, None).unwrap()
    };

    // Warm up lazily-initialised state, then count one call.
    let _ = build();
    let before = dhat::HeapStats::get();
    let request = build();
    let user = read_user(&answer).unwrap();
    let after = dhat::HeapStats::get();
    let allocations = after.total_blocks - before.total_blocks;
    let bytes = after.total_bytes - before.total_bytes;
    println!("admin get_session build + read: {allocations} allocations, {bytes} bytes");
    assert_eq!(user.email, "admin@example.com");
    assert_eq!(request.uri(), "http://127.0.0.1:9000/admin/auth");
    assert_eq!(
        request.headers()["cookie"].as_bytes(),
        credentials.cookie.as_ref().unwrap().as_bytes()
    );
    assert!(
        allocations <= MAX_ALLOCATIONS,
        "{allocations} allocations (at most {MAX_ALLOCATIONS})"
    );
}

/// A session with one cookie sends the pair it stored: a reference count, no copy.
fn the_cookie_header_of_one_cookie_allocates_nothing() {
    let base = BaseUrl::parse("http://127.0.0.1:9000").unwrap();
    let login = exchange(11).response();
    let now = exchange(11)
        .response_header("date")
        .and_then(|date| httpdate::parse_http_date(&date).ok())
        .and_then(|date| Timestamp::try_from(date).ok())
        .unwrap();
    let mut jar = CookieJar::new();
    jar.store_from_response(
        base.origin(),
        "/admin/auth",
        login.headers(),
        SESSION_COOKIE_NAME,
        now,
    );
    let before = dhat::HeapStats::get();
    let header = jar.header_for(base.origin(), "/admin/auth", now).unwrap();
    let after = dhat::HeapStats::get();
    assert!(header.as_bytes().starts_with(b"connect.sid=s%3A"));
    assert!(header.is_sensitive());
    assert_eq!(after.total_blocks - before.total_blocks, 0);
}

/// Answers every request at once with a canned response (its clone: a header map and
/// a reference count on the body).
struct Canned(http::Response<Bytes>);

#[async_trait::async_trait]
impl medusa_auth_core::HttpTransport for Canned {
    async fn send(
        &self,
        _request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, medusa_auth_core::TransportError> {
        Ok(self.0.clone())
    }
}

/// The whole of `session.admin().get_session().await` with a cookie, over a
/// transport that answers at once: what the session adds to the build + read above
/// (the boxed futures of the builder and the trait, the lock, the cookie jar, the
/// transport's copy of the answer).
fn a_whole_call_through_the_fluent_builder() {
    let mut answer = exchange(12).response();
    answer.headers_mut().remove(http::header::SET_COOKIE);
    let client = medusa_auth_core::Client::builder(Canned(answer))
        .base_url("http://127.0.0.1:9000")
        .build()
        .unwrap();
    let session = client
        .session_with(medusa_auth_core::Credentials::SessionCookie(
            exchange(11).set_cookie_value().unwrap().into(),
        ))
        .unwrap();
    let call = || futures::executor::block_on(session.admin().get_session().into_future()).unwrap();
    let _ = call();
    let before = dhat::HeapStats::get();
    let user = call();
    let after = dhat::HeapStats::get();
    let allocations = after.total_blocks - before.total_blocks;
    let bytes = after.total_bytes - before.total_bytes;
    println!("admin get_session through the session: {allocations} allocations, {bytes} bytes");
    assert_eq!(user.email, "admin@example.com");
    assert!(
        allocations <= MAX_CALL_ALLOCATIONS,
        "{allocations} allocations (at most {MAX_CALL_ALLOCATIONS})"
    );
}
