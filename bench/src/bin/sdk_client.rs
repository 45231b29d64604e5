//! The SDK's side of the harness: admin `get_session` with a bearer JWT through
//! `medusa-auth-hyper`, on a single-threaded tokio runtime (one core's worth of CPU).

use std::rc::Rc;

use medusa_auth_bench::{Args, measure};
use medusa_auth_core::{AccessToken, Credentials, Side};
use medusa_auth_hyper::{AdminAuthApi as _, CustomHeaders, MedusaClient};

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
        let client = MedusaClient::builder()
            .base_url(&args.url)
            .build()
            .expect("a valid configuration");
        let token = AccessToken::new(Side::Admin, args.token.clone().into());
        let admin = client
            .session_with(Credentials::Bearer(token))
            .expect("a bearer")
            .admin();
        // Shared by reference count, as the raw client shares its client: what each
        // call clones is the harness's, not the SDK's, cost.
        let shared = Rc::new((admin, CustomHeaders::new()));
        measure("sdk", &args, move || {
            let shared = shared.clone();
            async move {
                let (admin, headers) = &*shared;
                admin.get_session(headers).await.is_ok()
            }
        })
        .await;
    });
}
