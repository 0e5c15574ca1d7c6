"""Plots of `fieldlearn ntk-pdf` run directories (the figures of arXiv:2512.24116)."""
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


def _save(fig, run_dir: Path, name: str):
    fig.tight_layout()
    fig.savefig(run_dir / name, dpi=120)
    plt.close(fig)


def plot(run_dir: Path):
    run_dir = Path(run_dir)
    metrics = json.loads((run_dir / "metrics.json").read_text())
    tr = _csv(run_dir / "training.csv")
    cmp_path = run_dir / "compare_training.csv"
    cmp = _csv(cmp_path) if cmp_path.exists() else None

    # delta Theta vs epoch (main and wider net)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy(tr["epoch"][1:], tr["ntk_delta_mean"][1:], label="main (replica mean)")
    if cmp:
        ax.semilogy(cmp["epoch"][1:], cmp["ntk_delta_mean"][1:], label="compare (replica mean)")
    onset = metrics.get("lazy_onset_epoch", -1)
    if onset is not None and onset >= 0:
        ax.axvline(onset, color="gray", ls=":", label=f"lazy onset {onset}")
    ax.set_xlabel("epoch T")
    ax.set_ylabel(r"$\delta\Theta_t$ per checkpoint")
    ax.legend()
    _save(fig, run_dir, "ntk_delta.png")

    # eigenvalues vs epoch
    fig, ax = plt.subplots(figsize=(6, 4))
    for k in range(1, 11):
        key = f"lambda_{k}"
        if key in tr:
            ax.semilogy(tr["epoch"], np.abs(tr[key]), label=rf"$\lambda_{{{k}}}$")
    ax.set_xlabel("epoch T")
    ax.set_ylabel("NTK eigenvalue (replica mean)")
    ax.legend(ncol=2, fontsize=7)
    _save(fig, run_dir, "ntk_eigenvalues.png")

    # analytic vs trained
    avt = _csv(run_dir / "analytic_vs_trained.csv")
    fig, ax = plt.subplots(figsize=(6, 4))
    for tref in np.unique(avt["t_ref"]):
        for prior, ls in ((0, "-"), (1, "--")):
            m = (avt["t_ref"] == tref) & (avt["from_prior"] == prior)
            if m.any():
                ax.semilogy(avt["epoch"][m], avt["rel_l2"][m], ls,
                            label=f"T_ref={int(tref)}" + (" from prior" if prior else ""))
    ax.set_xlabel("epoch T")
    ax.set_ylabel("rel. L2 (analytic vs trained)")
    ax.legend(fontsize=7)
    _save(fig, run_dir, "analytic_vs_trained.png")

    # PDFs
    pdf = _csv(run_dir / "pdf.csv")
    fig, ax = plt.subplots(figsize=(6, 4))
    x = pdf["x"]
    ax.fill_between(x, pdf["f0_mean"] - pdf["f0_sd"], pdf["f0_mean"] + pdf["f0_sd"], alpha=0.3, label="prior")
    ax.fill_between(x, pdf["f_mean"] - pdf["f_sd"], pdf["f_mean"] + pdf["f_sd"], alpha=0.5, label="trained")
    if np.isfinite(pdf["f_in"]).all():
        ax.plot(x, pdf["f_in"], "k--", label=r"$f_{in}$")
    ax.set_xscale("log")
    ax.set_xlabel("x")
    ax.set_ylabel("xT3")
    ax.legend()
    _save(fig, run_dir, "pdf.png")

    # covariance split vs x
    cs = _csv(run_dir / "covariance_split.csv")
    epochs = np.unique(cs["epoch"])
    fig, axes = plt.subplots(1, len(epochs), figsize=(4 * len(epochs), 3.5), squeeze=False)
    for ax, e in zip(axes[0], epochs):
        m = cs["epoch"] == e
        for key in ("c00", "c0y", "cyy"):
            ax.plot(cs["x"][m], cs[key][m], label=key.upper())
        ax.set_xscale("log")
        ax.set_title(f"T = {int(e)}")
        ax.set_xlabel("x")
    axes[0][0].set_ylabel("variance contribution")
    axes[0][0].legend()
    _save(fig, run_dir, "covariance_split.png")

    # bias and variance vs T
    bv_path = run_dir / "bias_variance.csv"
    if bv_path.exists():
        bv = _csv(bv_path)
        fin = np.isfinite(bv["epoch"])
        fig, ax = plt.subplots(figsize=(6, 4))
        for key in ("bias", "bias_v", "variance", "variance_v"):
            ax.loglog(bv["epoch"][fin], np.abs(bv[key][fin]), label=key)
        m = np.isfinite(bv["trained_bias"])
        te = bv.get("trained_epoch", bv["epoch"])  # runs before trained_epoch: the grid epoch
        ax.loglog(te[m], bv["trained_bias"][m], "k.", label="bias (trained)")
        ax.loglog(te[m], bv["trained_variance"][m], "kx", label="variance (trained)")
        ax.set_xlabel("epoch T")
        ax.legend(fontsize=7)
        _save(fig, run_dir, "bias_variance.png")

    # NTK at initialisation vs width
    iw_path = run_dir / "ntk_init_width.csv"
    if iw_path.exists():
        iw = _csv(iw_path)
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.8))
        a1.errorbar(iw["width"], iw["norm_rel_sd"], yerr=iw["rel_sd_error"], fmt="o-")
        w = iw["width"]
        a1.plot(w, iw["norm_rel_sd"][0] * np.sqrt(w[0] / w), "k:", label=r"$\propto n^{-1/2}$")
        a1.set_xscale("log")
        a1.set_yscale("log")
        a1.set_xlabel("width n ([n, n])")
        a1.set_ylabel(r"rel. sd of $\|\Theta_0\|_F$")
        a1.legend()
        for i, wi in enumerate(w):
            lam = np.array([iw[f"lambda_{k}"][i] for k in range(1, 11)])
            a2.semilogy(range(1, 11), np.abs(lam), "o-", label=f"n={int(wi)}")
        a2.set_xlabel("k")
        a2.set_ylabel(r"$\lambda_k$ of $\Theta_0$ (replica mean)")
        a2.legend(fontsize=7)
        _save(fig, run_dir, "ntk_init_width.png")
