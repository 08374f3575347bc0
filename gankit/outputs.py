"""Checks for the files and folders a command is told to write (`--out`), made before any work.

A figure that takes seconds to draw and then fails to save, with a traceback, is lost work; a
wrong suffix would fail inside the image library. Both become one line naming the path, before
the command draws anything.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from gankit.errors import GankitError
from gankit.runs import disk_error


def writable_file(path: Path, option: str = "--out", suffixes: tuple[str, ...] = (".png",)) -> Path:
    """`path` when a file can be written there (its folders made if need be); else GankitError.

    `suffixes` (lower case) are the endings accepted; empty accepts any. The disk is left as it
    was: the check removes what it made, and an existing file is the command's to overwrite.

    Example:
        >>> writable_file(Path("grid.txt"))
        Traceback (most recent call last):
        gankit.errors.GankitError: --out grid.txt: expected a .png file
    """
    path = Path(path)
    if suffixes and path.suffix.lower() not in suffixes:
        raise GankitError(f"{option} {path}: expected a {' or '.join(suffixes)} file")
    if path.is_dir():
        raise GankitError(f"{option} {path}: is a folder; expected a file name")
    if not path.exists():
        _probe(path)
    elif not os.access(path, os.W_OK):
        raise disk_error(PermissionError(errno.EACCES, "Permission denied", str(path)), path)
    return path


def writable_folder(path: Path) -> Path:
    """`path` when it is, or can be made, a folder that takes new files; else GankitError.
    Nothing is left made: the command's own writes make the folder.

    Example:
        >>> writable_folder(Path("/proc/figures"))  # doctest: +SKIP
        Traceback (most recent call last):
        gankit.errors.GankitError: /proc/figures: cannot write (No such file or directory)
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise GankitError(f"{path}: exists and is not a folder")
    _probe(path / ".gankit-write-check", shown=path)
    return path


def _probe(path: Path, shown: Path | None = None) -> None:
    """Create `path` (and its missing folders), then remove all of them again: a check that
    leaves the disk as it found it, which a bad command must. Errors name `shown` in place of
    `path` itself (a folder's probe file is no name the user gave)."""
    made = [p for p in (path, *path.parents) if not p.exists()]  # deepest first
    nearest = (path, *path.parents)[len(made)]  # the deepest part of the path that exists
    if not nearest.is_dir():
        raise GankitError(f"{shown or path}: cannot write ({nearest} is a file, not a folder)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as e:
        if shown is not None and e.filename == str(path):
            e.filename = str(shown)
        raise disk_error(e, path) from None
    finally:
        for p in made:
            if p.is_dir():
                p.rmdir()
            elif p.exists():
                p.unlink()
