#!/usr/bin/env bash
# Side-by-side benchmark tsynth-moo vs pymoo 0.6 (NSGA-II and NSGA-III, their defaults),
# same population and evaluations, 10 seeds (300 for C1-DTLZ1), one indicator (tsynth-moo's exact
# hypervolume, `examples/compare.rs score`) for every tool's fronts.
#
#   crates/tsynth-moo/bench/compare.sh            # everything, prints a Markdown table
#   STAGES="tsynth score" crates/tsynth-moo/bench/compare.sh   # reuse pymoo's fronts
#   PROBLEMS="zdt1 osy" crates/tsynth-moo/bench/compare.sh     # a subset
#
# Needs a virtualenv with pymoo (VENV, default /work/venv-moo):
#   python3 -m venv /work/venv-moo && /work/venv-moo/bin/pip install 'pymoo==0.6.*'
# Fronts go to OUT (default /tmp/tsynth-moo-compare). tsynth-moo runs on one thread
# (RAYON_NUM_THREADS=1) like pymoo and, like pymoo, keeps no archive during the run;
# for 5 and 8 objectives an extra row repeats the runs with an archive capped at the
# population size (same fronts, the archive's cost shows in the time columns).
set -euo pipefail
cd "$(dirname "$0")/../../.."
VENV=${VENV:-/work/venv-moo}
OUT=${OUT:-/tmp/tsynth-moo-compare}
SEEDS=${SEEDS:-}
STAGES=${STAGES:-"tsynth pymoo score"}
TARGET=${CARGO_TARGET_DIR:-target}
mkdir -p "$OUT"

# name population evaluations reference-point seeds (SEEDS overrides the column)
# Populations: Deb & Jain's NSGA-III sizes (91/210/156 directions + a few); budgets:
# 200-500 generations; C1-DTLZ1's budget is where about half the runs become feasible,
# with 300 seeds so the share of feasible runs is measured, not guessed (on 100 seeds
# pymoo's share moved between 50 and 62 from one block of seeds to the next).
SETTINGS="
zdt1     100 25000 1.1,1.1 10
zdt2     100 25000 1.1,1.1 10
zdt3     100 25000 1.1,1.1 10
dtlz1-5  212 84800 0.55,0.55,0.55,0.55,0.55 10
dtlz2-5  212 42400 1.1,1.1,1.1,1.1,1.1 10
dtlz1-8  156 78000 0.55,0.55,0.55,0.55,0.55,0.55,0.55,0.55 10
dtlz2-8  156 46800 1.1,1.1,1.1,1.1,1.1,1.1,1.1,1.1 10
osy      100 25000 0,80 10
c1dtlz1   92 18400 0.55,0.55,0.55 300
c2dtlz2   92 23000 1.1,1.1,1.1 10
"
PROBLEMS=${PROBLEMS:-$(echo "$SETTINGS" | awk 'NF {print $1}')}

if [[ " $STAGES " == *" tsynth "* || " $STAGES " == *" score "* ]]; then
  cargo build --release -q -p tsynth-moo --example compare
fi
BIN="$TARGET/release/examples/compare"

for p in $PROBLEMS; do
  read -r _ pop evals ref seeds <<<"$(echo "$SETTINGS" | awk -v p="$p" '$1 == p')"
  seeds=${SEEDS:-$seeds}
  if [[ " $STAGES " == *" tsynth "* ]]; then
    # Like pymoo, no archive during the run (the front compared is the population's;
    # the archive never feeds back, so the run is the same with it).
    RAYON_NUM_THREADS=1 "$BIN" run --problem "$p" --pop "$pop" --evals "$evals" \
      --seeds "$seeds" --archive off --out "$OUT/$p.tsynth.json"
    if [[ $p == dtlz*-[58] ]]; then # extra row: the same runs keeping the capped archive
      RAYON_NUM_THREADS=1 "$BIN" run --problem "$p" --pop "$pop" --evals "$evals" \
        --seeds "$seeds" --archive-cap "$pop" --label "(archive kept, cap $pop)" \
        --out "$OUT/$p.tsynth-archive.json"
    fi
    if [[ $p == c1dtlz1 ]]; then # extra row: polynomial mutation on every child
      RAYON_NUM_THREADS=1 "$BIN" run --problem "$p" --pop "$pop" --evals "$evals" \
        --seeds "$seeds" --archive off --pm-prob 1.0 --label "(PM on every child)" \
        --out "$OUT/$p.tsynth-pm1.json"
    fi
  fi
  if [[ " $STAGES " == *" pymoo "* ]]; then
    for a in nsga2 nsga3; do
      "$VENV/bin/python" crates/tsynth-moo/bench/pymoo_compare.py --problem "$p" --algo "$a" \
        --pop "$pop" --evals "$evals" --seeds "$seeds" --out "$OUT/$p.pymoo-$a.json"
    done
  fi
done

if [[ " $STAGES " == *" score "* ]]; then
  echo "| problem | tool | median HV | min HV | max HV | runs feasible | median wall s / run | median CPU s / run | evaluations |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for p in $PROBLEMS; do
    read -r _ pop evals ref _ <<<"$(echo "$SETTINGS" | awk -v p="$p" '$1 == p')"
    files=()
    for f in "$OUT/$p.tsynth.json" "$OUT/$p.tsynth-archive.json" "$OUT/$p.tsynth-pm1.json" \
      "$OUT/$p.pymoo-nsga2.json" "$OUT/$p.pymoo-nsga3.json"; do
      [[ -f "$f" ]] && files+=("$f")
    done
    "$BIN" score --ref "$ref" "${files[@]}"
  done
fi
