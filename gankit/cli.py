"""The `gankit` command: parses, calls the library, prints. No training logic lives here.

Exit codes: 0 success; 2 bad input or usage (one line `error: …` on stderr); 1 unexpected failure;
130 interrupted (after saving a checkpoint).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
import typer
from rich.console import Console
from rich.table import Table

from gankit.errors import GankitError
from gankit.explain import TOPICS
from gankit.train.loop import Interrupted

HELP = "gankit: train, evaluate and explore GANs with PyTorch, from the book's first GAN onwards."

# typer ≥ 0.2x carries its own copy of click; accept either family of exceptions
_USAGE_ERRORS: tuple[type[Exception], ...] = (click.ClickException,)
_EXITS: tuple[type[Exception], ...] = (click.exceptions.Exit, typer.Exit)
_ABORTS: tuple[type[BaseException], ...] = (click.exceptions.Abort, typer.Abort, KeyboardInterrupt)
try:
    from typer._click.exceptions import ClickException as _VendoredClickException

    _USAGE_ERRORS += (_VendoredClickException,)
except ImportError:  # older typer: plain click
    pass

app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
data_app = typer.Typer(no_args_is_help=True, help="Look at and prepare data sets.")
app.add_typer(data_app, name="data")
out = Console()


@app.command("recipes")
def recipes_cmd() -> None:
    """List the recipes: name, chapter, data set, what each shows."""
    from gankit.recipes import all_recipes

    table = Table(title="gankit recipes")
    for col in ("recipe", "chapter", "data", "what it shows"):
        table.add_column(col, overflow="fold")
    for r in all_recipes():
        table.add_row(r.name, r.chapter, r.config.data.spec, r.shows)
    out.print(table)


@app.command("train")
def train_cmd(
    recipe: str = typer.Argument(..., help="a recipe name (see `gankit recipes`)"),
    data: str = typer.Option(None, "--data", help="data spec, e.g. mnist:mnist_train.csv"),
    out_dir: Path = typer.Option(None, "--out", help="run folder (default runs/<recipe>-<time>)"),
    epochs: int = typer.Option(None, "--epochs", min=1),
    steps: int = typer.Option(None, "--steps", min=1, help="optimiser steps instead of epochs"),
    batch_size: int = typer.Option(None, "--batch-size", min=1, help="per process (torchrun)"),
    device: str = typer.Option(None, "--device", help="auto | cpu | cuda"),
    seed: int = typer.Option(None, "--seed"),
    overrides: list[str] = typer.Option(None, "--set", help="key=value, e.g. train.lr_g=2e-4"),
    resume: bool = typer.Option(False, "--resume", help="continue the run in --out"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
    tensorboard: bool = typer.Option(
        False, "--tensorboard", help="also log to RUN/tensorboard (needs the tensorboard package)"
    ),
) -> None:
    """Train a recipe; writes a run folder with metrics, checkpoints, samples and plots."""
    from gankit.api import train
    from gankit.device import configure, resolve_device
    from gankit.train.distributed import from_env

    configure(resolve_device(device or "auto"))  # the command's process-wide speed settings
    run = train(
        recipe,
        data=data,
        out=out_dir,
        epochs=epochs,
        steps=steps,
        batch_size=batch_size,
        seed=seed,
        device=device,
        set=overrides or None,
        resume=resume,
        progress=not quiet,
        tensorboard=tensorboard,
    )
    if not from_env().main:
        return  # under torchrun, rank 0 alone reports
    out.print(f"run folder: {run.path}")
    rows = run.metrics()
    report = getattr(run, "report", None)  # a classifier run: its test accuracy
    if report:
        out.print(
            f"test accuracy {report['accuracy']:.2%} ({report['correct']:,}/{report['n']:,}), "
            f"{rows[-1]['seconds']:.1f} s"
        )
    elif rows:
        last = rows[-1]
        out.print(
            f"step {int(last['step'])}: D loss {last['d_loss']:.4f}, G loss {last['g_loss']:.4f},"
            f" {last['seconds']:.1f} s"
        )
        _say_how_good(run)


def _say_how_good(run) -> None:
    """The final grid's path and, when the data's feature CNN is cached, a few seconds' verdict."""
    from gankit.metrics.quick import quick_verdict

    grids = sorted((run.path / "samples").glob("step-*.png"))
    if grids:
        out.print(f"final samples: {grids[-1]}")
    if len(run.shape) != 3 or run.conditional:
        return
    verdict = quick_verdict(run)
    if verdict:
        out.print(verdict)
        out.print(f"full measurement beside the real-data floor: gankit evaluate {run.path}")
    else:
        out.print(f"how good is it? gankit evaluate {run.path} (FID, precision, recall, classes)")


