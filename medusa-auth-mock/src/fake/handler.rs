//! The request handler: Medusa's Express stack for the auth routes, in the order its
//! middlewares run (session, `/health`, body-parser, the `/admin` and `/store`
//! routers with cors and passport, the routes, finalhandler's 404).

use std::time::SystemTime;

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use medusa_auth_core::internal::constant_time_eq;
use medusa_auth_core::{ExposeSecret, Side};
use serde::Serialize;

use super::answer::Answer;
use super::body::{self, Body, BodyError};
use super::ids::{new_id, timestamp};
use super::password::PasswordHash;
use super::records::{CustomerRecord, UserRecord};
use super::session::{SessionData, new_sid, set_cookie};
use super::{Config, State};

/// Marks a request whose body the loopback server refused to read in full: the
/// handler answers 413 as body-parser would.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyTooLarge;

/// A stack trace line appended to body-parser errors on the development error page.
const PARSE_STACK: &str =
    "\n    at parse (body-parser/lib/types/json.js)\n    at read (body-parser/lib/read.js)";

/// express-session's view of one request.
struct SessionCtx {
    /// `req.sessionID`.
    sid: String,
    /// The signed session id of the request's cookie, if any.
    cookie_sid: Option<String>,
    /// The session as loaded (`None` for a new one).
    original: Option<SessionData>,
    /// `req.session`.
    data: SessionData,
    /// `req.session.destroy()` was called.
    destroyed: bool,
}

/// One request, as the middlewares see it.
struct Ctx<'a> {
    method: &'a Method,
    path: &'a str,
    /// The query string, without `?`.
    query: &'a str,
    headers: &'a HeaderMap,
    now: SystemTime,
    production: bool,
}

