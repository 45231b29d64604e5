//! Property tests: whatever the server (or a proxy in front of it) answers, and
//! whatever a caller passes, the core returns a typed result, never panics, and
//! bounds what it keeps. Inputs are seeded with the recorded bodies and headers of
//! transcripts.md, then mutated.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response};
use medusa_auth_core::internal::{
    CookieJar, EXCERPT_LEN, Endpoint, MAX_COOKIES, MAX_RETRY_AFTER, Outgoing, OutgoingCredentials,
    RequestFactory, SESSION_COOKIE_NAME, excerpt, login_body, read_access_token, read_customer,
    read_error, read_exists, read_ok, read_user, retry_after_delay, validate_email,
    validate_lookup_email,
};
use medusa_auth_core::{BaseUrl, CustomHeaders, Error, SecretString, Side, Timestamp};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

fn recorded_bodies() -> Vec<Vec<u8>> {
    medusa_auth_testdata::exchanges()
        .iter()
        .map(|e| e.response().into_body().to_vec())
        .collect()
}

fn recorded_set_cookies() -> Vec<String> {
    medusa_auth_testdata::exchanges()
        .iter()
        .filter_map(|e| e.response_header("set-cookie"))
        .collect()
}

/// A recorded body, then cut, spliced with noise, or with bytes flipped.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let bodies = recorded_bodies();
    (
        proptest::sample::select(bodies),
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<u8>(), 0..16),
        0u8..4,
    )
        .prop_map(|(mut body, at, noise, how)| {
            let index = if body.is_empty() {
                0
            } else {
                at.index(body.len())
            };
            match how {
                0 => body,
                1 => {
                    body.truncate(index);
                    body
                }
                2 => {
                    body.splice(index..index, noise);
                    body
                }
                _ => {
                    for (offset, byte) in noise.into_iter().enumerate() {
                        if let Some(slot) = body.get_mut(index + offset) {
                            *slot ^= byte;
                        }
                    }
                    body
                }
            }
        })
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    proptest::sample::select(vec![
        None,
        Some("application/json; charset=utf-8"),
        Some("text/plain; charset=utf-8"),
        Some("text/html; charset=utf-8"),
        Some("application/problem+json"),
        Some(""),
        Some("application/octet-stream"),
    ])
}

/// The request of `endpoint` (its `method`) to `path` with `body`, as a session
/// prepares it.
fn outgoing<'a>(
    endpoint: Endpoint,
    method: &'a http::Method,
    path: &'a str,
    body: &'a Bytes,
    none: &'a CustomHeaders,
) -> Outgoing<'a> {
    Outgoing {
        method,
        path,
        query: "",
        body,
        content_type: None,
        scope: endpoint.scope(),
        custom: none,
    }
}

/// RFC 6265 §5.2, as far as this test needs it: the name and value a `Set-Cookie`
/// line sets (`None` when a user agent ignores it) and whether it is `Secure`.
fn set_cookie_pair(line: &str) -> Option<(String, String, bool)> {
    let wsp = |text: &str| text.trim_matches([' ', '\t']).to_owned();
    let mut parts = line.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let (name, value) = (wsp(name), wsp(value));
    let secure = parts.any(|attribute| {
        let key = attribute.split_once('=').map_or(attribute, |(key, _)| key);
        wsp(key).eq_ignore_ascii_case("secure")
    });
    (!name.is_empty()).then_some((name, value, secure))
}

