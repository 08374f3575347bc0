"""Training throughput (images/s) on 1 and 2 processes, measured side by side on this machine.

    PYTHONPATH=. python benchmarks/scaling.py [--recipe mnist] [--steps 300] [--rounds 2]
        [--batch-size 64] [--device cpu] [--threads-row]

Configurations, interleaved round by round so a change in the machine's load hits each alike:
  1 process, 1 thread       python -m gankit train … (OMP_NUM_THREADS=1)
  N processes, 1 thread     torchrun --standalone --nproc_per_node N -m gankit train …
  1 process, N threads      with --threads-row: OMP_NUM_THREADS=N, one process
--batch-size is per process, so N processes train on N times the images per step. The rate
is taken between the first and the last metrics.csv row, leaving out start-up and the first steps.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rate(run_dir: Path) -> float:
    """images/s between the first and the last logged row."""
    with (run_dir / "metrics.csv").open() as f:
        rows = list(csv.DictReader(f))
    first, last = rows[0], rows[-1]
    images = float(last["images_seen"]) - float(first["images_seen"])
    return images / (float(last["seconds"]) - float(first["seconds"]))


def train(out: Path, procs: int, threads: int, a) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": str(threads)}
    gankit = ["-m", "gankit", "train", a.recipe, "--out", str(out), "--quiet"]
    gankit += ["--steps", str(a.steps), "--batch-size", str(a.batch_size), "--device", a.device]
    gankit += ["--set", "train.log_every=20", "--set", "train.checkpoint_seconds=1e9"]
    if procs == 1:
        cmd = [sys.executable, *gankit]
    else:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
        cmd += ["--nproc_per_node", str(procs), *gankit]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return rate(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipe", default="mnist")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads-row", action="store_true", help="add 1 process with N threads")
    a = ap.parse_args()
    n = a.procs
    configs = [("1 process, 1 thread", 1, 1), (f"{n} processes (gloo), 1 thread each", n, 1)]
    if a.threads_row:
        configs.append((f"1 process, {n} threads", 1, n))
    results: dict[str, list[float]] = {name: [] for name, _, _ in configs}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(a.rounds):
            for i, (name, procs, threads) in enumerate(configs):
                results[name].append(train(Path(tmp) / f"r{r}-{i}", procs, threads, a))
                print(f"round {r + 1}: {name}: {results[name][-1]:,.0f} images/s", flush=True)
    base = statistics.median(results[configs[0][0]])
    print(f"\n{a.recipe}, batch {a.batch_size} per process, {a.steps} steps, {a.device}")
    print(f"| configuration | images/s (median of {a.rounds}) | vs 1 process, 1 thread |")
    print("|---|---|---|")
    for name, values in results.items():
        m = statistics.median(values)
        print(f"| {name} | {m:,.0f} | {m / base:.2f}× |")


if __name__ == "__main__":
    main()
