#!/usr/bin/env python3
"""Peer of BM_gp_width_train: PyTorch (CPU, float32) training of the same networks.

4 independent replicas of 100 -> w -> w -> w -> 1000 (ReLU, linear output, PyTorch default
init), Adam (lr 1e-3) on MSE, batch 16, one epoch over 512 random pairs (shuffled), replicas
trained one after another as a PyTorch user would. Prints replica-samples per second per width.
"""
import sys
import time

import torch


def main():
    torch.manual_seed(0)
    widths = [int(a) for a in sys.argv[1:]] or [64, 256, 1024]
    n, n_in, n_out, batch, replicas = 512, 100, 1000, 16, 4
    x = torch.rand(n, n_in)
    y = torch.rand(n, n_out)
    for w in widths:
        t0 = time.perf_counter()
        for _ in range(replicas):
            net = torch.nn.Sequential(torch.nn.Linear(n_in, w), torch.nn.ReLU(), torch.nn.Linear(w, w), torch.nn.ReLU(),
                                      torch.nn.Linear(w, w), torch.nn.ReLU(), torch.nn.Linear(w, n_out))
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            loss_fn = torch.nn.MSELoss()
            perm = torch.randperm(n)
            for i in range(0, n, batch):
                idx = perm[i:i + batch]
                opt.zero_grad()
                loss = loss_fn(net(x[idx]), y[idx])
                loss.backward()
                opt.step()
        dt = time.perf_counter() - t0
        print(f"gp_torch_width w={w} samples_per_s={n * replicas / dt:.1f} threads={torch.get_num_threads()}", flush=True)


if __name__ == "__main__":
    main()
