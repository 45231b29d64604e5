//! The floor of the harness's server side: a hyper 1 HTTP/1.1 server shaped like the
//! fake's (`medusa-auth-mock`'s loopback server: same runtime flavour, same
//! connection settings, the body read to the end) that answers every request with
//! the same 283-byte admin `get_session` body and the same headers, computing
//! nothing. What it costs per request is what any hyper server costs here; the
//! fake's cost above it is its own work. Prints `url=http://127.0.0.1:PORT` and
//! serves until killed.
//!
//! ```text
//! taskset -c 0 target/release/floor_server
//! ```

use std::convert::Infallible;
use std::io::Write as _;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

/// The recorded admin `get_session` answer (exchange 12 of transcripts.md).
fn recorded() -> http::Response<Bytes> {
    medusa_auth_testdata::exchange(12).response()
}

async fn answer(
    template: http::Response<Bytes>,
    request: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    // Read the request body to its end, as the fake does.
    let _ = request.into_body().collect().await;
    Ok(template.map(Full::new))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("an address");
        println!("url=http://{addr}");
        let _ = std::io::stdout().flush();
        let template = recorded();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let template = template.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(template.clone(), request));
                let _ = http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(30))
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}
