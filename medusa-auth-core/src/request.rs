//! Building the `http::Request` of one attempt: the client's configuration (base
//! URL, user agent, default headers, API key, publishable key), the credentials the
//! route may carry, and the caller's headers.

use bytes::Bytes;
use http::Method;
use http::header::{self, HeaderMap, HeaderValue};
use secrecy::SecretString;

use crate::base_url::BaseUrl;
use crate::credentials::{AccessToken, ApiCredential, Side};
use crate::error::{ConfigError, Error, InvalidInput};
use crate::headers::{
    ACCESS_TOKEN, CustomHeaders, IDEMPOTENCY_KEY, PUBLISHABLE_API_KEY, checked_value, is_credential,
};

/// `User-Agent: medusa-auth/<version>`, unless overridden.
pub const DEFAULT_USER_AGENT: &str = concat!("medusa-auth/", env!("CARGO_PKG_VERSION"));

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Which credentials a request may carry besides the session cookie (which the jar
/// sends to every request of the origin and path that set it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The route family: `/admin` routes take admin credentials, `/store` routes
    /// store credentials; `None` for any other route, which takes neither.
    pub side: Option<Side>,
    /// Whether the bearer JWT of `side` goes with it.
    pub bearer: bool,
    /// Whether an API token goes with it (admin routes only).
    pub api_token: bool,
    /// Whether the publishable key goes with it (store routes only).
    pub publishable_key: bool,
}

impl Scope {
    /// The credentials of a request to any Medusa route, by its family: on `/admin…`
    /// the admin JWT and the API token, on `/store…` the store JWT and the
    /// publishable key, on any other route only the cookie.
    pub fn for_path(path: &str) -> Scope {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        let side = if under("/admin") {
            Some(Side::Admin)
        } else if under("/store") {
            Some(Side::Store)
        } else {
            None
        };
        Scope {
            side,
            bearer: side.is_some(),
            api_token: side == Some(Side::Admin),
            publishable_key: side == Some(Side::Store),
        }
    }
}

/// The credentials a session handle offers for one request. The factory decides,
/// by the request's [`Scope`], which of them go.
#[derive(Debug, Default, Clone)]
pub struct OutgoingCredentials<'a> {
    /// The `Cookie` header the handle's jar made for this request.
    pub cookie: Option<HeaderValue>,
    /// The bearer JWT the session chose for this request.
    pub bearer: Option<&'a AccessToken>,
    /// The session's machine credential for admin routes that take one; overrides
    /// the client's.
    pub api_credential: Option<&'a ApiCredential>,
}

/// What one request is, before credentials: route, query, body and the caller's
/// headers.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The method.
    pub method: &'a Method,
    /// The path under the base URL (`/store/auth`), starting with `/`.
    pub path: &'a str,
    /// The query string, already encoded, without `?`; empty for none.
    pub query: &'a str,
    /// The body; empty for none.
    pub body: &'a Bytes,
    /// The body's `Content-Type` (`application/json` when `None` and a body is set).
    pub content_type: Option<&'a HeaderValue>,
    /// Which credentials it may carry.
    pub scope: Scope,
    /// The caller's headers, which win over every other.
    pub custom: &'a CustomHeaders,
}

