//! Interop v2: the v2 scenario table of `medusa-auth-mock` (every v2 auth call, the
//! credential rules and the errors of the v2 routes) run against a real Medusa
//! 2.21.2 through the hyper transport, the same table the fake v2 passes in memory
//! and over loopback (the restart is `interop_v2_restart.rs`, a binary of its own so
//! that it never runs beside these). Skipped, with a message, without
//! `MEDUSA_V2_BACKEND_URL`; the production table needs `MEDUSA_V2_PRODUCTION_URL`.

#[path = "support/backend.rs"]
mod backend;
#[path = "support/backend_v2.rs"]
mod backend_v2;

use backend_v2::BackendV2;
use medusa_auth_mock::v2::scenarios;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_v2_scenario_table_passes_against_the_real_server() {
    let Some(backend) = BackendV2::from_env("the_v2_scenario_table") else {
        return;
    };
    let target = backend.target("real Medusa 2.21", &backend.url);
    let table = scenarios::all();
    let report = scenarios::run(&target, &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_v2_production_table_passes_against_the_real_production_server() {
    let Some(backend) = BackendV2::from_env("the_v2_production_table") else {
        return;
    };
    let Some(url) = backend.production_url.clone() else {
        backend::skip(
            "the_v2_production_table",
            "MEDUSA_V2_PRODUCTION_URL is not set",
        );
        return;
    };
    let target = backend.target("real Medusa 2.21 (production)", &url);
    let table = scenarios::production();
    let report = scenarios::run(&target, &table).await;
    println!("{report}");
    report.assert_success();
    assert_eq!(report.passed.len(), table.len());
}
