//! The secrets of the recorded run, a check that a text holds none, and a walk of
//! every call over a scripted transport that meets them all.

use medusa_auth_core::Session;
use medusa_auth_testdata::exchange;

use super::{PASSWORD, Scripted, run};

/// The admin's API token in the recorded answers.
pub const API_TOKEN: &str = "real_medusa_admin_api_token";

/// Every secret of the recorded run: passwords, the API token, JWTs and cookie values.
pub fn secrets() -> Vec<String> {
    let mut secrets = vec![
        PASSWORD.to_owned(),
        API_TOKEN.to_owned(),
        "client-api-key-value".to_owned(),
    ];
    for number in [15, 45] {
        let body = exchange(number).response().into_body();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        secrets.push(json["access_token"].as_str().unwrap().to_owned());
    }
    for number in [11, 13, 36, 64] {
        let value = exchange(number).set_cookie_value().unwrap();
        // The sid and the signature, each on its own.
        let (sid, signature) = value.trim_start_matches("s%3A").split_once('.').unwrap();
        secrets.extend([value.clone(), sid.to_owned(), signature.to_owned()]);
    }
    secrets
}

pub fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(
            !text.contains(&secret),
            "{what} shows a secret ({secret:.6}…): {text}"
        );
    }
}

pub fn walk(session: &Session, transport: &Scripted) {
    transport
        .answer(11)
        .answer(12)
        .answer(15)
        .answer(18)
        .answer(23)
        .answer(24);
    transport
        .answer(36)
        .answer(45)
        .answer(48)
        .answer(60)
        .answer(2)
        .answer(7);
    transport.respond(
        200,
        &[("content-type", "application/json")],
        &format!(r#"{{"user":{{"api_token":"{API_TOKEN}"}}}}"#),
    );
    transport.respond(401, &[], "Unauthorized");
    run(async {
        session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap();
        session.admin().get_session().await.unwrap();
        session
            .admin()
            .get_token("admin@example.com", PASSWORD)
            .await
            .unwrap();
        session.admin().get_session().await.unwrap();
        session.admin().delete_session().await.unwrap();
        session.admin().get_session().await.unwrap_err();
        session
            .store()
            .authenticate("customer@example.com", PASSWORD)
            .await
            .unwrap();
        session
            .store()
            .get_token("customer@example.com", PASSWORD)
            .await
            .unwrap();
        session.store().get_session().await.unwrap();
        session.store().delete_session().await.unwrap();
        session
            .admin()
            .create_session("admin@example.com", "wrong")
            .await
            .unwrap_err();
        session
            .admin()
            .create_session("admin@example.com", PASSWORD)
            .await
            .unwrap_err();
        // Any other route, with a password in its body and a secret in its answer.
        session
            .post("/admin/users/usr_1")
            .json(&serde_json::json!({ "password": PASSWORD }))
            .header("x-api-key", API_TOKEN)
            .await
            .unwrap();
        session.get("/store/customers/me").await.unwrap_err();
    });
}
