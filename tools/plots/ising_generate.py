"""Plots of an ising-generate run: measured observables vs temperature next to the exact
values (Kaufman / closed forms / enumeration), and tau_int of |m|."""
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot(run_dir: Path) -> None:
    metrics = json.loads((run_dir / "metrics.json").read_text())
    temps = metrics["temperatures"]
    T = [t["T"] for t in temps]
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for ax, key, label in zip(axes.flat, ["e", "abs_m", "cv", "chi"],
                              ["e = <E>/N", "<|m|>", "C_v = Var(E)/(N T^2)", "chi = N Var(|m|)/T"]):
        ax.errorbar(T, [t[key] for t in temps], yerr=[t[key + "_err"] for t in temps], fmt="o", ms=3,
                    capsize=2, label=f"Monte Carlo ({metrics['algorithm']})")
        exact = [(t["T"], t[key + "_exact"]) for t in temps if key + "_exact" in t]
        if exact:
            ax.plot(*zip(*exact), "k-", lw=1, label="exact")
        ax.set_xlabel("T")
        ax.set_ylabel(label)
        ax.legend(fontsize=8)
    lat = metrics["lattice"]
    fig.suptitle(f"Ising {lat['dim']}D L={lat['L']} ({lat['boundary']}), {metrics['n_configs']} configs per T")
    fig.tight_layout()
    fig.savefig(run_dir / "observables.png", dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(T, [t["tau_int_abs_m"] for t in temps], "o-", label="tau_int(|m|)")
    ax.plot(T, [t["spacing"] for t in temps], "s--", label="spacing between saved configs")
    ax.set_xlabel("T")
    ax.set_ylabel("updates")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(run_dir / "autocorrelation.png", dpi=120)
    plt.close(fig)
