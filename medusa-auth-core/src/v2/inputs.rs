//! The input of each v2 call: what a [`CallBuilder`](crate::CallBuilder) hands to the
//! `send_*` method of [`AuthApi`](super::AuthApi), [`StoreApi`](super::StoreApi) or
//! [`AdminApi`](super::AdminApi), and what a mock's expectation sees.

use std::fmt;

use secrecy::SecretString;

use crate::call::{CallOptions, call_input};
use crate::v2::models::{Customer, CustomerDetails, ProviderInfo, User};
use crate::v2::outcome::LoginOutcome;
use crate::v2::token::{Claims, Token};

/// What a login or a registration sends to its provider.
#[derive(Clone)]
#[non_exhaustive]
pub enum LoginPayload {
    /// `emailpass`: `{"email", "password"}`.
    EmailPassword {
        /// The e-mail.
        email: String,
        /// The password.
        password: SecretString,
    },
    /// Any other provider: its JSON body as given (`{"callback_url": …}` for an
    /// OAuth provider, or nothing).
    Json(serde_json::Value),
}

impl fmt::Debug for LoginPayload {
    /// Shows the e-mail, never the password, and only the keys of a JSON body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoginPayload::EmailPassword { email, .. } => f
                .debug_struct("EmailPassword")
                .field("email", email)
                .field("password", &"[REDACTED]")
                .finish(),
            LoginPayload::Json(value) => {
                let keys: Vec<&str> = value
                    .as_object()
                    .map(|object| object.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                f.debug_tuple("Json").field(&keys).finish()
            }
        }
    }
}

