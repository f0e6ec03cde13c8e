#!/usr/bin/env bash
# Whole-process comparison of `plumb render` (release build) with `kubectl kustomize`
# on the seed's overlays (small) and on a generated 500-resource overlay (large), plus
# plumb-kustomize's in-process time per build (`cargo bench -p plumb-kustomize`).
# Prints the medians and the ratio kubectl/plumb. Rerunnable; needs kubectl and
# hyperfine (`apt-get install -y hyperfine`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
command -v hyperfine >/dev/null || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 1; }
cargo build --release -q -p plumb
plumb=$CARGO_TARGET_DIR/release/plumb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$root/bench/kustomize-gen-large.sh" "$work/large"
seed=$root/crates/plumb-kustomize/tests/conformance/seed-overlay-prod/input
declare -A cases=([small]="$seed/overlays/prod" [large]="$work/large/overlay")
for name in small large; do
  dir=${cases[$name]}
  # Same bytes first: a benchmark of different outputs means nothing.
  cmp <("$plumb" render "$dir") <(kubectl kustomize "$dir") >/dev/null \
    || { echo "$name: plumb render and kubectl kustomize differ" >&2; exit 1; }
  hyperfine -N --warmup 3 --min-runs 20 --export-json "$work/$name.json" \
    -n "plumb render ($name)" "$plumb render $dir" \
    -n "kubectl kustomize ($name)" "kubectl kustomize $dir" >/dev/null
  python3 - "$work/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
p, k = r[0]["median"], r[1]["median"]
print(f"{sys.argv[2]}: plumb render {p*1000:.2f} ms, kubectl kustomize {k*1000:.2f} ms, ratio {k/p:.1f}x (medians)")
PY
done
PLUMB_BENCH_LARGE="$work/large/overlay" PLUMB_BENCH_SMALL="$seed/overlays/prod" \
  cargo bench -q -p plumb-kustomize --bench build 2>/dev/null
