//! The request handler: Medusa v2's Express stack in the order it runs —
//! express-session, `/health`, the body parsers, then per namespace the cors
//! middleware (matched routes only), `/admin`'s authentication, `/store`'s
//! publishable-key check, the routes with their own middlewares, Express's
//! `OPTIONS` answer, finalhandler's 404 — and the session written back.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response};
use medusa_auth_core::Timestamp;

use super::answer::{Answer, cors_headers};
use super::auth::{self, ADMIN, Actors, Options};
use super::body;
use super::json::Js;
use super::routes::{self, RouteId};
use super::sessions::set_cookie;
use super::shared::ids::{system_now, timestamp};
use super::shared::session::new_sid;
use super::{Config, State, admin, auth_routes, store};

/// One request as the middlewares see it.
pub(crate) struct Cx<'a> {
    pub(crate) config: &'a Config,
    pub(crate) method: &'a Method,
    /// The path as sent (percent-encoded), without the query.
    pub(crate) path: &'a str,
    /// The query string, without `?`.
    pub(crate) query: &'a str,
    pub(crate) headers: &'a HeaderMap,
    /// `req.body`.
    pub(crate) body: Js,
    pub(crate) now: SystemTime,
}

impl Cx<'_> {
    /// The clock in Unix seconds (`Math.floor(Date.now() / 1000)`).
    pub(crate) fn now_secs(&self) -> u64 {
        self.now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
    }

    /// The clock as the records keep it (milliseconds).
    pub(crate) fn timestamp(&self) -> Timestamp {
        timestamp(self.now)
    }

    /// `req.query` (Express's qs parser).
    pub(crate) fn query(&self) -> Js {
        body::parse_qs(self.query, usize::MAX)
    }
}

/// express-session's view of one request.
#[derive(Debug)]
pub(crate) struct SessionCtx {
    /// The id of the session loaded from the cookie, if one was.
    sid: Option<String>,
    /// The auth context as loaded.
    original: Option<Arc<Js>>,
    /// `req.session.auth_context`.
    pub(crate) auth_context: Option<Arc<Js>>,
    /// `req.session.destroy()` was called.
    pub(crate) destroyed: bool,
}

pub(crate) fn handle(
    config: &Config,
    state: &mut State,
    request: Request<Bytes>,
) -> Response<Bytes> {
    let now = system_now(&*config.clock);
    let (parts, raw_body) = request.into_parts();
    let secure = parts.uri.scheme_str() == Some("https") || forwarded_https(&parts.headers);

    // express-session, first on every request.
    let cookie_sid = joined(&parts.headers, &header::COOKIE, "; ")
        .and_then(|cookie| config.cookie_secret.sid_from_cookie_header(&cookie));
    let loaded = cookie_sid
        .as_deref()
        .and_then(|sid| state.sessions.get(sid, now).map(|c| (sid.to_owned(), c)));
    let mut session = SessionCtx {
        sid: loaded.as_ref().map(|(sid, _)| sid.clone()),
        original: loaded.as_ref().map(|(_, c)| c.clone()),
        auth_context: loaded.map(|(_, c)| c),
        destroyed: false,
    };

    #[cfg(feature = "server")]
    let too_large = parts
        .extensions
        .get::<crate::fake::BodyTooLarge>()
        .is_some();
    #[cfg(not(feature = "server"))]
    let too_large = false;

    let answer = stack(
        config,
        state,
        &mut session,
        &parts.method,
        parts.uri.path(),
        parts.uri.query().unwrap_or_default(),
        &parts.headers,
        &raw_body,
        too_large,
        now,
    );

    // express-session, when the headers go out.
    let cookie = match (&session.destroyed, &session.auth_context) {
        (true, _) => {
            if let Some(sid) = &session.sid {
                state.sessions.destroy(sid);
            }
            None
        }
        (false, None) => None,
        (false, Some(context)) => {
            let modified = session
                .original
                .as_ref()
                .is_none_or(|original| original != context);
            // resave: a loaded session is saved (touched) again; a new one only once
            // something was put in it (saveUninitialized: false).
            let sid = session.sid.clone().unwrap_or_else(new_sid);
            state.sessions.save(&sid, context.clone(), now);
            // shouldSetCookie: with `saveUninitialized: false`, `rolling: false` and
            // an `Expires`, a cookie goes out when the session changed; a Secure one
            // only over HTTPS.
            (modified && (!config.production || secure)).then(|| {
                let value = config.cookie_secret.cookie_value(&sid);
                set_cookie(&value, now, config.production)
            })
        }
    };
    let cookie = cookie.and_then(|c| HeaderValue::from_str(&c).ok());
    let date = HeaderValue::from_str(&httpdate::fmt_http_date(now))
        .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    answer.into_response(cookie, date, &parts.method, &parts.headers)
}

