"""The figures of a trained generator, drawn once for the command line and for notebooks alike.

`gankit sample --book`, `--per-label`, `gankit interpolate` and `gankit seed-math` write these to a
file; `Run.show(...)`, `Run.show_walk(...)` and `Run.show_seed_math(...)` draw the same pixels into a
buffer and display them. Each function takes `target`: a file path or a binary buffer.

Example:
    >>> buf = io.BytesIO(); walk_figure(run, buf, 0, 1)  # doctest: +SKIP
"""

from __future__ import annotations

from torch import Tensor

from gankit import seeds
from gankit.errors import GankitError
from gankit.viz import seeds as seed_plots


def grid_layout(n: int, side: int) -> tuple[int, int]:
    """(images per row, enlargement) of the plain grid of n images `side` pixels wide.

    Example:
        >>> grid_layout(16, 28)
        (4, 2)
    """
    return max(1, min(10, int(n**0.5 + 0.999))), 2 if side <= 32 else 1


def label_suffix(label: int | None) -> str:
    """The file-name part of a label: "-label3", or "" without one."""
    return f"-label{label}" if label is not None else ""


def label_name(run, label: int | None) -> str:
    """ ", label 3" (with the class name where it differs) for a conditional run; "" otherwise."""
    if not run.conditional:
        return ""
    chosen = 0 if label is None else label
    name = run.classes[chosen] if 0 <= chosen < len(run.classes) else str(chosen)
    return f", label {chosen}" + (f" ({name})" if name != str(chosen) else "")


def book_figure(run, target, seed: int = 0, label: int | None = None):
    """The book's 2×3 figure of six samples (ch. 7, 10); a conditional run shows label 0 by default."""
    if label is None and run.conditional:
        label = 0  # the book's figure shows one chosen label
    x = run.sample(6, seed=seed, label=label)
    if x.dim() != 4:
        raise GankitError(f"--book: run {run.path} makes vectors, not images")
    title = f"{run.config.recipe}: seed {seed}{label_name(run, label)}"
    return seed_plots.plot_grid(x, 2, 3, target, title)


def per_label_figure(run, target, seed: int = 0):
    """One row of eight samples per class, the same seeds in every row (ch. 10)."""
    x = seeds.per_label(run, 8, seed)
    title = f"{run.config.recipe}: one row per class (seed {seed})"
    return seed_plots.plot_per_label(x, run.classes, target, title)


def walk_layout(steps: int) -> tuple[int, int]:
    """(rows, columns) of a walk: the book's 3×4 for 12 images, otherwise up to 6 a row."""
    cols = 4 if steps == seeds.BOOK_STEPS else min(steps, 6)
    return (steps + cols - 1) // cols, cols


def walk_figure(run, target, seed_a=0, seed_b=1, steps=seeds.BOOK_STEPS, mode="linear", label=None):
    """The walk between two seeds (ch. 7) as a captioned grid of images."""
    x: Tensor = seeds.walk(run, seed_a, seed_b, steps, mode, label)
    if x.dim() != 4:
        raise GankitError(f"walk figure: run {run.path} makes vectors, not images")
    rows, cols = walk_layout(steps)
    captions = [f"k={k}" for k in range(steps)]
    title = f"{mode} walk, seed {seed_a} → {seed_b}{label_name(run, label)}"
    return seed_plots.plot_grid(x, rows, cols, target, title, captions)


def seed_math_figure(run, target, seed_a: int = 0, seed_b: int = 1, label: int | None = None):
    """s1, s2, s1 + s2, s1 − s2, s1 · s2 in one row (ch. 7), as images."""
    images = seeds.arithmetic(run, seed_a, seed_b, label)
    if next(iter(images.values())).dim() != 3:
        raise GankitError(f"seed-math figure: run {run.path} makes vectors, not images")
    title = f"seed arithmetic, s1 = seed {seed_a}, s2 = seed {seed_b}{label_name(run, label)}"
    return seed_plots.plot_seed_math(images, target, title)