pub(crate) fn handle(
    config: &Config,
    state: &mut State,
    request: Request<Bytes>,
) -> Response<Bytes> {
    let now = super::ids::system_now(&*config.clock);
    let (parts, body) = request.into_parts();
    let head = parts.method == Method::HEAD;
    let secure = parts.uri.scheme_str() == Some("https") || forwarded_https(&parts.headers);
    let ctx = Ctx {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &parts.headers,
        now,
        production: config.production,
    };

    // express-session runs first, on every request.
    let cookie_sid = joined(&parts.headers, &header::COOKIE, "; ")
        .and_then(|cookie| config.cookie_secret.sid_from_cookie_header(&cookie));
    let mut session = match cookie_sid.as_deref().and_then(|sid| {
        state
            .sessions
            .get(sid, now)
            .map(|data| (sid.to_owned(), data))
    }) {
        Some((sid, data)) => SessionCtx {
            sid,
            cookie_sid: cookie_sid.clone(),
            original: Some(data.clone()),
            data,
            destroyed: false,
        },
        None => SessionCtx {
            sid: new_sid(),
            cookie_sid,
            original: None,
            data: SessionData::default(),
            destroyed: false,
        },
    };

    let too_large = parts.extensions.get::<BodyTooLarge>().is_some();
    let answer = route(config, state, &mut session, &ctx, &body, too_large);

    // express-session, when the headers go out.
    let cookie = if session.destroyed {
        state.sessions.destroy(&session.sid);
        None
    } else {
        state.sessions.save(&session.sid, session.data.clone(), now);
        let is_new_cookie = session.cookie_sid.as_deref() != Some(session.sid.as_str());
        let modified = session.original.as_ref() != Some(&session.data);
        let should_set = is_new_cookie || modified;
        (should_set && (!config.production || secure)).then(|| {
            let value = config.cookie_secret.cookie_value(&session.sid);
            set_cookie(&value, now, config.production)
        })
    };
    let cookie = cookie.and_then(|c| HeaderValue::from_str(&c).ok());
    let date = HeaderValue::from_str(&httpdate::fmt_http_date(now))
        .unwrap_or(HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    answer.into_response(cookie, date, head, true)
}

/// Whether `X-Forwarded-Proto` says HTTPS (Medusa trusts the proxy:
/// express-session's `proxy: true`): its first value, trimmed, lower-cased.
fn forwarded_https(headers: &HeaderMap) -> bool {
    joined(headers, &HeaderName::from_static("x-forwarded-proto"), ", ").is_some_and(|value| {
        value
            .split(',')
            .next()
            .is_some_and(|first| first.trim().eq_ignore_ascii_case("https"))
    })
}

/// A header value as Node reads it: each byte a Latin-1 character.
fn latin1(value: &HeaderValue) -> String {
    value.as_bytes().iter().map(|&b| char::from(b)).collect()
}

/// Every value of a header joined as Node joins repeated headers.
fn joined(headers: &HeaderMap, name: &HeaderName, separator: &str) -> Option<String> {
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

/// The path under `mount` (case-insensitive, as Express matches), or `None`.
fn under<'p>(path: &'p str, mount: &str) -> Option<&'p str> {
    let head = path.get(..mount.len())?;
    if !head.eq_ignore_ascii_case(mount) {
        return None;
    }
    let rest = &path[mount.len()..];
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Whether a router-relative path is exactly `route` (with an optional trailing
/// slash, case-insensitive: Express's non-strict routing).
fn is(path: &str, route: &str) -> bool {
    let path = if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    };
    let path = if path.is_empty() { "/" } else { path };
    path.eq_ignore_ascii_case(route)
}

fn route(
    config: &Config,
    state: &mut State,
    session: &mut SessionCtx,
    ctx: &Ctx<'_>,
    raw_body: &Bytes,
    too_large: bool,
) -> Answer {
    let get = ctx.method == Method::GET || ctx.method == Method::HEAD;
    if get && is(ctx.path, "/health") {
        return Answer::health();
    }
    // body-parser's json(), on every other request.
    let parsed = if too_large {
        Err(BodyError::too_large())
    } else {
        body::read(ctx.headers, raw_body)
    };
    let body = match parsed {
        Ok(body) => body,
        Err(error) => {
            let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
            let stack = format!("{}{PARSE_STACK}", error.message);
            return Answer::error_page_for(status, &stack, ctx.production);
        }
    };
    if let Some(rest) = under(ctx.path, "/admin") {
        let cors = cors_headers(&config.admin_cors, ctx.headers, ctx.method);
        if ctx.method == Method::OPTIONS {
            return Answer::preflight(cors);
        }
        return admin(config, state, session, ctx, rest, &body).with_cors(cors);
    }
    if let Some(rest) = under(ctx.path, "/store") {
        let cors = cors_headers(&config.store_cors, ctx.headers, ctx.method);
        if ctx.method == Method::OPTIONS {
            return Answer::preflight(cors);
        }
        return store(config, state, session, ctx, rest, &body).with_cors(cors);
    }
    Answer::cannot(ctx.method.as_str(), ctx.path)
}

/// The cors middleware (`origin`: the configured list, `credentials: true`).
fn cors_headers(
    allowed: &[String],
    headers: &HeaderMap,
    method: &Method,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut out = Vec::new();
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    if let Some(origin) = origin.filter(|o| allowed.iter().any(|a| a == o)) {
        if let Ok(value) = HeaderValue::from_str(origin) {
            out.push((header::ACCESS_CONTROL_ALLOW_ORIGIN, value));
        }
    }
    let preflight = method == Method::OPTIONS;
    let request_headers = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS);
    let vary = if preflight && request_headers.is_some() {
        "Origin, Access-Control-Request-Headers"
    } else {
        "Origin"
    };
    out.push((header::VARY, HeaderValue::from_static(vary)));
    out.push((
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    ));
    if preflight {
        out.push((
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET,HEAD,PUT,PATCH,POST,DELETE"),
        ));
        if let Some(requested) = request_headers {
            out.push((header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone()));
        }
    }
    out
}

/// passport-jwt's `fromAuthHeaderAsBearerToken`: the second word of
/// `Authorization` when the first is `bearer` (any case).
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = latin1(headers.get(header::AUTHORIZATION)?);
    let mut words = value.split_whitespace();
    let (scheme, token) = (words.next()?, words.next()?);
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.to_owned())
}

/// `authenticate()`: admin-session, then admin-bearer, then admin-api-token.
fn admin_principal(
    config: &Config,
    state: &State,
    session: &SessionCtx,
    ctx: &Ctx<'_>,
) -> Option<String> {
    if let Some(user_id) = &session.data.user_id {
        return Some(user_id.clone());
    }
    if let Some(user_id) =
        bearer(ctx.headers).and_then(|t| config.jwt.verify(&t, Side::Admin, ctx.now))
    {
        return Some(user_id);
    }
    let token = joined(
        ctx.headers,
        &HeaderName::from_static("x-medusa-access-token"),
        ", ",
    )?;
    if token.is_empty() {
        return None;
    }
    state
        .users
        .iter()
        .filter(|u| u.is_live())
        .find(|u| {
            u.api_token
                .as_ref()
                .is_some_and(|t| constant_time_eq(t.expose_secret(), &token))
        })
        .map(|u| u.id.clone())
}

