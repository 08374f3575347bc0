"""Inline display for notebooks: gankit.show, the smoke switch and the percent-format reader."""

from __future__ import annotations

import pytest
import torch

import gankit
from gankit.errors import GankitError
from gankit.notebook_export import to_notebook
from gankit.viz import inline
from gankit.viz.plots import grid_png

IPython = pytest.importorskip("IPython")


@pytest.fixture
def shown(monkeypatch):
    """The PNG bytes every display() call received."""
    seen: list[bytes] = []
    monkeypatch.setattr("IPython.display.display", lambda image: seen.append(image.data))
    return seen


def test_show_draws_the_sample_grid_pixels(shown):
    x = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert gankit.show(x) is None  # nothing for a notebook cell to print after the image
    assert shown == [grid_png(x, nrow=4, scale=2)]


def test_show_with_labels_and_files(shown, tmp_path):
    gankit.show(torch.rand(3, 3, 8, 8), labels=["a", "b", "c"], nrow=3)
    assert shown[-1][:4] == b"\x89PNG"
    path = tmp_path / "one.png"
    path.write_bytes(shown[-1])
    gankit.show([path, path])
    assert shown[-2:] == [path.read_bytes()] * 2


def test_show_refuses_what_is_not_images():
    with pytest.raises(GankitError, match="expected images"):
        gankit.show(torch.rand(4, 4))


def test_smoke_reads_the_environment(monkeypatch):
    monkeypatch.delenv("GANKIT_SMOKE", raising=False)
    assert not gankit.smoke()
    monkeypatch.setenv("GANKIT_SMOKE", "1")
    assert inline.smoke()


def test_reader_keeps_cell_metadata_and_refuses_bad_markers():
    nb = to_notebook('# %% cli="gankit sample RUN"\nrun.show()\n')
    assert nb["cells"][0]["metadata"] == {"cli": "gankit sample RUN"}
    with pytest.raises(GankitError, match="key=<JSON>"):
        to_notebook("# %% nonsense here\nx = 1\n")
