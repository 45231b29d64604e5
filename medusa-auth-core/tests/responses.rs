//! Reading every recorded answer of transcripts.md, and the error situations the
//! transcripts do not show, into typed values and typed errors.

use bytes::Bytes;
use http::{Response, StatusCode};
use medusa_auth_core::internal::{
    excerpt, read_access_token, read_customer, read_error, read_exists, read_json, read_ok,
    read_user,
};
use medusa_auth_core::{ApiErrorKind, Error, ExposeSecret, Side, Timestamp, UserRole};
use medusa_auth_testdata::{exchange, production};

fn hand_made(status: u16, content_type: Option<&str>, body: &str) -> Response<Bytes> {
    let mut builder = Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header("content-type", content_type);
    }
    builder
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap()
}

fn api_error(error: Error) -> (StatusCode, ApiErrorKind, Option<String>, String) {
    match error {
        Error::Api(api) => (api.status, api.kind, api.code, api.message),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn admin_sessions_read_the_user() {
    for number in [10, 11, 12, 18, 20, 27, 29, 64, 67] {
        let user = read_user(&exchange(number).response()).unwrap();
        assert_eq!(
            user.id, "usr_01M81NYF8GCR082N4CSFR4GDPE",
            "exchange {number}"
        );
        assert_eq!(user.email, "admin@example.com");
        assert_eq!(user.role, UserRole::Member);
        assert_eq!(
            user.api_token.as_ref().unwrap().expose_secret(),
            "real_medusa_admin_api_token"
        );
        assert_eq!(user.first_name, None);
    }
    let user = read_user(&production("POST /admin/auth with").response()).unwrap();
    assert_eq!(user.id, "usr_01M81NT71PF63GJ4DCA7DHJPNF");
}

#[test]
fn store_sessions_read_the_customer() {
    for number in [31, 36, 41, 43, 48, 65] {
        let customer = read_customer(&exchange(number).response()).unwrap();
        assert!(customer.id.starts_with("cus_"), "exchange {number}");
        assert!(customer.has_account);
        assert!(customer.orders.is_empty());
    }
    let customer = read_customer(&exchange(36).response()).unwrap();
    assert_eq!(customer.email, "customer@example.com");
    assert_eq!(customer.last_name.as_deref(), Some("Customer"));
    // POST /store/customers answers with billing_address and no orders: still a Customer.
    let created = read_customer(&exchange(30).response()).unwrap();
    assert_eq!(created.email, "new.customer@example.com");
}

#[test]
fn tokens_read_with_their_side_and_claims() {
    let admin = read_access_token(&exchange(15).response(), Side::Admin).unwrap();
    assert_eq!(admin.side(), Side::Admin);
    assert_eq!(admin.claims().unwrap().domain.as_deref(), Some("admin"));
    assert!(
        admin
            .secret()
            .expose_secret()
            .starts_with("eyJhbGciOiJIUzI1NiIs")
    );
    let store = read_access_token(&exchange(45).response(), Side::Store).unwrap();
    assert_eq!(
        store.claims().unwrap().customer_id.as_deref(),
        Some("cus_01M81NYNCJGNWN6E6R2G73SZ4M")
    );
}

#[test]
fn a_token_that_cannot_be_sent_back_is_a_decode_error() {
    // Found by fuzz/ (client_calls): such a token used to be kept, and every later
    // call of its side failed with InvalidInput before sending.
    for body in [
        r#"{"access_token":"eyJ.a\u0007b.c"}"#,
        r#"{"access_token":"eyJ.caf\u00e9.c"}"#,
        r#"{"access_token":"eyJ.a\nb.c"}"#,
        r#"{"access_token":""}"#,
    ] {
        let response = hand_made(200, Some("application/json"), body);
        match read_access_token(&response, Side::Admin) {
            Err(Error::Decode(error)) => {
                assert_eq!(error.path, "access_token");
                assert!(!error.to_string().contains("eyJ"), "{error}");
            }
            other => panic!("{body}: {other:?}"),
        }
    }
}

#[test]
fn exists_reads_both_answers() {
    for (number, expected) in [
        (51, true),
        (52, true),
        (53, false),
        (54, true),
        (55, true),
        (56, true),
        (58, false),
        (59, true),
    ] {
        assert_eq!(
            read_exists(&exchange(number).response()).unwrap(),
            expected,
            "exchange {number}"
        );
    }
}

#[test]
fn deletes_read_ok() {
    for number in [23, 26, 60, 62, 63, 66] {
        read_ok(&exchange(number).response()).unwrap();
    }
}

#[test]
fn text_401s_are_unauthorized() {
    // Wrong password, unknown email, customer without account / admin on store,
    // no credentials, forged cookie, garbage or wrong-side bearer, bad API token,
    // API token as bearer, cookie after logout, unknown admin route.
    for number in [
        2, 3, 13, 14, 16, 19, 21, 22, 24, 25, 37, 38, 42, 44, 46, 49, 50, 61, 68, 69,
    ] {
        let error = read_user(&exchange(number).response()).unwrap_err();
        assert!(
            matches!(error, Error::Unauthorized { message: None, .. }),
            "exchange {number}: {error:?}"
        );
        assert!(error.is_unauthorized());
        assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
        assert!(!error.is_retryable());
    }
}

#[test]
fn invalid_bodies_are_invalid_data() {
    let cases = [
        (4, "password should not be empty, password must be a string"),
        (5, "email must be an email"),
        (
            6,
            "email should not be empty, email must be an email, password should not be empty, password must be a string",
        ),
        (8, "password must be a string"),
        (
            9,
            "email should not be empty, email must be an email, password should not be empty, password must be a string",
        ),
        (
            17,
            "password should not be empty, password must be a string",
        ),
        (39, "password should not be empty"),
        (40, "email must be an email"),
        (47, "email must be an email, password should not be empty"),
    ];
    for (number, message) in cases {
        let (status, kind, code, text) =
            api_error(read_user(&exchange(number).response()).unwrap_err());
        assert_eq!(status, StatusCode::BAD_REQUEST, "exchange {number}");
        assert_eq!(kind, ApiErrorKind::InvalidData);
        assert_eq!(code, None);
        assert_eq!(text, message);
    }
}

#[test]
fn duplicates_keep_their_code() {
    let (status, kind, code, message) =
        api_error(read_customer(&exchange(32).response()).unwrap_err());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(kind, ApiErrorKind::DuplicateError);
    assert_eq!(code.as_deref(), Some("invalid_request_error"));
    assert!(message.starts_with("A customer with the given email already has an account"));
}

#[test]
fn html_pages_are_unexpected_responses_with_an_excerpt() {
    let error = read_user(&exchange(7).response()).unwrap_err();
    let Error::UnexpectedResponse {
        status,
        content_type,
        excerpt,
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
    assert!(
        excerpt.starts_with("SyntaxError: Unexpected end of JSON input at parse (<anonymous>)"),
        "{excerpt}"
    );
    assert!(excerpt.chars().count() <= 201);

    for (number, text) in [
        (57, "Cannot GET /store/auth/slash/name@example.com"),
        (70, "Cannot GET /store/nope"),
    ] {
        let error = read_exists(&exchange(number).response()).unwrap_err();
        assert!(
            matches!(&error, Error::UnexpectedResponse { status: StatusCode::NOT_FOUND, excerpt, .. } if excerpt == text),
            "exchange {number}: {error:?}"
        );
    }
    let error = read_user(&production("malformed JSON").response()).unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { excerpt, .. } if excerpt == "Bad Request"),
        "{error:?}"
    );
}

#[test]
fn the_situations_of_spec_3_without_transcripts() {
    let (status, kind, code, _) = api_error(read_error(&hand_made(
        409,
        Some("application/json; charset=utf-8"),
        r#"{"code":"invalid_state_error","type":"conflict","message":"The request conflicted with another request."}"#,
    )));
    assert_eq!(
        (status.as_u16(), kind, code.as_deref()),
        (409, ApiErrorKind::Conflict, Some("invalid_state_error"))
    );

    let (status, kind, ..) = api_error(read_error(&hand_made(
        404,
        Some("application/json"),
        r#"{"type":"not_found","message":"Customer was not found"}"#,
    )));
    assert_eq!((status.as_u16(), kind), (404, ApiErrorKind::NotFound));

    for (code, kind) in [
        ("unknown_error", ApiErrorKind::UnknownError),
        ("api_error", ApiErrorKind::DatabaseError),
    ] {
        let body = format!(
            r#"{{"code":"{code}","type":"{}","message":"An unknown error occurred."}}"#,
            kind.as_str()
        );
        let (status, got, got_code, message) =
            api_error(read_error(&hand_made(500, Some("application/json"), &body)));
        assert_eq!(
            (status.as_u16(), got, got_code.as_deref()),
            (500, kind, Some(code))
        );
        assert_eq!(message, "An unknown error occurred.");
    }

    for wire in [
        "not_allowed",
        "unauthorized",
        "payment_authorization_error",
        "unexpected_state",
        "invalid_argument",
        "database_error",
    ] {
        let body = format!(r#"{{"type":"{wire}","message":"m"}}"#);
        let (_, kind, ..) = api_error(read_error(&hand_made(422, Some("application/json"), &body)));
        assert_eq!(kind.as_str(), wire);
        assert!(
            !matches!(kind, ApiErrorKind::Other(_)),
            "{wire} has a kind of its own"
        );
    }

    // Unknown types are kept as sent.
    let (_, kind, ..) = api_error(read_error(&hand_made(
        418,
        Some("application/json"),
        r#"{"type":"teapot_error","message":"short and stout"}"#,
    )));
    assert_eq!(kind, ApiErrorKind::Other("teapot_error".into()));

    // A deleted user with a valid JWT: 400, text "Bad Request".
    let error = read_user(&hand_made(
        400,
        Some("text/plain; charset=utf-8"),
        "Bad Request",
    ))
    .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { status, excerpt, .. } if status.as_u16() == 400 && excerpt == "Bad Request"),
        "{error:?}"
    );

    // 429 and 500 are not retryable; 409, 502, 503 are.
    assert!(!read_error(&hand_made(429, None, "Too Many Requests")).is_retryable());
    assert!(
        !read_error(&hand_made(
            500,
            Some("application/json"),
            r#"{"type":"unknown_error","message":"x"}"#
        ))
        .is_retryable()
    );
    for status in [409, 502, 503, 504] {
        assert!(
            read_error(&hand_made(status, None, "")).is_retryable(),
            "{status}"
        );
    }
}

