"""Plots of a `fieldlearn music-vae` run: sorted unit activity with the threshold,
mu/sigma histograms of active and inactive units, accuracy vs number of kept units,
unit x feature correlation heat map, and the latent interpolation piano roll."""
import csv
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _csv(path: Path):
    with path.open() as f:
        rows = list(csv.DictReader(f))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]} if rows else {}


def plot(run_dir: Path):
    m = json.loads((run_dir / "metrics.json").read_text())
    thr = m["active_threshold"]
    units = _csv(run_dir / "units.csv")
    act = np.sort(units["activity"])[::-1]

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy(np.arange(1, len(act) + 1), np.maximum(act, 1e-12), ".-", ms=3)
    ax.axhline(thr, color="r", ls="--", label=f"threshold {thr:g}")
    ax.set_xlabel("unit rank")
    ax.set_ylabel(r"$A_u = \mathrm{Var}_x\,\mu_u$")
    ax.set_title(f"{m['n_active_units']} active of {m['n_units']} units")
    ax.legend()
    fig.tight_layout()
    fig.savefig(run_dir / "activity_sorted.png", dpi=120)
    plt.close(fig)

    mu, sigma = np.load(run_dir / "mu.npy"), np.load(run_dir / "sigma.npy")
    active = units["active"].astype(bool)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, data, name in ((axes[0], mu, r"$\mu$"), (axes[1], sigma, r"$\sigma$")):
        if active.any():
            ax.hist(data[:, active].ravel(), bins=60, alpha=0.6, density=True, label="active")
        if (~active).any():
            ax.hist(data[:, ~active].ravel(), bins=60, alpha=0.6, density=True, label="inactive")
        ax.set_xlabel(name)
        ax.legend()
    fig.tight_layout()
    fig.savefig(run_dir / "mu_sigma_histograms.png", dpi=120)
    plt.close(fig)

    topk = _csv(run_dir / "accuracy_top_k.csv")
    if topk:
        order = np.argsort(topk["k"])
        fig, ax = plt.subplots(figsize=(6, 4))
        ax.plot(topk["k"][order], topk["token_acc"][order], "o-", label="free-running")
        ax.plot(topk["k"][order], topk["token_acc_teacher_forced"][order], "s-", label="teacher-forced")
        ax.axhline(m["token_acc_full"], color="k", ls=":", label="full z (free-running)")
        ax.set_xlabel("top-k units kept (others = 0)")
        ax.set_ylabel("token accuracy")
        ax.legend()
        fig.tight_layout()
        fig.savefig(run_dir / "accuracy_vs_kept_units.png", dpi=120)
        plt.close(fig)

    corr_path = run_dir / "correlations.csv"
    if corr_path.stat().st_size > 0:
        corr = _csv(corr_path)
        if corr:
            ranks = np.unique(corr["rank"]).astype(int)
            feats = np.unique(corr["feature"]).astype(int)
            grid = np.zeros((len(ranks), len(feats)))
            for r, f, v in zip(corr["rank"].astype(int), corr["feature"].astype(int), corr["phik"]):
                grid[r, f] = v
            unit_of_rank = {int(r): int(u) for r, u in zip(corr["rank"], corr["unit"])}
            fig, ax = plt.subplots(figsize=(9, 0.5 * len(ranks) + 2))
            im = ax.imshow(grid, vmin=0, vmax=1, cmap="viridis", aspect="auto")
            ax.set_xticks(range(len(feats)))
            ax.set_xticklabels([m["feature_names"][f] for f in feats], rotation=60, ha="right")
            ax.set_yticks(range(len(ranks)))
            ax.set_yticklabels([f"#{r} (unit {unit_of_rank[r]})" for r in ranks])
            fig.colorbar(im, ax=ax, label=r"$\phi_K$")
            fig.tight_layout()
            fig.savefig(run_dir / "unit_feature_phik.png", dpi=120)
            plt.close(fig)

    interp = np.load(run_dir / "interpolation.npy")
    fig, ax = plt.subplots(figsize=(8, 4))
    for s, tokens in enumerate(interp):
        pitch, onset = None, None
        for t, tok in enumerate(list(tokens) + [1]):
            if tok >= 1 and pitch is not None:
                ax.plot([onset, t], [s + (pitch - 21) / 88.0] * 2, lw=3)
                pitch = None
            if tok >= 2:
                pitch, onset = tok + 19, t
    ax.set_xlabel("16th step")
    ax.set_ylabel("interpolation step (offset = pitch)")
    ax.set_title("free-running decodes along the line between two held-out windows")
    fig.tight_layout()
    fig.savefig(run_dir / "interpolation.png", dpi=120)
    plt.close(fig)
