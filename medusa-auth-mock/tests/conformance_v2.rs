//! Conformance with the real Medusa 2.21.2: every recorded exchange of the v2
//! `transcripts.md` (1–146 in development mode, then 147–156 after a restart in
//! production mode) is sent to the fake, in order, seeded like the recorded server,
//! with the recorded JWTs, cookies, keys and ids replaced by those the fake issued
//! in the corresponding earlier step. The clock is set to each exchange's recorded
//! `Date`, so dates, cookie expiries and JWT `iat`/`exp` match to the second.
//!
//! Each answer must match the recorded one:
//! - the status, and every header that matters (same value) in the same order;
//! - the body byte for byte once the recorded ids, keys and tokens are replaced by
//!   the fake's and ISO dates are blanked (the recorded server's rows were made at
//!   other instants). A recorded JWT is replaced by the fake's signature of the same
//!   claims (ids replaced): the fake signs with the recorded secret, so its token
//!   for the same claims is the recorded one byte for byte; the ETag too, when the
//!   body needed no replacement;
//! - the cookie: present or not, the same attributes, a signed `s%3A…` value.
//!
//! How recorded values are mapped onto the fake's: the seeded ids and keys up
//! front; afterwards whatever an answer shows (ids, tokens, keys, cookies) by
//! walking the recorded and the fake's JSON side by side. Password-reset tokens are
//! never in an answer (a real server sends them in an event): the n-th distinct
//! reset token the recording uses for an identity and actor type is the n-th the
//! fake issued for them; the recorded #106 ("a correctly signed reset JWT whose jti
//! was never issued") has no counterpart and is sent as recorded (it is signed with
//! the recorded secret, which is the fake's). The tampered cookie of #66 becomes
//! the fake's cookie with its last character changed, the unsigned id of #67 the
//! fake's session id. Tokens the recording made itself (expired #84/#85, another
//! secret #86, `alg: none` #87), garbage values and unknown keys are sent as
//! recorded. #95 carries a reset token in its query and body, which the server
//! ignores; they are left as recorded.
//!
//! Nothing is skipped. The js-sdk appendix (what the SDK sent, with elided
//! headers) is no `http` exchange and is not replayed here; `fake_v2.rs` checks
//! the answers it shows.

#[cfg(feature = "server")]
#[path = "support/http_client.rs"]
mod http_client;

use std::collections::HashMap;
use std::future::Future;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response};
use medusa_auth_core::{ExposeSecret, HttpTransport, Timestamp};
use medusa_auth_mock::{FakeMedusaV2, ManualClock, SeedV2};
use medusa_auth_testdata::v2::{self, Exchange};
use serde_json::Value;

/// Headers whose presence and value must be as recorded.
const SAME_HEADERS: [&str; 13] = [
    "x-powered-by",
    "vary",
    "access-control-allow-credentials",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "content-type",
    "content-length",
    "content-security-policy",
    "x-content-type-options",
    "allow",
    "date",
    "set-cookie",
];

/// JSON keys whose string values are ids, keys or tokens: learnt, then replaced.
const LEARNT: [&str; 10] = [
    "id",
    "token",
    "redacted",
    "actor_id",
    "auth_identity_id",
    "user_id",
    "customer_id",
    "created_by",
    "revoked_by",
    "sales_channel_id",
];

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn http_date(date: &str) -> Timestamp {
    Timestamp::try_from(httpdate::parse_http_date(date).unwrap()).unwrap()
}

/// The payload of a JWT, as text.
fn jwt_payload(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (_, payload) = (parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    String::from_utf8(bytes).ok()
}

fn is_jwt(text: &str) -> bool {
    text.starts_with("eyJ") && text.matches('.').count() == 2
}

/// ISO-8601 dates with milliseconds (`2026-12-01T14:01:03.921Z`) blanked.
fn blank_dates(text: &str) -> String {
    let bytes = text.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd.dddZ";
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < bytes.len() {
        let window = bytes.get(index..index + shape.len());
        let is_date = window.is_some_and(|w| {
            w.iter().zip(shape).all(|(&b, &s)| match s {
                b'd' => b.is_ascii_digit(),
                s => b == s,
            })
        });
        if is_date {
            out.push_str("<date>");
            index += shape.len();
        } else {
            let c = text[index..].chars().next().unwrap();
            out.push(c);
            index += c.len_utf8();
        }
    }
    out
}

/// The names of the response headers that matter, in order (Node's own
/// `Connection`/`Keep-Alive` left out).
fn header_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .keys()
        .map(|k| k.as_str().to_owned())
        .filter(|k| k != "connection" && k != "keep-alive")
        .collect()
}

