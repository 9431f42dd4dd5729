#!/usr/bin/env bash
# Fuzz smoke: builds every target in fuzz/src/bin/ with libFuzzer coverage instrumentation
# and runs each for N seconds (default 45) on its corpus; fails on any crash, abort, leak of
# the time or memory limits, or build error.
#
#   fuzz/smoke.sh            # every target, 45 s each
#   fuzz/smoke.sh 600        # every target, 10 minutes each
#   fuzz/smoke.sh 30 design  # one target
#
# Works on the stable toolchain (no cargo-fuzz, no nightly): the coverage instrumentation
# libFuzzer needs is stable rustc codegen options (-C passes=sancov-module, -C llvm-args);
# only AddressSanitizer would need nightly, and safe Rust does not need it. If a nightly
# toolchain is installed and FUZZ_ASAN=1, AddressSanitizer is added.
# New inputs found are kept in a scratch corpus (fuzz/target/corpus), not in the repo's
# corpus; copy interesting ones to fuzz/corpus/TARGET/ by hand (keep it small).
set -euo pipefail

secs="${1:-45}"
only="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$here/target}"
triple="$(rustc -vV | sed -n 's/^host: //p')"

flags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
flags+=" -Cllvm-args=-sanitizer-coverage-pc-table"
flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
toolchain=()
if [[ "${FUZZ_ASAN:-0}" == 1 ]] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
    flags+=" -Zsanitizer=address"
fi
export RUSTFLAGS="$flags"

targets=()
for f in "$here"/src/bin/*.rs; do
    t="$(basename "$f" .rs)"
    if [[ -z "$only" || "$only" == "$t" ]]; then targets+=("$t"); fi
done
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz/smoke.sh: no target named '$only' in fuzz/src/bin/" >&2
    exit 2
fi

echo "fuzz: building ${targets[*]} (${toolchain[*]:-stable})" >&2
cargo "${toolchain[@]}" build --release --manifest-path "$here/Cargo.toml" \
    --target "$triple" $(printf -- '--bin %s ' "${targets[@]}")

status=0
for t in "${targets[@]}"; do
    scratch="$CARGO_TARGET_DIR/corpus/$t"
    mkdir -p "$scratch" "$here/corpus/$t" "$CARGO_TARGET_DIR/artifacts/$t"
    log="$CARGO_TARGET_DIR/$t.log"
    echo "fuzz: running $t for ${secs}s (log $log)" >&2
    # -max_len bounds an input (the readers' limits are far below it); -timeout and
    # -rss_limit_mb turn a hang or a memory blow-up into a failure.
    if ! "$CARGO_TARGET_DIR/$triple/release/$t" "$scratch" "$here/corpus/$t" \
        -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$CARGO_TARGET_DIR/artifacts/$t/" -print_final_stats=1 \
        >"$log" 2>&1; then
        echo "fuzz: $t FAILED; last lines of $log:" >&2
        tail -n 40 "$log" >&2
        status=1
        continue
    fi
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
    echo "fuzz: $t ok: ${execs:-?} executions, ${rate:-?} exec/s, 0 crashes" >&2
done
exit "$status"
