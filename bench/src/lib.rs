//! What the harness's client binaries share: their arguments, the timing of each
//! call, the client process's own CPU time, and the line of figures they print.
//!
//! Each client binary gets the server's URL and a mode, reads an admin JWT from
//! `MEDUSA_BENCH_TOKEN` (never from its arguments, which `ps` shows), makes
//! `admin get_session` calls with it, and prints one line:
//!
//! ```text
//! client=sdk mode=seq calls=20000 wall_s=0.71 calls_per_s=28169 p50_us=34 p99_us=61 max_us=410 cpu_us_per_call=33.9 errors=0
//! ```

use std::future::Future;
use std::time::{Duration, Instant};

/// How the calls are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One call after another.
    Sequential,
    /// This many calls in flight at once.
    InFlight(usize),
}

/// The arguments every client binary takes.
#[derive(Debug, Clone)]
pub struct Args {
    /// The base URL of the server.
    pub url: String,
    /// How many measured calls.
    pub calls: usize,
    /// How many calls before measuring (connections, caches).
    pub warmup: usize,
    /// Sequential or in flight.
    pub mode: Mode,
    /// The admin JWT, from `MEDUSA_BENCH_TOKEN`.
    pub token: String,
}

impl Args {
    /// Reads `--url URL --calls N --warmup N --in-flight N` (0 or absent: sequential).
    pub fn from_env() -> Result<Args, String> {
        let mut url = None;
        let mut calls = 20_000;
        let mut warmup = 1_000;
        let mut in_flight = 0usize;
        let mut words = std::env::args().skip(1);
        while let Some(word) = words.next() {
            let mut value = || words.next().ok_or(format!("{word} needs a value"));
            match word.as_str() {
                "--url" => url = Some(value()?),
                "--calls" => calls = value()?.parse().map_err(|e| format!("--calls: {e}"))?,
                "--warmup" => warmup = value()?.parse().map_err(|e| format!("--warmup: {e}"))?,
                "--in-flight" => {
                    in_flight = value()?.parse().map_err(|e| format!("--in-flight: {e}"))?
                }
                other => return Err(format!("unknown argument {other}")),
            }
        }
        let token = std::env::var("MEDUSA_BENCH_TOKEN")
            .map_err(|_| "MEDUSA_BENCH_TOKEN is not set".to_owned())?;
        Ok(Args {
            url: url.ok_or("--url is required")?,
            calls: calls.max(1),
            warmup,
            mode: if in_flight > 1 {
                Mode::InFlight(in_flight)
            } else {
                Mode::Sequential
            },
            token,
        })
    }
}

/// The CPU time (user + system) this process's threads have used, from
/// `/proc/self/task/*/schedstat` (nanosecond resolution).
pub fn process_cpu_time() -> Duration {
    let mut total = 0u64;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let path = task.path().join("schedstat");
            if let Ok(text) = std::fs::read_to_string(path) {
                total += text
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
    }
    Duration::from_nanos(total)
}

/// Runs `call` `args.warmup` times, then `args.calls` times as `args.mode` says, and
/// prints the figures. `call` returns whether the call succeeded.
pub async fn measure<F, Fut>(client: &str, args: &Args, call: F)
where
    F: Fn() -> Fut + Clone + 'static,
    Fut: Future<Output = bool> + 'static,
{
    for _ in 0..args.warmup {
        call().await;
    }
    let cpu_before = process_cpu_time();
    let started = Instant::now();
    let (mut latencies, errors) = match args.mode {
        Mode::Sequential => run_lane(call, args.calls).await,
        Mode::InFlight(lanes) => {
            let set = tokio::task::LocalSet::new();
            let mut handles = Vec::new();
            for lane in 0..lanes {
                let calls = args.calls / lanes + usize::from(lane < args.calls % lanes);
                handles.push(set.spawn_local(run_lane(call.clone(), calls)));
            }
            set.await;
            let mut latencies = Vec::with_capacity(args.calls);
            let mut errors = 0;
            for handle in handles {
                let (lane, lane_errors) = handle.await.unwrap_or_default();
                latencies.extend(lane);
                errors += lane_errors;
            }
            (latencies, errors)
        }
    };
    let wall = started.elapsed();
    let cpu = process_cpu_time().saturating_sub(cpu_before);
    latencies.sort_unstable();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies.get(index).map_or(0, |d| d.as_micros())
    };
    let mode = match args.mode {
        Mode::Sequential => "seq".to_owned(),
        Mode::InFlight(n) => format!("inflight{n}"),
    };
    println!(
        "client={client} mode={mode} calls={} wall_s={:.3} calls_per_s={:.0} p50_us={} p99_us={} max_us={} cpu_us_per_call={:.2} errors={errors}",
        latencies.len(),
        wall.as_secs_f64(),
        latencies.len() as f64 / wall.as_secs_f64(),
        percentile(0.50),
        percentile(0.99),
        latencies.last().map_or(0, |d| d.as_micros()),
        cpu.as_secs_f64() * 1e6 / latencies.len() as f64,
    );
}

async fn run_lane<F, Fut>(call: F, calls: usize) -> (Vec<Duration>, usize)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    let mut latencies = Vec::with_capacity(calls);
    let mut errors = 0;
    for _ in 0..calls {
        let started = Instant::now();
        if !call().await {
            errors += 1;
        }
        latencies.push(started.elapsed());
    }
    (latencies, errors)
}
