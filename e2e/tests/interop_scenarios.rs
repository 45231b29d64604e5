//! Interop: the scenario table of `medusa-auth-mock` (every call and every error of the auth routes)
//! run against a real Medusa v1 server through the hyper transport, the same table
//! the fake passes in memory and over loopback. A scenario the real server answers
//! differently is a bug in the fake. Skipped, with a message, without
//! `MEDUSA_BACKEND_URL`; the production-mode table needs `MEDUSA_PRODUCTION_URL`.

#[path = "support/backend.rs"]
mod backend;

use std::sync::Arc;

use backend::Backend;
use medusa_auth_hyper::HyperTransport;
use medusa_auth_mock::Seed;
use medusa_auth_mock::scenarios::{self, Target};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scenario_table_passes_against_the_real_server() {
    let Some(backend) = Backend::from_env("the_scenario_table") else {
        return;
    };
    let target = Target::new("real Medusa", &backend.url, Arc::new(HyperTransport::new()));
    let table = scenarios::all();
    let report = scenarios::run(&target, &Seed::interop(), &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len() + report.skipped.len(), table.len());
    assert!(
        report.skipped.is_empty(),
        "the interop seed has everyone: {:?}",
        report.skipped
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_production_table_passes_against_the_real_production_server() {
    let Some(backend) = Backend::from_env("the_production_table") else {
        return;
    };
    let Some(url) = backend.production_url else {
        backend::skip("the_production_table", "MEDUSA_PRODUCTION_URL is not set");
        return;
    };
    let target = Target::new(
        "real Medusa (production)",
        url,
        Arc::new(HyperTransport::new()),
    );
    let report = scenarios::run(&target, &Seed::interop(), &scenarios::production()).await;
    println!("{report}");
    report.assert_success();
}
