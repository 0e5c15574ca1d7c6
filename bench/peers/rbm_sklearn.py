#!/usr/bin/env python3
"""scikit-learn BernoulliRBM peer for the BM_rbm_*_epoch_cpu benchmarks: one epoch (n_iter=1)
over 10,000 rows of 64 fair bits, n_components = 64, learning rate 0.1, batch 200 (and 10,
sklearn's default).

What each side does per mini-batch:
  sklearn BernoulliRBM.fit: PCD-1 with persistent *hidden* samples: h_pos = p(h|v_data),
    v_neg ~ p(v|h_persistent), h_neg = p(h|v_neg), update, h_persistent ~ h_neg; float64
    NumPy/OpenBLAS; no shuffling (batches in order).
  fieldlearn BM_rbm_cd1_epoch_cpu: CD-1 (chain restarted at the data); BM_rbm_pcd1_epoch_cpu:
    PCD-1 with persistent *visible* chains (one extra GEMM per update: p(h|v_persistent) with the
    current weights); both the fused float path with a Philox shuffle per epoch.
  The *_generic_* rows are fieldlearn's double-precision reference path.

Run everything single-threaded (this script sets OMP/OPENBLAS/MKL_NUM_THREADS=1 for itself and
for the fieldlearn benchmark it starts). With --fieldlearn PATH the two are timed alternately
in the same run, `--repeats` times, and the median CPU-time ratio is printed.
"""
import argparse
import json
import os
import statistics
import subprocess
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402  (after the thread settings)
from sklearn.neural_network import BernoulliRBM  # noqa: E402


def sklearn_epoch_cpu_ms(batch, n=10000, n_v=64, repeats=3, dtype=np.float64):
    """Best process CPU time of `repeats` one-epoch fits (ms). sklearn keeps the input's
    dtype (float32 input trains in float32)."""
    rng = np.random.default_rng(7)
    x = (rng.random((n, n_v)) < 0.5).astype(dtype)
    best = float("inf")
    for r in range(repeats):
        rbm = BernoulliRBM(n_components=n_v, learning_rate=0.1, batch_size=batch, n_iter=1, random_state=r)
        c0 = time.process_time()
        rbm.fit(x)
        best = min(best, time.process_time() - c0)
    return best * 1e3


def fieldlearn_cpu_ms(binary):
    """CPU time per epoch (ms) of every BM_rbm_*epoch* benchmark, from one benchmark run."""
    out = subprocess.run([binary, "--benchmark_filter=BM_rbm_.*epoch", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    rows = json.loads(out)["benchmarks"]
    return {b["name"].replace("/real_time", ""): b["cpu_time"] for b in rows if b.get("run_type", "iteration") == "iteration"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fieldlearn", help="path to fieldlearn-bench: time both sides alternately")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    if not args.fieldlearn:
        for batch in (200, 10):
            print(f"sklearn BernoulliRBM PCD-1 epoch batch={batch}: cpu {sklearn_epoch_cpu_ms(batch):.2f} ms")
        print(f"sklearn float32 input, batch=200: cpu {sklearn_epoch_cpu_ms(200, dtype=np.float32):.2f} ms")
        return
    ratios = {}
    for rep in range(args.repeats):
        sk = {b: sklearn_epoch_cpu_ms(b) for b in (200, 10)}
        sk32 = sklearn_epoch_cpu_ms(200, dtype=np.float32)
        fl = fieldlearn_cpu_ms(args.fieldlearn)
        load = os.getloadavg()[0]
        print(f"repeat {rep}: load {load:.1f}; sklearn cpu ms: batch 200 {sk[200]:.2f}, batch 10 {sk[10]:.2f}, "
              f"batch 200 float32 {sk32:.2f}")
        ratios.setdefault("sklearn float32 input, batch 200 (vs float64 sklearn)", []).append(
            (sk32, sk[200], sk[200] / sk32))
        for name, ms in sorted(fl.items()):
            batch = int(name.rsplit("/", 1)[1])
            ratio = sk[batch] / ms
            ratios.setdefault(name, []).append((ms, sk[batch], ratio))
            print(f"  {name}: {ms:.2f} ms, sklearn / fieldlearn = {ratio:.2f}")
    print("\nmedians over repeats (CPU time per epoch, one thread each):")
    print("| benchmark | fieldlearn ms | sklearn ms | ratio |")
    print("|---|---|---|---|")
    for name, rows in sorted(ratios.items()):
        print(f"| {name} | {statistics.median(r[0] for r in rows):.2f} | {statistics.median(r[1] for r in rows):.2f} "
              f"| {statistics.median(r[2] for r in rows):.2f} |")


if __name__ == "__main__":
    main()
