//! The scenario tables, in one place.

use http::Method;
use medusa_auth_core::Side;

use super::{
    Action, BodyShape, CookieExpect, Expect, Password, RawRequest, Scenario, Step, TokenValue, Who,
};

use Action::*;
use Password::{Right, Wrong};

fn step(session: usize, action: Action, expect: Expect) -> Step {
    Step::new(session, action, expect)
}

fn scenario(name: &'static str, covers: &'static [&'static str], steps: Vec<Step>) -> Scenario {
    Scenario::new(name, covers, steps)
}

/// A raw step with its expected response.
fn raw_step(
    session: usize,
    request: RawRequest,
    status: u16,
    body: BodyShape,
    cookie: CookieExpect,
) -> Step {
    step(
        session,
        Raw(request),
        Expect::Response {
            status,
            body,
            cookie,
        },
    )
}

fn post_json(path: &'static str, body: &'static str) -> RawRequest {
    RawRequest::new(Method::POST, path).body(body)
}

fn invalid(path: &'static str, body: &'static str, message: &'static str) -> Step {
    raw_step(
        0,
        post_json(path, body),
        400,
        BodyShape::InvalidData(message),
        CookieExpect::Fresh,
    )
}

/// Every scenario of a development-mode backend (`NODE_ENV` unset), as recorded in
/// `transcripts.md`: each call's success, the credentials and the session cookie,
/// and each error the auth routes produce.
pub fn all() -> Vec<Scenario> {
    vec![
        // ---------------------------------------------------------------- the calls
        scenario(
            "admin create_session answers the user and keeps a session cookie",
            &["call: admin.create_session", "call: admin.get_session"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                step(0, CheckCookie, Expect::HasCookie),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
            ],
        ),
        scenario(
            "admin create_session lower-cases the email",
            &["call: admin.create_session"],
            vec![step(
                0,
                AdminCreateSession(Who::AdminUpperCase, Right),
                Expect::User(Who::Admin),
            )],
        ),
        scenario(
            "admin delete_session answers OK and ends the session on the server",
            &[
                "call: admin.delete_session",
                "credentials: delete forgets the cookie",
            ],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                step(1, UseCookieOf(0), Expect::Applied),
                step(0, AdminDeleteSession, Expect::Done),
                step(0, CheckCookie, Expect::NoCookie),
                step(0, AdminGetSession, Expect::Unauthorized),
                step(1, AdminGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "admin get_token answers a 24 h admin JWT that works as a bearer",
            &["call: admin.get_token", "credentials: bearer JWT"],
            vec![
                step(
                    0,
                    AdminGetToken(Who::Admin, Right),
                    Expect::Token(Side::Admin),
                ),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
                step(
                    1,
                    UseBearerOf {
                        from: 0,
                        side: Side::Admin,
                        as_side: Side::Admin,
                    },
                    Expect::Applied,
                ),
                step(1, AdminGetSession, Expect::User(Who::Admin)),
            ],
        ),
        scenario(
            "store authenticate answers the customer and keeps a session cookie",
            &["call: store.authenticate", "call: store.get_session"],
            vec![
                step(
                    0,
                    StoreAuthenticate(Who::Customer, Right),
                    Expect::Customer(Who::Customer),
                ),
                step(0, CheckCookie, Expect::HasCookie),
                step(0, StoreGetSession, Expect::Customer(Who::Customer)),
            ],
        ),
        scenario(
            "store authenticate lower-cases the email",
            &["call: store.authenticate"],
            vec![step(
                0,
                StoreAuthenticate(Who::CustomerUpperCase, Right),
                Expect::Customer(Who::Customer),
            )],
        ),
        scenario(
            "store delete_session answers OK and ends the customer's session on the server",
            &["call: store.delete_session"],
            vec![
                step(
                    0,
                    StoreAuthenticate(Who::Customer, Right),
                    Expect::Customer(Who::Customer),
                ),
                step(1, UseCookieOf(0), Expect::Applied),
                step(0, StoreDeleteSession, Expect::Done),
                step(0, StoreGetSession, Expect::Unauthorized),
                step(1, StoreGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "store delete_session answers OK even when not logged in",
            &["call: store.delete_session"],
            vec![
                step(0, StoreDeleteSession, Expect::Done),
                raw_step(
                    1,
                    RawRequest::new(Method::DELETE, "/store/auth"),
                    200,
                    BodyShape::Text("OK"),
                    CookieExpect::None,
                ),
            ],
        ),
        scenario(
            "store exists is true for a customer with an account, whatever the case",
            &["call: store.exists"],
            vec![
                step(0, StoreExists(Who::Customer), Expect::Exists(true)),
                step(0, StoreExists(Who::CustomerUpperCase), Expect::Exists(true)),
            ],
        ),
        scenario(
            "store exists is false for unknown emails and for non-emails",
            &["call: store.exists"],
            vec![
                step(0, StoreExists(Who::Nobody), Expect::Exists(false)),
                step(0, StoreExists(Who::NotAnEmail), Expect::Exists(false)),
            ],
        ),
        scenario(
            "store exists is false for a guest customer (no account)",
            &["call: store.exists"],
            vec![step(0, StoreExists(Who::Guest), Expect::Exists(false))],
        ),
        scenario(
            "store exists finds emails with '+' and '/' (encoded as one path segment)",
            &["call: store.exists"],
            vec![
                step(0, StoreExists(Who::CustomerWithPlus), Expect::Exists(true)),
                step(0, StoreExists(Who::CustomerWithSlash), Expect::Exists(true)),
            ],
        ),
        scenario(
            "store get_token answers a 30-day store JWT that works as a bearer",
            &["call: store.get_token", "credentials: bearer JWT"],
            vec![
                step(
                    0,
                    StoreGetToken(Who::Customer, Right),
                    Expect::Token(Side::Store),
                ),
                step(0, StoreGetSession, Expect::Customer(Who::Customer)),
                step(
                    1,
                    UseBearerOf {
                        from: 0,
                        side: Side::Store,
                        as_side: Side::Store,
                    },
                    Expect::Applied,
                ),
                step(1, StoreGetSession, Expect::Customer(Who::Customer)),
            ],
        ),
        // ---------------------------------------------------------------- credentials
        scenario(
            "an API token authenticates admin routes",
            &["credentials: API token"],
            vec![
                step(0, UseApiToken(TokenValue::SeedApiToken), Expect::Applied),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
            ],
        ),
        scenario(
            "an API token is not accepted on store routes",
            &["credentials: API token", "error: 401 not authenticated"],
            vec![raw_step(
                0,
                RawRequest::new(Method::GET, "/store/auth")
                    .header("x-medusa-access-token", "{admin.api_token}"),
                401,
                BodyShape::Text("Unauthorized"),
                CookieExpect::Fresh,
            )],
        ),
        scenario(
            "an API token sent as a bearer is refused",
            &["credentials: API token", "error: 401 bad credentials"],
            vec![
                step(
                    0,
                    UseBearer(TokenValue::SeedApiToken, Side::Admin),
                    Expect::Applied,
                ),
                step(0, AdminGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "an admin JWT is refused on store routes",
            &["credentials: bearer JWT", "error: 401 wrong-side JWT"],
            vec![
                step(
                    0,
                    AdminGetToken(Who::Admin, Right),
                    Expect::Token(Side::Admin),
                ),
                step(
                    1,
                    UseBearerOf {
                        from: 0,
                        side: Side::Admin,
                        as_side: Side::Store,
                    },
                    Expect::Applied,
                ),
                step(1, StoreGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "a store JWT is refused on admin routes",
            &["credentials: bearer JWT", "error: 401 wrong-side JWT"],
            vec![
                step(
                    0,
                    StoreGetToken(Who::Customer, Right),
                    Expect::Token(Side::Store),
                ),
                step(
                    1,
                    UseBearerOf {
                        from: 0,
                        side: Side::Store,
                        as_side: Side::Admin,
                    },
                    Expect::Applied,
                ),
                step(1, AdminGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "a JWT stays valid after a DELETE /admin/auth that carries it (JWTs are stateless)",
            &["credentials: bearer JWT"],
            vec![
                step(
                    0,
                    AdminGetToken(Who::Admin, Right),
                    Expect::Token(Side::Admin),
                ),
                // By hand: the SDK's delete_session never sends the JWT.
                raw_step(
                    0,
                    RawRequest::new(Method::DELETE, "/admin/auth").with_bearer(Side::Admin),
                    200,
                    BodyShape::Text("OK"),
                    CookieExpect::None,
                ),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
            ],
        ),
        scenario(
            "admin delete_session sends only the cookie: with just a JWT it is 401 and the JWT is forgotten",
            &[
                "call: admin.delete_session",
                "credentials: bearer JWT",
                "error: 401 not authenticated",
            ],
            vec![
                step(
                    0,
                    AdminGetToken(Who::Admin, Right),
                    Expect::Token(Side::Admin),
                ),
                step(
                    1,
                    UseBearerOf {
                        from: 0,
                        side: Side::Admin,
                        as_side: Side::Admin,
                    },
                    Expect::Applied,
                ),
                // The JWT is not sent, only the anonymous cookie the token call left:
                // DELETE /admin/auth needs a logged-in session, so the server says 401.
                step(0, AdminDeleteSession, Expect::Unauthorized),
                // The session forgot its JWT all the same.
                step(0, AdminGetSession, Expect::Unauthorized),
                // The JWT itself is still valid elsewhere.
                step(1, AdminGetSession, Expect::User(Who::Admin)),
            ],
        ),
        scenario(
            "store delete_session sends only the cookie: with just a JWT it answers OK and the JWT is forgotten",
            &["call: store.delete_session", "credentials: bearer JWT"],
            vec![
                step(
                    0,
                    StoreGetToken(Who::Customer, Right),
                    Expect::Token(Side::Store),
                ),
                step(
                    1,
                    UseBearerOf {
                        from: 0,
                        side: Side::Store,
                        as_side: Side::Store,
                    },
                    Expect::Applied,
                ),
                // DELETE /store/auth answers OK whatever it carries.
                step(0, StoreDeleteSession, Expect::Done),
                step(0, StoreGetSession, Expect::Unauthorized),
                step(1, StoreGetSession, Expect::Customer(Who::Customer)),
            ],
        ),
        scenario(
            "one cookie holds an admin and a customer; store logout keeps the admin",
            &[
                "credentials: shared cookie",
                "credentials: login keeps the sid",
            ],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                step(0, RememberCookie, Expect::Applied),
                step(
                    0,
                    StoreAuthenticate(Who::Customer, Right),
                    Expect::Customer(Who::Customer),
                ),
                step(0, CheckCookie, Expect::SameCookie),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
                step(0, StoreGetSession, Expect::Customer(Who::Customer)),
                step(0, StoreDeleteSession, Expect::Done),
                step(0, CheckCookie, Expect::SameCookie),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
                step(0, StoreGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "one cookie holds a customer and an admin; admin logout keeps the customer",
            &["credentials: shared cookie"],
            vec![
                step(
                    0,
                    StoreAuthenticate(Who::Customer, Right),
                    Expect::Customer(Who::Customer),
                ),
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                step(0, AdminDeleteSession, Expect::Done),
                step(0, StoreGetSession, Expect::Customer(Who::Customer)),
                step(0, AdminGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "a login keeps the session id of the anonymous cookie it was sent with",
            &[
                "credentials: anonymous cookie",
                "credentials: login keeps the sid",
            ],
            vec![
                step(0, AdminGetSession, Expect::Unauthorized),
                step(0, CheckCookie, Expect::HasCookie),
                step(0, RememberCookie, Expect::Applied),
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                step(0, CheckCookie, Expect::SameCookie),
            ],
        ),
        scenario(
            "every answer to a request without a session cookie sets an anonymous one",
            &["credentials: anonymous cookie"],
            vec![
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/health"),
                    200,
                    BodyShape::Text("OK"),
                    CookieExpect::Fresh,
                ),
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/admin/auth"),
                    401,
                    BodyShape::Text("Unauthorized"),
                    CookieExpect::Fresh,
                ),
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/store/auth/{customer.email}"),
                    200,
                    BodyShape::JsonKeys(&["exists"]),
                    CookieExpect::Fresh,
                ),
            ],
        ),
        scenario(
            "a login re-sends the session cookie it was sent with",
            &["credentials: login keeps the sid"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                raw_step(
                    0,
                    post_json(
                        "/store/auth",
                        r#"{"email":{customer.email},"password":{customer.password}}"#,
                    )
                    .with_cookie(),
                    200,
                    BodyShape::JsonKeys(&["customer"]),
                    CookieExpect::Resent,
                ),
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/admin/auth").with_cookie(),
                    200,
                    BodyShape::JsonKeys(&["user"]),
                    CookieExpect::None,
                ),
            ],
        ),
        scenario(
            "session handles do not share credentials",
            &["credentials: isolation"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                ),
                step(1, AdminGetSession, Expect::Unauthorized),
                step(
                    1,
                    StoreAuthenticate(Who::SecondCustomer, Right),
                    Expect::Customer(Who::SecondCustomer),
                ),
                step(0, StoreGetSession, Expect::Unauthorized),
                step(
                    2,
                    StoreAuthenticate(Who::Customer, Right),
                    Expect::Customer(Who::Customer),
                ),
                step(1, StoreGetSession, Expect::Customer(Who::SecondCustomer)),
            ],
        ),
        // ---------------------------------------------------------------- errors
        scenario(
            "a wrong admin password is 401",
            &["error: 401 wrong password"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Wrong),
                    Expect::Unauthorized,
                ),
                step(0, AdminGetToken(Who::Admin, Wrong), Expect::Unauthorized),
            ],
        ),
        scenario(
            "an unknown admin email is 401",
            &["error: 401 unknown email"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Nobody, Right),
                    Expect::Unauthorized,
                ),
                step(0, AdminGetToken(Who::Nobody, Right), Expect::Unauthorized),
            ],
        ),
        scenario(
            "a wrong customer password is 401",
            &["error: 401 wrong password"],
            vec![
                step(
                    0,
                    StoreAuthenticate(Who::Customer, Wrong),
                    Expect::Unauthorized,
                ),
                step(0, StoreGetToken(Who::Customer, Wrong), Expect::Unauthorized),
            ],
        ),
        scenario(
            "an unknown customer email is 401",
            &["error: 401 unknown email"],
            vec![
                step(
                    0,
                    StoreAuthenticate(Who::Nobody, Right),
                    Expect::Unauthorized,
                ),
                step(0, StoreGetToken(Who::Nobody, Right), Expect::Unauthorized),
            ],
        ),
        scenario(
            "a customer without an account cannot log in (401)",
            &["error: 401 customer without account"],
            vec![
                step(
                    0,
                    StoreAuthenticate(Who::Guest, Right),
                    Expect::Unauthorized,
                ),
                step(0, StoreGetToken(Who::Guest, Right), Expect::Unauthorized),
            ],
        ),
        scenario(
            "admin credentials are refused by the store login (401)",
            &["error: 401 unknown email"],
            vec![step(
                0,
                StoreAuthenticate(Who::Admin, Right),
                Expect::Unauthorized,
            )],
        ),
        scenario(
            "a failed login is a text/plain Unauthorized with an anonymous cookie",
            &["error: 401 wrong password", "credentials: anonymous cookie"],
            vec![raw_step(
                0,
                post_json(
                    "/admin/auth",
                    r#"{"email":{admin.email},"password":"wrong"}"#,
                ),
                401,
                BodyShape::Text("Unauthorized"),
                CookieExpect::Fresh,
            )],
        ),
        scenario(
            "get_session without credentials is 401",
            &["error: 401 not authenticated"],
            vec![
                step(0, AdminGetSession, Expect::Unauthorized),
                step(0, StoreGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "admin delete_session without credentials is 401",
            &["error: 401 not authenticated"],
            vec![step(0, AdminDeleteSession, Expect::Unauthorized)],
        ),
        scenario(
            "a wrong API token is 401",
            &["error: 401 bad credentials"],
            vec![
                step(
                    0,
                    UseApiToken(TokenValue::Literal("wrong-token")),
                    Expect::Applied,
                ),
                step(0, AdminGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "a bearer that is not a JWT is 401",
            &["error: 401 bad credentials"],
            vec![
                step(
                    0,
                    UseBearer(TokenValue::Literal("not.a.jwt"), Side::Admin),
                    Expect::Applied,
                ),
                step(0, AdminGetSession, Expect::Unauthorized),
                step(
                    1,
                    UseBearer(TokenValue::Literal("not.a.jwt"), Side::Store),
                    Expect::Applied,
                ),
                step(1, StoreGetSession, Expect::Unauthorized),
            ],
        ),
        scenario(
            "a forged session cookie is 401 and replaced by an anonymous one",
            &[
                "error: 401 bad credentials",
                "credentials: anonymous cookie",
            ],
            vec![raw_step(
                0,
                RawRequest::new(Method::GET, "/admin/auth")
                    .header("cookie", "connect.sid=not-a-real-session"),
                401,
                BodyShape::Text("Unauthorized"),
                CookieExpect::Fresh,
            )],
        ),
        scenario(
            "an invalid admin login body is 400 invalid_data, with the server's messages",
            &["error: 400 invalid body"],
            vec![
                invalid(
                    "/admin/auth",
                    r#"{"email":{admin.email}}"#,
                    "password should not be empty, password must be a string",
                ),
                invalid(
                    "/admin/auth",
                    r#"{"email":"not-an-email","password":{admin.password}}"#,
                    "email must be an email",
                ),
                invalid(
                    "/admin/auth",
                    "{}",
                    "email should not be empty, email must be an email, password should not be empty, password must be a string",
                ),
                invalid(
                    "/admin/auth",
                    r#"{"email":{admin.email},"password":123}"#,
                    "password must be a string",
                ),
                invalid(
                    "/admin/auth/token",
                    r#"{"email":{admin.email}}"#,
                    "password should not be empty, password must be a string",
                ),
                raw_step(
                    0,
                    post_json(
                        "/admin/auth",
                        "email=admin%40example.com&password=form-encoded",
                    )
                    .header("content-type", "application/x-www-form-urlencoded"),
                    400,
                    BodyShape::InvalidData(
                        "email should not be empty, email must be an email, password should not be empty, password must be a string",
                    ),
                    CookieExpect::Fresh,
                ),
            ],
        ),
        scenario(
            "an invalid store login body is 400 invalid_data, with the store's own messages",
            &["error: 400 invalid body"],
            vec![
                invalid(
                    "/store/auth",
                    r#"{"email":{customer.email}}"#,
                    "password should not be empty",
                ),
                invalid(
                    "/store/auth",
                    r#"{"email":"not-an-email","password":"x"}"#,
                    "email must be an email",
                ),
                invalid(
                    "/store/auth/token",
                    r#"{"email":"nope"}"#,
                    "email must be an email, password should not be empty",
                ),
            ],
        ),
        scenario(
            "malformed JSON is a 400 HTML page",
            &["error: 400 malformed JSON"],
            vec![raw_step(
                0,
                post_json("/admin/auth", r#"{"email":"#),
                400,
                BodyShape::Html("SyntaxError"),
                CookieExpect::Fresh,
            )],
        ),
        scenario(
            "an email already registered is 422 duplicate_error",
            &["error: 422 duplicate"],
            vec![raw_step(
                0,
                post_json(
                    "/store/customers",
                    r#"{"email":{customer.email},"password":{customer.password},"first_name":"Dup","last_name":"Licate"}"#,
                ),
                422,
                BodyShape::ApiError {
                    kind: "duplicate_error",
                    code: Some("invalid_request_error"),
                    message: "A customer with the given email already has an account. Log in instead",
                },
                CookieExpect::Fresh,
            )],
        ),
        scenario(
            "unknown store routes are a 404 HTML page, unknown admin routes a 401",
            &["error: 404 unknown route", "error: 401 not authenticated"],
            vec![
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/store/nope"),
                    404,
                    BodyShape::Html("Cannot GET /store/nope"),
                    CookieExpect::Fresh,
                ),
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/store/auth/slash/name@example.com"),
                    404,
                    BodyShape::Html("Cannot GET /store/auth/slash/name@example.com"),
                    CookieExpect::Fresh,
                ),
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/admin/auth/nope"),
                    401,
                    BodyShape::Text("Unauthorized"),
                    CookieExpect::Fresh,
                ),
            ],
        ),
        scenario(
            "an invalid email or empty password is refused before anything is sent",
            &["error: 400 invalid body"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::NotAnEmail, Right),
                    Expect::InvalidInput,
                ),
                step(
                    0,
                    StoreGetToken(Who::NotAnEmail, Right),
                    Expect::InvalidInput,
                ),
            ],
        ),
    ]
}

/// The scenarios of a production-mode backend (`NODE_ENV=production`) reached over
/// plain HTTP (the transcript's appendix): no `Set-Cookie` at all, so password
/// logins leave no session, while bearer JWTs and API tokens work.
pub fn production() -> Vec<Scenario> {
    vec![
        scenario(
            "production over plain HTTP: a password login leaves no session cookie",
            &["credentials: production cookie"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::SessionCookieMissing,
                ),
                step(0, AdminGetSession, Expect::Unauthorized),
                step(
                    1,
                    StoreAuthenticate(Who::Customer, Right),
                    Expect::SessionCookieMissing,
                ),
            ],
        ),
        scenario(
            "production over plain HTTP: bearer JWTs and API tokens work",
            &[
                "credentials: production cookie",
                "credentials: bearer JWT",
                "credentials: API token",
            ],
            vec![
                step(
                    0,
                    AdminGetToken(Who::Admin, Right),
                    Expect::Token(Side::Admin),
                ),
                step(0, AdminGetSession, Expect::User(Who::Admin)),
                step(
                    1,
                    StoreGetToken(Who::Customer, Right),
                    Expect::Token(Side::Store),
                ),
                step(1, StoreGetSession, Expect::Customer(Who::Customer)),
                step(2, UseApiToken(TokenValue::SeedApiToken), Expect::Applied),
                step(2, AdminGetSession, Expect::User(Who::Admin)),
            ],
        ),
        scenario(
            "production over plain HTTP: no Set-Cookie at all",
            &["credentials: production cookie"],
            vec![
                raw_step(
                    0,
                    RawRequest::new(Method::GET, "/health"),
                    200,
                    BodyShape::Text("OK"),
                    CookieExpect::None,
                ),
                raw_step(
                    0,
                    post_json(
                        "/admin/auth",
                        r#"{"email":{admin.email},"password":{admin.password}}"#,
                    ),
                    200,
                    BodyShape::JsonKeys(&["user"]),
                    CookieExpect::None,
                ),
            ],
        ),
        scenario(
            "production behind a TLS proxy: the cookie is Secure; SameSite=None",
            &["credentials: production cookie"],
            vec![raw_step(
                0,
                post_json(
                    "/admin/auth",
                    r#"{"email":{admin.email},"password":{admin.password}}"#,
                )
                .header("x-forwarded-proto", "https"),
                200,
                BodyShape::JsonKeys(&["user"]),
                CookieExpect::FreshSecure,
            )],
        ),
        scenario(
            "production behind a TLS proxy: the client keeps the Secure cookie on loopback",
            &["credentials: production cookie"],
            vec![
                step(
                    0,
                    AdminCreateSession(Who::Admin, Right),
                    Expect::User(Who::Admin),
                )
                .with_header("x-forwarded-proto", "https"),
                step(0, AdminGetSession, Expect::User(Who::Admin))
                    .with_header("x-forwarded-proto", "https"),
            ],
        ),
        scenario(
            "production: error pages show no stack trace",
            &["error: 400 malformed JSON"],
            vec![raw_step(
                0,
                post_json("/admin/auth", r#"{"email":"#),
                400,
                BodyShape::Html("<pre>Bad Request</pre>"),
                CookieExpect::None,
            )],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use medusa_auth_core::internal::Endpoint;

    fn endpoint_of(action: &Action) -> Option<Endpoint> {
        Some(match action {
            AdminCreateSession(..) => Endpoint::AdminCreateSession,
            AdminGetSession => Endpoint::AdminGetSession,
            AdminDeleteSession => Endpoint::AdminDeleteSession,
            AdminGetToken(..) => Endpoint::AdminGetToken,
            StoreAuthenticate(..) => Endpoint::StoreAuthenticate,
            StoreGetSession => Endpoint::StoreGetSession,
            StoreDeleteSession => Endpoint::StoreDeleteSession,
            StoreExists(..) => Endpoint::StoreExists,
            StoreGetToken(..) => Endpoint::StoreGetToken,
            _ => return None,
        })
    }

    #[test]
    fn every_call_has_a_success_scenario() {
        let succeeded: HashSet<Endpoint> = all()
            .iter()
            .flat_map(|s| s.steps.iter())
            .filter(|step| {
                matches!(
                    step.expect,
                    Expect::User(_)
                        | Expect::Customer(_)
                        | Expect::Done
                        | Expect::Token(_)
                        | Expect::Exists(_)
                )
            })
            .filter_map(|step| endpoint_of(&step.action))
            .collect();
        for endpoint in Endpoint::ALL {
            assert!(
                succeeded.contains(&endpoint),
                "no success scenario for {endpoint}"
            );
        }
    }

    #[test]
    fn every_error_of_the_auth_routes_is_covered() {
        let covered: HashSet<&str> = all()
            .iter()
            .flat_map(|s| s.covers.iter().copied())
            .collect();
        for row in [
            "error: 401 wrong password",
            "error: 401 unknown email",
            "error: 401 customer without account",
            "error: 401 not authenticated",
            "error: 401 wrong-side JWT",
            "error: 401 bad credentials",
            "error: 400 invalid body",
            "error: 400 malformed JSON",
            "error: 422 duplicate",
            "error: 404 unknown route",
        ] {
            assert!(covered.contains(row), "{row} is not covered");
        }
    }

    #[test]
    fn names_are_unique() {
        for table in [all(), production()] {
            let names: HashSet<&str> = table.iter().map(|s| s.name).collect();
            assert_eq!(names.len(), table.len());
        }
    }
}
