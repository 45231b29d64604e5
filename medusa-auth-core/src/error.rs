//! The errors every call can return.
//!
//! Messages are short and never carry a secret: no password, token, cookie value
//! or request body ever reaches a `Display` or `Debug` of these types.

use std::fmt;

use http::StatusCode;
use jiff::Timestamp;

use crate::credentials::Side;
use crate::transport::TransportError;

/// The result of every call of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a call can fail with.
///
/// Every call can fail with [`Transport`](Error::Transport) (no answer),
/// [`Api`](Error::Api) (a Medusa error body), [`UnexpectedResponse`](Error::UnexpectedResponse)
/// (an HTML page or other body), [`Decode`](Error::Decode) (a 2xx body of the wrong
/// shape), [`Unauthorized`](Error::Unauthorized) (401) and
/// [`InvalidInput`](Error::InvalidInput) (refused before sending, a bad header
/// among them); each call's documentation lists the others it has.
///
/// Tests make them with the constructors ([`Error::unauthorized`], [`Error::api`] …)
/// and classify them with [`is_unauthorized`](Error::is_unauthorized),
/// [`is_retryable`](Error::is_retryable), [`status`](Error::status).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller's input was refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] InvalidInput),

    /// A client configuration that cannot work, from a builder's `build`: here so
    /// that one function can `?` both the build and the calls.
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// The server answered 401: credentials missing, wrong, revoked, or for the other side.
    #[error(
        "unauthorized (HTTP 401): missing, wrong or revoked credentials, or credentials of the other side"
    )]
    #[non_exhaustive]
    Unauthorized {
        /// The message of a JSON error body, when the server sent one (Medusa v1 sends
        /// plain text), with what looks like a credential masked.
        message: Option<String>,
    },

    /// The server answered with a Medusa JSON error (`{"type", "message", "code"?}`).
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The server answered with something that is not a Medusa answer: an HTML page,
    /// plain text, a redirect, or JSON of another shape.
    #[error("unexpected HTTP {status} response{}: {excerpt}", content_type_suffix(content_type.as_deref()))]
    #[non_exhaustive]
    UnexpectedResponse {
        /// The status of the response.
        status: StatusCode,
        /// Its `Content-Type`, if any.
        content_type: Option<String>,
        /// A short excerpt of the body (the text of an HTML error page's `<pre>`, if
        /// it has one), with what looks like a credential masked.
        excerpt: String,
    },

    /// A success response whose body did not decode into the expected model.
    #[error(transparent)]
    Decode(#[from] DecodeError),

    /// No response was received (or it was refused by the transport). Its `Display`
    /// names the server and the cause: `could not connect to 127.0.0.1:9000:
    /// connection refused`.
    #[error(transparent)]
    Transport(#[from] TransportError),

    /// The login (v1) or the session exchange (v2's `open_session`) succeeded but left
    /// no session cookie that this client can send back.
    #[error("the {side} session answered 200 but {reason}; use HTTPS, or a bearer JWT")]
    #[non_exhaustive]
    SessionCookieMissing {
        /// Which login.
        side: Side,
        /// Why no usable cookie was left.
        reason: MissingCookieReason,
    },

    /// The logout (v1's `delete_session`, v2's `logout`) failed (no answer, or an
    /// error answer), so the server may still hold the session; the session forgot its
    /// cookie and this side's JWT all the same.
    #[error(
        "the {side} logout was not confirmed by the server; the session forgot its credentials anyway"
    )]
    #[non_exhaustive]
    LogoutUnconfirmed {
        /// Which logout.
        side: Side,
        /// Why it was not confirmed.
        #[source]
        cause: Box<Error>,
    },

    /// The session's bearer JWT for this side has expired, so it was not sent and the
    /// server refused the call. Log in again (v1: `get_token`; v2: `login`, or
    /// `refresh` with a cookie session).
    #[error("the {side} bearer token expired at {expired_at}; log in again for a new one")]
    #[non_exhaustive]
    TokenExpired {
        /// The side of the token.
        side: Side,
        /// The `exp` claim of the token.
        expired_at: Timestamp,
    },

    /// v2: the server refused the session's token because it has no actor yet (a
    /// registration's token, or an identity with no actor of this type): create the
    /// actor with it (`create_customer`), then `refresh` it.
    #[error(
        "the {actor_type} token has no actor yet (HTTP 401): create the {actor_type} with it, then refresh the token"
    )]
    #[non_exhaustive]
    ActorMissing {
        /// The token's actor type.
        actor_type: String,
    },
}

