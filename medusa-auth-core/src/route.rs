//! Requests to any Medusa route with a session's credentials (the JS clients'
//! `client.request` / `client.fetch`): [`RequestBuilder`], and the object-safe
//! [`RouteApi`] it sends through.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;

use async_trait::async_trait;
use bytes::Bytes;
use http::{HeaderValue, Method, Response};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::call::CallFuture;
use crate::error::{InvalidInput, Result};
use crate::headers::CustomHeaders;
use crate::response;

/// Characters encoded in a query key or value: everything but the unreserved ones.
const QUERY_COMPONENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The longest path accepted, in bytes.
const MAX_PATH_LEN: usize = 2048;

/// One request to a Medusa route, as a [`RouteApi`] receives it: method, path under
/// the base URL, encoded query, the caller's headers and the body.
#[derive(Clone)]
pub struct ApiRequest {
    method: Method,
    path: String,
    query: String,
    headers: CustomHeaders,
    body: Bytes,
    content_type: Option<HeaderValue>,
}

impl fmt::Debug for ApiRequest {
    /// Shows no body and no header value: either may carry a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl ApiRequest {
    /// A request for `method` and `path` (under the base URL, starting with `/`),
    /// without query, headers or body.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::InvalidPath`] for a path that does not start with a single
    /// `/`, holds a `?`, `#`, white space, control or non-ASCII character, a `.` or
    /// `..` segment (plain or percent-encoded), or is longer than 2,048 bytes: the
    /// route family decides which credentials go, so the path must mean what it says.
    pub fn new(method: Method, path: &str) -> Result<Self, InvalidInput> {
        validate_path(path)?;
        Ok(ApiRequest {
            method,
            path: path.to_owned(),
            query: String::new(),
            headers: CustomHeaders::new(),
            body: Bytes::new(),
            content_type: None,
        })
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path under the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string, encoded, without `?` (empty for none).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The caller's headers.
    pub fn headers(&self) -> &CustomHeaders {
        &self.headers
    }

    /// The body (empty for none).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body's content type, when one was set (`application/json` for a JSON body).
    pub fn content_type(&self) -> Option<&HeaderValue> {
        self.content_type.as_ref()
    }

    /// Appends `key=value` to the query, each percent-encoded.
    pub fn push_query(&mut self, key: &str, value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.extend(utf8_percent_encode(key, QUERY_COMPONENT));
        self.query.push('=');
        self.query
            .extend(utf8_percent_encode(value, QUERY_COMPONENT));
    }

    /// The caller's headers, to change them.
    pub fn headers_mut(&mut self) -> &mut CustomHeaders {
        &mut self.headers
    }

    /// Sets the body and its content type.
    pub fn set_body(&mut self, body: Bytes, content_type: HeaderValue) {
        self.body = body;
        self.content_type = Some(content_type);
    }
}

fn validate_path(path: &str) -> Result<(), InvalidInput> {
    let invalid = |reason| Err(InvalidInput::InvalidPath { reason });
    if !path.starts_with('/') || path.starts_with("//") {
        return invalid("it must start with a single '/'");
    }
    if path.len() > MAX_PATH_LEN {
        return invalid("it is longer than 2048 bytes");
    }
    if path.contains(['?', '#']) {
        return invalid("a query or fragment goes in .query(), not in the path");
    }
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return invalid("it holds white space, control or non-ASCII characters");
    }
    let dot_segment = path.split('/').any(|segment| {
        let decoded = percent_decode_str(segment).collect::<Vec<u8>>();
        decoded == b"." || decoded == b".."
    });
    if dot_segment {
        return invalid("it holds a '.' or '..' segment");
    }
    Ok(())
}

/// Sends requests to any Medusa route with one session's credentials: implemented by
/// [`Session`](crate::Session), mocked by `medusa-auth-mock`.
///
/// Call it through [`request`](#method.request) and its shortcuts, on
/// `dyn RouteApi`; implement [`send_request`](RouteApi::send_request).
#[async_trait]
pub trait RouteApi: Send + Sync {
    /// Sends `request` and answers with the whole response, whatever its status
    /// (the [`RequestBuilder`] reads it into a value or a typed error).
    ///
    /// # Errors
    ///
    /// No response ([`Error::Transport`](crate::Error::Transport)), input refused before sending
    /// ([`Error::InvalidInput`](crate::Error::InvalidInput)), or [`Error::TokenExpired`](crate::Error::TokenExpired) for a 401 to a request
    /// whose JWT had expired and so was not sent.
    async fn send_request(&self, request: ApiRequest) -> Result<Response<Bytes>>;
}