/// `authenticateCustomer()`: store-session, then store-bearer.
fn store_principal(config: &Config, session: &SessionCtx, ctx: &Ctx<'_>) -> Option<String> {
    if let Some(customer_id) = &session.data.customer_id {
        return Some(customer_id.clone());
    }
    bearer(ctx.headers).and_then(|t| config.jwt.verify(&t, Side::Store, ctx.now))
}

fn invalid_data(message: &str) -> Answer {
    Answer::error(StatusCode::BAD_REQUEST, None, "invalid_data", message)
}

fn admin(
    config: &Config,
    state: &mut State,
    session: &mut SessionCtx,
    ctx: &Ctx<'_>,
    rest: &str,
    body: &Body,
) -> Answer {
    let method = ctx.method;
    let get = method == Method::GET || method == Method::HEAD;
    if is(rest, "/auth") && get {
        return match admin_principal(config, state, session, ctx) {
            None => Answer::passport_unauthorized(),
            Some(user_id) => match state.users.iter().find(|u| u.id == user_id && u.is_live()) {
                Some(user) => Answer::json(StatusCode::OK, &user.envelope()),
                // get-session.js: a failed lookup is `res.sendStatus(400)`.
                None => Answer::send_status(StatusCode::BAD_REQUEST),
            },
        };
    }
    if is(rest, "/auth") && method == Method::POST {
        return match admin_login(state, body) {
            Err(answer) => answer,
            Ok(user) => {
                session.data.user_id = Some(user.id.clone());
                Answer::json(StatusCode::OK, &user.envelope())
            }
        };
    }
    if is(rest, "/auth") && method == Method::DELETE {
        if admin_principal(config, state, session, ctx).is_none() {
            return Answer::passport_unauthorized();
        }
        if session.data.customer_id.is_some() {
            session.data.user_id = None;
        } else {
            session.destroyed = true;
        }
        return Answer::send_status(StatusCode::OK);
    }
    if is(rest, "/auth/token") && method == Method::POST {
        return match admin_login(state, body) {
            Err(answer) => answer,
            Ok(user) => Answer::json(
                StatusCode::OK,
                &Token {
                    access_token: config.jwt.admin_token(&user.id, ctx.now),
                },
            ),
        };
    }
    if is(rest, "/users") && get {
        return match admin_principal(config, state, session, ctx) {
            None => Answer::passport_unauthorized(),
            Some(_) => list_users(state, ctx.query),
        };
    }
    // Every other admin route sits behind `authenticate()`.
    match admin_principal(config, state, session, ctx) {
        None => Answer::passport_unauthorized(),
        Some(_) => Answer::cannot(method.as_str(), ctx.path),
    }
}

#[derive(Serialize)]
struct Token {
    access_token: String,
}

/// `GET /admin/users`: the live users, oldest first, filtered by `q` (in the email
/// or a name), paged by `limit` (default 50) and `offset`; any other parameter, or a
/// page size that is not a number, is refused as the server's validator does.
fn list_users(state: &State, query: &str) -> Answer {
    let (mut limit, mut offset, mut q) = (50u64, 0u64, None::<String>);
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(&text.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        let (key, value) = (decode(key), decode(value));
        let repeated = seen.contains(&key);
        seen.push(key.clone());
        let number = || {
            value
                .parse::<u64>()
                .ok()
                .filter(|_| !repeated)
                .ok_or_else(|| {
                    invalid_data(&format!(
                        "{key} must be a number conforming to the specified constraints"
                    ))
                })
        };
        match key.as_str() {
            "limit" if value.starts_with('-') && !repeated => return unknown_error(),
            "offset" if value.starts_with('-') && !repeated => return unknown_error(),
            "limit" => match number() {
                Ok(n) => limit = n,
                Err(answer) => return answer,
            },
            "offset" => match number() {
                Ok(n) => offset = n,
                Err(answer) => return answer,
            },
            "q" => q = Some(value.to_lowercase()),
            other => return invalid_data(&format!("property {other} should not exist")),
        }
    }
    let matching: Vec<&UserRecord> = state
        .users
        .iter()
        .filter(|u| u.is_live())
        .filter(|u| {
            q.as_deref().is_none_or(|q| {
                u.email.contains(q)
                    || [&u.first_name, &u.last_name]
                        .into_iter()
                        .flatten()
                        .any(|name| name.to_lowercase().contains(q))
            })
        })
        .collect();
    let page: Vec<_> = matching
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|u| u.json())
        .collect();
    Answer::json(
        StatusCode::OK,
        &UserList {
            users: page,
            count: matching.len(),
            offset,
            limit,
        },
    )
}

