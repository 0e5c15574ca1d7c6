#!/usr/bin/env python3
"""Peer for BM_ntk_build: neural-tangents empirical_ntk_fn (JAX, CPU, float64), each
implementation (JACOBIAN_CONTRACTION, NTK_VECTOR_PRODUCTS, STRUCTURED_DERIVATIVES), vmapped
over 100 replicas of 1-w1-w2-1 tanh MLPs on the 50-point grid; and jax.grad for one GD epoch.
Prints one line per case: name, ms per call. Exits with a message when the installed
neural-tangents does not import (it needs a matching JAX version).
"""
import sys
import time

import numpy as np

try:
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import neural_tangents as nt
    from neural_tangents import stax
except Exception as e:  # noqa: BLE001
    print(f"neural-tangents unavailable: {type(e).__name__}: {e}")
    sys.exit(0)

R, N = 100, 50


def grid():
    g = [2e-7 * (0.1 / 2e-7) ** (a / 27) for a in range(27)] + [0.1 + 0.9 * a / 22 for a in range(23)]
    return jnp.array(g).reshape(N, 1)


def timeit(fn, min_time=1.0):
    jax.block_until_ready(fn())
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min_time or n < 3:
        jax.block_until_ready(fn())
        n += 1
    return (time.perf_counter() - t0) / n * 1e3


def main():
    x = grid()
    for w1, w2 in ((25, 20), (100, 100)):
        init_fn, apply_fn, _ = stax.serial(stax.Dense(w1, parameterization="standard"), stax.Tanh(),
                                           stax.Dense(w2, parameterization="standard"), stax.Tanh(),
                                           stax.Dense(1, parameterization="standard"))
        keys = jax.random.split(jax.random.PRNGKey(2312441), R)
        params = jax.vmap(lambda k: init_fn(k, x.shape)[1])(keys)
        for impl in (nt.NtkImplementation.JACOBIAN_CONTRACTION, nt.NtkImplementation.NTK_VECTOR_PRODUCTS,
                     nt.NtkImplementation.STRUCTURED_DERIVATIVES):
            kfn = nt.empirical_ntk_fn(apply_fn, trace_axes=(), vmap_axes=0, implementation=impl)
            batched = jax.jit(jax.vmap(lambda p: kfn(x, None, p)))
            ms = timeit(lambda: batched(params))
            print(f"nt_{impl.name.lower()} ntk_build {w1}_{w2} {ms:.3f} ms")
        M = jnp.eye(N)

        def loss(p):
            f = apply_fn(p, x)[:, 0]
            return 0.5 * f @ (M @ f) - jnp.sum(f)

        step = jax.jit(jax.vmap(lambda p: jax.tree_util.tree_map(lambda a, g: a - 1e-5 * g, p, jax.grad(loss)(p))))
        ms = timeit(lambda: step(params))
        print(f"jax_grad_vmap epoch {w1}_{w2} {ms:.3f} ms")


if __name__ == "__main__":
    main()