struct Replay {
    fake: FakeMedusaV2,
    clock: ManualClock,
    over_http: bool,
    /// Recorded value → the fake's (ids, keys, tokens, cookie values).
    map: HashMap<String, String>,
    /// The distinct recorded reset tokens, by (entity, actor type), in order of use.
    resets: HashMap<(String, String), Vec<String>>,
    failures: Vec<String>,
}

impl Replay {
    fn new(fake: FakeMedusaV2, clock: ManualClock, over_http: bool) -> Self {
        let mut map = HashMap::new();
        // What the recorded server was seeded with (its JWTs of exchanges 2 and 13
        // name the users and identities; the keys are in the transcript's header and
        // requests, the secret key's id in exchange 113).
        let claims = |n: u32| {
            let body: Value = serde_json::from_slice(v2::exchange(n).response().body()).unwrap();
            let payload = jwt_payload(body["token"].as_str().unwrap()).unwrap();
            serde_json::from_str::<Value>(&payload).unwrap()
        };
        let (admin, customer) = (claims(2), claims(13));
        let seeded = [
            (
                admin["actor_id"].as_str().unwrap().to_owned(),
                fake.admin_id("admin@example.com").unwrap(),
            ),
            (
                admin["auth_identity_id"].as_str().unwrap().to_owned(),
                fake.auth_identity_id("admin@example.com").unwrap(),
            ),
            (
                customer["actor_id"].as_str().unwrap().to_owned(),
                fake.customer_id("customer@example.com").unwrap(),
            ),
            (
                customer["auth_identity_id"].as_str().unwrap().to_owned(),
                fake.auth_identity_id("customer@example.com").unwrap(),
            ),
            (
                header(
                    v2::exchange(30).request().unwrap().headers(),
                    "x-publishable-api-key",
                )
                .unwrap()
                .to_owned(),
                fake.publishable_key(),
            ),
            (
                v2::exchange(115).request().unwrap().headers()["authorization"]
                    .to_str()
                    .unwrap()
                    .strip_prefix("Basic ")
                    .unwrap()
                    .to_owned(),
                fake.secret_key().expose_secret().to_owned(),
            ),
            (
                "apk_01M8RYHX73KVVCW4NNCN3MP79B".to_owned(),
                fake.secret_key_id(),
            ),
        ];
        map.extend(seeded);
        Replay {
            fake,
            clock,
            over_http,
            map,
            resets: HashMap::new(),
            failures: Vec::new(),
        }
    }

    /// `text` with every recorded value replaced by the fake's.
    fn substitute(&self, text: &str) -> String {
        let mut pairs: Vec<(&String, &String)> = self.map.iter().collect();
        pairs.sort_by_key(|(r, _)| std::cmp::Reverse(r.len()));
        let mut out = text.to_owned();
        for (recorded, fake) in pairs {
            if out.contains(recorded.as_str()) {
                out = out.replace(recorded.as_str(), fake);
            }
        }
        out
    }

    /// The fake's counterpart of a recorded bearer token, when there is one.
    fn bearer(&mut self, token: &str) -> Option<String> {
        if let Some(mapped) = self.map.get(token) {
            return Some(mapped.clone());
        }
        let payload: Value = serde_json::from_str(&jwt_payload(token)?).ok()?;
        if payload["purpose"] != "reset" {
            return None;
        }
        let entity = payload["entity_id"].as_str()?.to_owned();
        let actor = payload["actor_type"].as_str()?.to_owned();
        let seen = self
            .resets
            .entry((entity.clone(), actor.clone()))
            .or_default();
        if !seen.iter().any(|t| t == token) {
            seen.push(token.to_owned());
        }
        let index = seen.iter().position(|t| t == token)?;
        let issued: Vec<String> = self
            .fake
            .reset_tokens(&entity)
            .into_iter()
            .filter(|t| {
                jwt_payload(t)
                    .and_then(|p| serde_json::from_str::<Value>(&p).ok())
                    .is_some_and(|p| p["actor_type"] == actor.as_str())
            })
            .collect();
        let mapped = issued.get(index)?.clone();
        self.map.insert(token.to_owned(), mapped.clone());
        Some(mapped)
    }

