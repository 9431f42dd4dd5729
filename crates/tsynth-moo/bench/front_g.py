#!/usr/bin/env python3
"""Distance to the Pareto front of the runs of `compare.rs run` / `pymoo_compare.py`.

For DTLZ1 (and C1-DTLZ1) g = 2 * sum(f) - 1, for DTLZ2 (and C2-DTLZ2) g = ||f|| - 1: both
follow from the objectives alone, so both tools' files are read the same way. Prints, per
file, the median over runs of each run's median g of the final population (the field
`population`, written with `--population`; else the front) with its quartiles, and a
Mann-Whitney z against the first file (|z| > 2: unlikely to be seed noise).

    python3 front_g.py pymoo.json tsynth.json [more.json ...]
"""
import json
import sys

import numpy as np


def g_of(points, problem):
    f = np.asarray(points, dtype=float)
    if f.size == 0:
        return np.array([np.nan])
    if "dtlz1" in problem:
        return 2.0 * f.sum(axis=1) - 1.0
    return np.sqrt((f ** 2).sum(axis=1)) - 1.0


def per_run(path):
    doc = json.load(open(path))
    key = "population" if all("population" in r for r in doc["runs"]) else "front"
    med = np.array([np.median(g_of(r[key], doc["problem"])) for r in doc["runs"]])
    return doc["tool"], doc["problem"], key, med


def mann_whitney_z(a, b):
    x = np.concatenate([a, b])
    r = x.argsort().argsort() + 1.0
    n1, n2 = len(a), len(b)
    u = r[:n1].sum() - n1 * (n1 + 1) / 2
    return (u - n1 * n2 / 2) / np.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)


def main():
    ref = None
    for path in sys.argv[1:]:
        tool, problem, key, med = per_run(path)
        q1, q2, q3 = np.percentile(med, [25, 50, 75])
        z = "" if ref is None else f"  z vs first {mann_whitney_z(med, ref):+.2f}"
        print(f"{problem} | {tool} | runs {len(med)} | median g of the {key}: {q2:.5f} [{q1:.5f}, {q3:.5f}]{z}")
        if ref is None:
            ref = med


if __name__ == "__main__":
    main()
