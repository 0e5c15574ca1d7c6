#!/usr/bin/env python3
"""numpy (OpenBLAS) peer of bench/linalg_bench.cpp: the same dense operations and sizes.

Prints one JSON object: {"threadpool": threadpoolctl info, "results": [{"op", "n", "seconds",
"iterations"}]}. Timing follows Google Benchmark's rule: repeat until at least --min-time
seconds have passed (one iteration when a single one is longer), report the mean.

  gemm            A @ B                            (n x n, float64)
  syrk            A @ A.T                          (numpy dispatches this to BLAS syrk)
  cholesky        np.linalg.cholesky(A)            (copies its input, as the C++ side does)
  cholesky_solve  scipy.linalg.cho_factor + cho_solve with one right-hand side (needs scipy)
  eigh            np.linalg.eigh(A)                (LAPACK dsyevd)
"""
import argparse
import json
import time

import numpy as np


def spd(n, rng):
    x = rng.standard_normal((n, n))
    return x @ x.T / n + np.eye(n)


def make_op(op, n, rng):
    """Returns a zero-argument callable doing one iteration of `op`, or None if unavailable."""
    if op == "gemm":
        a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
        return lambda: a @ b
    if op == "syrk":
        a = rng.standard_normal((n, n))
        return lambda: a @ a.T
    if op == "cholesky":
        a = spd(n, rng)
        return lambda: np.linalg.cholesky(a)
    if op == "cholesky_solve":
        try:
            import scipy.linalg as sl
        except ImportError:
            return None
        a, rhs = spd(n, rng), rng.standard_normal(n)
        return lambda: sl.cho_solve(sl.cho_factor(a, lower=True), rhs)
    if op == "eigh":
        a = spd(n, rng)
        return lambda: np.linalg.eigh(a)
    raise ValueError(f"unknown op {op}")


def time_op(fn, min_time):
    iterations, start = 0, time.perf_counter()
    while True:
        fn()
        iterations += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / iterations, iterations


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", default="gemm,syrk,cholesky,cholesky_solve,eigh")
    parser.add_argument("--sizes", default="256,512,1024,2048,4096")
    parser.add_argument("--min-time", type=float, default=0.5)
    args = parser.parse_args()

    try:
        from threadpoolctl import threadpool_info
        pools = threadpool_info()
    except ImportError:
        pools = "threadpoolctl not installed"
    rng = np.random.default_rng(2024)
    results = []
    for op in args.ops.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            fn = make_op(op, n, rng)
            if fn is None:
                continue
            if n <= 1024:
                fn()  # warm-up (thread pool start, page faults) for the cheap sizes
            seconds, iterations = time_op(fn, args.min_time)
            results.append({"op": op, "n": n, "seconds": seconds, "iterations": iterations})
    print(json.dumps({"numpy": np.__version__, "threadpool": pools, "results": results}))


if __name__ == "__main__":
    main()