@app.command("sample")
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
) -> None:
    """Draw samples from a trained generator into a PNG: a grid, one row per class, or the book's 2×3."""
    from gankit.api import load_run

    run = load_run(run_dir)
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

    path = out_file or run.path / "samples" / f"sample-seed{seed}{label_suffix(label)}.png"
    nrow, scale = grid_layout(n, x.shape[-1])
    save_grid(x, path, nrow=nrow, scale=scale)
    out.print(f"wrote {path}")


@app.command("report")
def report_cmd(run_dir: Path = typer.Argument(..., help="a run folder")) -> None:
    """Write RUN/report.html: config, loss curves, samples through training, evaluation."""
    from gankit.report import write_report

    out.print(f"wrote {write_report(run_dir)}")


@app.command("serve")
def serve_cmd(
    run_dir: Path = typer.Argument(..., help="a run folder"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (loopback)"),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
) -> None:
    """A local web page to explore a trained generator: samples, seeds, labels, interpolation."""
    from gankit.explorer import serve

    serve(run_dir, host=host, port=port)


def _print_vectors(x) -> None:
    for row in x.tolist():
        out.print(" ".join(f"{v:.3f}" for v in row))


def _sample_figure(run, seed: int, label, per_label: bool, out_file: Path | None) -> Path:
    from gankit.viz import run_figures as figures

    if per_label:
        path = out_file or run.path / "samples" / f"per-label-seed{seed}.png"
        return figures.per_label_figure(run, path, seed)
    if label is None and run.conditional:
        label = 0  # the book's figure shows one chosen label
    path = out_file or run.path / "samples" / f"book-seed{seed}{figures.label_suffix(label)}.png"
    return figures.book_figure(run, path, seed, label)


@app.command("interpolate")
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
    path = out_file or run.path / "samples" / name
    figures.walk_figure(run, path, seed_a, seed_b, steps, mode, label)
    out.print(f"wrote {path}")


@app.command("seed-math")
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
    path = out_file or run.path / "samples" / name
    figures.seed_math_figure(run, path, seed_a, seed_b, label)
    out.print(f"wrote {path}")


@app.command("explain")
def explain_cmd(
    topic: str = typer.Argument(..., help=f"one of: {', '.join(TOPICS)}"),
    out_dir: Path = typer.Option(
        None, "--out", help="folder for the figures (default explain/TOPIC)"
    ),
    size: int = typer.Option(None, "--in", help="conv-size: input pixels along one axis"),
    kernel: int = typer.Option(None, "--kernel", help="conv-size: kernel size"),
    stride: int = typer.Option(None, "--stride", help="conv-size: stride (default 1)"),
    padding: int = typer.Option(None, "--padding", help="conv-size: padding (default 0)"),
    transposed: bool = typer.Option(False, "--transposed", help="conv-size: ConvTranspose"),
    output_padding: int = typer.Option(None, "--output-padding", help="conv-size, transposed"),
    recipe: str = typer.Option(None, "--recipe", help="conv-size: a recipe's layers and shapes"),
    data: str = typer.Option(None, "--data", help="conv-size --recipe: another data spec"),
) -> None:
    """The book's demonstrations: a short explanation here, PNG figures in --out.

    Chapters: autograd 1, cuda 4; appendices: ideal-loss A, probability B, conv-size C, convergence D.
    """
    from gankit.explain import explain

    given = {
        "size": size,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
        "transposed": transposed or None,
        "output_padding": output_padding,
        "recipe": recipe,
        "data": data,
    }
    result = explain(topic, out_dir, out, **{k: v for k, v in given.items() if v is not None})
    for path in result.figures:
        out.print(f"wrote {path}")


@app.command("evaluate")
def evaluate_cmd(
    run_dir: Path = typer.Argument(..., help="a run folder"),
    n: int = typer.Option(
        None, "--n", min=2, help="samples, exactly (default 10,000 or what the data holds)"
    ),
    against: str = typer.Option(None, "--against", help="reference data spec (default: the run's)"),
    features: str = typer.Option(
        "auto",
        "--features",
        help="auto | cnn | pixels | run:DIR | fid-inception:FILE (paper FIDs) | inception:FILE",
    ),
    seed: int = typer.Option(0, "--seed", min=0),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Score a run against held-out data beside the real-vs-real floor; writes RUN/eval.json."""
    from gankit.metrics import evaluate
    from gankit.metrics.evaluate import small_n_warning, table_rows

    doc = evaluate(run_dir, n=n, against=against, features=features, seed=seed, progress=not quiet)
    warning = small_n_warning(doc)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    extra = f", features: {doc['features']}" if "features" in doc else ""
    table = Table(title=f"{run_dir}: n = {doc['n']:,} against {doc['data']} (test){extra}")
    for col in ("metric", "run", "floor (train vs test)", "better"):
        table.add_column(col, justify="left" if col in ("metric", "better") else "right")
    for row in table_rows(doc):
        table.add_row(*row)
    out.print(table)
    out.print(f"wrote {Path(run_dir) / 'eval.json'}")


@data_app.command("show")
def data_show_cmd(
    spec: str = typer.Argument(..., help="data spec, e.g. mnist or fashion-mnist"),
    split: str = typer.Option("train", "--split", help="train | test"),
    out_file: Path = typer.Option(None, "--out", help="PNG of the first images with labels"),
) -> None:
    """Summarise a data set and draw its first images with their labels (ch. 2)."""
    from gankit.data import load_data
    from gankit.viz.plots import plot_examples

    ds = load_data(spec, split)
    out.print(f"{ds.name} ({split}): {len(ds)} samples of shape {ds.shape}; {ds.note}")
    if ds.y is not None and ds.classes:
        counts = ds.y.bincount(minlength=ds.num_classes).tolist()
        out.print(
            "per class: " + ", ".join(f"{c}: {k}" for c, k in zip(ds.classes, counts, strict=True))
        )
    if ds.is_image:
        path = out_file or Path(f"{spec.split(':')[0]}-{split}.png")
        plot_examples(ds, path)
        out.print(f"wrote {path}")
    else:
        out.print(f"first samples: {ds.x[:3].tolist()}")


@data_app.command("make-hdf5")
def data_make_hdf5_cmd(
    src: Path = typer.Argument(..., help="img_align_celeba.zip, or any zip or folder of images"),
    out_file: Path = typer.Argument(..., help="the HDF5 file to write, e.g. celeba.h5"),
    limit: int = typer.Option(0, "--limit", min=0, help="store at most N images (0: all)"),
    force: bool = typer.Option(False, "--force", help="overwrite OUT if it exists"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Pack a zip or folder of images into the book's HDF5 layout (ch. 8)."""
    from gankit.data.hdf5 import make_hdf5

    result = make_hdf5(src, out_file, limit=limit, force=force, progress=not quiet)
    out.print(
        f"wrote {result.written} images to {result.path}; skipped {result.skipped} files "
        "that are not readable images"
    )
    out.print(f"train on it with: gankit train gan-celeba-cnn --data celeba:{result.path}")


@app.command("notebooks")
def notebooks_cmd(
    out_dir: Path = typer.Option(Path("notebooks"), "--out", help="folder for the .ipynb files"),
    force: bool = typer.Option(False, "--force", help="overwrite notebooks already there"),
) -> None:
    """Write the chapter notebooks as .ipynb (open them with: jupyter lab DIR)."""
    from gankit.notebook_export import write_notebooks

    paths = write_notebooks(out_dir, force=force)
    out.print(f"wrote {len(paths)} notebooks to {out_dir}; open them with: jupyter lab {out_dir}")
    out.print(
        'needs Jupyter: pip install "gankit\\[notebooks]"; GANKIT_SMOKE=1 runs them in seconds'
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and map failures to exit codes (see module docstring)."""
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="gankit", standalone_mode=False)
    except _EXITS as e:
        return e.exit_code
    except _USAGE_ERRORS as e:  # usage errors: unknown option, bad value, missing argument
        if type(e).__name__ == "NoArgsIsHelpError":
            return 0  # a bare `gankit` or `gankit data`: the help is already printed
        print(f"error: {e.format_message()}", file=sys.stderr)
        return 2
    except GankitError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Interrupted as e:
        from gankit.train.distributed import from_env

        if from_env().main:  # under torchrun, rank 0 holds the run folder and reports
            print(f"{e}; continue with: gankit train … --out {e.path} --resume", file=sys.stderr)
        return 130
    except _ABORTS:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
