#!/usr/bin/env bash
# Regenerates the expectations of the plumb-kustomize conformance suite from `kubectl kustomize`
# (kustomize v5.5): for every case under crates/plumb-kustomize/tests/conformance/<case>/ it runs
#
#     kubectl kustomize [flags] input/<root>
#
# from the case directory and writes
#   * expected.yaml        — stdout, byte for byte, when kustomize succeeds;
#   * kustomize-error.txt  — stderr (log prefix stripped, case path replaced by <case>) when it fails.
#
# A case that carries `expected-error` (a substring about the input that plumb's error must
# contain; written with the case inputs, by hand or by scripts/kustomize-fixtures.py) must make
# kustomize fail; a case without it must make kustomize succeed. Anything else is reported and the
# script exits non-zero.
#
# Case inputs are written by scripts/kustomize-fixtures.py (run it first when you change it).
#
# Usage: scripts/regen-kustomize-fixtures.sh [case-name-substring...]
#        REGEN_REPEAT=5 scripts/regen-kustomize-fixtures.sh ...   # run each case 5 times (default 2)
#                                                                 # and refuse unstable output
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cases_dir="$here/crates/plumb-kustomize/tests/conformance"

if ! command -v kubectl >/dev/null 2>&1; then
    echo "regen-kustomize-fixtures: kubectl not found on PATH; it is needed to regenerate the" >&2
    echo "expectations (kubectl kustomize, kustomize v5.5). Nothing was changed." >&2
    exit 2
fi
version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')"
case "$version" in
    v5.5.*) ;;
    *) echo "regen-kustomize-fixtures: warning: kubectl embeds kustomize '${version:-unknown}', the suite targets v5.5" >&2 ;;
esac

# Some cases (the YAML alias bomb) make kustomize eat memory without end: cap every run at
# 4 GiB of address space and 60 s; such a run is recorded as a failure with a note.
limit_kb=4194304
limit_s=60
timeout_cmd=()
if command -v timeout >/dev/null 2>&1; then timeout_cmd=(timeout "$limit_s"); fi

# How many times each successful case is run to check that its output is stable.
repeat="${REGEN_REPEAT:-2}"

ok=0
errs=0
problems=0
for dir in "$cases_dir"/*/; do
    dir="${dir%/}"
    name="$(basename "$dir")"
    if [ "$#" -gt 0 ]; then
        match=0
        for f in "$@"; do [[ "$name" == *"$f"* ]] && match=1; done
        [ "$match" = 1 ] || continue
    fi
    [ -d "$dir/input" ] || { echo "SKIP $name: no input/" >&2; problems=$((problems+1)); continue; }
    root="."
    [ -f "$dir/root" ] && root="$(head -n1 "$dir/root" | tr -d '[:space:]')"
    [ -n "$root" ] || root="."
    flags=()
    if [ -f "$dir/flags" ]; then read -r -a flags < "$dir/flags" || true; fi

    out="$(mktemp)"; err="$(mktemp)"
    set +e
    (cd "$dir" && ulimit -v "$limit_kb" && "${timeout_cmd[@]}" kubectl kustomize "${flags[@]}" "input/$root") >"$out" 2>"$err"
    rc=$?
    set -e
    if [ "$rc" = 0 ]; then
        # kubectl kustomize is not always deterministic (go-yaml's key order is not a total order
        # for mixed key shapes, and Go's map order is random): rerun and refuse unstable output.
        stable=1
        for ((i = 1; i < repeat; i++)); do
            if ! (cd "$dir" && ulimit -v "$limit_kb" && "${timeout_cmd[@]}" kubectl kustomize "${flags[@]}" "input/$root" 2>/dev/null) | cmp -s - "$out"; then
                stable=0
                break
            fi
        done
        if [ "$stable" = 0 ]; then
            echo "PROBLEM $name: kubectl kustomize gives different output from run to run; make the case deterministic" >&2
            problems=$((problems+1))
            rm -f "$out" "$err"
            continue
        fi
        if [ -f "$dir/expected-error" ]; then
            echo "PROBLEM $name: kustomize succeeded but the case has expected-error" >&2
            problems=$((problems+1))
            rm -f "$out" "$err"
            continue
        fi
        mv "$out" "$dir/expected.yaml"
        rm -f "$err" "$dir/kustomize-error.txt"
        ok=$((ok+1))
    else
        # Strip klog's "E1128 10:46:42.665890    6892 run.go:72] " prefix (time, pid), Go pointer
        # values and the absolute case path so the file is stable across machines and runs.
        {
            if [ "$rc" = 124 ] || [ "$rc" = 137 ] || grep -q 'fatal error: out of memory' "$err"; then
                echo "# kubectl kustomize exceeded the regen limits (${limit_kb} KiB address space, ${limit_s} s): exit $rc"
                echo "# (without limits it grows past 20 GiB of memory and does not finish)"
                grep -m1 -E '^(fatal error|panic):' "$err" || true
            else
                cat "$err"
            fi
        } | sed -E -e 's/^[EWIF][0-9]{4} [0-9:.]+ +[0-9]+ [a-z_]+\.go:[0-9]+\] //' \
            -e 's/0xc[0-9a-f]{6,}/0xc000000000/g' \
            -e "s#${dir}#<case>#g" > "$dir/kustomize-error.txt"
        rm -f "$out" "$err" "$dir/expected.yaml"
        if [ ! -f "$dir/expected-error" ]; then
            echo "PROBLEM $name: kustomize failed (exit $rc) and the case has no expected-error:" >&2
            sed 's/^/    /' "$dir/kustomize-error.txt" >&2
            problems=$((problems+1))
            continue
        fi
        want="$(head -n1 "$dir/expected-error")"
        if ! grep -qF -- "$want" "$dir/kustomize-error.txt"; then
            echo "note $name: kustomize's own message does not mention '$want' (fine, it is a fact about the input)" >&2
        fi
        errs=$((errs+1))
    fi
done

echo "regen-kustomize-fixtures: $ok outputs, $errs error cases, $problems problems"
[ "$problems" = 0 ]
