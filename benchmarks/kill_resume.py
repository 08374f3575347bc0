"""Kill a training run with SIGKILL at random moments, resume it each time, check metrics.csv.

    PYTHONPATH=. python benchmarks/kill_resume.py [--kills 20] [--seed 0] [--out DIR] [--fork]
        [--window LO HI]

Each round starts `gankit train` (fresh while the folder holds no run yet, else `--resume`),
waits a random time and kills it with SIGKILL: during start-up, training, a checkpoint write, a
log write or a sample grid. A last `--resume` finishes the run a few steps past its last
checkpoint; its metrics.csv must hold each logged step exactly once, in order, with whole rows.
`--fork` forks the processes from this one (no interpreter start-up: the kills land in training
far more often); the default starts `python -m gankit` as a user would.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from gankit.data import load_data
from gankit.runs import METRIC_COLUMNS, RunFolder

LOG_EVERY, CHECKPOINT_EVERY, SAMPLE_EVERY = 4, 11, 25  # unaligned, so kills fall between them
TINY = ["model.g.hidden=[16]", "model.d.hidden=[16]", f"train.log_every={LOG_EVERY}"]
TINY += [f"train.checkpoint_every={CHECKPOINT_EVERY}", f"train.sample_every={SAMPLE_EVERY}"]


def train_args(out: Path, steps: int | None) -> list[str]:
    """CLI arguments: a fresh tiny MNIST GAN run, or `--resume` once the folder holds a run."""
    common = ["--out", str(out), "--quiet", "--device", "cpu"]
    if RunFolder.is_run(out):
        return ["train", "gan-mnist", *common, "--resume"] + (
            ["--steps", str(steps)] if steps else []
        )
    sets = [x for s in TINY for x in ("--set", s)]
    return ["train", "gan-mnist", *common, "--batch-size", "8", "--steps", str(steps), *sets]


def _forked_main(args: list[str]) -> None:
    from gankit.cli import main

    # a forked child cannot use the parent's OpenMP thread pool (libgomp deadlocks once the
    # parent has run a parallel region): one thread keeps every op inline
    torch.set_num_threads(1)

    os._exit(main(args))


class Launch:
    """One training process: a fresh interpreter (`python -m gankit`) or a fork of this one."""

    def __init__(self, args: list[str], fork: bool):
        if fork:
            self.proc = multiprocessing.get_context("fork").Process(
                target=_forked_main, args=(args,)
            )
            self.proc.start()
        else:
            env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
            cmd = [sys.executable, "-m", "gankit", *args]
            self.proc = subprocess.Popen(
                cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )

    def finished_within(self, seconds: float) -> bool:
        if isinstance(self.proc, subprocess.Popen):
            try:
                self.proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                return False
            return True
        self.proc.join(seconds)
        return self.proc.exitcode is not None

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL: no handler runs, nothing is flushed
        if isinstance(self.proc, subprocess.Popen):
            self.proc.wait()
        else:
            self.proc.join()

    def code(self) -> int | None:
        return (
            self.proc.returncode if isinstance(self.proc, subprocess.Popen) else self.proc.exitcode
        )


def checkpoint_step(out: Path) -> int | None:
    folder = RunFolder(out)
    if not folder.has_checkpoint:
        return None
    return int(folder.load_checkpoint()["step"])


def logged_steps(out: Path) -> list[int]:
    """Steps of metrics.csv; a torn or malformed row is an error."""
    with (out / "metrics.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert tuple(rows[0]) == METRIC_COLUMNS, f"bad header {rows[0]}"
    for r in rows[1:]:
        assert len(r) == len(METRIC_COLUMNS) and all(r), f"torn row {r}"
    return [int(r[0]) for r in rows[1:]]


def expected_steps(total: int) -> list[int]:
    steps = list(range(LOG_EVERY, total + 1, LOG_EVERY))
    return steps + ([total] if total % LOG_EVERY else [])


def kill_and_resume(
    out: Path, kills: int, seed: int = 0, fork: bool = False, window=(0.5, 8.0), extra: int = 30
) -> list[dict]:
    """`kills` SIGKILLs at random moments, then a finishing `--resume`; returns one row per kill.

    Raises AssertionError when the finished metrics.csv is not each step exactly once.
    """
    rng = random.Random(seed)
    rounds = []
    if fork:  # read the digits and import the lazy modules once: every forked run inherits them
        load_data("mnist")
        for module in ("gankit.cli", "gankit.api", "matplotlib.pyplot", "torchvision.utils"):
            importlib.import_module(module)
        importlib.import_module("safetensors.torch")
    for _ in range(kills):
        launch = Launch(train_args(out, 1_000_000), fork)
        delay = rng.uniform(*window)
        t0 = time.monotonic()
        if launch.finished_within(delay):
            raise AssertionError(f"training ended before its kill, exit code {launch.code()}")
        launch.kill()
        rounds.append(
            {"after_s": round(time.monotonic() - t0, 2), "checkpoint": checkpoint_step(out)}
        )
    last = checkpoint_step(out) or 0
    final = Launch(train_args(out, last + extra), fork)
    assert final.finished_within(600) and final.code() == 0, f"final run exit {final.code()}"
    steps = logged_steps(out)
    assert steps == expected_steps(last + extra), f"metrics.csv steps {steps}"
    return rounds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--fork", action="store_true")
    ap.add_argument(
        "--window", type=float, nargs=2, default=None, metavar=("LO", "HI"),
        help="kill after LO–HI seconds (default 0.05–2 forked, 0.5–8 fresh; "
        "widen it where start-up is slow, so kills land in training too)",
    )  # fmt: skip
    a = ap.parse_args()
    torch.set_num_threads(1)
    out = a.out or Path(tempfile.mkdtemp(prefix="gankit-kill-")) / "run"
    window = a.window or ((0.05, 2.0) if a.fork else (0.5, 8.0))
    rounds = kill_and_resume(out, a.kills, a.seed, a.fork, window)
    for i, r in enumerate(rounds, 1):
        print(f"kill {i:2d} after {r['after_s']:5.2f} s: last checkpoint at step {r['checkpoint']}")
    print(f"OK: {a.kills} kills; {out}/metrics.csv holds each step exactly once")


if __name__ == "__main__":
    main()
