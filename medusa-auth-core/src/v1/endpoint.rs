//! The nine calls of SPEC §1: method, path, side and body of each, in one place.

use std::borrow::Cow;
use std::fmt;

use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::SecretString;

use crate::credentials::Side;

/// Characters left raw in the `{email}` path segment of `exists`: the unreserved
/// ones and `@`. Everything else (`/`, `+`, `?`, `#`, `%`, space …) is encoded, so
/// the email is always exactly one segment.
const EMAIL_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// One of the nine calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// `POST /admin/auth`: log an admin in (session cookie).
    AdminCreateSession,
    /// `GET /admin/auth`: the logged-in admin.
    AdminGetSession,
    /// `DELETE /admin/auth`: log the admin out.
    AdminDeleteSession,
    /// `POST /admin/auth/token`: an admin JWT.
    AdminGetToken,
    /// `POST /store/auth`: log a customer in (session cookie).
    StoreAuthenticate,
    /// `GET /store/auth`: the logged-in customer.
    StoreGetSession,
    /// `DELETE /store/auth`: log the customer out.
    StoreDeleteSession,
    /// `GET /store/auth/{email}`: whether a customer with that email has an account.
    StoreExists,
    /// `POST /store/auth/token`: a store JWT.
    StoreGetToken,
}

impl Call {
    /// All nine, in SPEC order.
    pub const ALL: [Call; 9] = [
        Call::AdminCreateSession,
        Call::AdminGetSession,
        Call::AdminDeleteSession,
        Call::AdminGetToken,
        Call::StoreAuthenticate,
        Call::StoreGetSession,
        Call::StoreDeleteSession,
        Call::StoreExists,
        Call::StoreGetToken,
    ];

    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Call::AdminGetSession | Call::StoreGetSession | Call::StoreExists => Method::GET,
            Call::AdminDeleteSession | Call::StoreDeleteSession => Method::DELETE,
            Call::AdminCreateSession
            | Call::AdminGetToken
            | Call::StoreAuthenticate
            | Call::StoreGetToken => Method::POST,
        }
    }

    /// The route's path (`/store/auth/{email}` for `exists`).
    pub fn path_template(self) -> &'static str {
        match self {
            Call::AdminCreateSession | Call::AdminGetSession | Call::AdminDeleteSession => {
                "/admin/auth"
            }
            Call::AdminGetToken => "/admin/auth/token",
            Call::StoreAuthenticate | Call::StoreGetSession | Call::StoreDeleteSession => {
                "/store/auth"
            }
            Call::StoreExists => "/store/auth/{email}",
            Call::StoreGetToken => "/store/auth/token",
        }
    }

    /// The side it belongs to.
    pub fn side(self) -> Side {
        match self {
            Call::AdminCreateSession
            | Call::AdminGetSession
            | Call::AdminDeleteSession
            | Call::AdminGetToken => Side::Admin,
            _ => Side::Store,
        }
    }

    /// The SDK's name (`admin.create_session`).
    pub fn name(self) -> &'static str {
        match self {
            Call::AdminCreateSession => "admin.create_session",
            Call::AdminGetSession => "admin.get_session",
            Call::AdminDeleteSession => "admin.delete_session",
            Call::AdminGetToken => "admin.get_token",
            Call::StoreAuthenticate => "store.authenticate",
            Call::StoreGetSession => "store.get_session",
            Call::StoreDeleteSession => "store.delete_session",
            Call::StoreExists => "store.exists",
            Call::StoreGetToken => "store.get_token",
        }
    }

    /// The JS client's name (`admin.auth.createSession`).
    pub fn js_name(self) -> &'static str {
        match self {
            Call::AdminCreateSession => "admin.auth.createSession",
            Call::AdminGetSession => "admin.auth.getSession",
            Call::AdminDeleteSession => "admin.auth.deleteSession",
            Call::AdminGetToken => "admin.auth.getToken",
            Call::StoreAuthenticate => "auth.authenticate",
            Call::StoreGetSession => "auth.getSession",
            Call::StoreDeleteSession => "auth.deleteSession",
            Call::StoreExists => "auth.exists",
            Call::StoreGetToken => "auth.getToken",
        }
    }

    /// Whether it logs in with a password and answers with a session cookie.
    pub fn is_login(self) -> bool {
        matches!(self, Call::AdminCreateSession | Call::StoreAuthenticate)
    }

    /// Whether it logs out.
    pub fn is_logout(self) -> bool {
        matches!(self, Call::AdminDeleteSession | Call::StoreDeleteSession)
    }

    /// Whether its side's credentials (bearer JWT, API token) go with it: every call
    /// of the side but the password login, as the JS client does.
    pub fn sends_side_credentials(self) -> bool {
        !self.is_login()
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A call with its input: what [`RequestFactory::build`](crate::RequestFactory::build) turns into a request.
#[derive(Debug, Clone, Copy)]
pub enum AuthRequest<'a> {
    /// `POST /admin/auth`
    AdminCreateSession {
        /// The admin's email.
        email: &'a str,
        /// The admin's password.
        password: &'a SecretString,
    },
    /// `GET /admin/auth`
    AdminGetSession,
    /// `DELETE /admin/auth`
    AdminDeleteSession,
    /// `POST /admin/auth/token`
    AdminGetToken {
        /// The admin's email.
        email: &'a str,
        /// The admin's password.
        password: &'a SecretString,
    },
    /// `POST /store/auth`
    StoreAuthenticate {
        /// The customer's email.
        email: &'a str,
        /// The customer's password.
        password: &'a SecretString,
    },
    /// `GET /store/auth`
    StoreGetSession,
    /// `DELETE /store/auth`
    StoreDeleteSession,
    /// `GET /store/auth/{email}`
    StoreExists {
        /// The email to look up.
        email: &'a str,
    },
    /// `POST /store/auth/token`
    StoreGetToken {
        /// The customer's email.
        email: &'a str,
        /// The customer's password.
        password: &'a SecretString,
    },
}

