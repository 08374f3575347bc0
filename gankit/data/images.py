"""Images from a folder, a zip or the book's CelebA HDF5 → uint8 (N, 3, S, S), centre-cropped.

The book crops CelebA's 218×178 faces to their central 128×128 (ch. 9). Every image here gets that
crop, then an optional resize to `data.size`. Without one, CelebA stays at 128 and a folder keeps
its own resolution: the central square of its first image's side, at most 128 (64×64 pictures
stay 64×64), rounded down to a side the convolutional pairs draw (100×100 pictures become
96×96). Decoding happens once (see gankit.data.cache). The test split is a fixed, seeded tenth.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gankit.data.cache import cache_key, cached_uint8
from gankit.data.dataset import Dataset
from gankit.errors import GankitError
from gankit.progress import progress_bar

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp")
CROP = 128  # the book's centre crop (ch. 9)
CELEBA_GROUP = "img_align_celeba"  # the book's HDF5 layout (ch. 8)
VERSION = 2  # bump when the pixels produced change: old caches are then ignored


def crop_and_resize(img: Image.Image, size: int = 0) -> np.ndarray:
    """The central 128×128 of an image, optionally resized to size × size: uint8 (3, S, S).

    Example:
        >>> crop_and_resize(Image.new("RGB", (178, 218)), size=64).shape
        (3, 64, 64)
    """
    img = img.convert("RGB")
    w, h = img.size
    side = min(CROP, w, h)  # smaller than the crop: the largest central square
    left, top = (w - side) // 2, (h - side) // 2
    img = img.crop((left, top, left + side, top + side))
    target = size or CROP
    if side != target:
        method = Image.Resampling.BOX if side > target else Image.Resampling.BICUBIC
        img = img.resize((target, target), method)
    return np.asarray(img, dtype=np.uint8).transpose(2, 0, 1)


def split_indices(n: int, split: str, where: str) -> np.ndarray:
    """Sorted indices of `split`: the test split is a seeded tenth (at least 1 of ≥ 10 images)."""
    if n < 10:
        if split == "test":
            held = "1 image is" if n == 1 else f"{n} images are"
            raise GankitError(f"{where}: {held} too few for a test split; need at least 10")
        return np.arange(n)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(0)).numpy()
    cut = max(1, n // 10)
    return np.sort(perm[:cut] if split == "test" else perm[cut:])


# ----------------------------------------------------------------------------- folders and zips


def _is_image_name(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name.lower().endswith(IMAGE_EXTS) and not base.startswith(".") and "__MACOSX" not in name


def image_files(path: Path) -> tuple[list[str], Callable[[str], bytes]]:
    """The image names in a folder (recursive) or zip, sorted, and a function reading one's bytes."""
    if path.is_dir():
        names = sorted(
            str(p.relative_to(path))
            for p in path.rglob("*")
            if p.is_file() and _is_image_name(p.name)
        )
        return names, lambda name: (path / name).read_bytes()
    if not path.exists():
        raise GankitError(f"{path}: not found; expected a folder or a .zip of images")
    if not zipfile.is_zipfile(path):
        raise GankitError(f"{path}: not a folder or a zip file of images")
    archive = zipfile.ZipFile(path)
    names = sorted(n for n in archive.namelist() if not n.endswith("/") and _is_image_name(n))
    return names, archive.read


def decode(data: bytes) -> Image.Image:
    """Decode image bytes fully (so a truncated file fails here, not later); OSError if unreadable."""
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def read_images(path: Path, split: str, size: int = 0) -> Dataset:
    """`images:DIR|FILE.zip`: every jpg/png/webp, centre-cropped to a square of the images' own
    side up to 128 (the first image's; others are scaled to it), or resized to `size`.

    Example:
        >>> ds = read_images(Path("faces.zip"), "train", size=64)  # doctest: +SKIP
    """
    names, read = image_files(path)
    if not names:
        raise GankitError(f"{path}: no images found; expected {', '.join(IMAGE_EXTS)} files")
    chosen = [names[i] for i in split_indices(len(names), split, str(path))]
    side = size or _own_side(path, names[0], read)

    def fill(out: np.ndarray) -> None:
        for i, name in _progress(chosen, f"decoding {path.name}"):
            try:
                img = decode(read(name))
            except (OSError, ValueError, zipfile.BadZipFile) as e:
                raise GankitError(
                    f"{path}/{name}: not a readable image ({type(e).__name__}); remove it, or pack "
                    "the images with `gankit data make-hdf5`, which skips such files"
                ) from None
            out[i] = crop_and_resize(img, side)

    stat = path.stat()
    key = cache_key(VERSION, str(path.resolve()), stat.st_mtime_ns, stat.st_size, split, side)
    x, where = cached_uint8("images", key, (len(chosen), 3, side, side), fill, str(path))
    note = f"{len(chosen)} images from {path} ({split}), centre-cropped, {side}×{side}; {where}"
    return Dataset("images", x, note=note)


