#!/usr/bin/env python3
"""pymoo side of the tsynth-moo side-by-side benchmark (not a project dependency).

Runs pymoo 0.6's NSGA-II or NSGA-III with their defaults on one problem for several
seeds and writes one JSON file in the format of `examples/compare.rs run`: per seed the
wall and CPU seconds of `minimize`, whether a feasible point was found, and the final front
(`res.F`; for NSGA-II the feasible non-dominated points of the final population, for
NSGA-III pymoo's `survival.opt`: the members of the last survival's first front (of the
merged parents and offspring) that are the closest to some reference direction, at most
one per direction). With `--population` also the final population's objectives and
violations (`res.pop`). No indicator is computed here: `examples/compare.rs score`
computes the hypervolume of both tools' fronts with tsynth-moo's exact implementation.

    python3 -m venv /work/venv-moo && /work/venv-moo/bin/pip install 'pymoo==0.6.*'
    /work/venv-moo/bin/python crates/tsynth-moo/bench/pymoo_compare.py \
        --problem dtlz2-5 --algo nsga3 --pop 212 --evals 42400 --seeds 10 --out /tmp/x.json

Problems: zdt1..3, dtlz1-M, dtlz2-M, osy, c1dtlz1 (3 objectives, 12 variables),
c2dtlz2 (3 objectives, 12 variables). NSGA-III's reference directions are the same ones
tsynth-moo's `ReferenceDirections::Auto` picks for the population: the Das-Dennis lattice
with the most partitions that fits, or for many objectives two layers (the inner one
scaled by 1/2).
"""
import argparse
import json
import math
import time

import numpy as np
import pymoo
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.algorithms.moo.nsga3 import NSGA3
from pymoo.optimize import minimize
from pymoo.problems import get_problem
from pymoo.termination import get_termination
from pymoo.util.ref_dirs import get_reference_directions


def lattice(m, p):
    return math.comb(p + m - 1, m - 1)


def auto_divisions(m, n):
    """The same rule as tsynth_moo::nsga3::auto_divisions."""
    if m <= 1:
        return (1, 0)
    p = 0
    while lattice(m, p + 1) <= n:
        p += 1
    if p >= m or m <= 2:
        return (max(p, 1), 0)
    best = (0, 0, 0)
    outer = 1
    while lattice(m, outer) < n:
        h1 = lattice(m, outer)
        for inner in range(1, outer + 1):
            h = h1 + lattice(m, inner)
            if h <= n and (h > best[0] or (h == best[0] and outer > best[1])):
                best = (h, outer, inner)
        outer += 1
    return (max(p, 1), 0) if best[0] == 0 else (best[1], best[2])


def ref_dirs(m, n):
    outer, inner = auto_divisions(m, n)
    if inner == 0:
        return get_reference_directions("das-dennis", m, n_partitions=outer)
    return get_reference_directions(
        "multi-layer",
        get_reference_directions("das-dennis", m, n_partitions=outer, scaling=1.0),
        get_reference_directions("das-dennis", m, n_partitions=inner, scaling=0.5),
    )


def make_problem(name):
    base, _, m = name.partition("-")
    if base in ("dtlz1", "dtlz2"):
        m = int(m or 3)
        k = 5 if base == "dtlz1" else 10
        return get_problem(base, n_var=m + k - 1, n_obj=m)
    if base in ("c1dtlz1", "c2dtlz2"):
        return get_problem(base, n_var=12, n_obj=int(m or 3))
    return get_problem(base)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", required=True)
    ap.add_argument("--algo", choices=["nsga2", "nsga3"], required=True)
    ap.add_argument("--pop", type=int, default=100)
    ap.add_argument("--evals", type=int, required=True)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--population", action="store_true",
                    help="also write the final population's objectives and violations")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    problem = make_problem(args.problem)
    runs = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        if args.algo == "nsga2":
            algorithm = NSGA2(pop_size=args.pop)
        else:
            algorithm = NSGA3(ref_dirs=ref_dirs(problem.n_obj, args.pop), pop_size=args.pop)
        start = time.perf_counter()
        cpu_start = time.process_time()
        res = minimize(
            problem,
            algorithm,
            get_termination("n_eval", args.evals),
            seed=seed,
            verbose=False,
        )
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        opt = res.opt
        cv = opt.get("CV").flatten() if opt is not None and len(opt) > 0 else np.array([1.0])
        feasible = bool(np.all(cv <= 0.0))
        front = opt.get("F").tolist() if feasible else []
        run = {
            "seed": seed,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "evaluations": int(res.algorithm.evaluator.n_eval),
            "feasible": feasible,
            "front": front,
        }
        if args.population:
            run["population"] = res.pop.get("F").tolist()
            run["population_cv"] = res.pop.get("CV").flatten().tolist()
        runs.append(run)
    with open(args.out, "w") as f:
        json.dump({
            "tool": f"pymoo {pymoo.__version__} {'NSGA-II' if args.algo == 'nsga2' else 'NSGA-III'}",
            "problem": args.problem,
            "population": args.pop,
            "evaluations": args.evals,
            "runs": runs,
        }, f)


if __name__ == "__main__":
    main()
