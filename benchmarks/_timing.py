"""Shared by the benchmark scripts: the median wall time of a few runs (compare ratios, not seconds)."""

from __future__ import annotations

import statistics
import time


def timed(fn, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)