/// Generates an input with an actor type and a provider and the given fields.
macro_rules! actor_input {
    ($(#[$doc:meta])* $name:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? } => $api:ident, $output:ty, $send:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            actor: String,
            provider: String,
            $($field: $ty,)*
            options: CallOptions,
        }

        impl $name {
            /// The call, with no options.
            pub fn new(actor: impl Into<String>, provider: impl Into<String>, $($field: impl Into<$ty>),*) -> Self {
                $name {
                    actor: actor.into(),
                    provider: provider.into(),
                    $($field: $field.into(),)*
                    options: CallOptions::new(),
                }
            }

            /// The actor type (`user`, `customer`, a custom one).
            pub fn actor(&self) -> &str {
                &self.actor
            }

            /// The provider (`emailpass` …).
            pub fn provider(&self) -> &str {
                &self.provider
            }

            $(
                $(#[$fdoc])*
                pub fn $field(&self) -> &$ty {
                    &self.$field
                }
            )*

            /// The options of this call.
            pub fn options(&self) -> &CallOptions {
                &self.options
            }

            /// The call with these options.
            pub fn with_options(mut self, options: CallOptions) -> Self {
                self.options = options;
                self
            }
        }

        call_input!($name, super::$api, $output, $send);
    };
}

/// Generates an input with nothing but options.
macro_rules! plain_input {
    ($(#[$doc:meta])* $name:ident => $api:ident, $output:ty, $send:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default)]
        pub struct $name {
            options: CallOptions,
        }

        impl $name {
            /// The call, with no options.
            pub fn new() -> Self {
                $name::default()
            }

            /// The options of this call.
            pub fn options(&self) -> &CallOptions {
                &self.options
            }

            /// The call with these options.
            pub fn with_options(mut self, options: CallOptions) -> Self {
                self.options = options;
                self
            }
        }

        call_input!($name, super::$api, $output, $send);
    };
}

actor_input!(
    /// `POST /auth/{actor}/{provider}`: the input of [`login`](super::AuthApi#method.login).
    Login {
        /// What the provider is sent.
        payload: LoginPayload,
    } => AuthApi, LoginOutcome, send_login
);
actor_input!(
    /// `POST /auth/{actor}/{provider}/register`: the input of
    /// [`register`](super::AuthApi#method.register).
    Register {
        /// What the provider is sent.
        payload: LoginPayload,
    } => AuthApi, Token, send_register
);
actor_input!(
    /// `GET /auth/{actor}/{provider}/callback?…`: the input of
    /// [`callback`](super::AuthApi#method.callback).
    Callback {
        /// The query of the provider's redirect, whole and still encoded.
        query: String,
    } => AuthApi, LoginOutcome, send_callback
);
actor_input!(
    /// `POST /auth/{actor}/{provider}/reset-password`: the input of
    /// [`reset_password`](super::AuthApi#method.reset_password).
    ResetPassword {
        /// Whose password (the e-mail, for `emailpass`).
        identifier: String,
    } => AuthApi, (), send_reset_password
);
actor_input!(
    /// `POST /auth/{actor}/{provider}/update`: the input of
    /// [`update_password`](super::AuthApi#method.update_password).
    UpdatePassword {
        /// The reset token the server sent out of band.
        reset_token: SecretString,
        /// The new password.
        password: SecretString,
    } => AuthApi, (), send_update_password
);

/// `GET /auth/{actor}/providers`: the input of [`providers`](super::AuthApi#method.providers).
#[derive(Clone, Debug)]
pub struct ListProviders {
    actor: String,
    options: CallOptions,
}

impl ListProviders {
    /// The call for `actor`, with no options.
    pub fn new(actor: impl Into<String>) -> Self {
        ListProviders {
            actor: actor.into(),
            options: CallOptions::new(),
        }
    }

    /// The actor type.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The options of this call.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The call with these options.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

call_input!(
    ListProviders,
    super::AuthApi,
    Vec<ProviderInfo>,
    send_providers
);

plain_input!(
    /// `POST /auth/session`: the input of [`open_session`](super::AuthApi#method.open_session).
    OpenSession => AuthApi, Claims, send_open_session
);
plain_input!(
    /// `DELETE /auth/session`: the input of [`logout`](super::AuthApi#method.logout).
    Logout => AuthApi, (), send_logout
);
plain_input!(
    /// `POST /auth/token/refresh`: the input of [`refresh`](super::AuthApi#method.refresh).
    Refresh => AuthApi, Token, send_refresh
);
plain_input!(
    /// `GET /store/customers/me`: the input of [`me`](super::StoreApi#method.me).
    CustomerMe => StoreApi, Customer, send_me
);
plain_input!(
    /// `GET /admin/users/me`: the input of [`me`](super::AdminApi#method.me).
    UserMe => AdminApi, User, send_me
);

/// `POST /store/customers`: the input of
/// [`create_customer`](super::StoreApi#method.create_customer).
#[derive(Clone, Debug)]
pub struct CreateCustomer {
    details: CustomerDetails,
    options: CallOptions,
}

impl CreateCustomer {
    /// The call for `details`, with no options.
    pub fn new(details: CustomerDetails) -> Self {
        CreateCustomer {
            details,
            options: CallOptions::new(),
        }
    }

    /// The new customer's details.
    pub fn details(&self) -> &CustomerDetails {
        &self.details
    }

    /// The options of this call.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The call with these options.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

call_input!(
    CreateCustomer,
    super::StoreApi,
    Customer,
    send_create_customer
);

/// Registration, customer creation and refresh in one call: the input of
/// [`sign_up`](super::StoreApi#method.sign_up).
#[derive(Clone)]
pub struct SignUp {
    email: String,
    password: SecretString,
    details: CustomerDetails,
    options: CallOptions,
}

impl fmt::Debug for SignUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignUp")
            .field("email", &self.email)
            .field("password", &"[REDACTED]")
            .field("details", &self.details)
            .finish_non_exhaustive()
    }
}

impl SignUp {
    /// The call, with no options.
    pub fn new(
        email: impl Into<String>,
        password: impl Into<SecretString>,
        details: CustomerDetails,
    ) -> Self {
        SignUp {
            email: email.into(),
            password: password.into(),
            details,
            options: CallOptions::new(),
        }
    }

    /// The e-mail the customer registers with.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// The password.
    pub fn password(&self) -> &SecretString {
        &self.password
    }

    /// The new customer's details (their e-mail, when unset, is the registration's).
    pub fn details(&self) -> &CustomerDetails {
        &self.details
    }

    /// The options of this call.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// The call with these options.
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

call_input!(SignUp, super::StoreApi, Customer, send_sign_up);
