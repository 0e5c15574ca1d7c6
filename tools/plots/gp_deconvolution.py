"""Plots of `fieldlearn gp-deconvolution` (docs/gp-deconvolution.md).

rho.png          rho(omega) on the output grid: smeared exact, NNGP, NTK-GP, NN (each width),
                 Backus-Gilbert and the Bayesian linear-observable GP, with error bands
l2_vs_width.png  L2 distance to the smeared exact rho and to the GP means vs network width
peaks.png        peak position and area per method (with bootstrap errors) vs the exact values
correlator.png   Monte Carlo correlator and effective energy vs the exact lattice result
"""
import csv
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _read_csv(path: Path):
    with path.open() as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]}


def _widths(columns):
    return sorted(int(k[3:]) for k in columns if k.startswith("nn_") and not k.endswith("_err"))


def plot_rho(run_dir: Path, rho, metrics):
    w = rho["omega"]
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.plot(w, rho["exact_smeared"], "k-", lw=2, label="exact (smeared)")
    styles = {"nngp": ("C0", "NNGP"), "ntkgp": ("C1", "NTK-GP"), "backus_gilbert": ("C2", "Backus-Gilbert"),
              "linear_gp": ("C4", "GP, linear observable")}
    for key, (color, label) in styles.items():
        if key in rho:
            lo = [a - b for a, b in zip(rho[key], rho[key + "_err"])]
            hi = [a + b for a, b in zip(rho[key], rho[key + "_err"])]
            ax.plot(w, rho[key], color=color, label=f"{label} (L2 {metrics.get('l2_' + key, float('nan')):.3g})")
            ax.fill_between(w, lo, hi, color=color, alpha=0.2)
    widths = _widths(rho)
    cmap = plt.get_cmap("Greys")
    for i, width in enumerate(widths):
        key = f"nn_{width}"
        ax.plot(w, rho[key], color=cmap(0.35 + 0.6 * (i + 1) / (len(widths) + 1)), ls="--",
                label=f"NN w={width} (L2 {metrics['l2_nn'][str(width)]:.3g})")
    ax.set_xlabel(r"$a\omega$")
    ax.set_ylabel(r"$\rho(\omega)$")
    ax.set_title(f"operator {metrics['operator']}: reconstructions")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(run_dir / "rho.png", dpi=120)
    plt.close(fig)


def plot_l2(run_dir: Path, metrics):
    widths = sorted(int(k) for k in metrics["l2_nn"])
    if not widths:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(widths, [metrics["l2_nn"][str(k)] for k in widths], "ko-", label="NN ensemble mean to exact")
    ax.plot(widths, [metrics["nn_to_ntkgp"][str(k)] for k in widths], "C1s--", label="NN to NTK-GP mean")
    ax.plot(widths, [metrics["nn_to_nngp"][str(k)] for k in widths], "C0^--", label="NN to NNGP mean")
    for key, color, label in [("l2_nngp", "C0", "NNGP"), ("l2_ntkgp", "C1", "NTK-GP"),
                              ("l2_backus_gilbert", "C2", "Backus-Gilbert"), ("l2_linear_gp", "C4", "linear GP")]:
        ax.axhline(metrics[key], color=color, lw=1, label=f"{label} to exact")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("width")
    ax.set_ylabel("L2 distance")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(run_dir / "l2_vs_width.png", dpi=120)
    plt.close(fig)


def plot_peaks(run_dir: Path, metrics):
    peaks = metrics["peaks"]
    exact = metrics["exact_peaks"]
    names = sorted(peaks)
    n_windows = len(exact)
    fig, axes = plt.subplots(n_windows, 2, figsize=(10, 3 * n_windows), squeeze=False)
    for k in range(n_windows):
        for col, (field, truth) in enumerate([("position", exact[k]["energy"]), ("area", exact[k]["weight"])]):
            ax = axes[k][col]
            vals = [peaks[n][k][field] for n in names]
            errs = [peaks[n][k][field + "_err"] for n in names]
            ax.errorbar(range(len(names)), vals, yerr=errs, fmt="o")
            ax.axhline(truth, color="k", ls="--", label="exact")
            ax.set_xticks(range(len(names)))
            ax.set_xticklabels(names, rotation=45, ha="right", fontsize=7)
            ax.set_title(f"peak {k + 1}: {field}")
    fig.tight_layout()
    fig.savefig(run_dir / "peaks.png", dpi=120)
    plt.close(fig)


def plot_correlator(run_dir: Path, c):
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    a1.errorbar(c["tau"], c["c_mc"], yerr=c["c_err"], fmt=".", label="Monte Carlo")
    a1.plot(c["tau"], c["c_exact"], "k-", label="exact")
    a1.set_yscale("log")
    a1.set_xlabel(r"$\tau/a$")
    a1.set_ylabel(r"$C(\tau)$")
    a1.legend()
    n = len(c["tau"]) - 1
    a2.errorbar(c["tau"][:n], c["e_eff"][:n], yerr=c["e_eff_err"][:n], fmt=".", label="Monte Carlo")
    a2.plot(c["tau"][:n], c["e_eff_exact"][:n], "k-", label="exact")
    a2.set_xlabel(r"$\tau/a$")
    a2.set_ylabel(r"$aE_{\rm eff}$")
    finite = [v for v in c["e_eff_exact"][:n] if v == v]
    if finite:
        a2.set_ylim(0, 3 * max(finite))
    a2.legend()
    fig.tight_layout()
    fig.savefig(run_dir / "correlator.png", dpi=120)
    plt.close(fig)


def plot(run_dir: Path):
    run_dir = Path(run_dir)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    plot_rho(run_dir, _read_csv(run_dir / "rho.csv"), metrics)
    plot_l2(run_dir, metrics)
    plot_peaks(run_dir, metrics)
    plot_correlator(run_dir, _read_csv(run_dir / "correlator.csv"))