fn content_type_suffix(content_type: Option<&str>) -> String {
    content_type
        .map(|ct| format!(" ({ct})"))
        .unwrap_or_default()
}

impl Error {
    /// A 401 without a message, as Medusa v1 sends it (`Unauthorized` as text).
    ///
    /// ```
    /// let error = medusa_auth_core::Error::unauthorized();
    /// assert!(error.is_unauthorized());
    /// assert_eq!(error.status(), Some(http::StatusCode::UNAUTHORIZED));
    /// ```
    pub fn unauthorized() -> Self {
        Error::Unauthorized { message: None }
    }

    /// A 401 with the message of a JSON body (`{"message":"Unauthorized"}`).
    pub fn unauthorized_with_message(message: impl Into<String>) -> Self {
        Error::Unauthorized {
            message: Some(message.into()),
        }
    }

    /// A Medusa JSON error: `status`, its `type` and `message`.
    ///
    /// ```
    /// use medusa_auth_core::{ApiErrorKind, Error};
    /// let error = Error::api(http::StatusCode::CONFLICT, ApiErrorKind::Conflict, "busy");
    /// assert!(error.is_retryable());
    /// assert_eq!(error.api_kind(), Some(&ApiErrorKind::Conflict));
    /// ```
    pub fn api(status: StatusCode, kind: ApiErrorKind, message: impl Into<String>) -> Self {
        Error::Api(ApiError::new(status, kind, message))
    }

    /// An answer that is not a Medusa answer: `status`, its content type and a short
    /// excerpt of its body.
    pub fn unexpected_response(
        status: StatusCode,
        content_type: Option<&str>,
        excerpt: impl Into<String>,
    ) -> Self {
        Error::UnexpectedResponse {
            status,
            content_type: content_type.map(str::to_owned),
            excerpt: excerpt.into(),
        }
    }

    /// A login that answered 200 without a cookie this client can send back.
    pub fn session_cookie_missing(side: Side, reason: MissingCookieReason) -> Self {
        Error::SessionCookieMissing { side, reason }
    }

    /// A logout the server did not confirm, because of `cause`.
    pub fn logout_unconfirmed(side: Side, cause: Error) -> Self {
        Error::LogoutUnconfirmed {
            side,
            cause: Box::new(cause),
        }
    }

    /// A call refused because the session's token has no actor of `actor_type` yet.
    pub fn actor_missing(actor_type: impl Into<String>) -> Self {
        Error::ActorMissing {
            actor_type: actor_type.into(),
        }
    }

    /// A call refused because the session's JWT for `side` expired at `expired_at`.
    pub fn token_expired(side: Side, expired_at: Timestamp) -> Self {
        Error::TokenExpired { side, expired_at }
    }

    /// The HTTP status of the response behind this error, if there was one.
    ///
    /// This and the other classifiers look through [`Error::LogoutUnconfirmed`] to its cause.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Unauthorized { .. }
            | Error::TokenExpired { .. }
            | Error::ActorMissing { .. } => Some(StatusCode::UNAUTHORIZED),
            Error::UnexpectedResponse { status, .. } => Some(*status),
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::LogoutUnconfirmed { cause, .. } => cause.status(),
            _ => None,
        }
    }

    /// True when the server refused the credentials (401), including an expired token.
    pub fn is_unauthorized(&self) -> bool {
        match self {
            Error::Unauthorized { .. }
            | Error::TokenExpired { .. }
            | Error::ActorMissing { .. } => true,
            Error::Api(api) => api.status == StatusCode::UNAUTHORIZED,
            Error::LogoutUnconfirmed { cause, .. } => cause.is_unauthorized(),
            _ => false,
        }
    }

    /// True when the same call may succeed if tried again, by the rules the client
    /// retries with: no response, 409, 501–599.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(transport) => transport.is_retryable(),
            Error::LogoutUnconfirmed { cause, .. } => cause.is_retryable(),
            other => other
                .status()
                .is_some_and(crate::retry::is_retryable_status),
        }
    }

    /// The Medusa error kind, for [`Error::Api`].
    pub fn api_kind(&self) -> Option<&ApiErrorKind> {
        match self {
            Error::Api(api) => Some(&api.kind),
            Error::LogoutUnconfirmed { cause, .. } => cause.api_kind(),
            _ => None,
        }
    }
}

