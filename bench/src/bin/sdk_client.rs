//! The SDK's side of the harness: admin `get_session` with a bearer JWT through
//! `medusa-auth-hyper`, on a single-threaded tokio runtime (one core's worth of CPU).

use std::rc::Rc;

use medusa_auth_bench::{Args, measure};
use medusa_auth_hyper::{AccessToken, Client, Credentials, Side};

fn main() {
    let args = Args::from_env().unwrap_or_else(|error| {
        eprintln!("sdk_client: {error}");
        std::process::exit(2)
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let client = Client::builder()
            .base_url(&args.url)
            .build()
            .expect("a valid configuration");
        // One session, for the one admin whose JWT the harness hands over.
        let session = client.session();
        let token = AccessToken::new(Side::Admin, args.token.clone().into());
        session
            .set_credentials(Credentials::Bearer(token))
            .expect("a bearer");
        // Shared by reference count, as the raw client shares its client: what each
        // call clones is the harness's, not the SDK's, cost.
        let session = Rc::new(session);
        measure("sdk", &args, move || {
            let session = session.clone();
            async move { session.admin().get_session().await.is_ok() }
        })
        .await;
    });
}
