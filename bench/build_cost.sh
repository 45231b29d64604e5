#!/usr/bin/env bash
# What it costs a user to compile medusa-auth-hyper: the CPU time (user + system) of
# a clean release build of the crate, against a clean release build of a
# hand-written client on the same stack (hyper-util's pooled client and hyper-rustls
# with the features the SDK uses, tokio `rt` + `time`, serde JSON), side by side, in
# empty target directories, with the workspace's locked versions. Prints both
# times, the ratio, and each side's count of compiled crates.
#
#   bench/build_cost.sh            # one build of each (about 3 minutes on 2 cores)
#   bench/build_cost.sh 3          # three of each, interleaved; the medians are compared
#
# Needs the crates already downloaded (any earlier build of the workspace does it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
work=$(mktemp -d /tmp/medusa-build-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The hand-written client: the same transport stack, a GET, a JSON body read.
baseline=$work/baseline
mkdir -p "$baseline/src"
cat >"$baseline/Cargo.toml" <<'EOF'
[package]
name = "hand-written-client"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
bytes = "1"
http = "1"
http-body-util = "0.1"
hyper = { version = "1", features = ["client", "http1", "http2"] }
hyper-util = { version = "0.1", features = ["client-legacy", "http1", "http2", "tokio"] }
hyper-rustls = { version = "0.27", default-features = false, features = ["ring", "webpki-tokio", "http1", "http2", "tls12"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", default-features = false, features = ["rt", "time"] }
EOF
cat >"$baseline/src/lib.rs" <<'EOF'
//! A client a user could write by hand on the SDK's stack.
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

#[derive(serde::Deserialize, Debug)]
pub struct Customer {
    pub id: String,
    pub email: String,
}

#[derive(serde::Deserialize)]
struct Envelope {
    customer: Customer,
}

pub async fn who_am_i(url: &str, cookie: &str) -> Result<Customer, Box<dyn std::error::Error + Send + Sync>> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(https);
    let request = http::Request::get(url).header("cookie", cookie).body(Full::new(Bytes::new()))?;
    let response = tokio::time::timeout(Duration::from_secs(30), client.request(request)).await??;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice::<Envelope>(&body)?.customer)
}
EOF
cp Cargo.lock "$baseline/Cargo.lock"

# CPU seconds (user + system) of a command, from GNU time's output file.
cpu_of() {
  local out=$1
  shift
  /usr/bin/time -f '%U %S' -o "$out" "$@" >/dev/null 2>&1
  awk '{printf "%.1f\n", $1 + $2}' "$out"
}

crates_of() {
  local target=$1
  find "$target/release/.fingerprint" -maxdepth 1 -mindepth 1 -type d | sed 's/-[0-9a-f]*$//' | sort -u | wc -l
}

sdk_times=()
baseline_times=()
for run in $(seq "$runs"); do
  rm -rf "$work/t-sdk" "$work/t-base"
  sdk=$(cpu_of "$work/time-sdk" env CARGO_TARGET_DIR="$work/t-sdk" cargo build --release --quiet -p medusa-auth-hyper)
  base=$(cpu_of "$work/time-base" env CARGO_TARGET_DIR="$work/t-base" cargo build --release --quiet --manifest-path "$baseline/Cargo.toml")
  sdk_crates=$(crates_of "$work/t-sdk")
  base_crates=$(crates_of "$work/t-base")
  echo "run $run: medusa-auth-hyper ${sdk} s CPU ($sdk_crates crates), hand-written client ${base} s CPU ($base_crates crates)"
  sdk_times+=("$sdk")
  baseline_times+=("$base")
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
sdk=$(median "${sdk_times[@]}")
base=$(median "${baseline_times[@]}")
awk -v s="$sdk" -v b="$base" 'BEGIN {printf "clean release build, CPU time: medusa-auth-hyper %.1f s, hand-written client %.1f s, ratio %.2f (target <= 1.50)\n", s, b, s / b}'