impl<'a> AuthRequest<'a> {
    /// Which call.
    pub fn call(&self) -> Call {
        match self {
            AuthRequest::AdminCreateSession { .. } => Call::AdminCreateSession,
            AuthRequest::AdminGetSession => Call::AdminGetSession,
            AuthRequest::AdminDeleteSession => Call::AdminDeleteSession,
            AuthRequest::AdminGetToken { .. } => Call::AdminGetToken,
            AuthRequest::StoreAuthenticate { .. } => Call::StoreAuthenticate,
            AuthRequest::StoreGetSession => Call::StoreGetSession,
            AuthRequest::StoreDeleteSession => Call::StoreDeleteSession,
            AuthRequest::StoreExists { .. } => Call::StoreExists,
            AuthRequest::StoreGetToken { .. } => Call::StoreGetToken,
        }
    }

    /// The path under the base URL, with the email of `exists` percent-encoded as one
    /// segment.
    ///
    /// ```
    /// use medusa_auth_core::AuthRequest;
    /// let path = AuthRequest::StoreExists { email: "a/b+c@x.io" }.path();
    /// assert_eq!(path, "/store/auth/a%2Fb%2Bc@x.io");
    /// ```
    pub fn path(&self) -> Cow<'static, str> {
        match self {
            AuthRequest::StoreExists { email } => Cow::Owned(format!(
                "/store/auth/{}",
                utf8_percent_encode(email, EMAIL_SEGMENT)
            )),
            other => Cow::Borrowed(other.call().path_template()),
        }
    }

    /// The email and password of a call that sends them.
    pub fn login(&self) -> Option<(&'a str, &'a SecretString)> {
        match *self {
            AuthRequest::AdminCreateSession { email, password }
            | AuthRequest::AdminGetToken { email, password }
            | AuthRequest::StoreAuthenticate { email, password }
            | AuthRequest::StoreGetToken { email, password } => Some((email, password)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_email_as_one_segment() {
        let cases = [
            ("customer@example.com", "/store/auth/customer@example.com"),
            ("plus+tag@example.com", "/store/auth/plus%2Btag@example.com"),
            (
                "slash/name@example.com",
                "/store/auth/slash%2Fname@example.com",
            ),
            ("a/b+c@x.io", "/store/auth/a%2Fb%2Bc@x.io"),
            ("q?x#y%z w@x.io", "/store/auth/q%3Fx%23y%25z%20w@x.io"),
            ("CUSTOMER@EXAMPLE.COM", "/store/auth/CUSTOMER@EXAMPLE.COM"),
            ("jörg@x.io", "/store/auth/j%C3%B6rg@x.io"),
        ];
        for (email, path) in cases {
            assert_eq!(AuthRequest::StoreExists { email }.path(), path);
        }
    }

    #[test]
    fn every_call_has_its_wire_shape() {
        let table: Vec<(Call, String, &str, Side)> = Call::ALL
            .iter()
            .map(|c| (*c, c.method().to_string(), c.path_template(), c.side()))
            .collect();
        let table: Vec<(Call, &str, &str, Side)> = table
            .iter()
            .map(|(c, m, p, s)| (*c, m.as_str(), *p, *s))
            .collect();
        assert_eq!(
            table,
            vec![
                (Call::AdminCreateSession, "POST", "/admin/auth", Side::Admin),
                (Call::AdminGetSession, "GET", "/admin/auth", Side::Admin),
                (
                    Call::AdminDeleteSession,
                    "DELETE",
                    "/admin/auth",
                    Side::Admin
                ),
                (
                    Call::AdminGetToken,
                    "POST",
                    "/admin/auth/token",
                    Side::Admin
                ),
                (Call::StoreAuthenticate, "POST", "/store/auth", Side::Store),
                (Call::StoreGetSession, "GET", "/store/auth", Side::Store),
                (
                    Call::StoreDeleteSession,
                    "DELETE",
                    "/store/auth",
                    Side::Store
                ),
                (Call::StoreExists, "GET", "/store/auth/{email}", Side::Store),
                (
                    Call::StoreGetToken,
                    "POST",
                    "/store/auth/token",
                    Side::Store
                ),
            ]
        );
    }
}
