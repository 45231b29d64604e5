//! The quickstart's walk (admin and store, cookie, bearer JWT and API token, and
//! the failures on the way), over the hyper transport against the fake on loopback,
//! with a `tracing` subscriber at TRACE capturing everything (hyper's own events
//! included): no password, API token, JWT or cookie value appears in the logs, in
//! the walk's printed output, or in the `Debug` and `Display` of what it met.

#[path = "../examples/common/walk.rs"]
mod walk;

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::Method;
use medusa_auth_hyper::core::{Credentials, Error, ExposeSecret};
use medusa_auth_hyper::{AdminAuthApi, CustomHeaders, MedusaClient, StoreAuthApi};
use medusa_auth_mock::{FakeMedusa, Fault, Seed};
use walk::{Users, walk_to};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[test]
fn the_walk_leaks_no_secret_in_logs_output_or_errors() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let seed = Seed::interop();
    let users = Users::from_seed(&seed);
    let mut output = Captured::default();
    let mut shown = String::new();
    let mut secrets: Vec<String> = vec![
        users.admin_password.expose_secret().to_owned(),
        users.customer_password.expose_secret().to_owned(),
        users
            .admin_api_token
            .as_ref()
            .unwrap()
            .expose_secret()
            .to_owned(),
    ];
    // The walk's own mistake: a wrong password must not show either.
    secrets.push("wrong-password".to_owned());
    runtime.block_on(async {
        let fake = FakeMedusa::from_seed(&seed);
        let server = fake.start_server().await.unwrap();
        let client = MedusaClient::builder()
            .base_url(server.url())
            .build()
            .unwrap();
        walk_to(&client, &users, &mut output).await.unwrap();

        // The failures, and what the successes return, with their Debug and Display.
        let none = CustomHeaders::new();
        let session = client.session();
        let user = session
            .admin()
            .create_session(&users.admin_email, &users.admin_password, &none)
            .await
            .unwrap();
        let token = session
            .admin()
            .get_token(&users.admin_email, &users.admin_password, &none)
            .await
            .unwrap();
        let store_token = session
            .store()
            .get_token(&users.customer_email, &users.customer_password, &none)
            .await
            .unwrap();
        secrets.push(token.expose_secret().to_owned());
        secrets.push(store_token.expose_secret().to_owned());
        secrets.push(session.session_cookie().unwrap().expose_secret().to_owned());
        shown.push_str(&format!(
            "{user:?} {token:?} {store_token:?} {session:?} {client:?} {:?}",
            token.claims()
        ));
        let wrong = session
            .admin()
            .create_session(&users.admin_email, &"wrong-password".into(), &none)
            .await
            .unwrap_err();
        let invalid = session
            .store()
            .authenticate("not-an-email", &users.customer_password, &none)
            .await
            .unwrap_err();
        let api_on_store = session
            .store()
            .get_session(
                &CustomHeaders::new()
                    .with("x-medusa-access-token", &secrets[2])
                    .unwrap(),
            )
            .await
            .unwrap_err();
        // A token answer served as text (a proxy in the way): its body, JWT and all,
        // is what an excerpt would show.
        fake.fail_next(
            Method::POST,
            "/admin/auth/token",
            1,
            Fault::status(200).body(
                Some("text/plain"),
                format!(r#"{{"access_token":"{}"}}"#, token.expose_secret()),
            ),
        );
        let token_as_text = session
            .admin()
            .get_token(&users.admin_email, &users.admin_password, &none)
            .await
            .unwrap_err();
        assert!(
            matches!(token_as_text, Error::UnexpectedResponse { .. }),
            "{token_as_text:?}"
        );
        // A logout whose answer is lost: the handle forgets, the error says so.
        fake.fail_next(Method::DELETE, "/admin/auth", 1, Fault::drop_connection());
        let lost_logout = session.admin().delete_session(&none).await.unwrap_err();
        assert!(
            matches!(lost_logout, Error::LogoutUnconfirmed { .. }),
            "{lost_logout:?}"
        );
        let bad_cookie = client
            .session_with(Credentials::SessionCookie(
                format!("{}\r\n", secrets[0]).into(),
            ))
            .unwrap_err();
        for error in [
            &wrong,
            &invalid,
            &api_on_store,
            &token_as_text,
            &lost_logout,
        ] {
            shown.push_str(&format!(" {error} {error:?}"));
        }
        shown.push_str(&format!(" {bad_cookie} {bad_cookie:?}"));
        server.shutdown().await;
    });

    let logs = logs.text();
    let output = output.text();
    assert!(output.contains("all 14 steps as expected"), "{output}");
    assert!(
        logs.contains("call=\"store.get_token\""),
        "the calls were logged"
    );
    assert!(
        logs.contains("hyper"),
        "hyper's own events were captured too"
    );
    for (what, text) in [
        ("logs", &logs),
        ("output", &output),
        ("Debug/Display", &shown),
    ] {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{what} shows a secret ({:.6}…)",
                secret
            );
        }
        // No JWT and no signed cookie value of any kind.
        assert!(!text.contains("eyJ"), "{what} shows a JWT");
        assert!(!text.contains("s%3A"), "{what} shows a session cookie");
    }
}