fn response(status: u16, content_type: Option<&str>, body: Vec<u8>) -> Response<Bytes> {
    let mut builder = Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    builder.body(Bytes::from(body)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_reader_returns_a_typed_outcome(status in 100u16..600, content_type in content_type(), body in body()) {
        let response = response(status, content_type, body);
        let results = [
            read_user(&response).map(|_| ()),
            read_customer(&response).map(|_| ()),
            read_exists(&response).map(|_| ()),
            read_access_token(&response, Side::Admin).map(|_| ()),
            read_ok(&response),
        ];
        for result in results {
            match result {
                Ok(()) => prop_assert!((200..300).contains(&status)),
                Err(Error::Unauthorized { .. }) => prop_assert_eq!(status, 401),
                Err(Error::Api(api)) => prop_assert_eq!(api.status.as_u16(), status),
                Err(Error::UnexpectedResponse { excerpt, .. }) => {
                    prop_assert!(excerpt.chars().count() <= EXCERPT_LEN + 1);
                    prop_assert!(!excerpt.contains('\n') && !excerpt.contains('\r'));
                }
                Err(Error::Decode(decode)) => prop_assert!((200..300).contains(&status), "{}", decode),
                Err(other) => prop_assert!(false, "unexpected error kind {:?}", other),
            }
        }
        let _ = read_error(&response).to_string();
    }

    #[test]
    fn excerpts_are_short_single_lines(body in prop::collection::vec(any::<u8>(), 0..40_000)) {
        let text = excerpt(&body);
        prop_assert!(text.chars().count() <= EXCERPT_LEN + 1);
        prop_assert!(!text.chars().any(char::is_control));
    }

    #[test]
    fn the_cookie_jar_stays_bounded_and_sane(
        headers in prop::collection::vec(
            prop_oneof![
                proptest::sample::select(recorded_set_cookies()),
                "[ -~]{0,200}",
                "connect\\.sid=[ -~]{0,50}(; (Path|Expires|Max-Age|Domain|Secure|HttpOnly|SameSite)(=[ -~]{0,30})?){0,4}",
            ],
            0..40,
        ),
        secure_origin in any::<bool>(),
        seconds in 0i64..4_000_000_000,
    ) {
        let base = if secure_origin { "https://shop.example.com" } else { "http://shop.example.com" };
        let origin = BaseUrl::parse(base).unwrap().origin().clone();
        let mut map = HeaderMap::new();
        for header in &headers {
            if let Ok(value) = HeaderValue::from_str(header) {
                map.append(http::header::SET_COOKIE, value);
            }
        }
        let now = Timestamp::from_second(seconds).unwrap();
        let mut jar = CookieJar::new();
        jar.store_from_response(&origin, "/admin/auth", &map, SESSION_COOKIE_NAME, now);
        prop_assert!(jar.len() <= MAX_COOKIES);
        if let Some(value) = jar.header_for(&origin, "/admin/auth", now) {
            prop_assert!(value.is_sensitive());
            prop_assert!(value.to_str().is_ok());
        }
        // Plain HTTP to a host that is not loopback: every name=value it would send
        // came from a Set-Cookie line without `Secure` (a Secure line there is
        // ignored, as browsers do).
        if !secure_origin {
            let insecure: Vec<(String, String)> = map
                .get_all(http::header::SET_COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .filter_map(set_cookie_pair)
                .filter(|(_, _, secure)| !secure)
                .map(|(name, value, _)| (name, value))
                .collect();
            for path in ["/", "/admin/auth"] {
                if let Some(value) = jar.header_for(&origin, path, now) {
                    prop_assert!(value.len() <= 16 * 4096 + 16 * 2);
                    for pair in value.to_str().unwrap().split("; ") {
                        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                        prop_assert!(
                            insecure.iter().any(|(n, v)| n == name && v == value),
                            "{} was sent over plain HTTP but only set Secure", name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_credential_in_any_body_never_reaches_an_error(
        before in "\\PC{0,60}",
        after in "\\PC{0,60}",
        secret in prop_oneof![
            "eyJ[A-Za-z0-9_-]{10,40}\\.[A-Za-z0-9_-]{10,60}\\.[A-Za-z0-9_-]{10,43}",
            "s%3A[A-Za-z0-9_-]{32}\\.[A-Za-z0-9%/+]{43}",
        ],
        status in prop_oneof![Just(200u16), Just(400), Just(401), Just(500), Just(502)],
        json in any::<bool>(),
    ) {
        // A separator on each side: glued to other value characters, it would be
        // another word, not this credential.
        let body = format!("{before} {secret} {after}");
        let wrapped = if json {
            format!(r#"{{"message":{}}}"#, serde_json::to_string(&body).unwrap())
        } else {
            body
        };
        let response = Response::builder()
            .status(status)
            .header("content-type", "text/plain")
            .body(Bytes::from(wrapped))
            .unwrap();
        let error = match read_access_token(&response, Side::Admin) {
            Ok(_) => return Err(TestCaseError::fail("a text/plain answer is not a token")),
            Err(error) => error,
        };
        let shown = format!("{error} {error:?}");
        prop_assert!(!shown.contains(&secret), "{}", shown);
        let plain = format!("{before} {secret} {after}");
        prop_assert!(!excerpt(plain.as_bytes()).contains(&secret));
    }

    #[test]
    fn email_shaped_input_is_checked_without_panicking(
        email in prop_oneof![
            "[a-z0-9]{1,8}@[a-z0-9]{1,8}\\.\\PC{1,8}",
            "\\PC{1,10}@\\PC{1,10}\\.\\PC{1,10}",
            "[a-z]{1,4}@[a-z]{1,4}\\.(xn|XN)-{0,2}\\PC{0,4}",
        ]
    ) {
        // Ok or a typed refusal; a panic fails the property.
        let _ = validate_email(&email);
        let _ = validate_lookup_email(&email);
    }

    #[test]
    fn retry_after_is_in_range_or_refused(value in prop_oneof![
        "[0-9]{1,25}",
        "-[0-9]{1,5}",
        "[ -~]{0,40}",
        "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-3][0-9] (Jan|Feb|Nov|Dec) 20[0-9][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] GMT",
    ], seconds in 1_700_000_000i64..1_900_000_000) {
        let now = Timestamp::from_second(seconds).unwrap();
        if let Ok(header) = HeaderValue::from_str(&value) {
            if let Some(delay) = retry_after_delay(&header, now) {
                prop_assert!(!delay.is_zero() && delay <= MAX_RETRY_AFTER);
            }
        }
    }

    #[test]
    fn any_login_input_builds_a_faithful_body_or_is_refused(email in "\\PC{0,80}", password in "\\PC{0,80}") {
        let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap());
        let secret = SecretString::from(password.clone());
        match login_body(&email, &secret) {
            Ok(body) => {
                let endpoint = Endpoint::StoreAuthenticate;
                let (method, path, none) = (endpoint.method(), endpoint.path(None), CustomHeaders::new());
                let request = outgoing(endpoint, &method, &path, &body, &none);
                let built = factory.build(&request, &OutgoingCredentials::default(), None).unwrap();
                let body: serde_json::Value = serde_json::from_slice(built.body()).unwrap();
                prop_assert_eq!(body["email"].as_str().unwrap(), email.as_str());
                prop_assert_eq!(body["password"].as_str().unwrap(), password.as_str());
            }
            Err(refused) => {
                prop_assert!(!refused.to_string().contains(&password) || password.len() < 4);
            }
        }
    }

    #[test]
    fn exists_always_sends_exactly_one_segment(email in "\\PC{1,80}") {
        let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000/prefix").unwrap());
        if validate_lookup_email(&email).is_ok() {
            let endpoint = Endpoint::StoreExists;
            let (method, path, none) = (endpoint.method(), endpoint.path(Some(&email)), CustomHeaders::new());
            let body = Bytes::new();
            let request = outgoing(endpoint, &method, &path, &body, &none);
            let built = factory.build(&request, &OutgoingCredentials::default(), None).unwrap();
            let path = built.uri().path();
            let segment = path.strip_prefix("/prefix/store/auth/").unwrap();
            prop_assert!(!segment.contains('/'));
            prop_assert_eq!(built.uri().query(), None);
            prop_assert_eq!(percent_decode_str(segment).decode_utf8().unwrap(), email.as_str());
        }
    }

    #[test]
    fn custom_headers_never_accept_line_breaks(name in "[ -~]{0,20}", value in "\\PC{0,20}[\r\n\u{0}][ -~]{0,20}") {
        prop_assert!(CustomHeaders::new().with(&name, &value).is_err());
    }
}
