"""Shared fixtures: the CLI run in-process, small files in the book's formats, trained runs, and a
headless Chromium for page tests."""

from __future__ import annotations

import gzip
import os
import struct
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import torch

import gankit
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


# ----------------------------------------------------------------------------- tiny runs, a browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # git-ignored screenshots
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# 10 steps of batch 16, a metrics row every 2 steps, sample grids at steps 5 and 10: seconds
TINY = ["train.batch_size=16", "train.log_every=2", "train.sample_every=5"]


@contextmanager
def one_thread():
    """Tiny models gain nothing from intra-op threads; on a busy 2-core machine they only contend
    (measured: these tests took 55 s with torch's default threads, 26 s with one, load ~15)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.fixture(scope="module")
def single_thread():
    """For a module of tiny-model tests: `pytestmark = pytest.mark.usefixtures("single_thread")`."""
    with one_thread():
        yield


@pytest.fixture(scope="session")
def digits_csv(tmp_path_factory) -> Path:
    """64 rows in the book's MNIST CSV layout, random pixels: loads at once."""
    return write_mnist_csv(tmp_path_factory.mktemp("data") / "digits.csv", n=64)


def train_tiny(out: Path, csv: Path, *overrides: str) -> Path:
    with one_thread():
        data = f"mnist:{csv}"
        gankit.train(
            "gan-mnist", data=data, out=out, steps=10, progress=False, set=[*TINY, *overrides]
        )
    return out


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, digits_csv) -> Path:
    """The book's improved MNIST GAN after 10 steps: noise, but a real run folder."""
    return train_tiny(tmp_path_factory.mktemp("runs") / "gan-mnist", digits_csv)


@pytest.fixture(scope="session")
def tiny_conditional_run(tmp_path_factory, digits_csv) -> Path:
    """The same GAN conditioned on the ten digit labels."""
    out = tmp_path_factory.mktemp("runs") / "gan-mnist-conditional"
    return train_tiny(out, digits_csv, "model.conditional=true")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; skips when either is missing (CI installs both)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium chromium-driver")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
