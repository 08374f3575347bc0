"""`gankit data make-hdf5`: a zip or folder of images → the book's HDF5 layout (ch. 8).

Layout: group `img_align_celeba`, one dataset per image named `0.jpg`, `1.jpg`, … holding the
uint8 (H, W, 3) pixels, gzip level 9, exactly as the book packs `img_align_celeba.zip`. Files that
are not images or do not decode are skipped and counted. The file is written under a temporary
name and renamed at the end, so an interrupted run leaves no half-written OUT.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gankit.data.images import CELEBA_GROUP, decode, image_files
from gankit.errors import GankitError
from gankit.progress import progress_bar


@dataclass(frozen=True)
class PackResult:
    written: int  # images stored
    skipped: int  # image-named files that did not decode
    path: Path


def _all_files(src: Path) -> list[str]:
    """Every file in SRC (not only image-named ones), so non-images are counted as skipped."""
    if src.is_dir():
        return sorted(str(p.relative_to(src)) for p in src.rglob("*") if p.is_file())
    with zipfile.ZipFile(src) as archive:
        return sorted(n for n in archive.namelist() if not n.endswith("/"))


def make_hdf5(
    src: Path, out: Path, limit: int = 0, force: bool = False, progress: bool = True
) -> PackResult:
    """Pack the images of `src` (zip or folder), in name order, into `out` in the book's layout.

    `limit` > 0 stores at most that many images (the book keeps the first 20,000).

    Example:
        >>> make_hdf5(Path("img_align_celeba.zip"), Path("celeba.h5"), limit=20_000)  # doctest: +SKIP
        PackResult(written=20000, skipped=0, path=PosixPath('celeba.h5'))
    """
    import h5py  # a heavy optional import, kept lazy

    if out.exists() and not force:
        raise GankitError(f"{out}: exists; pass --force to overwrite it")
    if limit < 0:
        raise GankitError(f"--limit {limit}: expected 0 (all) or a positive number")
    names, read = image_files(src)  # errors clearly for a missing path or a non-zip file
    others = len(_all_files(src)) - len(names)  # files that are not images by name
    if not names:
        raise GankitError(f"{src}: no images found (jpg, jpeg, png, webp); {others} other files")
    target = min(limit, len(names)) if limit else len(names)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    written = bad = 0
    try:
        with h5py.File(tmp, "w") as f, progress_bar(target, f"packing {src.name}", progress) as bar:
            group = f.create_group(CELEBA_GROUP)
            for name in names:
                if written == target:
                    break
                try:
                    pixels = np.asarray(decode(read(name)).convert("RGB"), dtype=np.uint8)
                except (OSError, ValueError, zipfile.BadZipFile):
                    bad += 1
                    continue
                group.create_dataset(
                    f"{written}.jpg", data=pixels, compression="gzip", compression_opts=9
                )
                written += 1
                bar.update(completed=written + bad)
        if written == 0:
            raise GankitError(f"{src}: none of its {len(names)} image files could be decoded")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return PackResult(written, bad + others, out)
