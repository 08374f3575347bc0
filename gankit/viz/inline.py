"""Show images and figures inline in Jupyter: `gankit.show(...)`, and the smoke switch of the notebooks.

IPython is imported only when something is shown, so the CLI never pays for it.

Example (in a notebook):
    >>> gankit.show(run.sample(16, seed=0), nrow=4)                  # doctest: +SKIP
    >>> gankit.show(x[:6], labels=["a", "b", "c", "d", "e", "f"])    # doctest: +SKIP
    >>> gankit.show(run.path / "plots" / "losses.png")               # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

from torch import Tensor

from gankit.errors import GankitError

SMOKE_ENV = "GANKIT_SMOKE"


def smoke() -> bool:
    """True when GANKIT_SMOKE=1: the notebooks then train a few steps only, to check they run.

    Example:
        >>> os.environ["GANKIT_SMOKE"] = "1"; smoke()
        True
    """
    return os.environ.get(SMOKE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def show(images, labels: Sequence[str] | None = None, nrow: int | None = None, scale=None):
    """Display images inline (returns None, so a cell does not also print a value).

    `images`: a tensor (N, C, H, W) or (C, H, W) in [0, 1], a PNG file, or a list of PNG files.
    Without labels the grid is the one `gankit sample` writes (same pixels); with labels each
    image gets its caption above it (matplotlib), `nrow` per row.
    """
    if isinstance(images, (str, Path)):
        return display_png(Path(images).read_bytes())
    if isinstance(images, (list, tuple)) and images and isinstance(images[0], (str, Path)):
        for path in images:
            display_png(Path(path).read_bytes())
        return None
    if not isinstance(images, Tensor):
        raise GankitError(f"show: expected a tensor of images or a PNG path, got {type(images)}")
    x = images[None] if images.dim() == 3 else images
    if x.dim() != 4:
        raise GankitError(f"show: expected images (N, C, H, W), got shape {tuple(images.shape)}")
    from gankit.viz.run_figures import grid_layout

    default_nrow, default_scale = grid_layout(len(x), x.shape[-1])
    nrow = nrow or default_nrow
    if labels is not None:
        return display_png(captioned_png(x, [str(s) for s in labels], nrow))
    from gankit.viz.plots import grid_png

    return display_png(grid_png(x, nrow=nrow, scale=scale or default_scale))


def captioned_png(x: Tensor, captions: list[str], nrow: int, title: str = "") -> bytes:
    """Images with a caption over each, `nrow` per row, as PNG bytes (matplotlib)."""
    from gankit.viz.seeds import plot_grid

    rows = (len(x) + nrow - 1) // nrow
    buf = io.BytesIO()
    plot_grid(x, rows, nrow, buf, title, captions)
    return buf.getvalue()


def display_png(data: bytes) -> None:
    """Show PNG bytes in the running notebook (or IPython)."""
    try:
        from IPython.display import Image, display
    except ImportError:  # a plain Python session: nothing to show in
        raise GankitError('showing images needs IPython: pip install "gankit[notebooks]"') from None
    display(Image(data=data, format="png"))
