"""The `gankit` commands that explore a trained generator's seeds (ch. 7): sample, interpolate
and seed-math. Plain functions; gankit.cli registers them on the app.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from gankit.errors import GankitError
from gankit.outputs import writable_file

out = Console()


def sample_cmd(
    run_dir: Path = typer.Argument(..., help="a run folder"),
    n: int = typer.Option(16, "--n", min=1, max=1024),
    label: int = typer.Option(None, "--label", help="class to draw (conditional runs)"),
    seed: int = typer.Option(0, "--seed", help="integer seed, 0 … 2^63 − 1"),
    per_label: bool = typer.Option(
        False, "--per-label", help="conditional runs: one row of 8 per class, named"
    ),
    book: bool = typer.Option(False, "--book", help="the book's 2×3 figure (of --label)"),
    out_file: Path = typer.Option(
        None, "--out", help="PNG file (default RUN/samples/sample-….png)"
    ),
    truncation: float = typer.Option(
        None, "--truncation", help="scale seeds by this (0, 1] (default: the run's; 1: as trained)"
    ),
) -> None:
    """Draw samples from a trained generator into a PNG: a grid, one row per class, or the book's 2×3."""
    from gankit.api import load_run

    run = load_run(run_dir, truncation=truncation)
    if per_label and (book or label is not None):
        raise GankitError("--per-label draws every class; drop --book and --label")
    if per_label or book:
        path = _sample_figure(run, seed, label, per_label, out_file)
        out.print(f"wrote {path}")
        return
    x = run.sample(n, seed=seed, label=label)
    if x.dim() != 4:
        _print_vectors(x)
        return
    from gankit.viz.plots import save_grid
    from gankit.viz.run_figures import grid_layout, label_suffix

    psi = "" if truncation is None else f"-psi{truncation:g}"
    path = out_file or run.path / "samples" / f"sample-seed{seed}{label_suffix(label)}{psi}.png"
    writable_file(path)
    nrow, scale = grid_layout(n, x.shape[-1])
    save_grid(x, path, nrow=nrow, scale=scale)
    out.print(f"wrote {path}")


def _print_vectors(x) -> None:
    for row in x.tolist():
        out.print(" ".join(f"{v:.3f}" for v in row))


def _sample_figure(run, seed: int, label, per_label: bool, out_file: Path | None) -> Path:
    from gankit.viz import run_figures as figures

    if per_label:
        path = writable_file(out_file or run.path / "samples" / f"per-label-seed{seed}.png")
        return figures.per_label_figure(run, path, seed)
    if label is None and run.conditional:
        label = 0  # the book's figure shows one chosen label
    name = f"book-seed{seed}{figures.label_suffix(label)}.png"
    path = writable_file(out_file or run.path / "samples" / name)
    return figures.book_figure(run, path, seed, label)


def interpolate_cmd(
    run_dir: Path = typer.Argument(..., help="a run folder"),
    seed_a: int = typer.Option(0, "--seed-a", help="integer seed of the first end"),
    seed_b: int = typer.Option(1, "--seed-b", help="integer seed of the other end"),
    steps: int = typer.Option(12, "--steps", help="images along the walk (the book: 12)"),
    mode: str = typer.Option("linear", "--mode", help="linear (the book's) | slerp"),
    label: int = typer.Option(None, "--label", help="class (conditional runs; default 0)"),
    out_file: Path = typer.Option(None, "--out", help="PNG (default RUN/samples/walk-….png)"),
) -> None:
    """Walk from one seed to another (ch. 7): s1 + (s2 − s1)·k/(steps − 1), as a grid."""
    from gankit import seeds
    from gankit.api import load_run
    from gankit.viz import run_figures as figures

    run = load_run(run_dir)
    if len(run.shape) != 3:  # vectors (the 1010 pattern, 2-D points): print them
        _print_vectors(seeds.walk(run, seed_a, seed_b, steps, mode, label))
        return
    name = f"walk-{mode}-{seed_a}-{seed_b}{figures.label_suffix(label)}.png"
    path = writable_file(out_file or run.path / "samples" / name)
    figures.walk_figure(run, path, seed_a, seed_b, steps, mode, label)
    out.print(f"wrote {path}")


def seed_math_cmd(
    run_dir: Path = typer.Argument(..., help="a run folder"),
    seed_a: int = typer.Option(0, "--seed-a", help="integer seed s1"),
    seed_b: int = typer.Option(1, "--seed-b", help="integer seed s2"),
    label: int = typer.Option(None, "--label", help="class (conditional runs; default 0)"),
    out_file: Path = typer.Option(None, "--out", help="PNG (default RUN/samples/seed-math-….png)"),
) -> None:
    """The book's seed arithmetic (ch. 7): images of s1, s2, s1 + s2, s1 − s2 and s1 · s2."""
    from gankit import seeds
    from gankit.api import load_run
    from gankit.viz import run_figures as figures

    run = load_run(run_dir)
    if len(run.shape) != 3:  # vectors: print them
        for name, v in seeds.arithmetic(run, seed_a, seed_b, label).items():
            out.print(f"{name:>8}: " + " ".join(f"{x:.3f}" for x in v.tolist()))
        return
    name = f"seed-math-{seed_a}-{seed_b}{figures.label_suffix(label)}.png"
    path = writable_file(out_file or run.path / "samples" / name)
    figures.seed_math_figure(run, path, seed_a, seed_b, label)
    out.print(f"wrote {path}")
