#!/usr/bin/env python3
"""pymoo side of the tsynth-moo benchmark (not a project dependency).

Runs pymoo's NSGA-II with its defaults (population 100, SBX eta 15 p 0.9, PM eta 20,
duplicate elimination) on a ZDT problem for several seeds and prints one JSON object with
the same fields as `cargo run --release -p tsynth-moo --example zdt`:
hypervolume of res.F at reference (1.1, 1.1) (median, min, max), median IGD against
the same 1000-sample analytic front the Rust example uses, and wall seconds.

    python3 -m venv /tmp/pymoo-venv && /tmp/pymoo-venv/bin/pip install 'pymoo==0.6.*'
    /tmp/pymoo-venv/bin/python crates/tsynth-moo/bench/pymoo_zdt.py --problem zdt1 --evals 25000 --seeds 10
"""
import argparse
import json
import statistics
import time

import numpy as np
import pymoo
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.indicators.hv import HV
from pymoo.indicators.igd import IGD
from pymoo.optimize import minimize
from pymoo.problems import get_problem
from pymoo.termination import get_termination


def analytic_front(name, n=1000):
    """f1 evenly spaced on [0, 1]; for ZDT3 the dominated parts of the curve are dropped
    (a point is kept when its f2 is below every f2 before it), as in tsynth-moo."""
    f1 = np.linspace(0.0, 1.0, n)
    if name == "zdt1":
        f2 = 1.0 - np.sqrt(f1)
    elif name == "zdt2":
        f2 = 1.0 - f1 ** 2
    elif name == "zdt3":
        f2 = 1.0 - np.sqrt(f1) - f1 * np.sin(10.0 * np.pi * f1)
    else:
        raise SystemExit(f"no analytic front for {name}")
    keep, best = [], np.inf
    for a, b in zip(f1, f2):
        if b < best:
            keep.append((a, b))
        best = min(best, b)
    return np.array(keep)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problem", default="zdt1")
    ap.add_argument("--evals", type=int, default=25000)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--pop", type=int, default=100)
    args = ap.parse_args()

    problem = get_problem(args.problem)
    front = analytic_front(args.problem)
    hv = HV(ref_point=[1.1, 1.1])
    igd = IGD(front)
    hvs, igds, secs = [], [], []
    start_all = time.perf_counter()
    for seed in range(args.seeds):
        start = time.perf_counter()
        res = minimize(
            problem,
            NSGA2(pop_size=args.pop),
            get_termination("n_eval", args.evals),
            seed=seed,
            verbose=False,
        )
        secs.append(time.perf_counter() - start)
        hvs.append(float(hv(res.F)))
        igds.append(float(igd(res.F)))
    wall = time.perf_counter() - start_all
    print(json.dumps({
        "tool": f"pymoo {pymoo.__version__}",
        "problem": args.problem,
        "evaluations": args.evals,
        "seeds": args.seeds,
        "population": args.pop,
        "median_hv": statistics.median(hvs),
        "min_hv": min(hvs),
        "max_hv": max(hvs),
        "median_igd": statistics.median(igds),
        "median_run_seconds": statistics.median(secs),
        "wall_seconds": wall,
        "hv_per_seed": hvs,
    }))


if __name__ == "__main__":
    main()
