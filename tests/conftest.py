"""Shared fixtures: the CLI run in-process, small files in the book's formats, trained runs."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from gankit.cli import main


@pytest.fixture
def cli(capsys):
    """Run `gankit ARGS…` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def write_mnist_csv(path: Path, n: int = 20, seed: int = 0) -> Path:
    """A small CSV in the book's format: label, 784 pixels 0–255, no header."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    pixels = rng.integers(0, 256, size=(n, 784))
    rows = np.column_stack([labels, pixels])
    path.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def write_idx(path: Path, array: np.ndarray, compress: bool = False) -> Path:
    """An IDX file of unsigned bytes: magic 0x0000080N, N big-endian dims, the data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path


def write_idx_dir(directory: Path, n: int = 30, compress: bool = True) -> Path:
    rng = np.random.default_rng(1)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = ".gz" if compress else ""
    for prefix, count in (("train", n), ("t10k", n // 3)):
        write_idx(
            directory / f"{prefix}-images-idx3-ubyte{suffix}",
            rng.integers(0, 256, (count, 28, 28)),
            compress,
        )
        write_idx(
            directory / f"{prefix}-labels-idx1-ubyte{suffix}", np.arange(count) % 10, compress
        )
    return directory


@pytest.fixture(scope="session")
def trained_runs(tmp_path_factory):
    """The three MNIST recipes trained once per test session at their defaults (slow tests share
    them): name → run folder. Only requested by tests marked slow."""
    import gankit

    root = tmp_path_factory.mktemp("trained")
    runs = {}
    for name in ("gan-mnist-first", "gan-mnist", "mnist"):
        runs[name] = gankit.train(name, out=root / name, progress=False).path
    return runs
