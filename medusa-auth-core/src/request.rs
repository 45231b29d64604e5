//! Building the request of each call (SPEC §1, §2, §5).

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::base_url::BaseUrl;
use crate::calls::{AuthRequest, Call};
use crate::credentials::{AccessToken, Side};
use crate::error::{ConfigError, Error, InvalidInput};
use crate::headers::{
    ACCESS_TOKEN, CustomHeaders, IDEMPOTENCY_KEY, PUBLISHABLE_API_KEY, checked_value,
};
use crate::secret::{wiped_bytes, wiped_header_value};
use crate::validation;

/// `User-Agent: medusa-auth/<version>`, unless overridden.
pub const DEFAULT_USER_AGENT: &str = concat!("medusa-auth/", env!("CARGO_PKG_VERSION"));

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// The credentials a session handle offers for one request. The factory decides
/// which of them go with which call.
#[derive(Debug, Default, Clone)]
pub struct OutgoingCredentials<'a> {
    /// The `Cookie` header the handle's jar made for this request.
    pub cookie: Option<HeaderValue>,
    /// A bearer JWT; sent only to routes of its own side.
    pub bearer: Option<&'a AccessToken>,
    /// An API token for admin routes; overrides the client's `api_key`.
    pub api_token: Option<&'a SecretString>,
}

#[derive(Serialize)]
struct LoginBody<'a> {
    email: &'a str,
    password: &'a str,
}

/// Builds the `http::Request` of each call, with no I/O: the client configuration
/// that shapes every request (base URL, user agent, default headers, API key,
/// publishable key).
///
/// ```
/// use medusa_auth_core::{AuthRequest, BaseUrl, CustomHeaders, OutgoingCredentials, RequestFactory};
/// let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000")?);
/// let request = factory.build(
///     &AuthRequest::StoreExists { email: "a/b+c@x.io" },
///     &OutgoingCredentials::default(),
///     &CustomHeaders::new(),
///     None,
/// )?;
/// assert_eq!(request.uri(), "http://127.0.0.1:9000/store/auth/a%2Fb%2Bc@x.io");
/// assert_eq!(request.headers()["accept"], "application/json");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RequestFactory {
    base_url: BaseUrl,
    user_agent: HeaderValue,
    default_headers: CustomHeaders,
    api_key: Option<HeaderValue>,
    publishable_api_key: Option<HeaderValue>,
}

impl RequestFactory {
    /// A factory for `base_url` with the default user agent and nothing else.
    pub fn new(base_url: BaseUrl) -> Self {
        RequestFactory {
            base_url,
            user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
            default_headers: CustomHeaders::new(),
            api_key: None,
            publishable_api_key: None,
        }
    }

