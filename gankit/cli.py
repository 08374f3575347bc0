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

from gankit import cli_data, cli_seeds
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


# the seed explorations (ch. 7) and the data commands live in gankit.cli_seeds and cli_data
app.command("sample")(cli_seeds.sample_cmd)


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


app.command("interpolate")(cli_seeds.interpolate_cmd)
app.command("seed-math")(cli_seeds.seed_math_cmd)


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
    from gankit.outputs import writable_folder

    if out_dir is not None:
        writable_folder(out_dir)
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
    truncation: float = typer.Option(
        None, "--truncation", help="scale G's seeds by this (0, 1] (default: the run's)"
    ),
    repeats: int = typer.Option(
        1, "--repeats", min=1, help="score this many independent draws: mean ± their spread"
    ),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Score a run against held-out data beside the real-vs-real floor; writes RUN/eval.json."""
    from gankit.api import load_run
    from gankit.metrics import evaluate
    from gankit.metrics.evaluate import small_n_warning, table_rows

    run = run_dir if truncation is None else load_run(run_dir, truncation=truncation)
    doc = evaluate(
        run, n=n, against=against, features=features, seed=seed, progress=not quiet,
        repeats=repeats,
    )  # fmt: skip
    warning = small_n_warning(doc)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    extra = f", features: {doc['features']}" if "features" in doc else ""
    if doc.get("truncation", 1.0) != 1.0:
        extra += f", seeds × {doc['truncation']:g}"
    if "repeats" in doc:
        extra += f"; mean ± sd of {doc['repeats']['count']} draws (classes: the worst draw)"
    table = Table(title=f"{run_dir}: n = {doc['n']:,} against {doc['data']} (test){extra}")
    for col in ("metric", "run", "floor (train vs test)", "better"):
        table.add_column(col, justify="left" if col in ("metric", "better") else "right")
    for row in table_rows(doc):
        table.add_row(*row)
    out.print(table)
    out.print(f"wrote {Path(run_dir) / 'eval.json'}")


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


data_app.command("show")(cli_data.data_show_cmd)
data_app.command("make-hdf5")(cli_data.data_make_hdf5_cmd)


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
