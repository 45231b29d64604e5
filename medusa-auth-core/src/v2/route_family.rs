//! Which credentials a v2 request may carry, by the family of its route: what keeps
//! a user's token off `/store`, a customer's off `/admin` and a secret key off
//! everything but `/admin`.

use crate::credentials::Side;
use crate::request::Scope;
use crate::v2::token::{CUSTOMER, USER};

/// The families of v2 routes, as the server's `authenticate` middleware groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `/admin…`: the `user` actor, or a secret key.
    Admin,
    /// `/store…`: the `customer` actor, with the publishable key.
    Store,
    /// `/auth…`: each call says what it carries.
    Auth,
    /// Any other route: a custom actor's.
    Other,
}

impl Family {
    /// The family of `path`.
    pub(crate) fn of_path(path: &str) -> Family {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/admin") {
            Family::Admin
        } else if under("/store") {
            Family::Store
        } else if under("/auth") {
            Family::Auth
        } else {
            Family::Other
        }
    }

    /// The family whose routes an actor's credentials are for.
    pub(crate) fn of_actor(actor_type: &str) -> Family {
        match actor_type {
            USER => Family::Admin,
            CUSTOMER => Family::Store,
            _ => Family::Other,
        }
    }

    /// The scope of a request to this family: on `/admin` the user's token and (when
    /// `machine_key`) the secret key, on `/store` the customer's token and the
    /// publishable key, on another route a custom actor's token, on `/auth` nothing
    /// but what the call adds.
    pub(crate) fn scope(self, machine_key: bool) -> Scope {
        match self {
            Family::Admin => Scope {
                side: Some(Side::Admin),
                bearer: true,
                api_token: machine_key,
                publishable_key: false,
            },
            Family::Store => Scope {
                side: Some(Side::Store),
                bearer: true,
                api_token: false,
                publishable_key: true,
            },
            Family::Auth => Scope {
                side: None,
                bearer: false,
                api_token: false,
                publishable_key: false,
            },
            Family::Other => Scope {
                side: None,
                bearer: true,
                api_token: false,
                publishable_key: false,
            },
        }
    }

    /// The family a scope was made for (the inverse of [`scope`](Self::scope)).
    pub(crate) fn of_scope(scope: &Scope) -> Family {
        match (scope.side, scope.bearer) {
            (Some(Side::Admin), _) => Family::Admin,
            (Some(Side::Store), _) => Family::Store,
            (None, false) => Family::Auth,
            (None, true) => Family::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_by_path_and_actor() {
        for (path, family) in [
            ("/admin", Family::Admin),
            ("/admin/users/me", Family::Admin),
            ("/administrator", Family::Other),
            ("/store/customers/me", Family::Store),
            ("/storefront", Family::Other),
            ("/auth/session", Family::Auth),
            ("/authors", Family::Other),
            ("/vendors/me", Family::Other),
        ] {
            assert_eq!(Family::of_path(path), family, "{path}");
            for machine_key in [false, true] {
                assert_eq!(Family::of_scope(&family.scope(machine_key)), family);
            }
        }
        assert_eq!(Family::of_actor("user"), Family::Admin);
        assert_eq!(Family::of_actor("customer"), Family::Store);
        assert_eq!(Family::of_actor("vendor"), Family::Other);
        assert!(Family::Admin.scope(true).api_token);
        assert!(!Family::Admin.scope(false).api_token);
        assert!(Family::Store.scope(true).publishable_key);
        assert!(!Family::Store.scope(true).api_token);
    }
}
