"""Figures of the seed experiments (ch. 7) and of conditional samples (ch. 10).

Each takes images (N, C, H, W) in [0, 1] and writes one labelled PNG with matplotlib (Agg), to a file
path or to a binary buffer (for inline display in notebooks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from torch import Tensor

from gankit.viz.figure import pyplot


def _show(ax, image: Tensor) -> None:
    """One image (C, H, W) on an axis, grey for one channel, without ticks."""
    img = image.clamp(0, 1).permute(1, 2, 0).squeeze(-1).cpu().numpy()  # (H, W) or (H, W, 3)
    ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1, interpolation="none")
    ax.set_xticks([])
    ax.set_yticks([])


def _save(fig, path):
    """Write the PNG to a file path or into a binary buffer (inline display), then free the figure."""
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, format="png")
    fig.clf()
    pyplot().close(fig)
    return path


def plot_grid(
    x: Tensor, rows: int, cols: int, path: Path, title: str, captions: Sequence[str] = ()
) -> Path:
    """rows × cols images with an optional caption over each: the book's 2×3 and 3×4 figures.

    Example:
        >>> plot_grid(torch.rand(6, 1, 28, 28), 2, 3, Path("six.png"), "label 3")  # doctest: +SKIP
    """
    plt = pyplot()
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.7, rows * 1.9 + 0.4), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(x):
            _show(ax, x[i])
            if i < len(captions):
                ax.set_title(captions[i], fontsize=9)
        else:
            ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def plot_per_label(x: Tensor, classes: Sequence[str], path: Path, title: str) -> Path:
    """One row per class (its name on the left), the same number of samples in each row.

    x is (K · n, C, H, W), class by class, as `gankit.seeds.per_label` returns it.
    """
    plt = pyplot()
    k = len(classes)
    n = len(x) // k
    fig, axes = plt.subplots(k, n, figsize=(n * 1.0 + 1.4, k * 1.0 + 0.5), squeeze=False)
    for row in range(k):
        for col in range(n):
            _show(axes[row, col], x[row * n + col])
        axes[row, 0].set_ylabel(classes[row], rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    fig.subplots_adjust(wspace=0.05, hspace=0.05)
    return _save(fig, path)


def plot_seed_math(images: dict[str, Tensor], path: Path, title: str) -> Path:
    """The book's seed arithmetic in one row: one image per expression (s1, s2, s1 + s2, …)."""
    x = list(images.values())
    return plot_grid(x, 1, len(x), path, title, captions=list(images))
