//! Heap allocations of the hot path: building a `get_session` request and reading
//! its answer. Counted with dhat's global allocator, so a change that adds work on
//! this path fails here; the timings are in `benches/protocol.rs`.

use medusa_auth_core::response::read_user;
use medusa_auth_core::{AuthRequest, BaseUrl, CustomHeaders, OutgoingCredentials, RequestFactory};
use medusa_auth_testdata::exchange;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// What one build + read of admin `get_session` with a cookie allocates today. The
/// request needs its header map and its cookie value (its URI is parsed once per
/// client, the user agent is static); the answer needs the `User`'s strings (id,
/// email, role, api_token; dates are inline).
const MAX_ALLOCATIONS: u64 = 6;

// One test: dhat counts with one profiler at a time.
#[test]
fn the_hot_path_allocates_only_what_the_work_needs() {
    let _profiler = dhat::Profiler::builder().testing().build();
    get_session_build_and_read();
    the_cookie_header_of_one_cookie_allocates_nothing();
}

fn get_session_build_and_read() {
    let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap());
    let none = CustomHeaders::new();
    let cookie = http::HeaderValue::from_static(
        "connect.sid=s%3A1FFHN3SHHmZ8ylsAD1Wb-ljQyinjaHzn.LRAzoIHUzA2m6zqjsv9kSFRtCW0kIL8kE2knhjx3FZw",
    );
    let credentials = OutgoingCredentials {
        cookie: Some(cookie),
        ..Default::default()
    };
    let answer = exchange(12).response();

    // Warm up lazily-initialised state, then count one call.
    let _ = factory
        .build(&AuthRequest::AdminGetSession, &credentials, &none, None)
        .unwrap();
    let before = dhat::HeapStats::get();
    let request = factory
        .build(&AuthRequest::AdminGetSession, &credentials, &none, None)
        .unwrap();
    let user = read_user(&answer).unwrap();
    let after = dhat::HeapStats::get();
    let allocations = after.total_blocks - before.total_blocks;
    let bytes = after.total_bytes - before.total_bytes;
    println!("admin get_session build + read: {allocations} allocations, {bytes} bytes");
    assert_eq!(user.email, "admin@example.com");
    assert_eq!(request.uri(), "http://127.0.0.1:9000/admin/auth");
    assert!(
        allocations <= MAX_ALLOCATIONS,
        "{allocations} allocations (at most {MAX_ALLOCATIONS})"
    );
}

/// A handle with one cookie sends the pair it stored: a reference count, no copy.
fn the_cookie_header_of_one_cookie_allocates_nothing() {
    use medusa_auth_core::cookies::{CookieJar, SESSION_COOKIE_NAME};
    let base = BaseUrl::parse("http://127.0.0.1:9000").unwrap();
    let login = exchange(11).response();
    let now = medusa_auth_testdata::exchange(11)
        .response_header("date")
        .and_then(|date| httpdate::parse_http_date(&date).ok())
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