    /// The fake's counterpart of a recorded cookie value (tampered and unsigned
    /// variants of known ones included).
    fn cookie(&self, value: &str) -> Option<String> {
        if let Some(mapped) = self.map.get(value) {
            return Some(mapped.clone());
        }
        for (recorded, fake) in &self.map {
            let Some(sid) = recorded.strip_prefix("s%3A") else {
                continue;
            };
            // The session id alone (unsigned).
            if sid.split('.').next() == Some(value) {
                return fake
                    .strip_prefix("s%3A")
                    .and_then(|s| s.split('.').next())
                    .map(str::to_owned);
            }
            // The signature's last character changed.
            if recorded.len() == value.len()
                && recorded[..recorded.len() - 1] == value[..value.len() - 1]
            {
                let mut tampered = fake.clone();
                let last = tampered.pop()?;
                tampered.push(if last == 'x' { 'y' } else { 'x' });
                return Some(tampered);
            }
        }
        None
    }

    /// The recorded request, made the fake's.
    fn request(&mut self, exchange: &Exchange) -> Request<Bytes> {
        let mut request = exchange.request().expect("a recorded request");
        let headers = request.headers_mut();
        headers.remove("host");
        if let Some(value) = header(headers, "authorization").map(str::to_owned) {
            let (scheme, credential) = value.split_once(' ').unwrap_or((&value, ""));
            let replaced = if scheme.eq_ignore_ascii_case("bearer") {
                self.bearer(credential)
                    .or_else(|| self.map.get(credential).cloned())
            } else if scheme.eq_ignore_ascii_case("basic") {
                self.basic(credential)
            } else {
                None
            };
            if let Some(replaced) = replaced {
                let value = HeaderValue::from_str(&format!("{scheme} {replaced}")).unwrap();
                request.headers_mut().insert("authorization", value);
            }
        }
        let headers = request.headers_mut();
        if let Some(cookie) = header(headers, "cookie").map(str::to_owned) {
            let value = cookie
                .strip_prefix("connect.sid=")
                .unwrap_or(&cookie)
                .to_owned();
            if let Some(mapped) = self.cookie(&value) {
                let header = HeaderValue::from_str(&format!("connect.sid={mapped}")).unwrap();
                request.headers_mut().insert("cookie", header);
            }
        }
        let headers = request.headers_mut();
        if let Some(key) = header(headers, "x-publishable-api-key").map(str::to_owned) {
            if let Some(mapped) = self.map.get(&key) {
                headers.insert(
                    "x-publishable-api-key",
                    HeaderValue::from_str(mapped).unwrap(),
                );
            }
        }
        // Ids in the path (`/admin/api-keys/apk_…`).
        let path = self.substitute(&request.uri().to_string());
        *request.uri_mut() = path.parse().unwrap();
        request
    }

    /// A Basic credential: a raw key, or base64 of a key with or without `:`.
    fn basic(&self, credential: &str) -> Option<String> {
        if let Some(mapped) = self.map.get(credential) {
            return Some(mapped.clone());
        }
        let decoded = String::from_utf8(STANDARD.decode(credential).ok()?).ok()?;
        let (key, colon) = match decoded.strip_suffix(':') {
            Some(key) => (key, ":"),
            None => (decoded.as_str(), ""),
        };
        let mapped = self.map.get(key)?;
        Some(STANDARD.encode(format!("{mapped}{colon}")))
    }

    /// Learns the fake's ids, keys and tokens from a recorded and a fake body.
    fn learn(&mut self, recorded: &Value, fake: &Value) {
        match (recorded, fake) {
            (Value::Object(r), Value::Object(f)) => {
                for (key, value) in r {
                    let Some(other) = f.get(key) else { continue };
                    if let (Some(rv), Some(fv)) = (value.as_str(), other.as_str()) {
                        if LEARNT.contains(&key.as_str()) && rv != fv && !rv.is_empty() {
                            self.map
                                .entry(rv.to_owned())
                                .or_insert_with(|| fv.to_owned());
                            if is_jwt(rv) && is_jwt(fv) {
                                let parse = |t: &str| {
                                    jwt_payload(t)
                                        .and_then(|p| serde_json::from_str::<Value>(&p).ok())
                                };
                                if let (Some(rp), Some(fp)) = (parse(rv), parse(fv)) {
                                    self.learn(&rp, &fp);
                                }
                            }
                        }
                    } else {
                        self.learn(value, other);
                    }
                }
            }
            (Value::Array(r), Value::Array(f)) => {
                for (r, f) in r.iter().zip(f) {
                    self.learn(r, f);
                }
            }
            _ => {}
        }
    }

