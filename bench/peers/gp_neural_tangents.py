#!/usr/bin/env python3
"""Peer of BM_gp_predict / BM_kernel_build: neural-tangents (JAX, CPU, float64) on the same workload.

N training correlators (n0 = 100, Gaussian-peak family, T = 200 kernel), 20 test correlators,
1000 output bins; depth-3 ReLU network, W_std = 1.5, b_std = 0.1 (NTK parameterisation);
kernel_fn for (nngp, ntk) and predict.gradient_descent_mse_ensemble(diag_reg=1e-6) at t = inf
with compute_cov=True, for both 'nngp' and 'ntk'. Prints one line per N: seconds of the first
call (with JIT compilation for the new shapes, as in normal use) and of a repeated call (warm).

neural-tangents 0.6.5 does not import on the installed JAX (removed jax.core/jax.util names),
so stax and predict are loaded through a small shim that skips the package __init__.
"""
import importlib.util
import os
import sys
import time
import types
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402
import jax.core  # noqa: E402
import numpy as np  # noqa: E402
from scipy.special import erfc  # noqa: E402

jax.config.update("jax_enable_x64", True)


def import_neural_tangents():
    spec = importlib.util.find_spec("neural_tangents")
    pkg = types.ModuleType("neural_tangents")
    pkg.__path__ = list(spec.submodule_search_locations)
    sys.modules["neural_tangents"] = pkg
    try:
        import jax.extend.core as jec
        for name in dir(jec):
            if not name.startswith("_") and not hasattr(jax.core, name):
                setattr(jax.core, name, getattr(jec, name))
    except ImportError:
        pass
    if "jax.util" not in sys.modules:
        util = types.ModuleType("jax.util")
        util.safe_map = lambda f, *a: list(map(f, *a))
        util.safe_zip = lambda *a: list(zip(*a))
        sys.modules["jax.util"] = util
    from neural_tangents._src import predict
    from neural_tangents._src.stax import combinators, elementwise, linear
    return types.SimpleNamespace(serial=combinators.serial, Dense=linear.Dense, Relu=elementwise.Relu), predict


def gaussian_laplace(t, mu, s):
    return np.exp(-mu * t + 0.5 * s * s * t * t) * 0.5 * erfc((s * s * t - mu) / (np.sqrt(2) * s))


def make_set(n, rng, n_tau=100, T=200.0, n_omega=1000, sigma=0.01):
    tau = np.arange(n_tau)
    omega = np.linspace(0.0, 0.2, n_omega)
    x = np.zeros((n, n_tau))
    y = np.zeros((n, n_omega))
    for i in range(n):
        for _ in range(3):
            mu, a = rng.uniform(0, 1), rng.uniform(0.01, 1)
            x[i] += a * (gaussian_laplace(tau, mu, sigma) + gaussian_laplace(T - tau, mu, sigma))
            y[i] += a * np.exp(-0.5 * ((omega - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
    return x, y


def main():
    stax, predict = import_neural_tangents()
    layers = []
    for _ in range(3):
        layers += [stax.Dense(512, W_std=1.5, b_std=0.1), stax.Relu()]
    layers += [stax.Dense(1, W_std=1.5, b_std=0.1)]
    _, _, kernel_fn = stax.serial(*layers)
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 2000, 4000, 8000]
    rng = np.random.default_rng(1)
    x_test, _ = make_set(20, rng)
    for n in sizes:
        x_train, y_train = make_set(n, rng)
        times = []
        for _ in range(2):  # cold (compiles), then warm
            t0 = time.perf_counter()
            k = kernel_fn(x_train, None, ("nngp", "ntk"))
            jax.block_until_ready(k.ntk)
            t_kernel = time.perf_counter() - t0
            t0 = time.perf_counter()
            predict_fn = predict.gradient_descent_mse_ensemble(kernel_fn, x_train, y_train, diag_reg=1e-6)
            out = predict_fn(t=None, x_test=x_test, get=("nngp", "ntk"), compute_cov=True)
            jax.block_until_ready(out)
            times.append((t_kernel, time.perf_counter() - t0))
        (kc, pc), (kw, pw) = times
        print(f"gp_neural_tangents N={n} kernel_build_s cold={kc:.3f} warm={kw:.3f} "
              f"predict_s cold={pc:.3f} warm={pw:.3f}", flush=True)


if __name__ == "__main__":
    main()
