//! The base URL of a Medusa backend and the origin its cookies belong to.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use http::Uri;
use url::{Host, Url};

use crate::calls::Call;
use crate::error::ConfigError;

/// Medusa's default, as in the JS client.
pub const DEFAULT_BASE_URL: &str = "http://localhost:9000";

/// A validated base URL: `http` or `https`, a host, no user-info, no query or
/// fragment; a path prefix is kept and a trailing slash is harmless.
///
/// ```
/// use medusa_auth_core::BaseUrl;
/// let base = BaseUrl::parse("https://shop.example.com/medusa/")?;
/// assert_eq!(base.uri_for("/store/auth")?.to_string(), "https://shop.example.com/medusa/store/auth");
/// assert!(BaseUrl::parse("https://user:pw@shop.example.com").is_err());
/// assert!(BaseUrl::parse("file:///etc/passwd").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `scheme://authority/prefix`, without a trailing slash.
    root: String,
    /// The path prefix, without a trailing slash (`""` or `/medusa`).
    prefix: String,
    origin: Origin,
    /// The URIs of the fixed routes, parsed once: cloning one is a reference count,
    /// parsing one is a copy and a scan on every call.
    routes: Vec<(&'static str, Uri)>,
}

/// The distinct paths of the calls whose path does not depend on their input (all
/// but `exists`).
fn fixed_routes() -> impl Iterator<Item = &'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    Call::ALL
        .into_iter()
        .filter(|call| *call != Call::StoreExists)
        .map(Call::path_template)
        .filter(move |path| {
            let new = !seen.contains(path);
            seen.push(path);
            new
        })
}

impl BaseUrl {
    /// Parses and validates a base URL.
    pub fn parse(input: &str) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::InvalidBaseUrl { reason };
        let url = Url::parse(input.trim()).map_err(|error| match error {
            url::ParseError::EmptyHost => invalid("the host is missing"),
            url::ParseError::InvalidPort => invalid("the port is not a number from 0 to 65535"),
            _ => invalid("not an absolute URL"),
        })?;
        let secure = match url.scheme() {
            "http" => false,
            "https" => true,
            _ => return Err(invalid("the scheme must be http or https")),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "user-info (user:password@) is not allowed; use credentials",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let host = match url.host() {
            Some(Host::Domain("")) | None => return Err(invalid("the host is missing")),
            Some(host) => host.to_owned(),
        };
        let port = url
            .port_or_known_default()
            .ok_or(invalid("the port is missing"))?;
        let prefix = url.path().trim_end_matches('/').to_owned();
        let root = format!("{}{}", &url[..url::Position::BeforePath], prefix);
        let mut base = BaseUrl {
            root,
            prefix,
            origin: Origin { secure, host, port },
            routes: Vec::with_capacity(4),
        };
        for path in fixed_routes() {
            let uri = base
                .parse_uri(path)
                .map_err(|_| invalid("it does not make a valid request URI"))?;
            base.routes.push((path, uri));
        }
        Ok(base)
    }

    /// The absolute URI of `path` (which starts with `/`) under this base.
    pub fn uri_for(&self, path: &str) -> Result<Uri, http::uri::InvalidUri> {
        match self.routes.iter().find(|(route, _)| *route == path) {
            Some((_, uri)) => Ok(uri.clone()),
            None => self.parse_uri(path),
        }
    }

    fn parse_uri(&self, path: &str) -> Result<Uri, http::uri::InvalidUri> {
        let mut uri = String::with_capacity(self.root.len() + path.len());
        uri.push_str(&self.root);
        uri.push_str(path);
        Uri::try_from(uri)
    }

    /// The full request path of `path` under the prefix (`/medusa/admin/auth`);
    /// `path` itself when there is no prefix.
    pub fn request_path<'a>(&self, path: &'a str) -> Cow<'a, str> {
        if self.prefix.is_empty() {
            Cow::Borrowed(path)
        } else {
            Cow::Owned(format!("{}{}", self.prefix, path))
        }
    }

    /// The origin requests to this base go to.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The base URL as text.
    pub fn as_str(&self) -> &str {
        &self.root
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.root).finish()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root)
    }
}

