#!/usr/bin/env python3
"""Bootstrap interval of the difference of median hypervolumes between two tools.

Reads the file of `compare score --hv-out hv.json A.json B.json` (per-run hypervolumes of
each scored file, in seed order) and prints median(B) - median(A), absolute and relative
to median(A), with a 95% percentile-bootstrap interval (5000 resamples of each tool's
runs), and the share of common seeds on which B beats A.

    python3 median_interval.py hv.json
"""
import json
import sys

import numpy as np


def main():
    rng = np.random.default_rng(0)
    for path in sys.argv[1:]:
        runs = list(json.load(open(path)).items())
        (name_a, a), (name_b, b) = runs[0], runs[1]
        a, b = np.asarray(a), np.asarray(b)
        diffs = [
            np.median(rng.choice(b, len(b))) - np.median(rng.choice(a, len(a)))
            for _ in range(5000)
        ]
        lo, hi = np.percentile(diffs, [2.5, 97.5])
        base = np.median(a)
        d = np.median(b) - base
        k = min(len(a), len(b))
        wins = np.mean(b[:k] > a[:k])
        print(f"{name_b} - {name_a}: median {d:+.3g} ({100 * d / base:+.4f}%), "
              f"95% interval [{100 * lo / base:+.4f}%, {100 * hi / base:+.4f}%], "
              f"B better on {wins:.0%} of {k} common seeds")


if __name__ == "__main__":
    main()