/// The middlewares and routes, up to the answer.
#[allow(clippy::too_many_arguments)]
fn stack(
    config: &Config,
    state: &mut State,
    session: &mut SessionCtx,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    raw_body: &Bytes,
    too_large: bool,
    now: SystemTime,
) -> Answer {
    let get = method == Method::GET || method == Method::HEAD;
    if get && routes_is(path, "/health") {
        return Answer::health();
    }
    // The body parsers run on every other request.
    let body = match body::read(headers, raw_body, too_large) {
        Ok(body) => body,
        Err(error) => return Answer::http_error(error.status, &error.message, error.kind()),
    };
    let cx = Cx {
        config,
        method,
        path,
        query,
        headers,
        body,
        now,
    };
    // The cors middleware of each namespace runs for a matched route only (for a
    // preflight: the route of `Access-Control-Request-Method`).
    let preflight_method = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .and_then(|v| v.to_str().ok());
    let cors_method = match (method == Method::OPTIONS, preflight_method) {
        (true, Some(requested)) => requested,
        _ => method.as_str(),
    };
    let namespace = ["/admin", "/store", "/auth"]
        .into_iter()
        .find(|mount| under(path, mount).is_some());
    let mut cors: Vec<(HeaderName, HeaderValue)> = Vec::new();
    if let Some(namespace) = namespace {
        if routes::find_exact(cors_method, path).is_some() {
            let allowed = match namespace {
                "/admin" => &config.admin_cors,
                "/store" => &config.store_cors,
                _ => &config.auth_cors,
            };
            let preflight = method == Method::OPTIONS;
            cors = cors_headers(allowed, headers, preflight);
            if preflight {
                return Answer::preflight(cors);
            }
        }
    }
    let answer = match namespace {
        Some("/admin") => {
            // authenticate("user", ["bearer", "session", "api-key"]) on every path.
            match auth::authenticate(
                &cx,
                state,
                session,
                Actors::Only("user"),
                ADMIN,
                Options::default(),
            ) {
                Err(answer) => return answer.with_cors(&cors),
                Ok(context) => routes_and_404(&cx, state, session, context),
            }
        }
        Some("/store") => {
            let guards = store::publishable_key(&cx, state)
                .and_then(|()| store::me_guard(&cx, state, session));
            match guards {
                Err(answer) => return answer.with_cors(&cors),
                Ok(()) => routes_and_404(&cx, state, session, None),
            }
        }
        _ => routes_and_404(&cx, state, session, None),
    };
    answer.with_cors(&cors)
}

