//! The base URL of a Medusa backend and the origin its cookies belong to.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use http::Uri;

use crate::error::ConfigError;
use crate::v1::endpoint::Endpoint;

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
    Endpoint::ALL
        .into_iter()
        .filter(|endpoint| *endpoint != Endpoint::StoreExists)
        .map(Endpoint::path_template)
        .filter(move |path| {
            let new = !seen.contains(path);
            seen.push(path);
            new
        })
}

impl BaseUrl {
    /// Parses and validates a base URL.
    ///
    /// The host is an ASCII domain name (an international one in its `xn--` form),
    /// an IPv4 address or a bracketed IPv6 address; domain names are compared
    /// lower-cased. A scheme's default port is dropped.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidBaseUrl`], saying what is wrong, never quoting the URL
    /// (it may carry user-info).
    pub fn parse(input: &str) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::InvalidBaseUrl { reason };
        let input = input.trim();
        let (scheme, rest) = input
            .split_once("://")
            .ok_or(invalid("not an absolute URL"))?;
        let secure = if scheme.eq_ignore_ascii_case("http") {
            false
        } else if scheme.eq_ignore_ascii_case("https") {
            true
        } else if !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        {
            return Err(invalid("the scheme must be http or https"));
        } else {
            return Err(invalid("not an absolute URL"));
        };
        if rest.contains(['?', '#']) {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let (authority, path) = match rest.find('/') {
            Some(slash) => rest.split_at(slash),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(invalid(
                "user-info (user:password@) is not allowed; use credentials",
            ));
        }
        let (host, port) = split_host_port(authority).ok_or(invalid("the host is missing"))?;
        let host = Host::parse(host).map_err(invalid)?;
        let default_port = if secure { 443 } else { 80 };
        let port = match port {
            None | Some("") => default_port,
            Some(port) if port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()) => port
                .parse::<u16>()
                .map_err(|_| invalid("the port is not a number from 0 to 65535"))?,
            Some(_) => return Err(invalid("the port is not a number from 0 to 65535")),
        };
        let prefix = path.trim_end_matches('/').to_owned();
        let mut root = format!("{}://{host}", if secure { "https" } else { "http" });
        if port != default_port {
            root.push_str(&format!(":{port}"));
        }
        root.push_str(&prefix);
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

    /// The absolute URI of `path` with `query` (encoded, without `?`; empty for none).
    pub fn uri_with_query(&self, path: &str, query: &str) -> Result<Uri, http::uri::InvalidUri> {
        if query.is_empty() {
            return self.uri_for(path);
        }
        let mut uri = String::with_capacity(self.root.len() + path.len() + 1 + query.len());
        uri.push_str(&self.root);
        uri.push_str(path);
        uri.push('?');
        uri.push_str(query);
        Uri::try_from(uri)
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

    /// `host:port` (the port explicit or the scheme's default), as transport errors
    /// name the server.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.origin.host, self.origin.port)
    }

    /// Whether requests go over HTTPS.
    pub fn is_https(&self) -> bool {
        self.origin.is_https()
    }

    /// Whether the host is loopback (`localhost`, 127.0.0.0/8, `::1`).
    pub fn is_loopback(&self) -> bool {
        self.origin.is_loopback()
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

/// `host[:port]` of an authority; `None` when the host is empty. An IPv6 host keeps
/// its brackets.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        let (host, rest) = authority.split_at(end);
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return None,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    (!host.is_empty()).then_some((host, port))
}

/// The host of a base URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Host {
    /// A domain name, lower-cased.
    Domain(String),
    Ipv4(std::net::Ipv4Addr),
    Ipv6(std::net::Ipv6Addr),
}

impl Host {
    fn parse(text: &str) -> Result<Host, &'static str> {
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or("the host is not a valid IPv6 address")?;
            return inner
                .parse()
                .map(Host::Ipv6)
                .map_err(|_| "the host is not a valid IPv6 address");
        }
        if let Ok(ip) = text.parse() {
            return Ok(Host::Ipv4(ip));
        }
        if !text.is_ascii() {
            return Err("the host must be ASCII (an international domain name in its xn-- form)");
        }
        let labels = text.split('.').count();
        let valid = text.len() <= 253
            && text.split('.').enumerate().all(|(index, label)| {
                // One trailing dot (a fully qualified name) is allowed: an empty last
                // label after one that is not.
                (label.is_empty() && index + 1 == labels && index > 0)
                    || (!label.is_empty()
                        && label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            });
        if !valid {
            return Err("the host is not a valid domain name or IP address");
        }
        Ok(Host::Domain(text.to_ascii_lowercase()))
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Domain(domain) => f.write_str(domain),
            Host::Ipv4(ip) => write!(f, "{ip}"),
            Host::Ipv6(ip) => write!(f, "[{ip}]"),
        }
    }
}

