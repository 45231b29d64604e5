#!/usr/bin/env bash
# Checks the declared MSRV with Debian's own Rust (rustc-web/cargo-web), unpacked
# into a folder next to the checkout's target directory, so nothing is installed over
# the machine's toolchain: the published crates build, and their unit tests pass.
#
#   .ci/msrv.sh 1.85      # the version the workspace declares (rust-version)
#
# Debian ships one version per archive; it is pinned here, and the script fails when
# it does not match the declaration.
set -euo pipefail
cd "$(dirname "$0")/.."
declared=${1:?usage: .ci/msrv.sh MAJOR.MINOR}
debian_version=1.85.0+dfsg3-1~deb12u3
root=${MSRV_TOOLCHAIN_DIR:-/tmp/medusa-auth-msrv-toolchain}

if [ ! -x "$root/usr/bin/cargo" ]; then
  echo "[msrv] unpacking rustc-web and cargo-web $debian_version into $root"
  downloads=$(mktemp -d)
  apt-get update -qq
  # The shared libraries they link against (no Rust is installed by these).
  apt-get install -y -qq libllvm19 libpcre3 libhttp-parser2.9 libssh2-1 libcurl4 >/dev/null
  (cd "$downloads" && apt-get download -qq \
    "rustc-web=$debian_version" "cargo-web=$debian_version" \
    "libstd-rust-web-dev=$debian_version" "libstd-rust-web-1.85=$debian_version")
  mkdir -p "$root"
  for package in "$downloads"/*.deb; do
    dpkg -x "$package" "$root"
  done
  rm -rf "$downloads"
fi

export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RUSTC="$root/usr/bin/rustc" RUSTDOC="$root/usr/bin/rustdoc"
export CARGO_TARGET_DIR=${MSRV_TARGET_DIR:-target/msrv}
cargo_msrv="$root/usr/bin/cargo"

version=$("$RUSTC" --version)
echo "[msrv] $version; $("$cargo_msrv" --version)"
case "$version" in
  "rustc $declared."*) ;;
  *) echo "[msrv] the toolchain is not the declared rust-version $declared" >&2; exit 1 ;;
esac

crates=(-p medusa-auth-core -p medusa-auth-hyper -p medusa-auth-mock)
"$cargo_msrv" build --locked "${crates[@]}" --all-features
"$cargo_msrv" test --locked "${crates[@]}" --all-features --lib