#[test]
fn malformed_success_bodies_name_the_field() {
    let cases = [
        (
            r#"{"user":{"id":"usr_1","email":"a@b.io","created_at":"yesterday","updated_at":"2026-01-01T00:00:00Z"}}"#,
            "user.created_at",
        ),
        (
            r#"{"user":{"email":"a@b.io","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}}"#,
            "user",
        ),
        (r#"{"user":{"id":7,"email":"a@b.io"}}"#, "user.id"),
        (r#"{"customer":{}}"#, "."),
        (r#"{"user":"#, "user"),
        ("", "."),
    ];
    for (body, path) in cases {
        let error = read_user(&hand_made(
            200,
            Some("application/json; charset=utf-8"),
            body,
        ))
        .unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("{body}: {error:?}")
        };
        assert_eq!(decode.path, path, "{body}");
        assert_eq!(decode.status, StatusCode::OK);
    }
    let error = read_user(&hand_made(
        200,
        Some("application/json"),
        r#"{"user":{"email":"a@b.io"}}"#,
    ))
    .unwrap_err();
    assert!(error.to_string().contains("missing field `id`"), "{error}");

    let error = read_exists(&hand_made(
        200,
        Some("application/json"),
        r#"{"exists":"yes"}"#,
    ))
    .unwrap_err();
    assert!(
        matches!(&error, Error::Decode(d) if d.path == "exists"),
        "{error:?}"
    );

    let error = read_exists(&hand_made(
        200,
        Some("application/json"),
        r#"{"exists":true} trailing"#,
    ))
    .unwrap_err();
    assert!(matches!(&error, Error::Decode(_)), "{error:?}");
}

#[test]
fn a_200_of_another_content_type_is_unexpected() {
    let error = read_user(&hand_made(
        200,
        Some("text/html"),
        "<html><body>Welcome to nginx!</body></html>",
    ))
    .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse { status: StatusCode::OK, excerpt, .. } if excerpt == "Welcome to nginx!"),
        "{error:?}"
    );
    // A missing content type is given the benefit of the doubt.
    assert!(read_exists(&hand_made(200, None, r#"{"exists":false}"#)).is_ok());
    assert!(
        read_exists(&hand_made(
            200,
            Some("application/vnd.medusa+json"),
            r#"{"exists":false}"#
        ))
        .is_ok()
    );
}

#[test]
fn redirects_are_not_followed_but_reported() {
    let mut response = hand_made(302, Some("text/plain"), "Found. Redirecting to /login");
    response
        .headers_mut()
        .insert("location", "/login".parse().unwrap());
    let error = read_user(&response).unwrap_err();
    assert!(
        matches!(
            &error,
            Error::UnexpectedResponse {
                status: StatusCode::FOUND,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn bodies_of_any_shape_never_panic() {
    let bodies: [&[u8]; 10] = [
        b"",
        b"\xff\xfe\x00",
        b"null",
        b"[]",
        b"{\"type\":5}",
        b"{\"type\":\"x\",\"message\":7}",
        b"<pre>",
        b"</pre><pre>",
        b"\"just a string\"",
        &[b'{'; 100_000],
    ];
    for status in [200u16, 201, 204, 301, 400, 401, 404, 409, 500, 503] {
        for body in bodies {
            let response = Response::builder()
                .status(status)
                .body(Bytes::copy_from_slice(body))
                .unwrap();
            let _ = read_user(&response);
            let _ = read_customer(&response);
            let _ = read_exists(&response);
            let _ = read_access_token(&response, Side::Store);
            let _ = read_ok(&response);
        }
    }
}

#[test]
fn model_dates_and_token_expiry_are_timestamps() {
    let user = read_user(&exchange(12).response()).unwrap();
    let created: Timestamp = "2026-11-22T13:08:22.896Z".parse().unwrap();
    assert_eq!(user.created_at, created);
    assert_eq!(user.deleted_at, None);
    let customer = read_customer(&exchange(43).response()).unwrap();
    assert!(customer.created_at <= customer.updated_at);
    assert!(
        customer.created_at > created,
        "the customer was made after the admin"
    );

    let admin = read_access_token(&exchange(15).response(), Side::Admin).unwrap();
    let claims = admin.claims().unwrap();
    let (iat, exp) = (claims.iat.unwrap(), claims.exp.unwrap());
    assert_eq!(exp.duration_since(iat).as_secs(), 24 * 3600);
    assert_eq!(admin.expires_at(), Some(exp));
    assert!(!admin.is_expired_at(iat));
    assert!(admin.is_expired_at(exp));
}

#[test]
fn a_json_401_keeps_its_message_with_credentials_masked() {
    let jwt = read_access_token(&exchange(15).response(), Side::Admin)
        .unwrap()
        .expose_secret()
        .to_owned();
    let body = format!(r#"{{"message":"token {jwt} was revoked"}}"#);
    let error = read_error(&hand_made(401, Some("application/json"), &body));
    let Error::Unauthorized {
        message: Some(message),
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(message.starts_with("token "), "{message}");
    assert!(message.ends_with(" was revoked"), "{message}");
    assert!(!message.contains(&jwt), "{message}");
    assert!(!format!("{error} {error:?}").contains(&jwt));
}

#[test]
fn read_json_reads_any_shape_or_the_error_it_stands_for() {
    #[derive(Debug, serde::Deserialize)]
    struct Cart {
        id: String,
    }
    let cart: Cart = read_json(
        &hand_made(200, Some("application/json"), r#"{"id":"cart_1"}"#),
        "cart",
    )
    .unwrap();
    assert_eq!(cart.id, "cart_1");
    let error = read_json::<Cart>(
        &hand_made(200, Some("application/json"), r#"{"id":1}"#),
        "cart",
    )
    .unwrap_err();
    assert!(
        matches!(&error, Error::Decode(d) if d.what == "cart" && d.path == "id"),
        "{error:?}"
    );
    let error = read_json::<Cart>(&exchange(13).response(), "cart").unwrap_err();
    assert!(error.is_unauthorized(), "{error:?}");
}

#[test]
fn an_excerpt_takes_the_pre_text_wherever_it_starts_and_only_when_it_is_closed_after() {
    // A body that is nothing but the <pre> block: the text starts at byte 5.
    assert_eq!(excerpt(b"<pre>Cannot GET /x</pre>"), "Cannot GET /x");
    // A closing tag before the opening one is no block: the whole text, tags removed.
    assert_eq!(excerpt(b"</pre>a<pre>b"), "a b");
}