    /// The body the fake should answer: the recorded one with the fake's values,
    /// each recorded JWT replaced by the fake's signature of its claims.
    fn expected_body(&self, recorded: &str) -> String {
        let mut out = recorded.to_owned();
        let mut rest = recorded;
        while let Some(start) = rest.find("\"eyJ") {
            let token_start = &rest[start + 1..];
            let end = token_start.find('"').unwrap_or(token_start.len());
            let token = &token_start[..end];
            if let Some(payload) = jwt_payload(token) {
                let claims = self.substitute(&payload);
                if let Some(signed) = self.fake.sign_claims(&claims) {
                    out = out.replace(token, &signed);
                }
            }
            rest = &token_start[end..];
        }
        self.substitute(&out)
    }

    fn compare(&mut self, exchange: &Exchange, answer: &Response<Bytes>) -> Result<(), String> {
        let recorded = exchange.response();
        if recorded.status() != answer.status() {
            return Err(format!(
                "status {} vs {} ({})",
                recorded.status(),
                answer.status(),
                String::from_utf8_lossy(answer.body())
            ));
        }
        // The body, and what it teaches about the fake's values.
        let recorded_text = String::from_utf8_lossy(recorded.body()).into_owned();
        let fake_text = String::from_utf8_lossy(answer.body()).into_owned();
        if let (Ok(r), Ok(f)) = (
            serde_json::from_str::<Value>(&recorded_text),
            serde_json::from_str::<Value>(&fake_text),
        ) {
            self.learn(&r, &f);
        }
        let expected = self.expected_body(&recorded_text);
        if blank_dates(&expected) != blank_dates(&fake_text) {
            return Err(format!(
                "body\n  expected {expected}\n  fake     {fake_text}"
            ));
        }
        // The headers.
        let exact_body = expected == recorded_text && expected == fake_text;
        for name in SAME_HEADERS {
            let (r, f) = (
                header(recorded.headers(), name),
                header(answer.headers(), name),
            );
            let same = match name {
                // hyper writes no Content-Length on a 204 (Express writes 0).
                "content-length" if self.over_http && recorded.status() == 204 => true,
                "set-cookie" => same_cookie(r, f),
                _ => r == f,
            };
            if !same {
                return Err(format!("header {name}: {r:?} vs {f:?}"));
            }
        }
        let (r, f) = (
            header(recorded.headers(), "etag"),
            header(answer.headers(), "etag"),
        );
        if r.is_some() != f.is_some() || (exact_body && r != f) {
            return Err(format!("etag {r:?} vs {f:?}"));
        }
        let mut recorded_names = header_names(recorded.headers());
        if self.over_http && recorded.status() == 204 {
            recorded_names.retain(|n| n != "content-length");
        }
        if recorded_names != header_names(answer.headers()) {
            return Err(format!(
                "header order {recorded_names:?} vs {:?}",
                header_names(answer.headers())
            ));
        }
        // The cookie the fake set stands for the recorded one from now on.
        let value = |headers: &HeaderMap| {
            header(headers, "set-cookie")
                .and_then(|c| c.split(';').next())
                .and_then(|c| c.strip_prefix("connect.sid="))
                .map(str::to_owned)
        };
        if let (Some(r), Some(f)) = (value(recorded.headers()), value(answer.headers())) {
            if !r.is_empty() {
                self.map.insert(r, f);
            }
        }
        Ok(())
    }

    async fn run<F, Fut>(&mut self, numbers: impl Iterator<Item = u32>, send: F)
    where
        F: Fn(Request<Bytes>) -> Fut,
        Fut: Future<Output = Response<Bytes>>,
    {
        for number in numbers {
            let exchange = v2::exchange(number);
            let request = self.request(exchange);
            if let Some(date) = exchange.response_header("date") {
                self.clock.set(http_date(&date));
            }
            let answer = send(request).await;
            if let Err(why) = self.compare(exchange, &answer) {
                self.failures
                    .push(format!("exchange {number} ({}): {why}", exchange.title));
            }
        }
    }
}

