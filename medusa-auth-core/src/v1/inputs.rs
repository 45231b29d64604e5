//! The input of each v1 auth call: what a [`CallBuilder`](crate::CallBuilder) hands to
//! the `send_*` method of [`AdminAuthApi`](super::AdminAuthApi) or
//! [`StoreAuthApi`](super::StoreAuthApi), and what a mock's expectation sees.
//!
//! Fields are private: read them with the accessors, make one with `new` (a test
//! calling an implementation directly does).

use std::fmt;

use secrecy::SecretString;

use crate::call::{CallOptions, call_input};
use crate::credentials::AccessToken;
use crate::v1::models::{Customer, User};

/// An input with an email and a password (the logins).
macro_rules! password_input {
    ($(#[$doc:meta])* $name:ident, $api:ident, $output:ty, $send:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name {
            email: String,
            password: SecretString,
            options: CallOptions,
        }

        impl $name {
            /// The call for `email` and `password`, with no options.
            pub fn new(email: impl Into<String>, password: impl Into<SecretString>) -> Self {
                $name {
                    email: email.into(),
                    password: password.into(),
                    options: CallOptions::new(),
                }
            }

            /// The email, as given (the server lower-cases it).
            pub fn email(&self) -> &str {
                &self.email
            }

            /// The password; read it with
            /// [`expose_secret`](secrecy::ExposeSecret::expose_secret).
            pub fn password(&self) -> &SecretString {
                &self.password
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

        /// Shows the email, never the password.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("email", &self.email)
                    .field("password", &"[REDACTED]")
                    .field("options", &self.options)
                    .finish()
            }
        }

        call_input!($name, super::$api, $output, $send);
    };
}

/// An input with nothing but options.
macro_rules! plain_input {
    ($(#[$doc:meta])* $name:ident, $api:ident, $output:ty, $send:ident) => {
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

password_input!(
    /// `POST /admin/auth`: the input of [`create_session`](super::AdminAuthApi#method.create_session).
    AdminCreateSession,
    AdminAuthApi,
    User,
    send_create_session
);
plain_input!(
    /// `GET /admin/auth`: the input of [`get_session`](super::AdminAuthApi#method.get_session).
    AdminGetSession,
    AdminAuthApi,
    User,
    send_get_session
);
plain_input!(
    /// `DELETE /admin/auth`: the input of [`delete_session`](super::AdminAuthApi#method.delete_session).
    AdminDeleteSession,
    AdminAuthApi,
    (),
    send_delete_session
);
password_input!(
    /// `POST /admin/auth/token`: the input of [`get_token`](super::AdminAuthApi#method.get_token).
    AdminGetToken,
    AdminAuthApi,
    AccessToken,
    send_get_token
);
password_input!(
    /// `POST /store/auth`: the input of [`authenticate`](super::StoreAuthApi#method.authenticate).
    StoreAuthenticate,
    StoreAuthApi,
    Customer,
    send_authenticate
);
plain_input!(
    /// `GET /store/auth`: the input of [`get_session`](super::StoreAuthApi#method.get_session).
    StoreGetSession,
    StoreAuthApi,
    Customer,
    send_get_session
);
plain_input!(
    /// `DELETE /store/auth`: the input of [`delete_session`](super::StoreAuthApi#method.delete_session).
    StoreDeleteSession,
    StoreAuthApi,
    (),
    send_delete_session
);
password_input!(
    /// `POST /store/auth/token`: the input of [`get_token`](super::StoreAuthApi#method.get_token).
    StoreGetToken,
    StoreAuthApi,
    AccessToken,
    send_get_token
);

/// `GET /store/auth/{email}`: the input of [`exists`](super::StoreAuthApi#method.exists).
#[derive(Clone, Debug)]
pub struct StoreExists {
    email: String,
    options: CallOptions,
}

impl StoreExists {
    /// The call for `email`, with no options.
    pub fn new(email: impl Into<String>) -> Self {
        StoreExists {
            email: email.into(),
            options: CallOptions::new(),
        }
    }

    /// The email to look up.
    pub fn email(&self) -> &str {
        &self.email
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

call_input!(StoreExists, super::StoreAuthApi, bool, send_exists);
