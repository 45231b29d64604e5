//! Testing your own service code with the SDK's mocks: a small "account" service
//! that depends on `StoreAuthApi` (as `Arc<dyn StoreAuthApi>`), and its unit tests
//! with strict expectations, run by `cargo test --example mock_expectations` (and by
//! the workspace's tests).
//!
//! `cargo run --example mock_expectations` runs the same checks and prints them.

use std::process::ExitCode;
use std::sync::Arc;

use medusa_auth_core::{CustomHeaders, Customer, Error, ExposeSecret, SecretString, StoreAuthApi};
use medusa_auth_mock::{MockStoreAuthApi, Sequence, predicate};

/// The code under test: what a storefront back-end might do with the SDK.
struct AccountService {
    auth: Arc<dyn StoreAuthApi>,
}

/// What the service tells its caller.
#[derive(Debug, PartialEq, Eq)]
enum LoginOutcome {
    Welcome(String),
    WrongPassword,
    NoAccount,
    TryAgainLater,
}

impl AccountService {
    /// Logs a shopper in; a wrong password is told apart from an unknown email, and
    /// a server-side failure from both.
    async fn log_in(&self, email: &str, password: &SecretString) -> LoginOutcome {
        let none = CustomHeaders::new();
        match self.auth.authenticate(email, password, &none).await {
            Ok(customer) => LoginOutcome::Welcome(customer.first_name.unwrap_or(customer.email)),
            Err(error) if error.is_unauthorized() => match self.auth.exists(email, &none).await {
                Ok(true) => LoginOutcome::WrongPassword,
                Ok(false) => LoginOutcome::NoAccount,
                Err(_) => LoginOutcome::TryAgainLater,
            },
            Err(_) => LoginOutcome::TryAgainLater,
        }
    }

    /// The greeting of the page header.
    async fn greeting(&self) -> Result<String, Error> {
        match self.auth.get_session(&CustomHeaders::new()).await {
            Ok(customer) => Ok(format!(
                "Hello, {}",
                customer.first_name.unwrap_or(customer.email)
            )),
            Err(error) if error.is_unauthorized() => Ok("Log in".to_owned()),
            Err(error) => Err(error),
        }
    }
}

fn alice() -> Customer {
    let mut customer = Customer::new(
        "cus_01",
        "alice@example.com",
        time::OffsetDateTime::UNIX_EPOCH,
    );
    customer.first_name = Some("Alice".into());
    customer
}

fn unauthorized() -> Error {
    Error::Unauthorized {
        status: http::StatusCode::UNAUTHORIZED,
        message: None,
    }
}

fn service(mock: MockStoreAuthApi) -> AccountService {
    AccountService {
        auth: Arc::new(mock),
    }
}

/// A good password: one `authenticate` with exactly these arguments, nothing else.
async fn welcomes_with_the_right_password() -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_authenticate()
        .withf(|email, password, _| {
            email == "alice@example.com" && password.expose_secret() == "correct horse"
        })
        .times(1)
        .returning(|_, _, _| Ok(alice()));
    auth.expect_exists().never();
    service(auth)
        .log_in("alice@example.com", &"correct horse".into())
        .await
}

/// A refused login, then `exists`, in this order.
async fn tells_a_wrong_password_from_an_unknown_email(exists: bool) -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    let mut order = Sequence::new();
    auth.expect_authenticate()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_, _, _| Err(unauthorized()));
    auth.expect_exists()
        .with(predicate::eq("alice@example.com"), predicate::always())
        .times(1)
        .in_sequence(&mut order)
        .returning(move |_, _| Ok(exists));
    service(auth)
        .log_in("alice@example.com", &"wrong".into())
        .await
}

/// A server error is not a wrong password.
async fn a_server_error_is_not_a_wrong_password() -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_authenticate().times(1).returning(|_, _, _| {
        Err(Error::Api(medusa_auth_core::ApiError::new(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            medusa_auth_core::ApiErrorKind::UnknownError,
            "An unknown error occurred.",
        )))
    });
    service(auth)
        .log_in("alice@example.com", &"pw".into())
        .await
}

async fn greets(logged_in: bool) -> String {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_get_session().times(1).returning(move |_| {
        if logged_in {
            Ok(alice())
        } else {
            Err(unauthorized())
        }
    });
    service(auth).greeting().await.expect("a greeting")
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let checks = [
        (
            "right password",
            welcomes_with_the_right_password().await == LoginOutcome::Welcome("Alice".into()),
        ),
        (
            "wrong password",
            tells_a_wrong_password_from_an_unknown_email(true).await == LoginOutcome::WrongPassword,
        ),
        (
            "unknown email",
            tells_a_wrong_password_from_an_unknown_email(false).await == LoginOutcome::NoAccount,
        ),
        (
            "server error",
            a_server_error_is_not_a_wrong_password().await == LoginOutcome::TryAgainLater,
        ),
        ("greeting, logged in", greets(true).await == "Hello, Alice"),
        ("greeting, logged out", greets(false).await == "Log in"),
    ];
    let mut failed = false;
    for (name, ok) in checks {
        println!(
            "{:<24} {}",
            name,
            if ok { "as expected" } else { "UNEXPECTED" }
        );
        failed |= !ok;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn right_password() {
        assert_eq!(
            welcomes_with_the_right_password().await,
            LoginOutcome::Welcome("Alice".into())
        );
    }

    #[tokio::test]
    async fn wrong_password_and_unknown_email() {
        assert_eq!(
            tells_a_wrong_password_from_an_unknown_email(true).await,
            LoginOutcome::WrongPassword
        );
        assert_eq!(
            tells_a_wrong_password_from_an_unknown_email(false).await,
            LoginOutcome::NoAccount
        );
    }

    #[tokio::test]
    async fn server_errors() {
        assert_eq!(
            a_server_error_is_not_a_wrong_password().await,
            LoginOutcome::TryAgainLater
        );
    }

    #[tokio::test]
    async fn greetings() {
        assert_eq!(greets(true).await, "Hello, Alice");
        assert_eq!(greets(false).await, "Log in");
    }

    #[tokio::test]
    #[should_panic(expected = "No matching expectation found")]
    async fn a_password_other_than_expected_fails_the_test() {
        let mut auth = MockStoreAuthApi::new();
        auth.expect_authenticate()
            .withf(|_, password, _| password.expose_secret() == "correct horse")
            .returning(|_, _, _| Ok(alice()));
        service(auth)
            .log_in("alice@example.com", &"battery staple".into())
            .await;
    }
}