    /// Replaces the `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: &str) -> Result<Self, ConfigError> {
        self.user_agent = checked_value("user-agent", user_agent)?;
        Ok(self)
    }

    /// Headers added to every request (per-call headers win over them).
    pub fn with_default_headers(mut self, headers: CustomHeaders) -> Self {
        self.default_headers = headers;
        self
    }

    /// The JS `apiKey`: an admin API token sent as `x-medusa-access-token` on every
    /// admin call but the login (`POST /admin/auth`), never on store calls.
    pub fn with_api_key(mut self, api_key: &SecretString) -> Result<Self, ConfigError> {
        self.api_key = Some(sensitive_value(ACCESS_TOKEN.as_str(), api_key)?);
        Ok(self)
    }

    /// The JS `publishableApiKey`: sent as `x-publishable-api-key` on every request.
    pub fn with_publishable_api_key(mut self, key: &str) -> Result<Self, ConfigError> {
        self.publishable_api_key = Some(checked_value(PUBLISHABLE_API_KEY.as_str(), key)?);
        Ok(self)
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// Builds the request of `request`.
    ///
    /// Headers, lowest precedence first: `Accept`, `Content-Type` (on bodies),
    /// `User-Agent`; the client's default headers; the credentials this call takes
    /// (cookie; the bearer JWT and API token of its side, but not on the password
    /// login); `x-publishable-api-key`; `Idempotency-Key` (given for POST calls when
    /// retries are on); then `custom`, which wins over all of them.
    ///
    /// Fails, before anything is sent, on an invalid email or password, an API token
    /// in `custom` on a store call, or a bearer token of the other side.
    pub fn build(
        &self,
        request: &AuthRequest<'_>,
        credentials: &OutgoingCredentials<'_>,
        custom: &CustomHeaders,
        idempotency_key: Option<&str>,
    ) -> Result<http::Request<Bytes>, Error> {
        let call = request.call();
        let side = call.side();
        if side == Side::Store && custom.contains(&ACCESS_TOKEN) {
            return Err(InvalidInput::ApiTokenOnStoreRoute.into());
        }
        if let Some(token) = credentials.bearer {
            if token.side() != side {
                return Err(InvalidInput::BearerForOtherSide {
                    token_side: token.side(),
                    call_side: side,
                }
                .into());
            }
        }

        let body = match request.login() {
            Some((email, password)) => {
                validation::validate_email(email)?;
                validation::validate_password(password)?;
                let password = password.expose_secret();
                let body = LoginBody { email, password };
                // Room for the worst case (every character escaped as \uXXXX), so the
                // buffer never grows and leaves a copy of the password behind; the
                // body is wiped when dropped.
                let mut json = Vec::with_capacity(32 + 6 * (email.len() + password.len()));
                // Serializing two strings into JSON cannot fail.
                let _ = serde_json::to_writer(&mut json, &body);
                wiped_bytes(json)
            }
            None => {
                if let AuthRequest::StoreExists { email } = request {
                    validation::validate_lookup_email(email)?;
                }
                Bytes::new()
            }
        };

        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::ACCEPT, APPLICATION_JSON);
        if !body.is_empty() {
            headers.insert(header::CONTENT_TYPE, APPLICATION_JSON);
        }
        headers.insert(header::USER_AGENT, self.user_agent.clone());
        for (name, value) in self.default_headers.iter() {
            if side == Side::Store && name == ACCESS_TOKEN {
                continue;
            }
            headers.insert(name.clone(), value.clone());
        }
        if let Some(cookie) = &credentials.cookie {
            let mut cookie = cookie.clone();
            cookie.set_sensitive(true);
            headers.insert(header::COOKIE, cookie);
        }
        if call.sends_side_credentials() {
            if let Some(token) = credentials.bearer {
                headers.insert(header::AUTHORIZATION, bearer_value(token)?);
            }
            if side == Side::Admin {
                let api_token = match credentials.api_token {
                    Some(token) => Some(sensitive_value(ACCESS_TOKEN.as_str(), token)?),
                    None => self.api_key.clone(),
                };
                if let Some(value) = api_token {
                    headers.insert(ACCESS_TOKEN, value);
                }
            }
        }
        if let Some(key) = &self.publishable_api_key {
            headers.insert(PUBLISHABLE_API_KEY, key.clone());
        }
        if let (Some(key), true) = (idempotency_key, call.method() == http::Method::POST) {
            headers.insert(
                IDEMPOTENCY_KEY,
                checked_value(IDEMPOTENCY_KEY.as_str(), key)?,
            );
        }
        custom.apply_to(&mut headers);

        let uri =
            self.base_url
                .uri_for(&request.path())
                .map_err(|_| InvalidInput::InvalidEmail {
                    reason: "it cannot be sent in a URL",
                })?;
        let mut built = http::Request::new(body);
        *built.method_mut() = call.method();
        *built.uri_mut() = uri;
        *built.headers_mut() = headers;
        Ok(built)
    }
}

/// A secret as a header value marked sensitive, in bytes wiped when dropped; refused
/// when it holds characters a header cannot carry.
pub(crate) fn sensitive_value(
    name: &str,
    secret: &SecretString,
) -> Result<HeaderValue, InvalidInput> {
    wiped_header_value(secret.expose_secret().as_bytes().to_vec()).ok_or_else(|| {
        InvalidInput::InvalidHeaderValue {
            name: name.to_owned(),
        }
    })
}

/// The `Authorization` value for `token` (made once, when the token was); refused
/// when the token holds characters a header cannot carry.
pub(crate) fn bearer_value(token: &AccessToken) -> Result<HeaderValue, InvalidInput> {
    token
        .authorization()
        .cloned()
        .ok_or_else(|| InvalidInput::InvalidHeaderValue {
            name: header::AUTHORIZATION.as_str().to_owned(),
        })
}

impl Call {
    /// Whether `RequestFactory::build` puts an `Idempotency-Key` on this call when
    /// given one (POST calls).
    pub fn takes_idempotency_key(self) -> bool {
        self.method() == http::Method::POST
    }
}