/// Builds each attempt's `http::Request`, with no I/O.
///
/// ```
/// use bytes::Bytes;
/// use medusa_auth_core::CustomHeaders;
/// use medusa_auth_core::internal::{BaseUrl, Outgoing, OutgoingCredentials, RequestFactory, Scope};
/// let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000")?);
/// let request = factory.build(
///     &Outgoing {
///         method: &http::Method::GET,
///         path: "/store/auth/a%2Fb%2Bc@x.io",
///         query: "",
///         body: &Bytes::new(),
///         content_type: None,
///         scope: Scope::for_path("/store/auth"),
///         custom: &CustomHeaders::new(),
///     },
///     &OutgoingCredentials::default(),
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
    api_key: Option<ApiCredential>,
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

    /// The JS `apiKey`: an admin API token sent as `x-medusa-access-token` where a
    /// route takes an API token (admin routes, not the logins).
    pub fn with_api_key(mut self, api_key: &SecretString) -> Result<Self, ConfigError> {
        self.api_key = Some(ApiCredential::new(ACCESS_TOKEN, api_key)?);
        Ok(self)
    }

    /// A machine credential for admin routes, as the header it goes in (v2's secret
    /// key as `Authorization: Basic`).
    pub fn with_api_credential(mut self, credential: ApiCredential) -> Self {
        self.api_key = Some(credential);
        self
    }

    /// The JS `publishableApiKey`: sent as `x-publishable-api-key` on store routes.
    pub fn with_publishable_api_key(mut self, key: &str) -> Result<Self, ConfigError> {
        self.publishable_api_key = Some(checked_value(PUBLISHABLE_API_KEY.as_str(), key)?);
        Ok(self)
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// Builds one attempt of `outgoing`.
    ///
    /// Headers, lowest precedence first: `Accept`, `Content-Type` (on bodies),
    /// `User-Agent`; the client's default headers (an API token among them only on
    /// admin routes); the credentials its [`Scope`] allows (the cookie; the bearer
    /// JWT of its side; the API token; the publishable key); `Idempotency-Key` (on
    /// POST, when given); then the caller's headers, which win over all of them.
    ///
    /// Fails, before anything is sent, on an API token among the caller's headers of
    /// a request that is not for an admin route, or a bearer token of the other side.
    pub fn build(
        &self,
        outgoing: &Outgoing<'_>,
        credentials: &OutgoingCredentials<'_>,
        idempotency_key: Option<&str>,
    ) -> Result<http::Request<Bytes>, Error> {
        let scope = outgoing.scope;
        let admin = scope.side == Some(Side::Admin);
        if !admin && outgoing.custom.contains(&ACCESS_TOKEN) {
            return Err(InvalidInput::ApiTokenOnStoreRoute.into());
        }
        let bearer = credentials.bearer;

        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::ACCEPT, APPLICATION_JSON);
        if !outgoing.body.is_empty() {
            let content_type = outgoing.content_type.cloned().unwrap_or(APPLICATION_JSON);
            headers.insert(header::CONTENT_TYPE, content_type);
        }
        headers.insert(header::USER_AGENT, self.user_agent.clone());
        for (name, value) in self.default_headers.iter() {
            // A client refuses credential headers among its defaults; one that came in
            // by another way (an API token, a publishable key) still goes only where
            // the route takes it.
            let refused = if name == ACCESS_TOKEN {
                !(admin && scope.api_token)
            } else if name == PUBLISHABLE_API_KEY {
                !scope.publishable_key
            } else {
                is_credential(name)
            };
            if !refused {
                headers.insert(name.clone(), value.clone());
            }
        }
        if let Some(cookie) = &credentials.cookie {
            let mut cookie = cookie.clone();
            cookie.set_sensitive(true);
            headers.insert(header::COOKIE, cookie);
        }
        if let Some(token) = bearer {
            headers.insert(header::AUTHORIZATION, bearer_value(token)?);
        }
        if admin && scope.api_token {
            let credential = credentials.api_credential.or(self.api_key.as_ref());
            // A machine credential that is an `Authorization` gives way to a JWT.
            if let Some(credential) = credential {
                if !(credential.name() == header::AUTHORIZATION && bearer.is_some()) {
                    headers.insert(credential.name().clone(), credential.value().clone());
                }
            }
        }
        if scope.publishable_key && scope.side == Some(Side::Store) {
            if let Some(key) = &self.publishable_api_key {
                headers.insert(PUBLISHABLE_API_KEY, key.clone());
            }
        }
        if let (Some(key), true) = (idempotency_key, outgoing.method == Method::POST) {
            headers.insert(
                IDEMPOTENCY_KEY,
                checked_value(IDEMPOTENCY_KEY.as_str(), key)?,
            );
        }
        outgoing.custom.apply_to(&mut headers);

        let uri = self
            .base_url
            .uri_with_query(outgoing.path, outgoing.query)
            .map_err(|_| InvalidInput::InvalidPath {
                reason: "it does not make a valid request URI",
            })?;
        let mut built = http::Request::new(outgoing.body.clone());
        *built.method_mut() = outgoing.method.clone();
        *built.uri_mut() = uri;
        *built.headers_mut() = headers;
        Ok(built)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_belongs_to_the_family_of_its_first_segment() {
        let family = |path| Scope::for_path(path).side;
        assert_eq!(family("/admin"), Some(Side::Admin));
        assert_eq!(family("/admin/users"), Some(Side::Admin));
        assert_eq!(family("/store/products"), Some(Side::Store));
        assert_eq!(family("/store"), Some(Side::Store));
        for other in ["/administrator", "/stores", "/health", "/auth/session", "/"] {
            assert_eq!(family(other), None, "{other}");
            let scope = Scope::for_path(other);
            assert!(!scope.bearer && !scope.api_token && !scope.publishable_key);
        }
        let store = Scope::for_path("/store/carts");
        assert!(store.bearer && store.publishable_key && !store.api_token);
        let admin = Scope::for_path("/admin/users");
        assert!(admin.bearer && admin.api_token && !admin.publishable_key);
    }

    #[test]
    fn a_default_api_token_header_goes_only_where_an_api_token_goes() {
        use crate::v1::endpoint::Endpoint;
        let mut defaults = CustomHeaders::new();
        defaults
            .insert_typed(ACCESS_TOKEN, HeaderValue::from_static("tok"))
            .unwrap();
        defaults
            .insert_typed(PUBLISHABLE_API_KEY, HeaderValue::from_static("pk"))
            .unwrap();
        let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
            .with_default_headers(defaults);
        let body = Bytes::new();
        let custom = CustomHeaders::new();
        for endpoint in Endpoint::ALL {
            let path = endpoint.path(Some("a@b.io"));
            let outgoing = Outgoing {
                method: &endpoint.method(),
                path: &path,
                query: "",
                body: &body,
                content_type: None,
                scope: endpoint.scope(),
                custom: &custom,
            };
            let request = factory
                .build(&outgoing, &OutgoingCredentials::default(), None)
                .unwrap();
            let scope = endpoint.scope();
            assert_eq!(
                request.headers().contains_key(ACCESS_TOKEN),
                scope.api_token,
                "{endpoint}"
            );
            assert_eq!(
                request.headers().contains_key(PUBLISHABLE_API_KEY),
                scope.publishable_key,
                "{endpoint}"
            );
        }
    }

    #[test]
    fn plain_default_headers_go_with_every_request() {
        let factory = RequestFactory::new(BaseUrl::parse("http://127.0.0.1:9000").unwrap())
            .with_default_headers(CustomHeaders::new().with("x-tenant", "eu").unwrap());
        let body = Bytes::new();
        let custom = CustomHeaders::new();
        for path in ["/admin/users", "/store/products", "/health"] {
            let outgoing = Outgoing {
                method: &Method::GET,
                path,
                query: "",
                body: &body,
                content_type: None,
                scope: Scope::for_path(path),
                custom: &custom,
            };
            let request = factory
                .build(&outgoing, &OutgoingCredentials::default(), None)
                .unwrap();
            assert_eq!(request.headers()["x-tenant"], "eu", "{path}");
        }
    }
}
