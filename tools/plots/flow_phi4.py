"""Plots of a flow-phi4 run directory (docs/flow-phi4.md).

single mode: acceptance vs training step, loss, the magnetisation histogram and the
observables of the flow next to HMC and local Metropolis (with errors), the zero-momentum
correlator and effective mass.
scaling mode: acceptance vs step per L, training cost to reach each target acceptance vs L
(log scale) with a fitted exponential growth law, tau_int vs L for flow, HMC and Metropolis.
"""
import csv
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _rows(path: Path):
    with path.open() as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


def _save(fig, path: Path):
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _single(run: Path, metrics: dict):
    if (run / "acceptance.csv").is_file():
        ev = _rows(run / "acceptance.csv")
        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        ax[0].plot([r["step"] for r in ev], [r["acceptance"] for r in ev], "o-", label="MH acceptance")
        ax[0].plot([r["step"] for r in ev], [r["ess_per_sample"] for r in ev], "s--", label="ESS / N")
        ax[0].set_xlabel("optimiser step")
        ax[0].set_ylim(0, 1)
        ax[0].legend()
        ax[0].set_title(f"L = {metrics.get('L')}")
        tr = _rows(run / "training.csv")
        ax[1].plot([r["step"] for r in tr], [r["loss"] for r in tr], lw=0.5)
        ax[1].set_xlabel("optimiser step")
        ax[1].set_ylabel("loss = mean(log q + S)")
        _save(fig, run / "training.png")

    ensembles = [(name, metrics[name]) for name in ("hmc", "metropolis") if name in metrics]
    ensembles.insert(0, (metrics.get("sampler", "flow"), metrics))
    keys = ["abs_m", "chi", "chi_2pt", "xi_2nd", "xi_2nd_position", "binder"]
    fig, axes = plt.subplots(1, len(keys), figsize=(3 * len(keys), 3.2))
    for ax, key in zip(axes, keys):
        for i, (name, m) in enumerate(ensembles):
            v, e = m.get(key), m.get(key + "_err")
            if v is None:
                continue
            ax.errorbar([i], [v], yerr=[e or 0], fmt="o", capsize=4)
        ax.set_xticks(range(len(ensembles)), [n for n, _ in ensembles], rotation=30)
        ax.set_title(key)
    _save(fig, run / "observables.png")

    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for name, _ in ensembles:
        f = run / f"{name}_correlator.csv"
        if not f.is_file():
            continue
        rows = _rows(f)
        t = [r["t"] for r in rows]
        ax[0].errorbar(t, [r["G"] for r in rows], yerr=[r["G_err"] for r in rows], fmt="o-", capsize=3, label=name)
        me = [(r["t"], r["m_eff"], r["m_eff_err"]) for r in rows if not math.isnan(r["m_eff"])]
        if me:
            ax[1].errorbar(*zip(*[(a, b) for a, b, _ in me]), yerr=[c for _, _, c in me], fmt="o", capsize=3, label=name)
    ax[0].set_yscale("log")
    ax[0].set_xlabel("t")
    ax[0].set_ylabel("zero-momentum correlator")
    ax[1].set_xlabel("t")
    ax[1].set_ylabel("effective mass")
    ax[0].legend()
    _save(fig, run / "correlator.png")

    f = run / "flow_magnetisation.npy"
    if f.is_file():
        m = np.load(f)
        fig, ax = plt.subplots(figsize=(5, 4))
        ax.hist(m, bins=60, density=True, alpha=0.6, label="flow-MH")
        h = run / "hmc_magnetisation.npy"
        if h.is_file():
            ax.hist(np.load(h), bins=60, density=True, alpha=0.6, label="HMC (chain mean)")
        ax.set_xlabel("m")
        ax.legend()
        _save(fig, run / "magnetisation.png")


def _scaling(run: Path, metrics: dict):
    per_L = metrics["scaling"]
    hist = _rows(run / "scaling_history.csv")
    fig, ax = plt.subplots(figsize=(6, 4))
    for L in sorted({int(r["L"]) for r in hist}):
        rows = [r for r in hist if int(r["L"]) == L]
        ax.plot([r["step"] for r in rows], [r["acceptance"] for r in rows], "o-", ms=3, label=f"L = {L}")
    ax.set_xlabel("optimiser step")
    ax.set_ylabel("MH acceptance")
    ax.set_ylim(0, 1)
    ax.legend()
    _save(fig, run / "acceptance_vs_step.png")

    fig, ax = plt.subplots(figsize=(6, 4))
    targets = [t["target"] for t in per_L[0]["to_acceptance"]]
    budget = metrics.get("train_steps")
    for k, target in enumerate(targets):
        Ls = [e["L"] for e in per_L if e["to_acceptance"][k]["steps"] is not None]
        steps = [e["to_acceptance"][k]["steps"] for e in per_L if e["to_acceptance"][k]["steps"] is not None]
        # Sizes for which this is the lowest target not reached within the training budget: a
        # lower bound on the cost, drawn at the budget as an open triangle.
        missed = [e["L"] for e in per_L if e["to_acceptance"][k]["steps"] is None
                  and (k == 0 or e["to_acceptance"][k - 1]["steps"] is not None)]
        color = None
        if Ls:
            line, = ax.plot(Ls, steps, "o", label=f"acceptance {target}")
            color = line.get_color()
        if missed and budget:
            ax.plot(missed, [budget] * len(missed), "^", mfc="none", ms=8, color=color,
                    label=f"{target} not reached in {budget} steps")
        if not Ls:
            continue
        if len(Ls) >= 2:
            # Growth law: steps = A exp(b L), fitted in log space.
            b, log_a = np.polyfit(Ls, np.log(steps), 1)
            xs = np.linspace(min(Ls), max(Ls), 50)
            ax.plot(xs, np.exp(log_a + b * xs), "--", color=line.get_color(), label=f"~ exp({b:.2f} L)")
    ax.set_yscale("log")
    ax.set_xlabel("L")
    ax.set_ylabel("optimiser steps to reach target")
    ax.legend(fontsize=8)
    _save(fig, run / "cost_vs_L.png")

    fig, ax = plt.subplots(figsize=(6, 4))
    Ls = [e["L"] for e in per_L]
    for key, label in (("tau_int_abs_m_flow", "flow-MH"), ("tau_rejection", "flow (rejection runs)"),
                       ("tau_int_abs_m_hmc", "HMC"), ("tau_int_abs_m_metropolis", "local Metropolis")):
        ax.plot(Ls, [e[key] for e in per_L], "o-", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("L")
    ax.set_ylabel("tau_int(|m|)")
    ax.legend()
    _save(fig, run / "tau_vs_L.png")


def plot(run_dir: Path):
    run_dir = Path(run_dir)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    if metrics.get("mode") == "scaling":
        _scaling(run_dir, metrics)
    else:
        _single(run_dir, metrics)
