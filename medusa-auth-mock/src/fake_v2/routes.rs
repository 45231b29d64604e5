//! The routes the fake knows, in the order Medusa's router sorts them (static
//! segments before parameters), matched as Express 4 matches them: case-insensitive,
//! an optional trailing slash, a parameter being one non-empty segment (decoded with
//! `decodeURIComponent`).

use http::Method;

/// A route (the last segment of the file path under `api/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RouteId {
    /// `POST|DELETE /auth/session`.
    AuthSession,
    /// `POST /auth/token/refresh`.
    AuthTokenRefresh,
    /// `GET /auth/:actor_type/providers`.
    AuthProviders,
    /// `POST /auth/:auth_provider/user`.
    AuthProviderUser,
    /// `GET|POST /auth/:actor_type/:auth_provider/callback`.
    AuthCallback,
    /// `POST /auth/:actor_type/:auth_provider/register`.
    AuthRegister,
    /// `POST /auth/:actor_type/:auth_provider/reset-password`.
    AuthResetPassword,
    /// `POST /auth/:actor_type/:auth_provider/update`.
    AuthUpdate,
    /// `GET|POST /auth/:actor_type/:auth_provider`.
    AuthLogin,
    /// `GET /admin/users/me`.
    AdminUsersMe,
    /// `GET /admin/users`.
    AdminUsers,
    /// `GET /admin/users/:id`.
    AdminUser,
    /// `GET /admin/customers`.
    AdminCustomers,
    /// `GET|POST /admin/api-keys`.
    AdminApiKeys,
    /// `GET /admin/api-keys/:id`.
    AdminApiKey,
    /// `POST /admin/api-keys/:id/revoke`.
    AdminApiKeyRevoke,
    /// `POST /store/customers`.
    StoreCustomers,
    /// `GET|POST /store/customers/me`.
    StoreCustomersMe,
    /// `GET /store/customers/me/addresses`.
    StoreCustomerAddresses,
    /// `GET /store/customers/me/addresses/:address_id`.
    StoreCustomerAddress,
    /// `GET /store/regions`.
    StoreRegions,
}

/// A path segment of a route.
#[derive(Debug, Clone, Copy)]
enum Seg {
    Lit(&'static str),
    Param,
}

use Seg::{Lit, Param};

const GET: &[&str] = &["GET"];
const POST: &[&str] = &["POST"];
const GET_POST: &[&str] = &["GET", "POST"];
/// `/auth/:actor_type/:auth_provider`'s POST middleware is declared before its GET one.
const POST_GET: &[&str] = &["POST", "GET"];
const POST_DELETE: &[&str] = &["POST", "DELETE"];

/// Every route: its methods and segments.
const TABLE: &[(&[&str], &[Seg], RouteId)] = &[
    (
        POST_DELETE,
        &[Lit("auth"), Lit("session")],
        RouteId::AuthSession,
    ),
    (
        POST,
        &[Lit("auth"), Lit("token"), Lit("refresh")],
        RouteId::AuthTokenRefresh,
    ),
    (
        GET,
        &[Lit("auth"), Param, Lit("providers")],
        RouteId::AuthProviders,
    ),
    (
        POST,
        &[Lit("auth"), Param, Lit("user")],
        RouteId::AuthProviderUser,
    ),
    (
        GET_POST,
        &[Lit("auth"), Param, Param, Lit("callback")],
        RouteId::AuthCallback,
    ),
    (
        POST,
        &[Lit("auth"), Param, Param, Lit("register")],
        RouteId::AuthRegister,
    ),
    (
        POST,
        &[Lit("auth"), Param, Param, Lit("reset-password")],
        RouteId::AuthResetPassword,
    ),
    (
        POST,
        &[Lit("auth"), Param, Param, Lit("update")],
        RouteId::AuthUpdate,
    ),
    (POST_GET, &[Lit("auth"), Param, Param], RouteId::AuthLogin),
    (
        GET,
        &[Lit("admin"), Lit("users"), Lit("me")],
        RouteId::AdminUsersMe,
    ),
    (GET, &[Lit("admin"), Lit("users")], RouteId::AdminUsers),
    (
        GET,
        &[Lit("admin"), Lit("users"), Param],
        RouteId::AdminUser,
    ),
    (
        GET,
        &[Lit("admin"), Lit("customers")],
        RouteId::AdminCustomers,
    ),
    (
        GET_POST,
        &[Lit("admin"), Lit("api-keys")],
        RouteId::AdminApiKeys,
    ),
    (
        GET,
        &[Lit("admin"), Lit("api-keys"), Param],
        RouteId::AdminApiKey,
    ),
    (
        POST,
        &[Lit("admin"), Lit("api-keys"), Param, Lit("revoke")],
        RouteId::AdminApiKeyRevoke,
    ),
    (
        POST,
        &[Lit("store"), Lit("customers")],
        RouteId::StoreCustomers,
    ),
    (
        GET_POST,
        &[Lit("store"), Lit("customers"), Lit("me")],
        RouteId::StoreCustomersMe,
    ),
    (
        GET,
        &[Lit("store"), Lit("customers"), Lit("me"), Lit("addresses")],
        RouteId::StoreCustomerAddresses,
    ),
    (
        GET,
        &[
            Lit("store"),
            Lit("customers"),
            Lit("me"),
            Lit("addresses"),
            Param,
        ],
        RouteId::StoreCustomerAddress,
    ),
    (GET, &[Lit("store"), Lit("regions")], RouteId::StoreRegions),
];

/// A matched route and its parameters, still percent-encoded.
#[derive(Debug, Clone)]
pub(crate) struct Matched<'p> {
    pub(crate) id: RouteId,
    pub(crate) params: Vec<&'p str>,
}

