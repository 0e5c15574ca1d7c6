"""Plots of an rbm-ising run: log-likelihood vs epoch (with the exact -S ceiling), Ising
observables of RBM samples vs Monte Carlo and exact, nearest-neighbour couplings J2/8 vs
1/(2T), the J2 matrix at one temperature, and KL(Ising || RBM) vs epoch for the chain."""
import csv
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_history(path: Path):
    with path.open() as f:
        rows = list(csv.DictReader(f))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]} if rows else {}


def tag(T: float) -> str:
    return f"T{T:.4f}"


def plot(run_dir: Path) -> None:
    metrics = json.loads((run_dir / "metrics.json").read_text())
    temps = metrics.get("temperatures", [])
    sets = [(tag(t["T"]), t) for t in temps]
    if "chain1d" in metrics:
        sets.append(("chain1d", metrics["chain1d"]))

    # Log-likelihood vs epoch.
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for i, (name, t) in enumerate(sets):
        h = read_history(run_dir / f"history_{name}.csv")
        if not h:
            continue
        line, = ax.plot(h["epoch"], h["loglik"], lw=1, label=f"{name} (T={t['T']:.2f})")
        if np.any(h["loglik_err"] > 0):
            ax.fill_between(h["epoch"], h["loglik"] - 3 * h["loglik_err"], h["loglik"] + 3 * h["loglik_err"],
                            color=line.get_color(), alpha=0.2)
        if "loglik_bound" in t:
            ax.axhline(t["loglik_bound"], color=line.get_color(), ls=":", lw=1)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean log-likelihood (nats / configuration)")
    ax.set_title("LL vs epoch (dotted: exact ceiling -S)")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(run_dir / "loglik.png", dpi=120)
    plt.close(fig)

    if temps:
        T = np.array([t["T"] for t in temps])
        fig, axes = plt.subplots(2, 2, figsize=(10, 7))
        for ax, key, label in zip(axes.flat, ["e", "abs_m", "cv", "chi"], ["e", "<|m|>", "C_v", "chi"]):
            ax.errorbar(T, [t["rbm"][key] for t in temps], yerr=[t["rbm"][key + "_err"] for t in temps],
                        fmt="o", ms=3, capsize=2, label="RBM Gibbs samples")
            if all("mc" in t for t in temps):
                ax.errorbar(T + 0.01, [t["mc"][key] for t in temps], yerr=[t["mc"][key + "_err"] for t in temps],
                            fmt="s", ms=3, capsize=2, label="Monte Carlo")
            ex = [(t["T"], t["exact"][key]) for t in temps if key in t.get("exact", {})]
            if ex:
                ax.plot(*zip(*ex), "k-", lw=1, label="exact")
            ax.set_xlabel("T")
            ax.set_ylabel(label)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(run_dir / "observables.png", dpi=120)
        plt.close(fig)

        # Nearest-neighbour couplings: J2/8 (authors' H) vs 1/(2T); a perfect RBM gives 1/(2T).
        x = 1 / (2 * T)
        fig, ax = plt.subplots(figsize=(5.5, 4))
        ax.errorbar(x, [t["j2_nn_mean"] / 8 for t in temps], yerr=[t["j2_nn_std"] / 8 for t in temps], fmt="o",
                    capsize=2, label="all bonds")
        if all("h_vertical_mean" in t for t in temps):
            ax.errorbar(x + 0.002, [t["h_vertical_mean"] for t in temps], yerr=[t["h_vertical_std"] for t in temps],
                        fmt="s", ms=3, capsize=2, label="vertical pairs, no wrap")
        if all("k2_nn_mean" in t for t in temps):
            # +-1 language: K2 = J/T on bonds, so K2/2 is on the same 1/(2T) line (error bars:
            # spread over bonds; the Monte Carlo error of the mean is k2_nn_mean_err).
            ax.errorbar(x - 0.002, [t["k2_nn_mean"] / 2 for t in temps], yerr=[t["k2_nn_std"] / 2 for t in temps],
                        fmt="^", ms=3, capsize=2, label="K2/2 (±1 language)")
        ax.plot(x, x, "k-", lw=1, label="Ising: 1/(2T)")
        ax.set_xlabel("1/(2T)")
        ax.set_ylabel("J2 / 8, K2 / 2")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(run_dir / "couplings_nn.png", dpi=120)
        plt.close(fig)

        mid = temps[len(temps) // 2]
        j2 = np.load(run_dir / f"j2_{tag(mid['T'])}.npy")
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
        im = ax.imshow(j2, cmap="RdBu_r", vmin=-np.abs(j2).max(), vmax=np.abs(j2).max())
        fig.colorbar(im, ax=ax)
        ax.set_title(f"J2 matrix at T={mid['T']:.2f} (4/T = {4 / mid['T']:.2f} on bonds)")
        fig.tight_layout()
        fig.savefig(run_dir / "j2_matrix.png", dpi=120)
        plt.close(fig)

    if "chain1d" in metrics:
        h = read_history(run_dir / "history_chain1d.csv")
        if h and np.all(np.isfinite(h["kl"])):
            fig, ax = plt.subplots(figsize=(5.5, 4))
            ax.semilogy(h["epoch"], np.maximum(h["kl"], 1e-8))
            ax.set_xlabel("epoch")
            ax.set_ylabel("KL(Ising || RBM) (nats)")
            ax.set_title(f"1D chain N={metrics['chain1d']['n_visible']}, T={metrics['chain1d']['T']}")
            fig.tight_layout()
            fig.savefig(run_dir / "kl_chain1d.png", dpi=120)
            plt.close(fig)