/// The routes, then Express's `OPTIONS` answer, then finalhandler's 404.
fn routes_and_404(
    cx: &Cx<'_>,
    state: &mut State,
    session: &mut SessionCtx,
    admin_context: Option<Arc<Js>>,
) -> Answer {
    let Some(matched) = routes::find(cx.method, cx.path) else {
        let allowed = routes::allowed_methods(cx.path);
        if cx.method == Method::OPTIONS && !allowed.is_empty() {
            return Answer::options(&allowed.join(","));
        }
        return Answer::cannot(cx.method.as_str(), cx.path);
    };
    // Express decodes the parameters; a URIError reaches Medusa's error handler,
    // which answers an error it does not know with a 500.
    let mut params = Vec::with_capacity(matched.params.len());
    for raw in &matched.params {
        match body::decode_uri_component(raw) {
            Some(param) => params.push(param),
            None => return Answer::unknown_error(),
        }
    }
    let param = |index: usize| params.get(index).map(String::as_str).unwrap_or_default();
    match matched.id {
        RouteId::AuthSession
        | RouteId::AuthTokenRefresh
        | RouteId::AuthProviders
        | RouteId::AuthProviderUser
        | RouteId::AuthCallback
        | RouteId::AuthRegister
        | RouteId::AuthResetPassword
        | RouteId::AuthUpdate
        | RouteId::AuthLogin => {
            auth_routes::route(cx, state, session, matched.id, param(0), param(1))
        }
        RouteId::AdminUsersMe
        | RouteId::AdminUsers
        | RouteId::AdminUser
        | RouteId::AdminCustomers
        | RouteId::AdminApiKeys
        | RouteId::AdminApiKey
        | RouteId::AdminApiKeyRevoke => match admin_context {
            Some(context) => admin::route(cx, state, matched.id, param(0), &context),
            // The admin namespace always authenticates first.
            None => Answer::refused(super::answer::UNAUTHORIZED),
        },
        RouteId::StoreCustomers
        | RouteId::StoreCustomersMe
        | RouteId::StoreCustomerAddresses
        | RouteId::StoreCustomerAddress
        | RouteId::StoreRegions => store::route(cx, state, session, matched.id, param(0)),
    }
}

/// Whether `path` is exactly `route` (case-insensitive, an optional trailing slash).
fn routes_is(path: &str, route: &str) -> bool {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    path.eq_ignore_ascii_case(route)
}

/// The path under `mount` (case-insensitive, as Express mounts), or `None`.
pub(crate) fn under<'p>(path: &'p str, mount: &str) -> Option<&'p str> {
    let head = path.get(..mount.len())?;
    if !head.eq_ignore_ascii_case(mount) {
        return None;
    }
    let rest = &path[mount.len()..];
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Whether `X-Forwarded-Proto` says HTTPS (express-session's `proxy: true`): its
/// first value, trimmed, lower-cased.
fn forwarded_https(headers: &HeaderMap) -> bool {
    joined(headers, &HeaderName::from_static("x-forwarded-proto"), ", ").is_some_and(|value| {
        value
            .split(',')
            .next()
            .is_some_and(|first| first.trim().eq_ignore_ascii_case("https"))
    })
}

/// A header value as Node reads it: each byte a Latin-1 character, the surrounding
/// whitespace trimmed.
pub(crate) fn latin1(value: &HeaderValue) -> String {
    let text: String = value.as_bytes().iter().map(|&b| char::from(b)).collect();
    text.trim_matches([' ', '\t']).to_owned()
}

/// Every value of a header joined as Node joins repeated headers.
pub(crate) fn joined(headers: &HeaderMap, name: &HeaderName, separator: &str) -> Option<String> {
    let mut out: Option<String> = None;
    for value in headers.get_all(name) {
        let text = latin1(value);
        match &mut out {
            Some(out) => {
                out.push_str(separator);
                out.push_str(&text);
            }
            None => out = Some(text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mounts_match_as_express_does() {
        assert_eq!(under("/admin/users", "/admin"), Some("/users"));
        assert_eq!(under("/ADMIN", "/admin"), Some(""));
        assert_eq!(under("/administrator", "/admin"), None);
        assert!(routes_is("/health/", "/health") && routes_is("/HEALTH", "/health"));
        assert!(!routes_is("/healthz", "/health"));
    }
}