#[derive(Serialize)]
struct UserList<'a> {
    users: Vec<super::records::UserJson<'a>>,
    count: usize,
    offset: u64,
    limit: u64,
}

/// Medusa's answer to an error it does not know (a negative page size reaches the
/// database and fails there).
fn unknown_error() -> Answer {
    Answer::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        Some("unknown_error"),
        "unknown_error",
        "An unknown error occurred.",
    )
}

/// Validation, then `authService.authenticate(email, password)`.
fn admin_login<'s>(state: &'s State, body: &Body) -> Result<&'s UserRecord, Answer> {
    let valid = body::admin_login(body).map_err(|message| invalid_data(&message))?;
    let (Some(email), Some(password)) = (valid.str("email"), valid.str("password")) else {
        return Err(Answer::send_status(StatusCode::UNAUTHORIZED));
    };
    let email = email.to_lowercase();
    state
        .users
        .iter()
        .find(|u| u.is_live() && u.email == email)
        .filter(|u| u.password.verify(password))
        .ok_or_else(|| Answer::send_status(StatusCode::UNAUTHORIZED))
}

/// Validation, then `authService.authenticateCustomer(email, password)`.
fn store_login<'s>(state: &'s State, body: &Body) -> Result<&'s CustomerRecord, Answer> {
    let valid = body::store_login(body).map_err(|message| invalid_data(&message))?;
    let unauthorized = || Answer::send_status(StatusCode::UNAUTHORIZED);
    let email = valid.str("email").ok_or_else(unauthorized)?.to_lowercase();
    // A non-string password passes the store's validation; scrypt then throws,
    // which authenticateCustomer turns into a failed login.
    let password = valid.str("password").ok_or_else(unauthorized)?;
    state
        .customers
        .iter()
        .find(|c| c.is_registered() && c.email == email)
        .filter(|c| {
            c.password
                .as_ref()
                .is_some_and(|hash| hash.verify(password))
        })
        .ok_or_else(unauthorized)
}

fn store(
    config: &Config,
    state: &mut State,
    session: &mut SessionCtx,
    ctx: &Ctx<'_>,
    rest: &str,
    body: &Body,
) -> Answer {
    let method = ctx.method;
    let get = method == Method::GET || method == Method::HEAD;
    if let Some(auth) = under(rest, "/auth") {
        if is(auth, "/") && get {
            // requireCustomerAuthentication(), then customerService.retrieve.
            let Some(customer_id) = store_principal(config, session, ctx) else {
                return Answer::passport_unauthorized();
            };
            return match state
                .customers
                .iter()
                .find(|c| c.id == customer_id && c.is_live())
            {
                Some(customer) => Answer::json(StatusCode::OK, &customer.auth_envelope()),
                None => Answer::error(
                    StatusCode::NOT_FOUND,
                    None,
                    "not_found",
                    &format!("Customer with id: {customer_id} was not found"),
                ),
            };
        }
        if get {
            if let Some(segment) = email_segment(auth) {
                return exists(state, segment);
            }
        }
        if is(auth, "/") && method == Method::DELETE {
            if session.data.user_id.is_some() {
                session.data.customer_id = None;
            } else {
                session.destroyed = true;
            }
            return Answer::send_status(StatusCode::OK);
        }
        if is(auth, "/") && method == Method::POST {
            return match store_login(state, body) {
                Err(answer) => answer,
                Ok(customer) => {
                    session.data.customer_id = Some(customer.id.clone());
                    Answer::json(StatusCode::OK, &customer.auth_envelope())
                }
            };
        }
        if is(auth, "/token") && method == Method::POST {
            return match store_login(state, body) {
                Err(answer) => answer,
                Ok(customer) => Answer::json(
                    StatusCode::OK,
                    &Token {
                        access_token: config.jwt.store_token(&customer.id, ctx.now),
                    },
                ),
            };
        }
    }
    if let Some(customers) = under(rest, "/customers") {
        if is(customers, "/") && method == Method::POST {
            return create_customer(state, session, ctx, body);
        }
        if is(customers, "/me") && get {
            // requireCustomerAuthentication(), then the customer as the store's
            // customer routes send it (with billing_address and shipping_addresses).
            let Some(customer_id) = store_principal(config, session, ctx) else {
                return Answer::passport_unauthorized();
            };
            return match state
                .customers
                .iter()
                .find(|c| c.id == customer_id && c.is_live())
            {
                Some(customer) => Answer::json(StatusCode::OK, &customer.created_envelope()),
                None => Answer::error(
                    StatusCode::NOT_FOUND,
                    None,
                    "not_found",
                    &format!("Customer with id: {customer_id} was not found"),
                ),
            };
        }
    }
    Answer::cannot(method.as_str(), ctx.path)
}