/// The segments of a path, without the leading `/` and one trailing `/`.
fn segments(path: &str) -> Option<Vec<&str>> {
    let rest = path.strip_prefix('/')?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    Some(rest.split('/').collect())
}

fn matches<'p>(pattern: &[Seg], parts: &[&'p str]) -> Option<Vec<&'p str>> {
    if pattern.len() != parts.len() {
        return None;
    }
    let mut params = Vec::new();
    for (seg, part) in pattern.iter().zip(parts) {
        match seg {
            Lit(text) if part.eq_ignore_ascii_case(text) => {}
            Lit(_) => return None,
            Param if part.is_empty() => return None,
            Param => params.push(*part),
        }
    }
    Some(params)
}

/// The route registered for exactly `method` on `path` (Medusa's `RoutesFinder`,
/// which decides whether the cors middleware runs).
pub(crate) fn find_exact<'p>(method: &str, path: &'p str) -> Option<Matched<'p>> {
    let parts = segments(path)?;
    TABLE.iter().find_map(|(methods, pattern, id)| {
        if !methods.contains(&method) {
            return None;
        }
        matches(pattern, &parts).map(|params| Matched { id: *id, params })
    })
}

/// The route Express hands `method` on `path` to (`GET` routes answer `HEAD`).
pub(crate) fn find<'p>(method: &Method, path: &'p str) -> Option<Matched<'p>> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    find_exact(method, path)
}

/// The methods of every route on `path`, as Express lists them in `Allow` (`HEAD`
/// after `GET`).
pub(crate) fn allowed_methods(path: &str) -> Vec<&'static str> {
    let Some(parts) = segments(path) else {
        return Vec::new();
    };
    let mut out: Vec<&'static str> = Vec::new();
    for (methods, pattern, _) in TABLE {
        if matches(pattern, &parts).is_none() {
            continue;
        }
        for method in *methods {
            let with_head: &[&'static str] = if *method == "GET" {
                &["GET", "HEAD"]
            } else {
                std::slice::from_ref(method)
            };
            for m in with_head {
                if !out.contains(m) {
                    out.push(m);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(method: &str, path: &str) -> Option<RouteId> {
        find(&Method::from_bytes(method.as_bytes()).unwrap(), path).map(|m| m.id)
    }

    #[test]
    fn routes_match_as_express_sorts_them() {
        assert_eq!(id("POST", "/auth/session"), Some(RouteId::AuthSession));
        assert_eq!(id("GET", "/auth/session"), None);
        assert_eq!(
            id("POST", "/AUTH/Token/refresh/"),
            Some(RouteId::AuthTokenRefresh)
        );
        assert_eq!(id("GET", "/auth/token/refresh"), Some(RouteId::AuthLogin));
        assert_eq!(
            id("GET", "/auth/user/providers"),
            Some(RouteId::AuthProviders)
        );
        assert_eq!(id("POST", "/auth/user/providers"), Some(RouteId::AuthLogin));
        assert_eq!(
            id("POST", "/auth/emailpass/user"),
            Some(RouteId::AuthProviderUser)
        );
        assert_eq!(
            id("HEAD", "/auth/customer/emailpass/callback"),
            Some(RouteId::AuthCallback)
        );
        assert_eq!(id("POST", "/auth/user"), None);
        assert_eq!(id("POST", "/auth//emailpass"), None);
        assert_eq!(id("GET", "/admin/users/me"), Some(RouteId::AdminUsersMe));
        assert_eq!(id("GET", "/admin/users/usr_1"), Some(RouteId::AdminUser));
        assert_eq!(id("DELETE", "/store/customers/me"), None);
        let matched = find(&Method::POST, "/auth/customer/emailpass/reset-password").unwrap();
        assert_eq!(matched.params, ["customer", "emailpass"]);
        // As the recorded server lists them.
        assert_eq!(
            allowed_methods("/auth/user/emailpass"),
            ["POST", "GET", "HEAD"]
        );
        assert_eq!(allowed_methods("/auth/session"), ["POST", "DELETE"]);
        assert!(allowed_methods("/nothing").is_empty());
        assert_eq!(
            find_exact("HEAD", "/auth/user/providers").map(|m| m.id),
            None
        );
    }
}
