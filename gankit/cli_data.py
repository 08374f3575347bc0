"""`gankit data show` and `gankit data make-hdf5`: look at and prepare data sets (ch. 2, ch. 8).
Plain functions; gankit.cli registers them on the `data` sub-command.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

out = Console()


def data_show_cmd(
    spec: str = typer.Argument(..., help="data spec, e.g. mnist or fashion-mnist"),
    split: str = typer.Option("train", "--split", help="train | test"),
    out_file: Path = typer.Option(
        None, "--out", help="the PNG to write (default: SPEC-SPLIT.png, SPEC-SPLIT-grid.png)"
    ),
    grid: bool = typer.Option(
        False, "--grid", help="instead: images picked at random, laid out as a run's sample grid"
    ),
) -> None:
    """Summarise a data set and draw its first images with their labels (ch. 2); with --grid,
    real images in the grid a run draws its samples in, to set beside them."""
    from gankit.data import load_data
    from gankit.errors import GankitError
    from gankit.outputs import writable_file
    from gankit.viz.plots import plot_examples

    if out_file is not None:  # before the data loads: a bad path fails at once
        writable_file(out_file)
    ds = load_data(spec, split)
    if grid and not ds.is_image:
        raise GankitError(f"--grid: data '{spec}' holds vectors of shape {ds.shape}, not images")
    out.print(f"{ds.name} ({split}): {len(ds)} samples of shape {ds.shape}; {ds.note}")
    if ds.y is not None and ds.classes:
        counts = ds.y.bincount(minlength=ds.num_classes).tolist()
        out.print(
            "per class: " + ", ".join(f"{c}: {k}" for c, k in zip(ds.classes, counts, strict=True))
        )
    if ds.is_image:
        name = f"{spec.split(':')[0]}-{split}{'-grid' if grid else ''}"
        path = out_file or Path(f"{name}.png")
        if grid:
            real_grid(ds, path)
        else:
            plot_examples(ds, path)
        out.print(f"wrote {path}")
    else:
        out.print(f"first samples: {ds.x[:3].tolist()}")


def real_grid(ds, path: Path, seed: int = 0) -> None:
    """Real images picked at random (`seed`) in a run's sample-grid layout: 100 in rows of 10,
    enlarged 2× for images up to 32 px a side, else 64 in rows of 8, as samples/step-*.png.

    Example:
        >>> real_grid(load_data("mnist", "test"), Path("mnist-test-grid.png"))  # doctest: +SKIP
    """
    import torch

    from gankit.train.gan_job import grid_layout
    from gankit.viz.plots import save_grid

    n, nrow, scale = grid_layout(ds.shape)
    idx = torch.randperm(len(ds), generator=torch.Generator().manual_seed(seed))[:n]
    save_grid(ds.batch(idx).view(-1, *ds.shape), path, nrow, scale)  # (n, C, H, W) in [0, 1]


def data_make_hdf5_cmd(
    src: Path = typer.Argument(..., help="img_align_celeba.zip, or any zip or folder of images"),
    out_file: Path = typer.Argument(..., help="the HDF5 file to write, e.g. celeba.h5"),
    limit: int = typer.Option(0, "--limit", min=0, help="store at most N images (0: all)"),
    force: bool = typer.Option(False, "--force", help="overwrite OUT if it exists"),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
) -> None:
    """Pack a zip or folder of images into the book's HDF5 layout (ch. 8)."""
    from gankit.data.hdf5 import make_hdf5
    from gankit.outputs import writable_file

    if not out_file.exists():  # an existing file: make_hdf5 asks for --force first
        writable_file(out_file, "OUT", suffixes=())
    result = make_hdf5(src, out_file, limit=limit, force=force, progress=not quiet)
    out.print(
        f"wrote {result.written} images to {result.path}; skipped {result.skipped} files "
        "that are not readable images"
    )
    out.print(f"train on it with: gankit train gan-celeba-cnn --data celeba:{result.path}")
