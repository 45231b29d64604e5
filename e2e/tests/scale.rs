//! What 10,000 session handles on one client cost in heap, each holding a session
//! cookie, an admin JWT and a store JWT like the recorded ones; counted with dhat's
//! global allocator. The target (issue 6): under 10 MB for all of them.

use medusa_auth_hyper::{AccessToken, Client, Credentials, Side};
use medusa_auth_testdata::exchange;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const HANDLES: usize = 10_000;
const BUDGET_BYTES: usize = 10 * 1024 * 1024;

fn access_token(number: u32) -> String {
    let body: serde_json::Value =
        serde_json::from_slice(exchange(number).response().body()).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn ten_thousand_handles_fit_in_ten_megabytes() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let client = Client::builder()
        .base_url("http://127.0.0.1:9000")
        .build()
        .unwrap();
    let cookie = exchange(11).set_cookie_value().unwrap();
    let (admin_jwt, store_jwt) = (access_token(15), access_token(45));

    let before = dhat::HeapStats::get().curr_bytes;
    let mut handles = Vec::with_capacity(HANDLES);
    for _ in 0..HANDLES {
        let handle = client.session();
        handle
            .set_credentials(Credentials::SessionCookie(cookie.clone().into()))
            .unwrap();
        handle
            .set_credentials(Credentials::Bearer(AccessToken::new(
                Side::Admin,
                admin_jwt.clone().into(),
            )))
            .unwrap();
        handle
            .set_credentials(Credentials::Bearer(AccessToken::new(
                Side::Store,
                store_jwt.clone().into(),
            )))
            .unwrap();
        handles.push(handle);
    }
    let used = dhat::HeapStats::get().curr_bytes - before;
    println!(
        "{HANDLES} session handles with a cookie and two JWTs each: {used} bytes of heap, {} bytes per handle",
        used / HANDLES
    );
    assert!(used < BUDGET_BYTES, "{used} bytes");
    assert!(
        handles
            .iter()
            .all(|h| h.session_cookie().is_some() && h.bearer(Side::Store).is_some())
    );
}
