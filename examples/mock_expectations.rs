//! Testing your own service code with the SDK's mocks: a small "account" service
//! that depends on `StoreAuthApi` (as `Arc<dyn StoreAuthApi>`), and its unit tests
//! with strict expectations, run by `cargo test -p medusa-auth-e2e --example
//! mock_expectations` (and by the workspace's tests).
//!
//! `cargo run -p medusa-auth-e2e --example mock_expectations` runs the same checks
//! and prints them.

use std::process::ExitCode;
use std::sync::Arc;

use medusa_auth_core::{
    ApiErrorKind, Customer, Error, ExposeSecret, SecretString, StoreAuthApi, Timestamp,
};
use medusa_auth_mock::{MockStoreAuthApi, Sequence};

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
    /// Logs a shopper in, tagging the call with the caller's request id; a wrong
    /// password is told apart from an unknown email, and a server-side failure from
    /// both.
    async fn log_in(&self, request_id: &str, email: &str, password: SecretString) -> LoginOutcome {
        let login = self
            .auth
            .authenticate(email, password)
            .header("x-request-id", request_id)
            .await;
        match login {
            Ok(customer) => LoginOutcome::Welcome(customer.first_name.unwrap_or(customer.email)),
            Err(error) if error.is_unauthorized() => match self.auth.exists(email).await {
                Ok(true) => LoginOutcome::WrongPassword,
                Ok(false) => LoginOutcome::NoAccount,
                Err(_) => LoginOutcome::TryAgainLater,
            },
            Err(_) => LoginOutcome::TryAgainLater,
        }
    }

    /// The greeting of the page header.
    async fn greeting(&self) -> Result<String, Error> {
        match self.auth.get_session().await {
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
    let mut customer = Customer::new("cus_01", "alice@example.com", Timestamp::UNIX_EPOCH);
    customer.first_name = Some("Alice".into());
    customer
}

fn service(mock: MockStoreAuthApi) -> AccountService {
    AccountService {
        auth: Arc::new(mock),
    }
}

/// A good password: one `authenticate` with exactly these arguments (and the
/// caller's request id as a header of that call), nothing else.
async fn welcomes_with_the_right_password() -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_send_authenticate()
        .withf(|call| {
            call.email() == "alice@example.com"
                && call.password().expose_secret() == "correct horse"
                && call
                    .options()
                    .headers
                    .iter()
                    .any(|(name, value)| name == "x-request-id" && value == "req-1")
        })
        .times(1)
        .returning(|_| Ok(alice()));
    auth.expect_send_exists().never();
    service(auth)
        .log_in("req-1", "alice@example.com", "correct horse".into())
        .await
}

/// A refused login, then `exists` for the same email, in this order.
async fn tells_a_wrong_password_from_an_unknown_email(exists: bool) -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    let mut order = Sequence::new();
    auth.expect_send_authenticate()
        .times(1)
        .in_sequence(&mut order)
        .returning(|_| Err(Error::unauthorized()));
    auth.expect_send_exists()
        .withf(|call| call.email() == "alice@example.com")
        .times(1)
        .in_sequence(&mut order)
        .returning(move |_| Ok(exists));
    service(auth)
        .log_in("req-2", "alice@example.com", "wrong".into())
        .await
}

/// A server error is not a wrong password.
async fn a_server_error_is_not_a_wrong_password() -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_send_authenticate().times(1).returning(|_| {
        Err(Error::api(
            http::StatusCode::INTERNAL_SERVER_ERROR,
            ApiErrorKind::UnknownError,
            "An unknown error occurred.",
        ))
    });
    auth.expect_send_exists().never();
    service(auth)
        .log_in("req-3", "alice@example.com", "pw".into())
        .await
}

/// A request id a header cannot carry fails the call before it reaches the API:
/// the mock is never called.
async fn an_unsendable_request_id_sends_nothing() -> LoginOutcome {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_send_authenticate().never();
    auth.expect_send_exists().never();
    service(auth)
        .log_in("req\r\n5", "alice@example.com", "correct horse".into())
        .await
}

async fn greets(logged_in: bool) -> String {
    let mut auth = MockStoreAuthApi::new();
    auth.expect_send_get_session().times(1).returning(move |_| {
        if logged_in {
            Ok(alice())
        } else {
            Err(Error::unauthorized())
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
        (
            "unsendable request id",
            an_unsendable_request_id_sends_nothing().await == LoginOutcome::TryAgainLater,
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
    async fn an_unsendable_header_never_reaches_the_api() {
        assert_eq!(
            an_unsendable_request_id_sends_nothing().await,
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
        auth.expect_send_authenticate()
            .withf(|call| call.password().expose_secret() == "correct horse")
            .returning(|_| Ok(alice()));
        service(auth)
            .log_in("req-4", "alice@example.com", "battery staple".into())
            .await;
    }
}
