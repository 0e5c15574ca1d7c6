#!/usr/bin/env python3
"""BM_ntk_build / BM_ntk_epoch side by side with PyTorch (torch.func) and neural-tangents (JAX),
same weights, single thread and CPU time (or --threads N and wall time).

Workload (arXiv:2512.24116): 100 replicas of a 1-w1-w2-1 tanh MLP on the 50-point x-grid,
float64, for [25,20] and [100,100].
  - NTK build: Theta = J J^T (50 x 50) of every replica. torch: jacrev + vmap over stacked
    replica parameters; neural-tangents: empirical_ntk_fn with each implementation
    (1 JACOBIAN_CONTRACTION, 2 NTK_VECTOR_PRODUCTS, 3 STRUCTURED_DERIVATIVES), jit(vmap(.)).
  - GD epoch: one full-batch step of every replica on 1/2 chi^2 = 1/2 f^T M f - b_r^T f
    (M = FK^T C^-1 FK, b_r = FK^T C^-1 Y_r). torch: vmap(grad) plus the update; JAX:
    jit(vmap(step)).
Same weights: `fieldlearn ntk-pdf` (quick data, 100 replicas, seed 2143141, one epoch) writes its
initial parameters, Theta_0, M, b and the parameters after one epoch; both peers load them,
and the script checks Theta_0 and the gradient against fieldlearn's before timing.
fieldlearn-bench initialises its networks with the same seed and scheme, so its timings are on
the same weights too.
Timing: CPU time of this process (time.process_time; one thread everywhere) and of
fieldlearn-bench (Google Benchmark's CPU column), `--repeats` rounds, medians and the median
of the per-round ratios. Run with the peers venv (scripts/install-peers.sh, docs/benchmarks/ntk.md):
  .venv-peers/bin/python bench/peers/ntk_compare.py --fieldlearn build/fieldlearn \
      --bench build/bench/fieldlearn-bench
"""
import argparse
import os

# Thread counts must be fixed before torch / JAX start their pools. --threads 1 (default): one
# thread everywhere, CPU time; --threads N > 1: N threads for every side, wall time.
_pre = argparse.ArgumentParser(add_help=False)
_pre.add_argument("--threads", type=int, default=1)
THREADS = max(1, _pre.parse_known_args()[0].threads)
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = str(THREADS)
os.environ["XLA_FLAGS"] = ("--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" if THREADS == 1
                           else f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={THREADS}")
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.func import functional_call, grad, jacrev, vmap  # noqa: E402

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import neural_tangents as nt  # noqa: E402

R = 100
LR = 1e-3  # of the one-epoch reference run: the update is large enough to read the gradient from


def fieldlearn_reference(exe, widths, out):
    """One-epoch ntk-pdf run; returns what it wrote (weights, Theta_0, M, b, grid)."""
    w = ",".join(str(x) for x in widths)
    subprocess.run([exe, "ntk-pdf", "--config", "quick", "--quiet", "--out", out, "--set", f"replicas={R}",
                    f"net.widths=[{w}]", "train.epochs=1", "train.checkpoint_every=1", f"train.learning_rate={LR}",
                    "analysis.t_ref=0", "analysis.t_ref_list=[]", "analysis.cov_epochs=[1]", "compare.widths=[]",
                    "init_study.widths=[]"], check=True)
    load = lambda name: np.load(os.path.join(out, name + ".npy"))  # noqa: E731
    x = np.loadtxt(os.path.join(out, "pdf.csv"), delimiter=",", skiprows=1, usecols=0)
    n = len(x)
    return {"p0": load("params_init"), "p1": load("params_final"), "M": load("fit_M"), "b": load("fit_b"),
            "theta0": load("ntk_init").reshape(R, n, n), "x": x}


def unpack(flat, widths):
    """fieldlearn's layout per replica: for each layer W (n_l x n_{l-1}, column-major), then b."""
    sizes = [1] + list(widths) + [1]
    out, o = [], 0
    for m, n in zip(sizes[:-1], sizes[1:]):
        W = flat[:, o:o + n * m].reshape(R, m, n).transpose(0, 2, 1)  # column-major n x m
        o += n * m
        out.append((W, flat[:, o:o + n]))
        o += n
    assert o == flat.shape[1]
    return out


def pack_gradient(layers):
    """Inverse of unpack for gradients: list of (dW (R, n, m), db (R, n))."""
    parts = []
    for dW, db in layers:
        parts += [np.asarray(dW).transpose(0, 2, 1).reshape(R, -1), np.asarray(db)]
    return np.concatenate(parts, axis=1)


def cpu_ms(fn, min_time=1.0):
    """CPU time per call (ms; wall time with --threads > 1), after one warm-up call (JIT
    compilation for JAX)."""
    fn()
    n, w0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - w0 < min_time or n < 3:
        fn()
        n += 1
    used = time.perf_counter() - w0 if THREADS > 1 else time.process_time() - c0
    return used / n * 1e3


def rel_err(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(np.asarray(b))))