/// The `:email` of `/auth/:email` (`[^/]+?` then an optional `/`).
fn email_segment(auth: &str) -> Option<&str> {
    let segment = auth.strip_prefix('/')?;
    let segment = segment.strip_suffix('/').unwrap_or(segment);
    (!segment.is_empty() && !segment.contains('/')).then_some(segment)
}

/// `GET /store/auth/:email`: always 200, true only for a live customer with an account.
fn exists(state: &State, segment: &str) -> Answer {
    #[derive(Serialize)]
    struct Exists {
        exists: bool,
    }
    // Express decodes the parameter with decodeURIComponent; a URIError reaches
    // Medusa's error handler, which answers 500 for errors it does not know.
    let Some(email) = super::session::decode_uri_component(segment) else {
        return Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("unknown_error"),
            "unknown_error",
            "An unknown error occurred.",
        );
    };
    let email = email.to_lowercase();
    let exists = state
        .customers
        .iter()
        .any(|c| c.is_registered() && c.email == email);
    Answer::json(StatusCode::OK, &Exists { exists })
}

/// `POST /store/customers`: validation, duplicate checks, then the new customer is
/// logged in on the session.
fn create_customer(
    state: &mut State,
    session: &mut SessionCtx,
    ctx: &Ctx<'_>,
    body: &Body,
) -> Answer {
    let valid = match body::store_customer(body) {
        Ok(valid) => valid,
        Err(message) => return invalid_data(&message),
    };
    let email = valid.str("email").unwrap_or_default().to_lowercase();
    let password = valid.str("password").unwrap_or_default();
    let existing: Vec<&CustomerRecord> = state
        .customers
        .iter()
        .filter(|c| c.is_live() && c.email == email)
        .collect();
    if !password.is_empty() && existing.iter().any(|c| c.has_account) {
        return Answer::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_request_error"),
            "duplicate_error",
            "A customer with the given email already has an account. Log in instead",
        );
    }
    if password.is_empty() && existing.iter().any(|c| !c.has_account) {
        return Answer::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("invalid_request_error"),
            "duplicate_error",
            "Guest customer with email already exists",
        );
    }
    let at = timestamp(ctx.now);
    let record = CustomerRecord {
        id: new_id("cus", ctx.now),
        email,
        password: (!password.is_empty()).then(|| PasswordHash::new(password)),
        first_name: valid.str("first_name").map(str::to_owned),
        last_name: valid.str("last_name").map(str::to_owned),
        phone: valid.str("phone").map(str::to_owned),
        has_account: !password.is_empty(),
        created_at: at,
        updated_at: at,
        deleted_at: None,
    };
    session.data.customer_id = Some(record.id.clone());
    let answer = Answer::json(StatusCode::OK, &record.created_envelope());
    state.customers.push(record);
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_routes_as_express_does() {
        assert_eq!(under("/admin/auth", "/admin"), Some("/auth"));
        assert_eq!(under("/ADMIN/auth", "/admin"), Some("/auth"));
        assert_eq!(under("/admin", "/admin"), Some(""));
        assert_eq!(under("/adminx/auth", "/admin"), None);
        assert_eq!(under("/a", "/admin"), None);
        assert!(is("/auth", "/auth") && is("/auth/", "/auth") && is("/AUTH", "/auth"));
        assert!(!is("/auth/x", "/auth"));
        assert!(is("", "/") && is("/", "/"));
        assert_eq!(email_segment("/a@b.io"), Some("a@b.io"));
        assert_eq!(email_segment("/a@b.io/"), Some("a@b.io"));
        assert_eq!(email_segment("/slash/name@example.com"), None);
        assert_eq!(email_segment("//"), None);
        assert_eq!(email_segment(""), None);
    }

    #[test]
    fn reads_bearer_tokens_as_passport_jwt() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc def"),
        );
        assert_eq!(bearer(&headers).as_deref(), Some("abc"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer"));
        assert_eq!(bearer(&headers), None);
    }
}
