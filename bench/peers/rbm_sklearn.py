#!/usr/bin/env python3
"""scikit-learn BernoulliRBM peer for BM_rbm_cd1_epoch_cpu: one epoch (n_iter=1) over
10,000 rows of 64 fair bits, n_components = 64, batch 200 (and batch 10, sklearn's default),
learning rate 0.1. sklearn runs PCD with one Gibbs step per update, the same work per update
as CD-1. Prints the best wall time and the best process CPU time of several repeats (on a
shared machine CPU time is the robust comparison; run with OMP_NUM_THREADS=1
OPENBLAS_NUM_THREADS=1 next to the single-threaded fieldlearn benchmark)."""
import sys
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM


def epoch_seconds(n=10000, n_v=64, batch=200, repeats=5):
    rng = np.random.default_rng(7)
    x = (rng.random((n, n_v)) < 0.5).astype(np.float64)
    best_wall = best_cpu = float("inf")
    for r in range(repeats):
        rbm = BernoulliRBM(n_components=n_v, learning_rate=0.1, batch_size=batch, n_iter=1, random_state=r)
        t0, c0 = time.perf_counter(), time.process_time()
        rbm.fit(x)
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu


if __name__ == "__main__":
    for batch in (200, 10):
        wall, cpu = epoch_seconds(batch=batch)
        print(f"sklearn BernoulliRBM PCD-1 epoch n=10000 n_v=n_h=64 batch={batch}: "
              f"wall {wall * 1e3:.2f} ms, cpu {cpu * 1e3:.2f} ms ({10000 / cpu:.0f} samples per cpu-second)")
    sys.exit(0)
