#!/usr/bin/env python3
"""Peer for BM_ntk_build / BM_ntk_epoch: PyTorch torch.func (jacrev + vmap over replicas).

100 replicas of 1-w1-w2-1 tanh MLPs (Glorot-normal weights, zero biases), 50 grid points,
float64, CPU. The empirical NTK per replica is J J^T with J = jacrev of the 50 outputs; the
replicas are vmapped (stacked parameters). Prints one line per case: name, ms per call.
Usage: ntk_torch.py [--threads N]
"""
import argparse
import time

import numpy as np
import torch
from torch.func import functional_call, jacrev, vmap

R, N = 100, 50


def grid():
    g = [2e-7 * (0.1 / 2e-7) ** (a / 27) for a in range(27)] + [0.1 + 0.9 * a / 22 for a in range(23)]
    return torch.tensor(g, dtype=torch.float64).reshape(N, 1)


def make_model(w1, w2):
    return torch.nn.Sequential(torch.nn.Linear(1, w1), torch.nn.Tanh(), torch.nn.Linear(w1, w2),
                               torch.nn.Tanh(), torch.nn.Linear(w2, 1)).double()


def stacked_params(model, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for name, p in model.named_parameters():
        if name.endswith("weight"):
            fan_out, fan_in = p.shape
            out[name] = torch.tensor(rng.normal(0, np.sqrt(2 / (fan_in + fan_out)), (R,) + tuple(p.shape)))
        else:
            out[name] = torch.zeros((R,) + tuple(p.shape), dtype=torch.float64)
    return out


def timeit(fn, min_time=1.0):
    fn()  # warm-up
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min_time or n < 3:
        fn()
        n += 1
    return (time.perf_counter() - t0) / n * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    x = grid()
    for w1, w2 in ((25, 20), (100, 100)):
        model = make_model(w1, w2)
        params = stacked_params(model, 2312441)

        def f(p, xx):
            return functional_call(model, p, (xx,)).squeeze(-1)

        def ntk_one(p):
            j = jacrev(f)(p, x)
            js = torch.cat([v.reshape(N, -1) for v in j.values()], dim=1)
            return js @ js.T

        ntk_all = vmap(ntk_one)
        ms = timeit(lambda: ntk_all(params))
        print(f"torch_jacrev_vmap ntk_build {w1}_{w2} {ms:.3f} ms")

        # one GD epoch on a quadratic loss 1/2 f^T M f - b^T f (same cost structure as chi2)
        M = torch.eye(N, dtype=torch.float64)
        b = torch.ones(N, R, dtype=torch.float64)

        def loss_one(p, bb):
            ff = f(p, x)
            return 0.5 * ff @ (M @ ff) - bb @ ff

        grad_all = vmap(torch.func.grad(loss_one), in_dims=(0, 1))

        def epoch():
            g = grad_all(params, b)
            for k in params:
                params[k] -= 1e-5 * g[k]

        ms = timeit(epoch)
        print(f"torch_grad_vmap epoch {w1}_{w2} {ms:.3f} ms")


if __name__ == "__main__":
    main()
