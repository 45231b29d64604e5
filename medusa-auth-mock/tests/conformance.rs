//! Conformance with the real server: every request of `transcripts.md` (exchanges
//! 1–70, recorded from Medusa 1.20.11) is sent to the fake, in order, with the
//! recorded cookies and JWTs replaced by those the fake issued in the corresponding
//! earlier step; each answer must match the recorded one in status, body shape,
//! headers that matter and cookie behaviour. The clock is set to each exchange's
//! recorded `Date`, so `Date` and the cookie's `Expires` match to the second.
//!
//! The replay runs in memory, and over loopback HTTP with the feature `server`.
//! The production-mode appendix is replayed against a production fake.

#[cfg(feature = "server")]
#[path = "support/http_client.rs"]
mod http_client;

use std::collections::HashMap;
use std::future::Future;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use medusa_auth_core::{AccessToken, HttpTransport, Side, Timestamp, TokenClaims};
use medusa_auth_mock::{FakeMedusa, ManualClock, Seed};
use medusa_auth_testdata::{Exchange, exchange, exchanges, production};
use serde_json::Value;

/// Headers whose presence and value must be as recorded.
const SAME_HEADERS: [&str; 11] = [
    "x-powered-by",
    "vary",
    "access-control-allow-credentials",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "content-type",
    "content-security-policy",
    "x-content-type-options",
    "transfer-encoding",
    "date",
];

/// JSON keys whose values must be as recorded (ids, dates and tokens vary per run).
const SAME_VALUES: [&str; 16] = [
    "type",
    "message",
    "code",
    "exists",
    "email",
    "role",
    "first_name",
    "last_name",
    "api_token",
    "metadata",
    "has_account",
    "deleted_at",
    "billing_address_id",
    "phone",
    "orders",
    "shipping_addresses",
];

fn transcript_fake(clock: &ManualClock, production: bool) -> FakeMedusa {
    FakeMedusa::builder()
        .seed(&Seed::transcript())
        .clock(clock.clone())
        .admin_cors(["http://localhost:7001"])
        .production(production)
        .build()
}