impl<'s> dyn RouteApi + 's {
    /// A request to any Medusa route: see [`RequestBuilder`].
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder<'_> {
        RequestBuilder::new(self, method, path)
    }

    /// A `GET`; see [`request`](#method.request).
    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::GET, path)
    }

    /// A `POST`; see [`request`](#method.request).
    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::POST, path)
    }

    /// A `DELETE`; see [`request`](#method.request).
    pub fn delete(&self, path: &str) -> RequestBuilder<'_> {
        self.request(Method::DELETE, path)
    }
}

/// A request to any Medusa route with a session's credentials, awaited directly:
/// add a query, headers or a JSON body, then `.await` the answer as
/// `serde_json::Value`, or as your own type after [`decode`](Self::decode).
///
/// It goes through the client's retries, timeouts and redaction like the auth
/// calls; a 2xx answer's JSON body is decoded (an empty one reads as `null`), and
/// any other answer is the typed [`Error`](crate::Error) it stands for
/// ([`Error::Unauthorized`](crate::Error::Unauthorized),
/// [`Error::Api`](crate::Error::Api) …). Traces show the path with its ids masked.
///
/// The answer is the server's JSON as it is: Medusa puts secrets in some of them
/// (every user's `api_token` in `GET /admin/users`). Decode those into a type that
/// keeps the secret as a [`SecretString`](crate::SecretString) ([`User`](crate::User)
/// does) rather than logging a `serde_json::Value`.
///
/// ```
/// # use medusa_auth_core::{Client, Error, HttpTransport, TransportError};
/// # struct Refused;
/// # #[async_trait::async_trait]
/// # impl HttpTransport for Refused {
/// #     async fn send(&self, _: http::Request<bytes::Bytes>) -> Result<http::Response<bytes::Bytes>, TransportError> {
/// #         Err(TransportError::connect("refused"))
/// #     }
/// # }
/// # futures::executor::block_on(async {
/// #[derive(serde::Deserialize)]
/// struct Products {
///     count: u64,
/// }
///
/// let client = Client::builder(Refused).build()?;
/// let shopper = client.session();
/// let products = shopper
///     .get("/store/products")
///     .query("limit", "10")
///     .decode::<Products>()
///     .await;
/// assert!(matches!(products, Err(Error::Transport(_))));
///
/// // A path that would not mean what it says is refused before anything is sent.
/// let sneaky = shopper.get("/store/../admin/users").await;
/// assert!(matches!(sneaky, Err(Error::InvalidInput(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[must_use = "a request does nothing until it is awaited"]
pub struct RequestBuilder<'a, T = serde_json::Value> {
    api: &'a dyn RouteApi,
    request: Result<ApiRequest, InvalidInput>,
    output: PhantomData<fn() -> T>,
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(api: &'a dyn RouteApi, method: Method, path: &str) -> Self {
        RequestBuilder {
            api,
            request: ApiRequest::new(method, path),
            output: PhantomData,
        }
    }
}

impl<'a, T> RequestBuilder<'a, T> {
    fn edit(mut self, change: impl FnOnce(&mut ApiRequest) -> Result<(), InvalidInput>) -> Self {
        if let Ok(request) = &mut self.request {
            if let Err(error) = change(request) {
                self.request = Err(error);
            }
        }
        self
    }

    /// Appends `key=value` to the query string (both percent-encoded).
    pub fn query(self, key: &str, value: &str) -> Self {
        self.edit(|request| {
            request.push_query(key, value);
            Ok(())
        })
    }

    /// Adds a header to this request (replacing one of the same name); a header that
    /// cannot be sent makes the request fail when awaited, before anything is sent.
    pub fn header(self, name: &str, value: &str) -> Self {
        self.edit(|request| request.headers.insert(name, value))
    }

    /// Adds every header of `headers`.
    pub fn headers(self, headers: CustomHeaders) -> Self {
        self.edit(|request| {
            request.headers.extend(headers);
            Ok(())
        })
    }

    /// Sends `body` as JSON (`Content-Type: application/json`).
    pub fn json<B: Serialize + ?Sized>(self, body: &B) -> Self {
        self.edit(|request| {
            let json = serde_json::to_vec(body).map_err(|_| InvalidInput::UnserializableBody)?;
            request.set_body(
                Bytes::from(json),
                HeaderValue::from_static("application/json"),
            );
            Ok(())
        })
    }

