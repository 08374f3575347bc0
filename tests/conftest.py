"""Shared fixtures: tiny trained runs (seconds on a CPU) and a headless Chromium for page tests."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

import gankit

# Tiny shapes gain nothing from intra-op threads; on a shared 2-core machine they only contend
# (measured: this folder's tests 55 s with torch's default threads, 26 s with one, load ~15).
torch.set_num_threads(1)

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


@pytest.fixture(scope="session")
def digits_csv(tmp_path_factory) -> Path:
    """64 rows in the book's MNIST CSV layout (label, 784 pixels), random pixels: loads at once."""
    rng = np.random.default_rng(0)
    table = np.concatenate([np.arange(64)[:, None] % 10, rng.integers(0, 256, (64, 784))], 1)
    path = tmp_path_factory.mktemp("data") / "digits.csv"
    np.savetxt(path, table, fmt="%d", delimiter=",")
    return path


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, digits_csv) -> Path:
    """The book's improved MNIST GAN after 10 steps: noise, but a real run folder."""
    out = tmp_path_factory.mktemp("runs") / "gan-mnist"
    data = f"mnist:{digits_csv}"
    gankit.train("gan-mnist", data=data, out=out, steps=10, progress=False, set=TINY)
    return out


@pytest.fixture(scope="session")
def tiny_conditional_run(tmp_path_factory, digits_csv) -> Path:
    """The same GAN conditioned on the ten digit labels."""
    out = tmp_path_factory.mktemp("runs") / "gan-mnist-conditional"
    data, tiny = f"mnist:{digits_csv}", [*TINY, "model.conditional=true"]
    gankit.train("gan-mnist", data=data, out=out, steps=10, progress=False, set=tiny)
    return out


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