/// A client configuration that cannot work, refused by the builder.
///
/// Never quotes the base URL: it may carry user-info.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an `http` or `https` URL with a host and no user-info.
    #[error("invalid base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A default header, the user agent or a key is not a valid header.
    #[error("invalid default header: {0}")]
    InvalidHeader(#[from] InvalidInput),
    /// No [`HttpTransport`](crate::HttpTransport) was given to a builder from
    /// [`Client::configure`](crate::Client::configure).
    #[error("no transport was given to send requests through")]
    MissingTransport,
    /// Retries were asked for but no [`Sleep`](crate::Sleep) was given to wait between them.
    #[error("max_retries > 0 needs a Sleep implementation to wait between attempts")]
    RetriesWithoutSleep,
    /// A retry setting out of range.
    #[error("invalid retry policy: {0}")]
    InvalidRetryPolicy(&'static str),
}

/// Why a successful login left no usable session cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissingCookieReason {
    /// The response carried no session cookie at all: what a production Medusa
    /// (`NODE_ENV=production`) does over plain HTTP, since its cookie is `Secure`.
    NotSet,
    /// The cookie is marked `Secure` and the base URL is plain HTTP to a host that is
    /// not loopback, so it can never be sent back.
    SecureOverPlainHttp,
    /// The cookie was set with an expiry already past by this client's clock.
    AlreadyExpired,
}

impl fmt::Display for MissingCookieReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MissingCookieReason::NotSet => {
                "set no session cookie (a production Medusa sends its Secure cookie only over HTTPS)"
            }
            MissingCookieReason::SecureOverPlainHttp => {
                "its session cookie is Secure and the base URL is plain HTTP"
            }
            MissingCookieReason::AlreadyExpired => {
                "its session cookie had already expired by this client's clock"
            }
        })
    }
}

/// A Medusa JSON error body: `{"type", "message", "code"?}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Medusa answered HTTP {status} ({kind}): {message}")]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The `type` field.
    pub kind: ApiErrorKind,
    /// The `code` field, when present (`invalid_request_error`, `unknown_error` …).
    pub code: Option<String>,
    /// The `message` field.
    pub message: String,
}

impl ApiError {
    /// Makes an error as the server would send it (used by fakes and tests).
    pub fn new(status: StatusCode, kind: ApiErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            code: None,
            message: message.into(),
        }
    }

    /// Sets the `code` field.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }
}

/// The `type` of a Medusa error (`MedusaError.Types`); unknown values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// `not_allowed`
    NotAllowed,
    /// `invalid_data` (400: an invalid body)
    InvalidData,
    /// `unauthorized`
    Unauthorized,
    /// `not_found`
    NotFound,
    /// `conflict` (409)
    Conflict,
    /// `duplicate_error` (422)
    DuplicateError,
    /// `payment_authorization_error` (422)
    PaymentAuthorizationError,
    /// `database_error`
    DatabaseError,
    /// `unexpected_state`
    UnexpectedState,
    /// `invalid_argument`
    InvalidArgument,
    /// `unknown_error`
    UnknownError,
    /// Any other `type`, kept as sent.
    Other(String),
}

impl ApiErrorKind {
    /// Maps a wire `type` to its kind.
    pub fn from_wire(value: &str) -> Self {
        match value {
            "not_allowed" => ApiErrorKind::NotAllowed,
            "invalid_data" => ApiErrorKind::InvalidData,
            "unauthorized" => ApiErrorKind::Unauthorized,
            "not_found" => ApiErrorKind::NotFound,
            "conflict" => ApiErrorKind::Conflict,
            "duplicate_error" => ApiErrorKind::DuplicateError,
            "payment_authorization_error" => ApiErrorKind::PaymentAuthorizationError,
            "database_error" => ApiErrorKind::DatabaseError,
            "unexpected_state" => ApiErrorKind::UnexpectedState,
            "invalid_argument" => ApiErrorKind::InvalidArgument,
            "unknown_error" => ApiErrorKind::UnknownError,
            other => ApiErrorKind::Other(other.to_owned()),
        }
    }