class TorchPeer:
    def __init__(self, ref, widths):
        sizes = [1] + list(widths) + [1]
        mods = []
        for k, (m, n) in enumerate(zip(sizes[:-1], sizes[1:])):
            mods.append(torch.nn.Linear(m, n))
            if k < len(widths):
                mods.append(torch.nn.Tanh())
        self.model = torch.nn.Sequential(*mods).double()
        layers = unpack(ref["p0"], widths)
        names = [name for name, _ in self.model.named_parameters()]
        self.params = {}
        for k, (W, b) in enumerate(layers):
            self.params[names[2 * k]] = torch.tensor(W)
            self.params[names[2 * k + 1]] = torch.tensor(b)
        self.x = torch.tensor(ref["x"]).reshape(-1, 1)
        self.M = torch.tensor(ref["M"])
        self.b = torch.tensor(ref["b"])
        n = self.x.shape[0]

        def f(p):
            return functional_call(self.model, p, (self.x,)).squeeze(-1)

        def ntk_one(p):
            j = jacrev(f)(p)
            js = torch.cat([v.reshape(n, -1) for v in j.values()], dim=1)
            return js @ js.T

        def loss_one(p, bb):
            ff = f(p)
            return 0.5 * ff @ (self.M @ ff) - bb @ ff

        self.ntk_all = vmap(ntk_one)
        self.grad_all = vmap(grad(loss_one))

    def ntk(self):
        return self.ntk_all(self.params)

    def gradient(self):
        g = self.grad_all(self.params, self.b)
        names = list(g.keys())
        return [(g[names[2 * k]].numpy(), g[names[2 * k + 1]].numpy()) for k in range(len(names) // 2)]

    def epoch(self):
        g = self.grad_all(self.params, self.b)
        for k in self.params:
            self.params[k] -= 1e-5 * g[k]


class JaxPeer:
    def __init__(self, ref, widths):
        # A plain apply function (neural-tangents' empirical kernels take any f(params, x)).
        self.params = [(jnp.array(W), jnp.array(b)) for W, b in unpack(ref["p0"], widths)]

        def apply_fn(p, x):
            a = x
            for W, b in p[:-1]:
                a = jnp.tanh(a @ W.T + b)
            W, b = p[-1]
            return a @ W.T + b

        self.x = jnp.array(ref["x"]).reshape(-1, 1)
        M, self.b = jnp.array(ref["M"]), jnp.array(ref["b"])

        def loss(p, bb):
            f = apply_fn(p, self.x)[:, 0]
            return 0.5 * f @ (M @ f) - bb @ f

        self.grad_all = jax.jit(jax.vmap(jax.grad(loss)))
        self.step = jax.jit(jax.vmap(lambda p, bb: jax.tree_util.tree_map(
            lambda a, g: a - 1e-5 * g, p, jax.grad(loss)(p, bb))))
        self.kernels = {}
        for impl in (1, 2, 3):
            kfn = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=impl)
            self.kernels[impl] = jax.jit(jax.vmap(lambda p, kfn=kfn: kfn(self.x, None, p)))

    def ntk(self, impl):
        return jax.block_until_ready(self.kernels[impl](self.params))

    def gradient(self):
        return [(np.asarray(dW), np.asarray(db)) for dW, db in self.grad_all(self.params, self.b)]

    def epoch(self):
        self.params = jax.block_until_ready(self.step(self.params, self.b))


def fieldlearn_bench(exe, widths, min_time):
    arch = "_".join(str(w) for w in widths)
    res = subprocess.run([exe, f"--benchmark_filter=BM_ntk_(build|epoch)/cpu/{arch}$", "--benchmark_format=json",
                          f"--benchmark_min_time={min_time}"], check=True, capture_output=True, text=True)
    times = {}
    for b in json.loads(res.stdout)["benchmarks"]:
        assert b["time_unit"] == "ms"
        times["build" if "build" in b["name"] else "epoch"] = b["real_time" if THREADS > 1 else "cpu_time"]
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fieldlearn", default="build/fieldlearn")
    ap.add_argument("--bench", default="build/bench/fieldlearn-bench")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--min-time", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1, help="threads for every side (> 1: wall time)")
    args = ap.parse_args()
    torch.set_num_threads(THREADS)
    print(f"threads: {THREADS} ({'wall' if THREADS > 1 else 'CPU'} time)")
    print(f"load average before: {os.getloadavg()}")
    for widths in ((25, 20), (100, 100)):
        arch = "_".join(str(w) for w in widths)
        with tempfile.TemporaryDirectory() as tmp:
            ref = fieldlearn_reference(args.fieldlearn, widths, os.path.join(tmp, "run"))
        tp, jp = TorchPeer(ref, widths), JaxPeer(ref, widths)
        # ---- same weights: Theta_0 and the gradient agree with fieldlearn's --------------
        fl_grad = (ref["p0"] - ref["p1"]) / LR
        checks = {"torch theta": rel_err(tp.ntk().numpy(), ref["theta0"]),
                  "torch grad": rel_err(pack_gradient(tp.gradient()), fl_grad),
                  "jax grad": rel_err(pack_gradient(jp.gradient()), fl_grad)}
        for impl in (1, 2, 3):
            checks[f"nt{impl} theta"] = rel_err(jp.ntk(impl), ref["theta0"])
        print(f"{arch} max|peer - fieldlearn| / max|fieldlearn|: " + ", ".join(f"{k} {v:.1e}" for k, v in checks.items()))
        assert all(v < 1e-10 for v in checks.values()), "the peers do not reproduce fieldlearn's Theta / gradient"
        # ---- timings (ms CPU per call), interleaved rounds ---------------------------------
        rounds = []
        for _ in range(args.repeats):
            t = {"fl_" + k: v for k, v in fieldlearn_bench(args.bench, widths, args.min_time).items()}
            t["torch_build"] = cpu_ms(tp.ntk, args.min_time)
            for impl in (1, 2, 3):
                t[f"nt{impl}_build"] = cpu_ms(lambda impl=impl: jp.ntk(impl), args.min_time)
            t["torch_epoch"] = cpu_ms(tp.epoch, args.min_time)
            t["jax_epoch"] = cpu_ms(jp.epoch, args.min_time)
            rounds.append(t)
        med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
        for what in ("build", "epoch"):
            peers = [k for k in med if k.endswith(what) and not k.startswith("fl_")]
            fastest = min(peers, key=lambda k: med[k])
            ratio = statistics.median(min(r[k] for k in peers) / r["fl_" + what] for r in rounds)
            print(f"{arch} {what}: fieldlearn {med['fl_' + what]:.3f} ms | " +
                  " | ".join(f"{k[:-len(what) - 1]} {med[k]:.3f} ms" for k in peers) +
                  f" | fastest peer {fastest[:-len(what) - 1]}, ratio {ratio:.1f}x")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