    /// Reads a 2xx answer's JSON body as `U` instead of `serde_json::Value`.
    pub fn decode<U: DeserializeOwned>(self) -> RequestBuilder<'a, U> {
        RequestBuilder {
            api: self.api,
            request: self.request,
            output: PhantomData,
        }
    }

    /// The request as it would be sent, or the input error it would fail with.
    pub fn api_request(&self) -> Result<&ApiRequest, &InvalidInput> {
        self.request.as_ref()
    }
}

impl<'a, T: DeserializeOwned + Send + 'static> RequestBuilder<'a, T> {
    /// The request as a future, for what wants one rather than an
    /// [`IntoFuture`]: `join!`, `select!`, a `Vec` of requests. `.await` does the same.
    pub fn send(self) -> CallFuture<'a, T> {
        self.into_future()
    }
}

impl<'a, T: DeserializeOwned + Send + 'static> IntoFuture for RequestBuilder<'a, T> {
    type Output = Result<T>;
    type IntoFuture = CallFuture<'a, T>;

    fn into_future(self) -> Self::IntoFuture {
        let api = self.api;
        Box::pin(async move {
            let response = api.send_request(self.request?).await?;
            response::read_any_json(&response)
        })
    }
}

impl<T> fmt::Debug for RequestBuilder<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_mean_what_they_say() {
        for good in [
            "/admin/users",
            "/store/products/prod_01",
            "/health",
            "/a%2Fb",
        ] {
            assert!(ApiRequest::new(Method::GET, good).is_ok(), "{good}");
        }
        for bad in [
            "admin/users",
            "//evil.example/admin",
            "/store/../admin/users",
            "/store/%2e%2E/admin",
            "/store/./x",
            "/x?y=1",
            "/x#f",
            "/a b",
            "/caf\u{e9}",
            "/a\r\nb",
            "",
        ] {
            assert!(
                matches!(
                    ApiRequest::new(Method::GET, bad),
                    Err(InvalidInput::InvalidPath { .. })
                ),
                "{bad:?}"
            );
        }
        let long = format!("/{}", "a".repeat(MAX_PATH_LEN));
        assert!(ApiRequest::new(Method::GET, &long).is_err());
    }

    #[test]
    fn query_pairs_are_encoded() {
        let mut request = ApiRequest::new(Method::GET, "/store/products").unwrap();
        request.push_query("q", "a b&c=d");
        request.push_query("fields", "+id,*title");
        assert_eq!(request.query(), "q=a%20b%26c%3Dd&fields=%2Bid%2C*title");
    }

    #[test]
    fn a_request_shows_its_parts_and_never_its_body() {
        let mut request = ApiRequest::new(Method::POST, "/store/carts").unwrap();
        request.push_query("limit", "1");
        request
            .headers_mut()
            .insert("x-request-id", "7f2c")
            .unwrap();
        assert_eq!(request.content_type(), None);
        request.set_body(
            Bytes::from_static(br#"{"password":"hunter2"}"#),
            HeaderValue::from_static("application/json"),
        );
        assert_eq!(request.content_type().unwrap(), "application/json");
        assert_eq!(request.headers().get("x-request-id").unwrap(), "7f2c");
        assert_eq!(request.body().len(), 22);
        let shown = format!("{request:?}");
        assert_eq!(
            shown,
            r#"ApiRequest { method: POST, path: "/store/carts", headers: {"x-request-id"}, body_len: 22, .. }"#
        );
        struct Nowhere;
        #[async_trait]
        impl RouteApi for Nowhere {
            async fn send_request(&self, _: ApiRequest) -> Result<Response<Bytes>> {
                unreachable!("never sent")
            }
        }
        let builder = RequestBuilder::new(&Nowhere, Method::GET, "/store/x").header("x-a", "1");
        assert_eq!(
            format!("{builder:?}"),
            r#"RequestBuilder { request: Ok(ApiRequest { method: GET, path: "/store/x", headers: {"x-a"}, body_len: 0, .. }), .. }"#
        );
        let longest = format!("/{}", "a".repeat(MAX_PATH_LEN - 1));
        assert!(ApiRequest::new(Method::GET, &longest).is_ok());
    }
}