/// Scheme, host and port: what a cookie is bound to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    secure: bool,
    host: Host,
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
            ("http://shop.example.com:80a", "port"),
            ("http://shop.example.com:-1", "port"),
            ("http://bücher.example", "xn--"),
            ("http://exa mple.com", "domain name"),
            ("http://[::1", "host is missing"),
            ("http://[not-v6]:9000", "IPv6"),
            ("http://shop.example.com/a b", "request URI"),
            ("://shop.example.com", "absolute URL"),
            ("http://shop.example.com:+80", "port"),
            ("http://shop.example.com:123456", "port"),
            ("http://[::1]x:9000", "host is missing"),
            ("http://shop..example.com", "domain name"),
            ("http://.example.com", "domain name"),
            ("http://.", "domain name"),
            ("http://shop.example.com..", "domain name"),
            ("http://shop..example.com.", "domain name"),
            (&format!("http://{}.com", "a".repeat(64)), "domain name"),
            (&format!("http://{}", "a.".repeat(127)), "domain name"),
        ] {
            let err = BaseUrl::parse(input).unwrap_err();
            let shown = err.to_string();
            assert!(shown.contains(reason), "{input}: {shown}");
            assert!(!shown.contains("hunter2"));
        }
    }

    #[test]
    fn normalises_the_host_and_the_default_port() {
        for (input, root, authority) in [
            (
                "HTTP://Shop.Example.COM:80/Medusa",
                "http://shop.example.com/Medusa",
                "shop.example.com:80",
            ),
            (
                "https://shop.example.com:443",
                "https://shop.example.com",
                "shop.example.com:443",
            ),
            (
                "http://127.0.0.1:9000",
                "http://127.0.0.1:9000",
                "127.0.0.1:9000",
            ),
            ("http://[::1]:9000/", "http://[::1]:9000", "[::1]:9000"),
            (
                "http://xn--bcher-kva.example",
                "http://xn--bcher-kva.example",
                "xn--bcher-kva.example:80",
            ),
            ("http://localhost:", "http://localhost", "localhost:80"),
        ] {
            let base = BaseUrl::parse(input).unwrap();
            assert_eq!(base.as_str(), root, "{input}");
            assert_eq!(base.authority(), authority, "{input}");
        }
        let upper = BaseUrl::parse("http://SHOP.example.com").unwrap();
        let lower = BaseUrl::parse("http://shop.example.com").unwrap();
        assert_eq!(upper.origin(), lower.origin());
    }

    #[test]
    fn a_fully_qualified_name_and_long_labels_are_hosts() {
        for input in [
            "http://shop.example.com.",
            &format!("http://{}.com", "a".repeat(63)),
            "http://under_score.example",
        ] {
            assert!(BaseUrl::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn says_what_it_is() {
        let base = BaseUrl::parse("https://shop.example.com/medusa").unwrap();
        assert!(base.is_https() && !base.is_loopback());
        assert!(base.origin().is_https());
        assert_eq!(base.to_string(), "https://shop.example.com/medusa");
        assert_eq!(
            format!("{base:?}"),
            r#"BaseUrl("https://shop.example.com/medusa")"#
        );
        let local = BaseUrl::parse("http://127.0.0.1:9000").unwrap();
        assert!(!local.is_https() && local.is_loopback());
        assert!(!local.origin().is_https());
        assert_eq!(local.origin().host(), "127.0.0.1");
        assert_eq!(local.origin().port(), 9000);
        // Each fixed route once.
        let routes: Vec<&str> = fixed_routes().collect();
        assert_eq!(
            routes,
            [
                "/admin/auth",
                "/admin/auth/token",
                "/store/auth",
                "/store/auth/token"
            ]
        );
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