/// An HTTP-date as a [`Timestamp`].
fn http_date(date: &str) -> Timestamp {
    Timestamp::try_from(httpdate::parse_http_date(date).unwrap()).unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn set_cookie_value(headers: &HeaderMap) -> Option<String> {
    let header = header(headers, "set-cookie")?;
    header
        .split(';')
        .next()?
        .strip_prefix("connect.sid=")
        .map(str::to_owned)
}

fn cookie_attributes(headers: &HeaderMap) -> Option<String> {
    header(headers, "set-cookie").map(|h| h.split_once(';').map_or("", |(_, rest)| rest).to_owned())
}

fn request_cookie(request: &Request<Bytes>) -> Option<String> {
    let header = header(request.headers(), "cookie")?;
    header.strip_prefix("connect.sid=").map(str::to_owned)
}

/// The same JSON keys everywhere, and the same values under [`SAME_VALUES`]; a
/// JWT's claims are compared instead of its value.
fn same_shape(path: &str, recorded: &Value, fake: &Value) -> Result<(), String> {
    match (recorded, fake) {
        (Value::Object(r), Value::Object(f)) => {
            let rk: Vec<&String> = r.keys().collect();
            let fk: Vec<&String> = f.keys().collect();
            if rk != fk {
                return Err(format!("{path}: keys {rk:?} vs {fk:?}"));
            }
            for (key, value) in r {
                let inner = format!("{path}.{key}");
                if key == "access_token" {
                    same_claims(value, &f[key])?;
                } else if SAME_VALUES.contains(&key.as_str()) {
                    if value != &f[key] {
                        return Err(format!("{inner}: {value} vs {}", f[key]));
                    }
                } else {
                    same_shape(&inner, value, &f[key])?;
                }
            }
            Ok(())
        }
        (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Null, Value::Null) => Ok(()),
        (Value::Array(r), Value::Array(f)) if r.len() == f.len() => r
            .iter()
            .zip(f)
            .try_for_each(|(r, f)| same_shape(path, r, f)),
        _ => Err(format!("{path}: {recorded} vs {fake}")),
    }
}

fn same_claims(recorded: &Value, fake: &Value) -> Result<(), String> {
    let claims = |token: &Value| {
        let token = token.as_str().unwrap_or_default().to_owned();
        AccessToken::new(Side::Admin, token.into()).claims()
    };
    let (Some(r), Some(f)) = (claims(recorded), claims(fake)) else {
        return Err("access_token is not a JWT".into());
    };
    let lifetime = |c: &TokenClaims| c.exp.zip(c.iat).map(|(e, i)| e.as_second() - i.as_second());
    if r.domain != f.domain
        || r.user_id.is_some() != f.user_id.is_some()
        || r.customer_id.is_some() != f.customer_id.is_some()
        || lifetime(&r) != lifetime(&f)
        || r.iat != f.iat
    {
        return Err(format!("claims {r:?} vs {f:?}"));
    }
    Ok(())
}

/// Compares one answer of the fake with the recorded one.
fn compare(
    recorded: &Response<Bytes>,
    fake: &Response<Bytes>,
    recorded_sent_cookie: Option<&str>,
    fake_sent_cookie: Option<&str>,
    over_http: bool,
) -> Result<(), String> {
    if recorded.status() != fake.status() {
        return Err(format!("status {} vs {}", recorded.status(), fake.status()));
    }
    for name in SAME_HEADERS {
        let (r, f) = (
            header(recorded.headers(), name),
            header(fake.headers(), name),
        );
        if r != f {
            return Err(format!("header {name}: {r:?} vs {f:?}"));
        }
    }
    for name in ["content-length", "etag"] {
        // hyper's server never writes a Content-Length on a 204 (Express writes
        // `Content-Length: 0`); the in-memory answer has it.
        if over_http && name == "content-length" && recorded.status() == 204 {
            continue;
        }
        let (r, f) = (
            recorded.headers().contains_key(name),
            fake.headers().contains_key(name),
        );
        if r != f {
            return Err(format!("header {name} present: {r} vs {f}"));
        }
    }
    // The body.
    let content_type = header(recorded.headers(), "content-type").unwrap_or_default();
    if content_type.starts_with("application/json") {
        let r: Value = serde_json::from_slice(recorded.body()).map_err(|e| e.to_string())?;
        let f: Value = serde_json::from_slice(fake.body())
            .map_err(|_| "the fake's body is not JSON".to_owned())?;
        same_shape("body", &r, &f)?;
    } else if recorded.body().windows(6).any(|w| w == b"&nbsp;") {
        // A development error page: a stack trace that names the recording
        // machine's paths. The first line must be the same.
        let first_line = |body: &[u8]| {
            let text = String::from_utf8_lossy(body).into_owned();
            text.split("<pre>")
                .nth(1)
                .and_then(|t| t.split("<br>").next())
                .map(str::to_owned)
        };
        if first_line(recorded.body()) != first_line(fake.body()) {
            return Err(format!(
                "error page {:?} vs {:?}",
                first_line(recorded.body()),
                first_line(fake.body())
            ));
        }
    } else if recorded.body() != fake.body() {
        return Err(format!(
            "body {:?} vs {:?}",
            String::from_utf8_lossy(recorded.body()),
            String::from_utf8_lossy(fake.body())
        ));
    }
    // The cookie.
    let (r, f) = (
        set_cookie_value(recorded.headers()),
        set_cookie_value(fake.headers()),
    );
    match (&r, &f) {
        (None, None) => {}
        (Some(r), Some(f)) => {
            if cookie_attributes(recorded.headers()) != cookie_attributes(fake.headers()) {
                return Err(format!(
                    "cookie attributes {:?} vs {:?}",
                    cookie_attributes(recorded.headers()),
                    cookie_attributes(fake.headers())
                ));
            }
            if !f.starts_with("s%3A") || f.len() < 40 {
                return Err("the fake's cookie is not a signed session id".into());
            }
            let recorded_kept = Some(r.as_str()) == recorded_sent_cookie;
            let fake_kept = Some(f.as_str()) == fake_sent_cookie;
            if recorded_kept != fake_kept {
                return Err(format!("same sid re-sent: {recorded_kept} vs {fake_kept}"));
            }
        }
        _ => {
            return Err(format!(
                "Set-Cookie present: {} vs {}",
                r.is_some(),
                f.is_some()
            ));
        }
    }
    Ok(())
}

/// Replays exchanges 1–70 through `send`, returning the failures.
async fn replay<F, Fut>(clock: &ManualClock, over_http: bool, send: F) -> Vec<String>
where
    F: Fn(Request<Bytes>) -> Fut,
    Fut: Future<Output = Response<Bytes>>,
{
    // Recorded cookie values and JWTs → those the fake issued.
    let mut issued: HashMap<String, String> = HashMap::new();
    let mut failures = Vec::new();
    for number in 1..=70 {
        let exchange: &Exchange = exchange(number);
        let mut request = exchange.request().expect("a recorded request");
        let recorded = exchange.response();
        let recorded_sent_cookie = request_cookie(&request);
        request.headers_mut().remove("host");
        if let Some(cookie) = &recorded_sent_cookie {
            if let Some(value) = issued.get(cookie) {
                let header = format!("connect.sid={value}").parse().unwrap();
                request.headers_mut().insert("cookie", header);
            }
        }
        let bearer = header(request.headers(), "authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
            .map(str::to_owned);
        if let Some(token) = bearer.and_then(|t| issued.get(&t)) {
            let header = format!("Bearer {token}").parse().unwrap();
            request.headers_mut().insert("authorization", header);
        }
        let fake_sent_cookie = request_cookie(&request);
        if let Some(date) = header(recorded.headers(), "date") {
            clock.set(http_date(date));
        }
        let answer = send(request).await;
        if let Err(why) = compare(
            &recorded,
            &answer,
            recorded_sent_cookie.as_deref(),
            fake_sent_cookie.as_deref(),
            over_http,
        ) {
            failures.push(format!("exchange {number} ({}): {why}", exchange.title));
        }
        if let (Some(r), Some(f)) = (
            set_cookie_value(recorded.headers()),
            set_cookie_value(answer.headers()),
        ) {
            issued.insert(r, f);
        }
        let token = |body: &[u8]| {
            serde_json::from_slice::<Value>(body).ok().and_then(|v| {
                v.get("access_token")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
        };
        if let (Some(r), Some(f)) = (token(recorded.body()), token(answer.body())) {
            issued.insert(r, f);
        }
    }
    failures
}

#[tokio::test]
async fn the_fake_in_memory_answers_every_recorded_request_as_the_real_server() {
    let clock = ManualClock::default();
    let fake = transcript_fake(&clock, false);
    let transport = fake.transport();
    let failures = replay(&clock, false, |request| {
        let transport = transport.clone();
        async move { transport.send(request).await.expect("no fault is set") }
    })
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(fake.received_total(), 70);
    // Exchanges 30, 34 and 35 created customers, as on the real server.
    for email in [
        "new.customer@example.com",
        "plus+tag@example.com",
        "slash/name@example.com",
    ] {
        assert!(fake.customer_id(email).is_some(), "{email}");
    }
}

#[cfg(feature = "server")]
#[tokio::test]
async fn the_fake_over_http_answers_every_recorded_request_as_the_real_server() {
    let clock = ManualClock::default();
    let fake = transcript_fake(&clock, false);
    let server = fake.start_server().await.unwrap();
    let transport = http_client::HyperTestTransport::new();
    let base = server.url().to_owned();
    let failures = replay(&clock, true, |mut request| {
        let transport = transport.clone();
        let uri = format!("{base}{}", request.uri());
        *request.uri_mut() = uri.parse().unwrap();
        async move { transport.send(request).await.expect("an answer") }
    })
    .await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(fake.received_total(), 70);
}

/// The requests of the production-mode appendix (not recorded there: the same
/// requests as the numbered exchanges, the second with `X-Forwarded-Proto`).
fn production_requests() -> Vec<(&'static str, Request<Bytes>)> {
    let login = || exchange(11).request().unwrap();
    let mut behind_proxy = login();
    behind_proxy
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().unwrap());
    vec![
        ("production mode: POST /admin/auth", login()),
        ("POST /admin/auth with X-Forwarded-Proto", behind_proxy),
        ("malformed JSON", exchange(7).request().unwrap()),
        ("GET /health", exchange(1).request().unwrap()),
    ]
}

#[tokio::test]
async fn a_production_fake_answers_as_the_recorded_production_server() {
    assert_eq!(exchanges().iter().filter(|e| e.number == 0).count(), 4);
    let clock = ManualClock::default();
    let fake = transcript_fake(&clock, true);
    let transport = fake.transport();
    let mut failures = Vec::new();
    for (needle, request) in production_requests() {
        let recorded = production(needle).response();
        if let Some(date) = header(recorded.headers(), "date") {
            clock.set(http_date(date));
        }
        let answer = transport.send(request).await.unwrap();
        if let Err(why) = compare(&recorded, &answer, None, None, false) {
            failures.push(format!("{needle}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The error page of production mode is the recorded one, byte for byte.
    let page = transport
        .send(exchange(7).request().unwrap())
        .await
        .unwrap();
    assert_eq!(page.body(), production("malformed JSON").response().body());
}
