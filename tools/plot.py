#!/usr/bin/env python3
"""Render the plots of fieldlearn run directories.

Usage: tools/plot.py RUN_DIR [RUN_DIR ...]
A RUN_DIR is either one run (it holds run.json) or a folder of runs (e.g. runs/demo).
Each experiment's plots live in tools/plots/<experiment>.py as `plot(run_dir: Path)`,
chosen by the "experiment" field of run.json.
"""
import importlib
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parent))


def run_dirs(path: Path):
    if (path / "run.json").is_file():
        yield path
    elif path.is_dir():
        for child in sorted(path.iterdir()):
            if (child / "run.json").is_file():
                yield child


def plot_run(run_dir: Path) -> bool:
    experiment = json.loads((run_dir / "run.json").read_text())["experiment"]
    module_name = "plots." + experiment.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        print(f"plot: no plots defined for {experiment} ({run_dir})")
        return True
    before = set(run_dir.glob("*.png"))
    module.plot(run_dir)
    made = sorted(set(run_dir.glob("*.png")) - before)
    print(f"plot: {run_dir}: {len(made)} new figure(s)")
    return True


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    found = False
    for arg in argv[1:]:
        path = Path(arg)
        if not path.exists():
            print(f"error: {arg}: no such run directory", file=sys.stderr)
            return 2
        for run_dir in run_dirs(path):
            found = True
            plot_run(run_dir)
    if not found:
        print(f"error: no run directories (with run.json) under {' '.join(argv[1:])}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
