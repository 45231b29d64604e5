//! The nine routes of the Medusa v1 auth API: method, path, side and the credentials
//! each carries, in one place.

use std::borrow::Cow;
use std::fmt;

use http::Method;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::credentials::Side;
use crate::request::Scope;

/// Characters left raw in the `{email}` path segment of `exists`: the unreserved
/// ones and `@`. Everything else (`/`, `+`, `?`, `#`, `%`, space …) is encoded, so
/// the email is always exactly one segment (the JS client does not encode it, and an
/// email with a `/` reaches another route).
const EMAIL_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@');

/// One of the nine v1 auth routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
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

impl Endpoint {
    /// All nine, admin first.
    pub const ALL: [Endpoint; 9] = [
        Endpoint::AdminCreateSession,
        Endpoint::AdminGetSession,
        Endpoint::AdminDeleteSession,
        Endpoint::AdminGetToken,
        Endpoint::StoreAuthenticate,
        Endpoint::StoreGetSession,
        Endpoint::StoreDeleteSession,
        Endpoint::StoreExists,
        Endpoint::StoreGetToken,
    ];

    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Endpoint::AdminGetSession | Endpoint::StoreGetSession | Endpoint::StoreExists => {
                Method::GET
            }
            Endpoint::AdminDeleteSession | Endpoint::StoreDeleteSession => Method::DELETE,
            Endpoint::AdminCreateSession
            | Endpoint::AdminGetToken
            | Endpoint::StoreAuthenticate
            | Endpoint::StoreGetToken => Method::POST,
        }
    }

    /// The route's path (`/store/auth/{email}` for `exists`).
    pub fn path_template(self) -> &'static str {
        match self {
            Endpoint::AdminCreateSession
            | Endpoint::AdminGetSession
            | Endpoint::AdminDeleteSession => "/admin/auth",
            Endpoint::AdminGetToken => "/admin/auth/token",
            Endpoint::StoreAuthenticate
            | Endpoint::StoreGetSession
            | Endpoint::StoreDeleteSession => "/store/auth",
            Endpoint::StoreExists => "/store/auth/{email}",
            Endpoint::StoreGetToken => "/store/auth/token",
        }
    }

    /// The path of a call to this route; `email` fills `{email}` of `exists`,
    /// percent-encoded as one segment.
    ///
    /// ```
    /// use medusa_auth_core::internal::Endpoint;
    /// let path = Endpoint::StoreExists.path(Some("a/b+c@x.io"));
    /// assert_eq!(path, "/store/auth/a%2Fb%2Bc@x.io");
    /// ```
    pub fn path(self, email: Option<&str>) -> Cow<'static, str> {
        match (self, email) {
            (Endpoint::StoreExists, Some(email)) => Cow::Owned(format!(
                "/store/auth/{}",
                utf8_percent_encode(email, EMAIL_SEGMENT)
            )),
            _ => Cow::Borrowed(self.path_template()),
        }
    }

    /// The side it belongs to.
    pub fn side(self) -> Side {
        match self {
            Endpoint::AdminCreateSession
            | Endpoint::AdminGetSession
            | Endpoint::AdminDeleteSession
            | Endpoint::AdminGetToken => Side::Admin,
            _ => Side::Store,
        }
    }

    /// The SDK's name (`admin.create_session`).
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::AdminCreateSession => "admin.create_session",
            Endpoint::AdminGetSession => "admin.get_session",
            Endpoint::AdminDeleteSession => "admin.delete_session",
            Endpoint::AdminGetToken => "admin.get_token",
            Endpoint::StoreAuthenticate => "store.authenticate",
            Endpoint::StoreGetSession => "store.get_session",
            Endpoint::StoreDeleteSession => "store.delete_session",
            Endpoint::StoreExists => "store.exists",
            Endpoint::StoreGetToken => "store.get_token",
        }
    }

    /// Whether it sends an email and password.
    pub fn takes_password(self) -> bool {
        matches!(
            self,
            Endpoint::AdminCreateSession
                | Endpoint::AdminGetToken
                | Endpoint::StoreAuthenticate
                | Endpoint::StoreGetToken
        )
    }

    /// Whether it logs out.
    pub fn is_logout(self) -> bool {
        matches!(
            self,
            Endpoint::AdminDeleteSession | Endpoint::StoreDeleteSession
        )
    }

    /// The credentials a call of this route carries besides the session cookie,
    /// which goes with every request to the origin that set it:
    ///
    /// | route | bearer JWT of its side | API token | publishable key |
    /// |---|---|---|---|
    /// | the logins (`create_session`, `authenticate`, both `get_token`) | no | no | store logins |
    /// | `get_session` | yes | admin | store |
    /// | `delete_session` | no | no | no |
    /// | `exists` | no | – | yes |
    ///
    /// A login never carries a token; a logout carries the cookie and nothing else.
    pub fn scope(self) -> Scope {
        let side = self.side();
        let who_am_i = matches!(self, Endpoint::AdminGetSession | Endpoint::StoreGetSession);
        Scope {
            side: Some(side),
            bearer: who_am_i,
            api_token: who_am_i && side == Side::Admin,
            publishable_key: side == Side::Store && !self.is_logout(),
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
            assert_eq!(Endpoint::StoreExists.path(Some(email)), path);
        }
    }

    #[test]
    fn every_route_has_its_wire_shape_and_credentials() {
        let table: Vec<String> = Endpoint::ALL
            .iter()
            .map(|e| {
                let scope = e.scope();
                format!(
                    "{e} {} {} {} bearer={} api_token={} pk={} password={} logout={}",
                    e.method(),
                    e.path_template(),
                    e.side(),
                    scope.bearer,
                    scope.api_token,
                    scope.publishable_key,
                    e.takes_password(),
                    e.is_logout()
                )
            })
            .collect();
        assert_eq!(
            table,
            [
                "admin.create_session POST /admin/auth admin bearer=false api_token=false pk=false password=true logout=false",
                "admin.get_session GET /admin/auth admin bearer=true api_token=true pk=false password=false logout=false",
                "admin.delete_session DELETE /admin/auth admin bearer=false api_token=false pk=false password=false logout=true",
                "admin.get_token POST /admin/auth/token admin bearer=false api_token=false pk=false password=true logout=false",
                "store.authenticate POST /store/auth store bearer=false api_token=false pk=true password=true logout=false",
                "store.get_session GET /store/auth store bearer=true api_token=false pk=true password=false logout=false",
                "store.delete_session DELETE /store/auth store bearer=false api_token=false pk=false password=false logout=true",
                "store.exists GET /store/auth/{email} store bearer=false api_token=false pk=true password=false logout=false",
                "store.get_token POST /store/auth/token store bearer=false api_token=false pk=true password=true logout=false",
            ]
        );
    }
}
