#!/usr/bin/env python3
"""PyTorch peer of bench/flow_bench.cpp: the same flow (3 affine blocks = 6 checkerboard
coupling layers, s/t nets Linear(V/2 -> V) -> tanh -> Linear(V -> V/2) without biases, |s|,
input standardisation by the batch standard deviation, learnable global rescaling), the same
phi^4 action (ising form, beta = 0.6, lambda = 0.5), batch 1000 for a training step (Adam +
cosine annealing, reverse KL with path gradients) and 10^4 proposals (no_grad) per sampling
call. Prints one line per measurement: name L wall_ms cpu_ms (process CPU time, which is
the fairer figure on a machine shared with other jobs).

Proposals can be drawn in chunks (--chunk 1000: ten passes of 1000 per 10^4), as the C++
benchmark does for its second variant.

Side-by-side mode (both single-threaded, alternating in one run, median of the rounds):
  bench/peers/flow_torch.py --compare build/bench/fieldlearn-bench --rounds 5

Usage: bench/peers/flow_torch.py [--device cpu|cuda] [--threads 2] [--L 8 12 16 20] [--chunk N]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import time

import torch


def checkerboard(L):
    sites = [(x1, x2) for x2 in range(L) for x1 in range(L)]
    order = [s for parity in (0, 1) for s in sites if (s[0] + s[1]) % 2 == parity]
    pos = {s: i for i, s in enumerate(order)}
    fwd = [[pos[((x1 + 1) % L, x2)], pos[(x1, (x2 + 1) % L)]] for (x1, x2) in order]
    return torch.tensor(fwd)


class Affine(torch.nn.Module):
    def __init__(self, half, hidden, active):
        super().__init__()
        self.active = active
        self.s = torch.nn.Sequential(torch.nn.Linear(half, hidden, bias=False), torch.nn.Tanh(),
                                     torch.nn.Linear(hidden, half, bias=False))
        self.t = torch.nn.Sequential(torch.nn.Linear(half, hidden, bias=False), torch.nn.Tanh(),
                                     torch.nn.Linear(hidden, half, bias=False))

    def forward(self, halves, log_q):
        a, p = halves[self.active], halves[1 - self.active]
        x = p / torch.sqrt(p.var() + 1e-6)
        s = self.s(x).abs()
        a = (a - self.t(x)) * torch.exp(-s)
        out = [None, None]
        out[self.active], out[1 - self.active] = a, p
        return out, log_q + s.sum(1)


class Flow(torch.nn.Module):
    def __init__(self, L, blocks=3):
        super().__init__()
        V = L * L
        self.V = V
        self.layers = torch.nn.ModuleList([Affine(V // 2, V, k % 2) for k in range(2 * blocks)])
        self.scale = torch.nn.Parameter(torch.ones(()))

    def forward(self, z):
        h = self.V // 2
        log_q = -0.5 * (z * z).sum(1) - 0.5 * self.V * math.log(2 * math.pi)
        halves = [z[:, :h], z[:, h:]]
        for layer in self.layers:
            halves, log_q = layer(halves, log_q)
        phi = torch.cat(halves, 1) * self.scale
        return phi, log_q - self.V * torch.log(self.scale)


def action(phi, fwd, beta=0.6, lam=0.5):
    hop = phi * (phi[:, fwd[:, 0]] + phi[:, fwd[:, 1]])
    p2 = phi * phi
    return (-beta * hop + (1 - 2 * lam) * p2 + lam * p2 * p2).sum(1)


def timed(fn, repeats, device):
    fn()
    if device == "cuda":
        torch.cuda.synchronize()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        fn()
    if device == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - t0) / repeats, (time.process_time() - c0) / repeats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--L", type=int, nargs="+", default=[8, 12, 16, 20])
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--chunk", type=int, nargs="+", default=[10000])
    ap.add_argument("--compare", help="path of fieldlearn-bench: alternate with it and print median ratios")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.compare:
        compare(args)
        return
    torch.set_num_threads(args.threads)
    for name, L, wall, cpu in measure(args.device, args.L, args.chunk, args.repeats):
        print(f"{name} {L} {wall:.3f} {cpu:.3f}", flush=True)


def measure(dev, sizes, chunks, repeats):
    """Yields (name, L, wall_ms, cpu_ms) per measurement."""
    for L in sizes:
        fwd = checkerboard(L).to(dev)
        flow = Flow(L).to(dev)
        opt = torch.optim.Adam(flow.parameters(), lr=5e-3)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10**6)

        def train_step():
            z = torch.randn(1000, L * L, device=dev)
            phi, log_q = flow(z)
            loss = (log_q + action(phi, fwd)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()

        wall, cpu = timed(train_step, repeats, dev)
        yield "torch_train_step", L, 1e3 * wall, 1e3 * cpu
        for chunk in chunks:
            @torch.no_grad()
            def propose():
                for _ in range(10000 // chunk):
                    z = torch.randn(chunk, L * L, device=dev)
                    phi, log_q = flow(z)
                    log_w = (-action(phi, fwd) - log_q).double()
                return log_w

            wall, cpu = timed(propose, max(3, repeats // 4), dev)
            yield f"torch_propose_1e4/{chunk}", L, 1e3 * wall, 1e3 * cpu


def compare(args):
    """Alternates the C++ benchmark and this peer, single-threaded, and prints per-round CPU
    times and the median ratio torch / fieldlearn for every workload."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    torch.set_num_threads(1)
    sizes = "|".join(str(L) for L in args.L)
    ours, theirs = {}, {}
    for r in range(args.rounds):
        out = subprocess.run([args.compare, f"--benchmark_filter=BM_flow_.*/cpu/({sizes})(/|$)",
                              "--benchmark_format=json", "--benchmark_min_time=1"],
                             env=env, capture_output=True, text=True, check=True).stdout
        for b in json.loads(out)["benchmarks"]:
            parts = b["name"].split("/")  # BM_flow_train_step/cpu/L or BM_flow_propose_1e4/cpu/L/chunk
            key = (parts[0].replace("BM_flow_", ""), int(parts[2]), int(parts[3]) if len(parts) > 3 else 0)
            ours.setdefault(key, []).append(b["cpu_time"])
        for name, L, wall, cpu in measure("cpu", args.L, args.chunk, args.repeats):
            parts = name.split("/")
            key = (parts[0].replace("torch_", ""), L, int(parts[1]) if len(parts) > 1 else 0)
            theirs.setdefault(key, []).append(cpu)
        load = os.getloadavg()[0]
        print(f"round {r + 1}/{args.rounds} done, load average {load:.2f}", flush=True)
    print("workload L chunk | fieldlearn_cpu_ms (median) | torch_cpu_ms (median) | median ratio | ratios")
    for key in sorted(ours):
        if key not in theirs:
            continue
        n = min(len(ours[key]), len(theirs[key]))
        ratios = [theirs[key][i] / ours[key][i] for i in range(n)]
        print(f"{key[0]} {key[1]} {key[2]} | {statistics.median(ours[key]):.2f} | "
              f"{statistics.median(theirs[key]):.2f} | {statistics.median(ratios):.2f}x | "
              + " ".join(f"{x:.2f}" for x in ratios), flush=True)


if __name__ == "__main__":
    main()
