//! Seed inputs for each target, made from the recorded exchanges of
//! transcripts.md (testdata/fixtures, copied from the real Medusa 1.20.11 server's
//! transcripts) and a few edge cases written by hand.

use medusa_auth_testdata::{Exchange, exchanges};

use crate::input::render_response;
use crate::targets::client_calls::{FirstCall, SEPARATOR, selector};

/// Every recorded response.
pub(crate) fn responses() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = exchanges()
        .iter()
        .map(|e| render_response(&e.response()))
        .collect();
    seeds.extend(
        [
            "200\ncontent-type: text/html\n\n<html><pre>Cannot GET</pre></html>",
            "401\n\nUnauthorized",
            "413\ncontent-type: application/json\n\n{\"type\":\"invalid_data\",\"message\":\"too large\"}",
            "200\ncontent-type: application/json\n\n{\"access_token\":\"a.b.c\"}",
            "200\n\n{\"exists\":null}",
            "204\n\n",
        ]
        .map(|s| s.as_bytes().to_vec()),
    );
    seeds
}

/// Every recorded `Set-Cookie` line, from a few origins and paths, and edge cases.
pub(crate) fn set_cookie() -> Vec<Vec<u8>> {
    let mut lines: Vec<String> = exchanges()
        .iter()
        .filter_map(|e| e.response_header("set-cookie"))
        .collect();
    lines.sort();
    lines.dedup();
    lines.extend(
        [
            "connect.sid=s%3Aabc.def; Path=/; Secure; HttpOnly",
            "connect.sid=s%3Aabc.def; Path=/; Max-Age=0",
            "connect.sid=s%3Aabc.def; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "connect.sid=s%3Aabc.def; Max-Age=99999999999999999999",
            "connect.sid=s%3Aabc.def; Path=/store; Domain=other.example.com",
            "other=value; Path=/admin/auth\nconnect.sid=s%3Ax.y; Path=/",
        ]
        .map(str::to_owned),
    );
    let mut seeds = Vec::new();
    for line in &lines {
        for (origin, path) in [(0u8, 0u8), (1, 1), (3, 0), (6, 3)] {
            let mut seed = vec![origin, path, 0, 0, 0, 0];
            seed.extend_from_slice(line.as_bytes());
            seeds.push(seed);
        }
    }
    seeds
}

/// Retry-After values: seconds, dates before and after the moment, nonsense.
pub(crate) fn retry_after() -> Vec<Vec<u8>> {
    [
        "2",
        "0",
        "300",
        "301",
        "-1",
        " 7 ",
        "99999999999999999999",
        "Sun, 22 Nov 2026 13:08:39 GMT",
        "Sun, 22 Nov 2026 13:08:19 GMT",
        "Sunday, 22-Nov-26 13:08:39 GMT",
        "Sun Nov 22 13:08:39 2026",
        "soon",
    ]
    .iter()
    .map(|value| {
        let mut seed = vec![0, 0, 0, 0];
        seed.extend_from_slice(value.as_bytes());
        seed
    })
    .collect()
}

/// Each call answered with every recorded response to it, then a recorded
/// `get_session` of its side; and once more with retries, after a 503. The first
/// recorded answer of each call also starts two scripts that go on to the route
/// requests: with an API token and a per-call header, answered as those routes
/// answer; and with retries, answered with errors.
pub(crate) fn client_calls() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for call in FirstCall::ALL {
        let (method, path_start, exact) = request_of(call);
        let answers: Vec<&Exchange> = exchanges()
            .iter()
            .filter(|e| {
                e.request().is_some_and(|request| {
                    let path = request.uri().path();
                    request.method() == method
                        && if exact {
                            path == path_start
                        } else {
                            path.starts_with(path_start)
                        }
                })
            })
            .collect();
        let side_path = if path_start.starts_with("/admin") {
            "/admin/auth"
        } else {
            "/store/auth"
        };
        let follow_up = exchanges().iter().find(|e| {
            e.response().status() == 200
                && e.request()
                    .is_some_and(|r| r.method() == "GET" && r.uri().path() == side_path)
        });
        for (number, answer) in answers.iter().enumerate() {
            let mut variants = vec![(false, false, false, None), (true, false, true, None)];
            if number == 0 {
                variants.push((false, true, false, Some(route_answers())));
                variants.push((true, false, false, Some(route_errors())));
            }
            for (retries, api_token, then_logout, routes) in variants {
                let call_header = routes.is_some() && api_token;
                let mut seed = vec![selector(call, retries, api_token, then_logout, call_header)];
                if retries {
                    seed.extend_from_slice(b"503\nretry-after: 1\n\n");
                    seed.extend_from_slice(SEPARATOR);
                }
                seed.extend(render_response(&answer.response()));
                if let Some(follow_up) = follow_up {
                    seed.extend_from_slice(SEPARATOR);
                    seed.extend(render_response(&follow_up.response()));
                }
                for route_answer in routes.into_iter().flatten() {
                    seed.extend_from_slice(SEPARATOR);
                    seed.extend(route_answer);
                }
                seeds.push(seed);
            }
        }
    }
    seeds
}

/// Answers to the route requests of `client_calls` (in their order: admin users, a
/// store customer made, a line item deleted, health) as those routes give them.
pub(crate) fn route_answers() -> Vec<Vec<u8>> {
    let customer = exchanges()
        .iter()
        .map(Exchange::response)
        .find(|r| r.status() == 200 && r.body().starts_with(b"{\"customer\""))
        .map(|r| render_response(&r))
        .unwrap_or_else(|| b"200\n\n{\"customer\":{}}".to_vec());
    vec![
        b"200\ncontent-type: application/json; charset=utf-8\n\n{\"users\":[],\"count\":0,\"offset\":0,\"limit\":10}".to_vec(),
        customer,
        b"204\n\n".to_vec(),
        b"200\ncontent-type: application/json\n\ntrue".to_vec(),
    ]
}

/// Error answers to the route requests of `client_calls` (retried where retryable).
pub(crate) fn route_errors() -> Vec<Vec<u8>> {
    [
        "401\ncontent-type: text/plain\n\nUnauthorized",
        "409\ncontent-type: application/json\n\n{\"type\":\"duplicate_error\",\"message\":\"exists\"}",
        "400\ncontent-type: application/json\n\n{\"type\":\"invalid_data\",\"message\":\"bad\"}",
        "404\ncontent-type: text/html\n\n<html><pre>Cannot DELETE /store/carts</pre></html>",
        "503\nretry-after: 1\n\n",
        "200\ncontent-type: text/html\n\n<html>ok</html>",
    ]
    .map(|s| s.as_bytes().to_vec())
    .to_vec()
}

/// The method and path (exact, or a prefix) of a call's requests in the transcript.
fn request_of(call: FirstCall) -> (&'static str, &'static str, bool) {
    match call {
        FirstCall::AdminCreateSession => ("POST", "/admin/auth", true),
        FirstCall::AdminGetSession => ("GET", "/admin/auth", true),
        FirstCall::AdminDeleteSession => ("DELETE", "/admin/auth", true),
        FirstCall::AdminGetToken => ("POST", "/admin/auth/token", true),
        FirstCall::StoreAuthenticate => ("POST", "/store/auth", true),
        FirstCall::StoreGetSession => ("GET", "/store/auth", true),
        FirstCall::StoreDeleteSession => ("DELETE", "/store/auth", true),
        FirstCall::StoreExists => ("GET", "/store/auth/", false),
        FirstCall::StoreGetToken => ("POST", "/store/auth/token", true),
    }
}