    /// The wire `type`.
    pub fn as_str(&self) -> &str {
        match self {
            ApiErrorKind::NotAllowed => "not_allowed",
            ApiErrorKind::InvalidData => "invalid_data",
            ApiErrorKind::Unauthorized => "unauthorized",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::Conflict => "conflict",
            ApiErrorKind::DuplicateError => "duplicate_error",
            ApiErrorKind::PaymentAuthorizationError => "payment_authorization_error",
            ApiErrorKind::DatabaseError => "database_error",
            ApiErrorKind::UnexpectedState => "unexpected_state",
            ApiErrorKind::InvalidArgument => "invalid_argument",
            ApiErrorKind::UnknownError => "unknown_error",
            ApiErrorKind::Other(other) => other,
        }
    }
}

impl fmt::Display for ApiErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Input refused before anything was sent. Never holds the refused value when it
/// could be a secret (passwords, header values).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// The email is not an email (the server's own rule for login bodies).
    #[error("email is not a valid email address: {reason}")]
    InvalidEmail {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The password is empty.
    #[error("password must not be empty")]
    EmptyPassword,
    /// The password is longer than this SDK sends.
    #[error("password is longer than {max} bytes")]
    PasswordTooLong {
        /// The limit, in bytes.
        max: usize,
    },
    /// A header name is not a valid HTTP header name.
    #[error("invalid header name {name:?}")]
    InvalidHeaderName {
        /// The refused name (escaped, at most 64 characters, credentials masked).
        name: String,
    },
    /// A header value holds CR, LF, another control character or non-ASCII bytes.
    #[error("invalid value for header {name:?} (control characters or non-ASCII bytes)")]
    InvalidHeaderValue {
        /// The header's name; the value is never kept.
        name: String,
    },
    /// A header the HTTP layer owns (`Host`, `Content-Length`, `Transfer-Encoding` …).
    #[error("header {name:?} is set by the HTTP layer and cannot be overridden")]
    ReservedHeader {
        /// The header's name.
        name: String,
    },
    /// An API token (`x-medusa-access-token`) on a store call: API tokens are for admin routes only.
    #[error(
        "an API token (x-medusa-access-token) cannot be sent to a /store route; API tokens are for admin routes only"
    )]
    ApiTokenOnStoreRoute,
    /// A path for [`Session::request`](crate::Session::request) that would not mean
    /// what it says.
    #[error("invalid request path: {reason}")]
    InvalidPath {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A request body that could not be serialized as JSON.
    #[error("the request body could not be serialized as JSON")]
    UnserializableBody,
    /// A credential header (`Authorization`, `Cookie`, `x-medusa-access-token`) among
    /// a client's default headers: it would go with every request, the logins and
    /// logouts among them. Give credentials to a session, or the API token to
    /// `api_key`.
    #[error(
        "header {name:?} carries a credential and cannot be a default header; give credentials to a session, or the API token to api_key"
    )]
    CredentialHeader {
        /// The header's name.
        name: String,
    },
}

impl InvalidInput {
    /// A refused header name, shown escaped, at most 64 characters, and with what
    /// looks like a credential masked: a name and a value passed the wrong way round
    /// (`with("Bearer eyJ…", "authorization")`) would otherwise show the token.
    pub(crate) fn invalid_header_name(name: &str) -> Self {
        let shown: String = name.escape_debug().take(64).collect();
        InvalidInput::InvalidHeaderName {
            name: crate::redact::redact_credentials(&shown).into_owned(),
        }
    }
}

/// A success response whose body did not decode into the expected model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode the {what} (HTTP {status}) at `{path}`: {detail}")]
#[non_exhaustive]
pub struct DecodeError {
    /// The status of the response.
    pub status: StatusCode,
    /// What was being decoded (`admin session response` …).
    pub what: &'static str,
    /// The path of the field that failed (`user.created_at`), or `.` for the whole body.
    pub path: String,
    /// What was wrong, without any value taken from the body.
    pub detail: String,
}

impl DecodeError {
    /// A body that decoded but holds a value this client cannot use; `detail` must
    /// not quote the value.
    pub(crate) fn unusable(
        status: StatusCode,
        what: &'static str,
        path: &str,
        detail: &str,
    ) -> Self {
        DecodeError {
            status,
            what,
            path: path.to_owned(),
            detail: detail.to_owned(),
        }
    }

    pub(crate) fn from_serde(
        status: StatusCode,
        what: &'static str,
        error: serde_path_to_error::Error<serde_json::Error>,
    ) -> Self {
        let path = error.path().to_string();
        let inner = error.into_inner();
        DecodeError {
            status,
            what,
            path,
            detail: redact_serde_message(&inner),
        }
    }
}

