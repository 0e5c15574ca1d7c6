#!/usr/bin/env python3
"""PyTorch peer of bench/vae_bench.cpp (float32, same sizes and batch):
  lstm_fwd_bwd H      : torch.nn.LSTM(90, H), 32 steps, batch 64, forward + backward of
                        sum(outputs * R) (parameter and input gradients)
  vae_train_step E    : 2-bar MusicVAE step, batch 64, z = 512: BiLSTM(90, E) encoder on
                        one-hot tokens, mu / softplus-sigma heads, decoder initial states
                        tanh(Linear(z)), 2-layer LSTM(90 + 512, E/2) on [previous token; z]
                        (teacher forcing), Linear(E/2, 90), CE + beta KL, global-norm
                        clipping 1.0, Adam
Prints: name size wall_ms cpu_ms per step (cpu_ms = process CPU time, fairer on a shared
machine).

Usage: bench/peers/vae_torch.py [--device cpu|cuda] [--threads 2] [--reps 20]
       bench/peers/vae_torch.py --compare build/bench/fieldlearn-bench --rounds 5 --threads 1
The --compare form alternates PyTorch and fieldlearn-bench (BM_lstm_fwd_bwd/cpu,
BM_vae_train_step/cpu; both single-threaded via the environment) `rounds` times in one run
and prints per-round CPU ms and the median ratio fieldlearn / PyTorch (< 1: fieldlearn faster).
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import torch
import torch.nn.functional as F


def timeit(fn, reps, device):
    fn()
    if device == "cuda":
        torch.cuda.synchronize()
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(reps):
        fn()
    if device == "cuda":
        torch.cuda.synchronize()
    return 1e3 * (time.perf_counter() - w0) / reps, 1e3 * (time.process_time() - c0) / reps


class Vae(torch.nn.Module):
    def __init__(self, E, D, Z=512, K=90, layers=2):
        super().__init__()
        self.K, self.Z, self.D, self.layers = K, Z, D, layers
        self.enc = torch.nn.LSTM(K, E, bidirectional=True)
        self.mu = torch.nn.Linear(2 * E, Z)
        self.sigma = torch.nn.Linear(2 * E, Z)
        self.init = torch.nn.Linear(Z, 2 * layers * D)
        self.dec = torch.nn.LSTM(K + Z, D, num_layers=layers)
        self.out = torch.nn.Linear(D, K)

    def loss(self, tokens, beta=0.2):
        T, B = tokens.shape
        x = F.one_hot(tokens, self.K).float()
        _, (h, _) = self.enc(x)
        e = torch.cat([h[0], h[1]], dim=1)
        mu, sigma = self.mu(e), F.softplus(self.sigma(e))
        z = mu + sigma * torch.randn_like(mu)
        s = torch.tanh(self.init(z)).view(B, self.layers, 2, self.D)
        h0, c0 = s[:, :, 0].transpose(0, 1).contiguous(), s[:, :, 1].transpose(0, 1).contiguous()
        prev = torch.cat([torch.zeros(1, B, self.K, device=x.device), x[:-1]], dim=0)
        inp = torch.cat([prev, z.unsqueeze(0).expand(T, B, self.Z)], dim=2)
        y, _ = self.dec(inp, (h0, c0))
        logits = self.out(y)
        ce = F.cross_entropy(logits.reshape(T * B, self.K), tokens.reshape(T * B), reduction="sum") / B
        kl = 0.5 * (mu ** 2 + sigma ** 2 - 1 - 2 * torch.log(sigma)).sum(1).mean()
        return ce + beta * kl


def fieldlearn_cpu_ms(binary):
    """CPU ms per iteration of the CPU LSTM/VAE benchmarks, keyed like the PyTorch rows."""
    out = subprocess.run([binary, "--benchmark_filter=BM_(lstm_fwd_bwd|vae_train_step)/cpu",
                          "--benchmark_format=json", "--benchmark_min_time=2"], check=True, capture_output=True, text=True).stdout
    rows = {}
    for b in json.loads(out)["benchmarks"]:
        kind, _, size = b["name"].split("/")[:3]
        scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        rows[(kind[3:], int(size))] = b["cpu_time"] * scale
    return rows


def compare(args):
    ratios, table = {}, []
    for r in range(args.rounds):
        mine = fieldlearn_cpu_ms(args.compare)
        peer = {(k, s): c for k, s, _, c in run_peer(args)}
        for key in sorted(peer):
            ratios.setdefault(key, []).append(mine[key] / peer[key])
            table.append((r, key, mine[key], peer[key]))
            print(f"round {r} {key[0]} {key[1]}: fieldlearn {mine[key]:.1f} ms, pytorch {peer[key]:.1f} ms CPU, "
                  f"ratio {mine[key] / peer[key]:.3f}", flush=True)
    print("median ratio fieldlearn/pytorch (CPU time; < 1 = fieldlearn faster):")
    for key, v in sorted(ratios.items()):
        mine = statistics.median(m for _, k, m, _ in table if k == key)
        peer = statistics.median(p for _, k, _, p in table if k == key)
        print(f"  {key[0]} {key[1]}: fieldlearn {mine:.1f} ms, pytorch {peer:.1f} ms, ratio {statistics.median(v):.3f} "
              f"(min {min(v):.3f}, max {max(v):.3f}, {len(v)} rounds)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--compare", default=None, help="fieldlearn-bench binary: alternate with it, median ratios")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.compare:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
        compare(args)
        return
    for name, size, w, c in run_peer(args):
        print(f"{name} {size} {w:.3f} {c:.3f}")


def run_peer(args):
    """Rows (name, size, wall_ms, cpu_ms) of the PyTorch side."""
    dev = args.device
    rows = []
    T, B = 32, 64
    for H in ([256, 512] if dev == "cpu" else [256, 512, 2048]):
        lstm = torch.nn.LSTM(90, H).to(dev)
        X = torch.randn(T, B, 90, device=dev, requires_grad=True)
        R = torch.randn(T, B, H, device=dev)

        def step():
            lstm.zero_grad()
            X.grad = None
            y, _ = lstm(X)
            (y * R).sum().backward()

        w, c = timeit(step, args.reps, dev)
        rows.append(("lstm_fwd_bwd", H, w, c))
    for E in ([128, 512] if dev == "cpu" else [128, 512, 2048]):
        model = Vae(E, E // 2).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        tokens = torch.randint(0, 90, (T, B), device=dev)

        def train_step():
            opt.zero_grad()
            model.loss(tokens).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

        w, c = timeit(train_step, max(3, args.reps // 2), dev)
        rows.append(("vae_train_step", E, w, c))
    return rows


if __name__ == "__main__":
    main()
