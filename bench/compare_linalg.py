#!/usr/bin/env python3
"""fieldlearn CPU backend vs numpy (OpenBLAS) on the same machine, in the same run.

For every (op, n) it runs fieldlearn-bench (one benchmark) and bench/peers/linalg_numpy.py
back to back, --repetitions times, keeps each side's fastest repetition (robust against other
load on a shared machine) and prints a markdown table with the throughput ratio
numpy_time / fieldlearn_time (>= 1 means fieldlearn is faster).

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from the environment of both sides: when
set (as on some shared machines) they force a slower kernel on numpy's bundled OpenBLAS.
The OpenBLAS kernel each side ends up using is printed under the table.

  python3 bench/compare_linalg.py --bench build/bench/fieldlearn-bench
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
UNSET = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


THREADS = None  # --threads: pins OpenBLAS and OpenMP thread counts on both sides


def clean_env():
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    if THREADS:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(THREADS)
    return env


def run_fieldlearn(bench, op, n):
    name = f"BM_linalg_{op}/cpu/{n}"
    out = subprocess.run([bench, f"--benchmark_filter=^{name}$", "--benchmark_format=json"],
                         env=clean_env(), check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    (row,) = [b for b in report["benchmarks"] if b["name"] == name]
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[row["time_unit"]]
    return row["real_time"] * scale, report["context"].get("fl_cpu_backend", "?")


def run_numpy(op, n):
    out = subprocess.run([sys.executable, str(HERE / "peers" / "linalg_numpy.py"), "--ops", op,
                          "--sizes", str(n)], env=clean_env(), check=True, capture_output=True,
                         text=True).stdout
    report = json.loads(out)
    if not report["results"]:
        return None, report
    return report["results"][0]["seconds"], report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", default="build/bench/fieldlearn-bench")
    parser.add_argument("--ops", default="gemm,syrk,cholesky,cholesky_solve,eigh")
    parser.add_argument("--sizes", default="256,512,1024,2048,4096")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None,
                        help="thread count for both sides (default: the libraries' own, all cores)")
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads

    print(f"threads: {THREADS or 'library default'}; load average before: {os.getloadavg()}")
    rows, fl_blas, np_info = [], "?", None
    for op in args.ops.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            fl_times, np_times = [], []
            for _ in range(args.repetitions):
                t, fl_blas = run_fieldlearn(args.bench, op, n)
                fl_times.append(t)
                t, np_info = run_numpy(op, n)
                if t is not None:
                    np_times.append(t)
            fl_best = min(fl_times)
            np_best = min(np_times) if np_times else None
            ratio = f"{np_best / fl_best:.2f}" if np_best else "n/a"
            np_ms = f"{np_best * 1e3:.2f}" if np_best else "n/a"
            rows.append(f"| {op} | {n} | {fl_best * 1e3:.2f} | {np_ms} | {ratio} |")
            print(rows[-1], file=sys.stderr, flush=True)
    print(f"load average after: {os.getloadavg()}")
    print()
    print("| op | n | fieldlearn cpu (ms) | numpy (ms) | throughput ratio fieldlearn/numpy |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"fieldlearn: {fl_blas}")
    if np_info:
        print(f"numpy {np_info['numpy']}: {json.dumps(np_info['threadpool'])}")


if __name__ == "__main__":
    main()