/// Same presence; the same attributes; a signed session id, or the same clearing
/// cookie.
fn same_cookie(recorded: Option<&str>, fake: Option<&str>) -> bool {
    match (recorded, fake) {
        (None, None) => true,
        (Some(r), Some(f)) => {
            let split = |c: &str| {
                let (pair, attributes) = c.split_once(';').unwrap_or((c, ""));
                (pair.to_owned(), attributes.to_owned())
            };
            let ((rp, ra), (fp, fa)) = (split(r), split(f));
            if ra != fa {
                return false;
            }
            if rp == "connect.sid=" {
                return fp == rp;
            }
            fp.strip_prefix("connect.sid=s%3A")
                .is_some_and(|v| v.len() > 40 && v.contains('.'))
        }
        _ => false,
    }
}

fn transcript_fake(clock: &ManualClock) -> FakeMedusaV2 {
    FakeMedusaV2::builder()
        .seed(&SeedV2::transcript())
        .clock(clock.clone())
        .build()
}

fn recorded_start() -> ManualClock {
    ManualClock::at_http_date(&v2::exchange(1).response_header("date").unwrap())
}

#[tokio::test]
async fn the_fake_in_memory_answers_every_recorded_request_as_the_real_server() {
    let clock = recorded_start();
    let fake = transcript_fake(&clock);
    let mut replay = Replay::new(fake.clone(), clock.clone(), false);
    let transport = fake.transport();
    let send = |request| {
        let transport = transport.clone();
        async move { transport.send(request).await.expect("no fault is set") }
    };
    replay.run(v2::DEVELOPMENT, send).await;
    assert_eq!(fake.received_total(), 146);
    // Exchanges 39 and 53 made customers; 34, 50 and 52 identities.
    for email in ["new.customer@example.com", "reset.customer@example.com"] {
        assert!(fake.customer_id(email).is_some(), "{email}");
    }
    assert!(fake.auth_identity_id("new.admin@example.com").is_some());
    assert!(fake.admin_id("new.admin@example.com").is_none());

    // The production appendix: the same database and secrets, restarted.
    let production = fake.restarted(true);
    replay.fake = production.clone();
    let transport = production.transport();
    let send = |request| {
        let transport = transport.clone();
        async move { transport.send(request).await.expect("no fault is set") }
    };
    replay.run(v2::PRODUCTION, send).await;
    assert!(replay.failures.is_empty(), "{}", replay.failures.join("\n"));
    assert_eq!(production.received_total(), 10);
    // #150 and #151 each opened a session (the first one's cookie was never sent);
    // #153 closed the second.
    assert_eq!(production.session_count(), 1);
}

#[cfg(feature = "server")]
#[tokio::test]
async fn the_fake_over_http_answers_every_recorded_request_as_the_real_server() {
    let clock = recorded_start();
    let fake = transcript_fake(&clock);
    let mut replay = Replay::new(fake.clone(), clock.clone(), true);
    let transport = http_client::HyperTestTransport::new();
    for (fake, numbers) in [
        (fake.clone(), v2::DEVELOPMENT),
        (fake.restarted(true), v2::PRODUCTION),
    ] {
        let server = fake.start_server().await.unwrap();
        let base = server.url().to_owned();
        replay.fake = fake.clone();
        let send = |mut request: Request<Bytes>| {
            let transport = transport.clone();
            let uri = format!("{base}{}", request.uri());
            *request.uri_mut() = uri.parse().unwrap();
            async move { transport.send(request).await.expect("an answer") }
        };
        replay.run(numbers, send).await;
        server.shutdown().await;
    }
    assert!(replay.failures.is_empty(), "{}", replay.failures.join("\n"));
}

#[test]
fn the_transcript_holds_what_the_replay_expects() {
    assert_eq!(v2::exchanges().len(), 156);
    assert_eq!(v2::PRODUCTION.count(), 10);
    // The production fake answers the restart question of #147 only because the
    // dev fake's cookie secret is kept: the cookie is well signed, its session gone.
    assert!(
        v2::production("a cookie issued before the restart")
            .title
            .contains("(prod)")
    );
}
