//! The floor of the harness: the least any Rust client can do for admin
//! `get_session` with a bearer JWT. hyper-util's pooled client, the request built by
//! hand, the body collected and decoded into the same `User` struct the SDK returns;
//! no cookies, retries, validation or typed errors.

use std::rc::Rc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use medusa_auth_bench::{Args, measure};
use medusa_auth_hyper::User;

#[derive(serde::Deserialize)]
struct Envelope {
    #[allow(dead_code)]
    user: User,
}

fn main() {
    let args = Args::from_env().unwrap_or_else(|error| {
        eprintln!("raw_client: {error}");
        std::process::exit(2)
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let client = Rc::new(Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>());
        let uri: http::Uri = format!("{}/admin/auth", args.url.trim_end_matches('/'))
            .parse()
            .expect("a URL");
        let authorization =
            http::HeaderValue::from_str(&format!("Bearer {}", args.token)).expect("a token");
        measure("raw", &args, move || {
            let request = http::Request::get(uri.clone())
                .header(http::header::ACCEPT, "application/json")
                .header(http::header::AUTHORIZATION, authorization.clone())
                .body(Empty::new())
                .expect("a request");
            let client = client.clone();
            async move {
                let Ok(response) = client.request(request).await else {
                    return false;
                };
                let ok = response.status().is_success();
                let Ok(body) = response.into_body().collect().await else {
                    return false;
                };
                ok && serde_json::from_slice::<Envelope>(&body.to_bytes()).is_ok()
            }
        })
        .await;
    });
}
