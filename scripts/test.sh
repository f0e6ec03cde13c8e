#!/usr/bin/env bash
# Runs every test of the workspace, installing what the tests need first.
# Needs: cargo (Rust 1.91+), git (with git daemon and http-backend), kubectl (with
# kustomize), openssl and ssh (Git transport tests), prometheus (a real one scrapes the
# sandbox's traffic metrics; /usr/bin/prometheus or $PLUMB_PROMETHEUS). As root, missing
# Debian packages are installed with apt-get; otherwise the script says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
[ -x "${PLUMB_PROMETHEUS:-/usr/bin/prometheus}" ] || missing+=(prometheus)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${missing[*]}" >&2
    apt-get update -qq
    for pkg in "${missing[@]}"; do
      case "$pkg" in
        kubectl) apt-get install -y -qq kubectl || apt-get install -y -qq kubernetes-client ;;
        *) apt-get install -y -qq "$pkg" ;;
      esac
    done
  else
    echo "error: missing tools: ${missing[*]}" >&2
    echo "hint: install them (Debian: apt-get install ${missing[*]}) or run this script as root" >&2
    exit 1
  fi
fi

command -v cargo >/dev/null 2>&1 || { echo "error: cargo not found; install Rust (rustup)" >&2; exit 1; }

cargo test --workspace --no-fail-fast "$@"
