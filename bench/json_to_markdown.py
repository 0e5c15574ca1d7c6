#!/usr/bin/env python3
"""Google Benchmark JSON (fieldlearn-bench --benchmark_format=json) -> markdown table.

One row per benchmark: name, wall time per iteration and every user counter (gflops,
gsamples_per_s, ...). Benchmarks that reported an error (e.g. "no CUDA device") are listed
with the error instead of numbers, so a missing device is visible in the table.

  python3 bench/json_to_markdown.py runs/gpu-check/bench-cuda.json > bench-cuda.md
"""
import json
import sys

# Keys Google Benchmark writes for every run; anything else numeric is a user counter.
STANDARD_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
    "error_occurred", "error_message", "aggregate_name", "aggregate_unit",
}
TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def table(report):
    rows = [b for b in report.get("benchmarks", []) if b.get("run_type", "iteration") == "iteration"]
    counters = sorted({k for b in rows for k, v in b.items()
                       if k not in STANDARD_KEYS and isinstance(v, (int, float))})
    def row(cells):
        return "| " + " | ".join(cells) + " |"

    lines = [row(["benchmark", "time/iter (ms)"] + counters), row(["---"] + ["---:"] * (1 + len(counters)))]
    for b in rows:
        if b.get("error_occurred"):
            lines.append(row([b["name"], "error: " + b.get("error_message", "?")] + [""] * len(counters)))
            continue
        ms = b["real_time"] * TO_MS[b.get("time_unit", "ns")]
        lines.append(row([b["name"], f"{ms:.4g}"] + [f"{b[c]:.4g}" if c in b else "" for c in counters]))
    return "\n".join(lines)


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: json_to_markdown.py BENCH.json")
    with open(argv[1]) as f:
        report = json.load(f)
    ctx = report.get("context", {})
    print(f"Host {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} CPUs, {ctx.get('date', '?')}")
    for key in sorted(k for k in ctx if k.startswith("fl_")):
        print(f"{key}: {ctx[key]}")
    print()
    print(table(report))


if __name__ == "__main__":
    main(sys.argv)