def _own_side(path: Path, name: str, read: Callable[[str], bytes]) -> int:
    """The side a folder's images keep when data.size is 0: the first image's shorter side, at
    most the book's 128 crop (reading the header only), rounded down to a side the
    convolutional pairs draw (100 → 96, 30 → 28), so that `gankit train images` runs on any
    folder without a data.size."""
    from gankit.models.layers import drawable_side

    try:
        w, h = Image.open(io.BytesIO(read(name))).size
    except (OSError, ValueError) as e:
        raise GankitError(f"{path}/{name}: not a readable image ({type(e).__name__})") from None
    return drawable_side(min(CROP, w, h))


def _progress(items: list, what: str) -> Iterator[tuple[int, object]]:
    """enumerate(items) with a progress bar on stderr when there are many."""
    with progress_bar(len(items), what, enabled=len(items) >= 2000) as bar:
        for i, item in enumerate(items):
            yield i, item
            if i % 200 == 199:
                bar.update(completed=i + 1)
        bar.update(completed=len(items))


# ----------------------------------------------------------------------------- the book's HDF5


def _numbered(name: str) -> tuple[int, str]:
    """Sort key: "10.jpg" after "9.jpg"."""
    stem = name.split(".", 1)[0]
    return (int(stem), name) if stem.isdigit() else (1 << 62, name)


def open_celeba_group(path: Path):
    """(h5py file, the `img_align_celeba` group, sorted dataset names), or a one-line error."""
    import h5py  # a heavy optional import, kept lazy

    if not path.is_file():
        raise GankitError(f"{path}: not found; expected the book's HDF5 (gankit data make-hdf5)")
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise GankitError(f"{path}: not an HDF5 file") from None
    if CELEBA_GROUP not in f or not isinstance(f[CELEBA_GROUP], h5py.Group):
        f.close()
        raise GankitError(
            f"{path}: no group '{CELEBA_GROUP}'; expected the book's layout (one dataset per image)"
        )
    group = f[CELEBA_GROUP]
    return f, group, sorted(group.keys(), key=_numbered)


def read_celeba_h5(path: Path, split: str, size: int = 0) -> Dataset:
    """`celeba:FILE.h5`: the book's group of (H, W, 3) uint8 images, centre-cropped like ch. 9.

    Example:
        >>> ds = read_celeba_h5(Path("celeba_aligned_small.h5py"), "train")  # doctest: +SKIP
    """
    f, group, names = open_celeba_group(path)
    with f:
        if not names:
            raise GankitError(f"{path}: group '{CELEBA_GROUP}' holds no images")
        chosen = [names[i] for i in split_indices(len(names), split, str(path))]
        side = size or CROP

        def fill(out: np.ndarray) -> None:
            for i, name in _progress(chosen, f"decoding {path.name}"):
                array = group[name][()]
                if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
                    raise GankitError(
                        f"{path}: dataset '{name}' is {array.dtype} {array.shape}; "
                        "expected a uint8 (H, W, 3) image"
                    )
                out[i] = crop_and_resize(Image.fromarray(array), size)

        stat = path.stat()
        key = cache_key(VERSION, str(path.resolve()), stat.st_mtime_ns, stat.st_size, split, side)
        x, where = cached_uint8("celeba", key, (len(chosen), 3, side, side), fill, str(path))
    note = (
        f"{len(chosen)} CelebA images from {path} ({split}), centre-cropped, {side}×{side}; {where}"
    )
    return Dataset("celeba", x, note=note)