/// serde_json quotes offending values in its messages (`invalid type: string "…"`),
/// and a value may be a secret: keep only what was expected.
fn redact_serde_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    let quotes_a_value = [
        "invalid type",
        "invalid value",
        "invalid length",
        "unknown variant",
        "unknown field",
    ]
    .iter()
    .any(|prefix| message.starts_with(prefix));
    if quotes_a_value {
        let head = message.split(':').next().unwrap_or("invalid value");
        match message.rsplit_once(", expected ") {
            Some((_, expected)) => format!("{head}, expected {expected}"),
            None => head.to_owned(),
        }
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_error(body: &str) -> DecodeError {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Token {
            access_token: String,
        }
        let mut de = serde_json::Deserializer::from_str(body);
        let err = serde_path_to_error::deserialize::<_, Token>(&mut de).unwrap_err();
        DecodeError::from_serde(StatusCode::OK, "token response", err)
    }

    #[test]
    fn decode_error_names_the_field_and_hides_the_value() {
        let err = decode_error(r#"{"access_token": ["hunter2-secret"]}"#);
        assert_eq!(err.path, "access_token");
        let shown = err.to_string();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("expected a string"), "{shown}");

        let err = decode_error(r#"{"access_token": 991199}"#);
        assert!(!err.to_string().contains("991199"), "{err}");
    }

    #[test]
    fn missing_field_is_named() {
        let err = decode_error("{}");
        assert!(
            err.to_string().contains("missing field `access_token`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_kinds_are_kept() {
        assert_eq!(ApiErrorKind::from_wire("conflict"), ApiErrorKind::Conflict);
        let other = ApiErrorKind::from_wire("brand_new_type");
        assert_eq!(other, ApiErrorKind::Other("brand_new_type".into()));
        assert_eq!(other.as_str(), "brand_new_type");
    }

    #[test]
    fn classifies_through_every_variant() {
        let api_401 = Error::api(
            StatusCode::UNAUTHORIZED,
            ApiErrorKind::Unauthorized,
            "Invalid token",
        );
        assert!(api_401.is_unauthorized());
        let api_400 = Error::api(StatusCode::BAD_REQUEST, ApiErrorKind::InvalidData, "bad");
        assert!(!api_400.is_unauthorized());
        let decode = Error::Decode(DecodeError::unusable(StatusCode::OK, "response", ".", "no"));
        assert_eq!(decode.status(), Some(StatusCode::OK));
        let logout = Error::logout_unconfirmed(
            Side::Admin,
            Error::api(StatusCode::CONFLICT, ApiErrorKind::Conflict, "busy"),
        );
        assert_eq!(logout.api_kind(), Some(&ApiErrorKind::Conflict));
        assert_eq!(logout.status(), Some(StatusCode::CONFLICT));
        assert!(logout.is_retryable());
        assert_eq!(Error::unauthorized().api_kind(), None);
    }

    #[test]
    fn says_what_it_is() {
        let html =
            Error::unexpected_response(StatusCode::NOT_FOUND, Some("text/html"), "Cannot GET /x");
        assert_eq!(
            html.to_string(),
            "unexpected HTTP 404 Not Found response (text/html): Cannot GET /x"
        );
        let bare = Error::unexpected_response(StatusCode::BAD_GATEWAY, None, "(empty body)");
        assert_eq!(
            bare.to_string(),
            "unexpected HTTP 502 Bad Gateway response: (empty body)"
        );
        assert_eq!(ApiErrorKind::DuplicateError.to_string(), "duplicate_error");
        for (reason, says) in [
            (MissingCookieReason::NotSet, "set no session cookie"),
            (
                MissingCookieReason::SecureOverPlainHttp,
                "is Secure and the base URL is plain HTTP",
            ),
            (MissingCookieReason::AlreadyExpired, "had already expired"),
        ] {
            let shown = Error::session_cookie_missing(Side::Store, reason).to_string();
            assert!(
                shown.starts_with("the store session answered 200 but "),
                "{shown}"
            );
            assert!(shown.contains(says), "{shown}");
        }
        let actor_less = Error::actor_missing("customer");
        assert!(actor_less.is_unauthorized());
        assert_eq!(actor_less.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(
            actor_less.to_string(),
            "the customer token has no actor yet (HTTP 401): create the customer with it, then refresh the token"
        );
    }
}