/// Scheme, host and port: what a cookie is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    secure: bool,
    host: Host<String>,
    port: u16,
}

impl Origin {
    /// Whether requests to this origin use HTTPS.
    pub fn is_https(&self) -> bool {
        self.secure
    }

    /// Whether the host is loopback (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        match &self.host {
            Host::Domain(domain) => {
                domain.eq_ignore_ascii_case("localhost") || domain.ends_with(".localhost")
            }
            Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
            Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
        }
    }

    /// Whether a `Secure` cookie may be sent here: HTTPS, or a loopback host as
    /// browsers allow.
    pub fn is_potentially_trustworthy(&self) -> bool {
        self.secure || self.is_loopback()
    }

    /// The host.
    pub fn host(&self) -> String {
        self.host.to_string()
    }

    /// The port (explicit or the scheme's default).
    pub fn port(&self) -> u16 {
        self.port
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_prefix_and_ignores_a_trailing_slash() {
        for input in [
            "http://127.0.0.1:9000/api",
            "http://127.0.0.1:9000/api/",
            " http://127.0.0.1:9000/api/ ",
        ] {
            let base = BaseUrl::parse(input).unwrap();
            assert_eq!(
                base.uri_for("/admin/auth").unwrap(),
                "http://127.0.0.1:9000/api/admin/auth"
            );
            assert_eq!(base.request_path("/admin/auth"), "/api/admin/auth");
        }
        let base = BaseUrl::parse("http://localhost:9000").unwrap();
        assert_eq!(
            base.uri_for("/store/auth").unwrap(),
            "http://localhost:9000/store/auth"
        );
        let base = BaseUrl::parse("https://[::1]/").unwrap();
        assert_eq!(
            base.uri_for("/store/auth").unwrap(),
            "https://[::1]/store/auth"
        );
        assert_eq!(base.origin().port(), 443);
    }

    #[test]
    fn a_fixed_route_comes_from_the_parsed_ones_and_equals_a_fresh_parse() {
        for input in ["http://127.0.0.1:9000", "https://shop.example.com/medusa/"] {
            let base = BaseUrl::parse(input).unwrap();
            assert_eq!(fixed_routes().count(), 4);
            for path in fixed_routes() {
                assert_eq!(base.uri_for(path).unwrap(), base.parse_uri(path).unwrap());
            }
            let exists = base.uri_for("/store/auth/a%2Fb@x.io").unwrap();
            assert!(
                exists.path().ends_with("/store/auth/a%2Fb@x.io"),
                "{exists}"
            );
        }
        let bare = BaseUrl::parse("http://localhost:9000").unwrap();
        assert!(matches!(
            bare.request_path("/store/auth"),
            Cow::Borrowed("/store/auth")
        ));
    }

    #[test]
    fn refuses_what_cannot_work_without_quoting_it() {
        for (input, reason) in [
            ("https://admin:hunter2@shop.example.com", "user-info"),
            ("file:///etc/passwd", "scheme"),
            ("ftp://example.com", "scheme"),
            ("http://", "host is missing"),
            ("https://:9000/", "host is missing"),
            ("http://shop.example.com:99999", "port"),
            ("not a url", "absolute URL"),
            ("", "absolute URL"),
            ("http://example.com/?x=1", "query"),
            ("http://example.com/#f", "query"),
        ] {
            let err = BaseUrl::parse(input).unwrap_err();
            let shown = err.to_string();
            assert!(shown.contains(reason), "{input}: {shown}");
            assert!(!shown.contains("hunter2"));
        }
    }

    #[test]
    fn knows_loopback_and_https() {
        let trusted = |url: &str| {
            BaseUrl::parse(url)
                .unwrap()
                .origin()
                .is_potentially_trustworthy()
        };
        assert!(trusted("http://127.0.0.1:9000"));
        assert!(trusted("http://127.8.9.10"));
        assert!(trusted("http://localhost:9000"));
        assert!(trusted("http://[::1]:9000"));
        assert!(trusted("https://shop.example.com"));
        assert!(!trusted("http://shop.example.com"));
        assert!(!trusted("http://10.0.0.1"));
    }
}
