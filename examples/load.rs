//! A load tool: admin `get_session` (by bearer JWT or by session cookie) through
//! the hyper client over one connection pool, from many sessions at once.
//!
//! `cargo run -p medusa-auth-e2e --release --example load -- --url URL --calls N --concurrency C --session-handles H [--auth bearer|cookie]`
//!
//! (`--sessions H` is the same as `--session-handles H`.)
//!
//! Without `--url` it starts the fake Medusa on loopback first (and makes a short
//! run, so CI can run it as it runs every example). With `--url` it logs in as
//! `MEDUSA_ADMIN_EMAIL` / `MEDUSA_ADMIN_PASSWORD` (default the interop seed's
//! admin). Every session makes one call before the clock starts (its first answer
//! brings it a session cookie), so the figures are the steady state. It prints
//! calls/s, p50/p99/max latency, errors, this process's CPU time per call (the
//! fake's included when it runs in this process) and peak RSS, with a progress line
//! every second on long runs.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use medusa_auth_bench::process_cpu_time;
use medusa_auth_hyper::{Client, Credentials, SecretString, Session};
use medusa_auth_mock::{FakeMedusa, Seed};

struct Options {
    url: Option<String>,
    calls: usize,
    concurrency: usize,
    sessions: usize,
    cookie: bool,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        url: None,
        calls: 0,
        concurrency: 32,
        sessions: 100,
        cookie: false,
    };
    let mut calls = None;
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(format!("{word} needs a value"));
        let number = |text: String| text.parse::<usize>().map_err(|e| format!("{word}: {e}"));
        match word.as_str() {
            "--url" => options.url = Some(value()?),
            "--calls" => calls = Some(number(value()?)?),
            "--concurrency" => options.concurrency = number(value()?)?.max(1),
            "--session-handles" | "--sessions" => options.sessions = number(value()?)?.max(1),
            "--auth" => {
                options.cookie = match value()?.as_str() {
                    "cookie" => true,
                    "bearer" => false,
                    other => return Err(format!("--auth is bearer or cookie, not {other}")),
                }
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    // A short run by default against the fake; a real one when told.
    options.calls = calls.unwrap_or(if options.url.is_some() {
        100_000
    } else {
        5_000
    });
    Ok(options)
}

/// The peak resident set size of this process, from /proc.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

async fn log_in_sessions(
    client: &Client,
    options: &Options,
    email: &str,
    password: &SecretString,
) -> Result<Vec<Session>, String> {
    let mut sessions = Vec::with_capacity(options.sessions);
    for _ in 0..options.sessions {
        let session = client.session();
        if options.cookie {
            session
                .admin()
                .create_session(email, password.clone())
                .await
                .map_err(|e| format!("login: {e}"))?;
        } else {
            let token = session
                .admin()
                .get_token(email, password.clone())
                .await
                .map_err(|e| format!("token: {e}"))?;
            session.clear();
            session
                .set_credentials(Credentials::Bearer(token))
                .map_err(|e| e.to_string())?;
        }
        sessions.push(session);
    }
    Ok(sessions)
}

async fn run(options: Options) -> Result<(), String> {
    let (url, _fake, _server) = match &options.url {
        Some(url) => (url.clone(), None, None),
        None => {
            let fake = FakeMedusa::from_seed(&Seed::interop());
            let server = fake.start_server().await.map_err(|e| e.to_string())?;
            (server.url().to_owned(), Some(fake), Some(server))
        }
    };
    let email = std::env::var("MEDUSA_ADMIN_EMAIL").unwrap_or_else(|_| "admin@example.com".into());
    let password = SecretString::from(
        std::env::var("MEDUSA_ADMIN_PASSWORD").unwrap_or_else(|_| "supersecret".into()),
    );
    let client = Client::builder()
        .base_url(&url)
        .build()
        .map_err(|e| e.to_string())?;
    let sessions = Arc::new(log_in_sessions(&client, &options, &email, &password).await?);
    println!(
        "{url}: {} calls of admin get_session by {}, {} in flight, over {} sessions",
        options.calls,
        if options.cookie {
            "session cookie"
        } else {
            "bearer JWT"
        },
        options.concurrency,
        sessions.len()
    );

    let warm_up = calls_from_every_session(&sessions, options.concurrency, sessions.len()).await?;
    if warm_up.1 > 0 {
        return Err(format!("{} warm-up calls failed", warm_up.1));
    }

    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let cpu_before = process_cpu_time();
    let started = Instant::now();
    let progress = {
        let done = done.clone();
        let total = options.calls;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let count = done.load(Ordering::Relaxed);
                eprintln!(
                    "  {count}/{total} calls, {:.0} calls/s",
                    count as f64 / started.elapsed().as_secs_f64()
                );
            }
        })
    };
    let (mut latencies, errors) =
        calls(&sessions, options.concurrency, options.calls, next, done).await?;
    progress.abort();
    let elapsed = started.elapsed();
    let cpu = process_cpu_time().saturating_sub(cpu_before);
    latencies.sort_unstable();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize].as_micros();
    println!(
        "{:.0} calls/s; latency p50 {} us, p99 {} us, max {} us; {errors} errors; \
         CPU {:.2} us/call ({}); peak RSS {:.1} MiB",
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.5),
        at(0.99),
        at(1.0),
        cpu.as_secs_f64() * 1e6 / latencies.len() as f64,
        if options.url.is_some() {
            "this client"
        } else {
            "client and fake together"
        },
        peak_rss_mib()
    );
    if errors > 0 {
        Err(format!("{errors} calls failed"))
    } else {
        Ok(())
    }
}

/// One call from each session, `concurrency` at a time.
async fn calls_from_every_session(
    sessions: &Arc<Vec<Session>>,
    concurrency: usize,
    total: usize,
) -> Result<(Vec<Duration>, usize), String> {
    let none = Arc::new(AtomicUsize::new(0));
    calls(
        sessions,
        concurrency,
        total,
        Arc::new(AtomicUsize::new(0)),
        none,
    )
    .await
}

/// `total` admin get_session calls, session after session, `concurrency` in flight:
/// the latency of each and the number that failed.
async fn calls(
    sessions: &Arc<Vec<Session>>,
    concurrency: usize,
    total: usize,
    next: Arc<AtomicUsize>,
    done: Arc<AtomicUsize>,
) -> Result<(Vec<Duration>, usize), String> {
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (sessions, next, done) = (sessions.clone(), next.clone(), done.clone());
        workers.spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0usize);
            loop {
                let call = next.fetch_add(1, Ordering::Relaxed);
                if call >= total {
                    break;
                }
                let session = &sessions[call % sessions.len()];
                let begun = Instant::now();
                if session.admin().get_session().await.is_err() {
                    errors += 1;
                }
                latencies.push(begun.elapsed());
                done.fetch_add(1, Ordering::Relaxed);
            }
            (latencies, errors)
        });
    }
    let (mut latencies, mut errors) = (Vec::with_capacity(total), 0);
    while let Some(joined) = workers.join_next().await {
        let (lane, lane_errors) = joined.map_err(|e| e.to_string())?;
        latencies.extend(lane);
        errors += lane_errors;
    }
    Ok((latencies, errors))
}

#[tokio::main]
async fn main() -> ExitCode {
    let result = match options() {
        Ok(options) => run(options).await,
        Err(message) => Err(message),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("load: {message}");
            ExitCode::FAILURE
        }
    }
}
