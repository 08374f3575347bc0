"""The explorer page in a real (headless) Chromium: it loads, and its controls change the pictures.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from gankit.explorer import create_app, running

pytest.importorskip("uvicorn", reason="the explorer needs uvicorn")


pytestmark = pytest.mark.usefixtures("single_thread")


@pytest.fixture(scope="module")
def conditional_url(tiny_conditional_run):
    with running(create_app(tiny_conditional_run)) as url:
        yield url


@pytest.fixture(scope="module")
def plain_url(tiny_run):
    with running(create_app(tiny_run)) as url:
        yield url


def open_page(browser, url: str):
    """A new page at `url` that records console errors and uncaught exceptions."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "/")
    return page, errors


def wait_picture(page, selector: str) -> None:
    """Until the <img> shows the picture last asked for (see loadImage in explorer.js)."""
    page.wait_for_function(
        """s => { const i = document.querySelector(s);
                  return i.dataset.want && i.dataset.loaded === i.dataset.want
                         && i.complete && i.naturalWidth > 0; }""",
        arg=selector,
        timeout=15_000,
    )


def shot(page, selector: str, path) -> np.ndarray:
    wait_picture(page, selector)
    png = page.locator(selector).screenshot(path=str(path))
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.int16)


def changed(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of pixels that differ by more than a little."""
    assert a.shape == b.shape
    return float((np.abs(a - b) > 8).mean())


def test_controls_change_the_pictures(chromium, conditional_url, artifacts):
    page, errors = open_page(chromium, conditional_url)
    page.wait_for_selector("#label-row:not(.hidden)")
    assert "conditional on 10 classes" in page.inner_text("#run-info")
    shot(page, "#grid", artifacts / "explorer-grid-classes.png")  # a column per class
    page.select_option("#label", "3")  # every sample of the grid a 3
    before = shot(page, "#grid", artifacts / "explorer-grid-label3.png")

    page.fill("#move-0", "3")  # a slider: the grid's seeds move along direction 1
    moved = shot(page, "#grid", artifacts / "explorer-grid-moved.png")
    assert page.inner_text("#move-0-value") == "3.0"
    assert changed(before, moved) > 0.02

    page.select_option("#label", "7")  # now every sample a 7
    relabelled = shot(page, "#grid", artifacts / "explorer-grid-label7.png")
    assert changed(moved, relabelled) > 0.02

    t_half = shot(page, "#between", artifacts / "explorer-between-t050.png")
    page.fill("#t", "1")
    t_end = shot(page, "#between", artifacts / "explorer-between-t100.png")
    assert changed(t_half, t_end) > 0.02
    wait_picture(page, "#strip")
    page.screenshot(path=str(artifacts / "explorer-page-conditional.png"), full_page=True)
    assert errors == []
    page.close()


def test_plain_run_hides_the_label_picker(chromium, plain_url, artifacts):
    page, errors = open_page(chromium, plain_url)
    wait_picture(page, "#grid")
    wait_picture(page, "#strip")
    assert page.locator("#label-row").is_hidden()
    assert "unconditional" in page.inner_text("#run-info")
    first = shot(page, "#grid", artifacts / "explorer-plain-seed0.png")
    assert page.locator("#psi-box").is_visible()  # normal seeds: the truncation slider
    assert page.inner_text("#psi-value") == "1.00"
    page.fill("#psi", "0.5")
    narrow = shot(page, "#grid", artifacts / "explorer-plain-psi050.png")
    assert page.inner_text("#psi-value") == "0.50" and changed(first, narrow) > 0.02
    page.fill("#psi", "1")
    assert changed(first, shot(page, "#grid", artifacts / "explorer-plain-psi100.png")) == 0
    page.click("#new-samples")  # a random seed: another grid
    other = shot(page, "#grid", artifacts / "explorer-plain-new.png")
    assert changed(first, other) > 0.02
    page.screenshot(path=str(artifacts / "explorer-page-plain.png"), full_page=True)
    assert errors == []
    page.close()
