"""Decode once: uint8 image arrays kept in memory, or in a memory-mapped file when large or slow.

Decoding the book's per-image HDF5 (or thousands of JPEGs, or drawing 20,000 toy faces) takes far
longer than a training epoch's reads. `cached_uint8` decodes a data set once into one uint8 array
(N, C, H, W): in memory when it is small and quick, otherwise into `.npy` under the cache folder
(GANKIT_CACHE, default ~/.cache/gankit), memory-mapped and reused by later runs.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

RAM_LIMIT = 2 << 30  # bytes: larger arrays are decoded straight into a memory-mapped file
SLOW_SECONDS = 3.0  # a decode slower than this is saved for the next run


def cache_dir() -> Path:
    """$GANKIT_CACHE, or ~/.cache/gankit: decoded data sets and the feature CNNs live here."""
    return Path(os.environ.get("GANKIT_CACHE") or Path.home() / ".cache" / "gankit").expanduser()


def cache_key(*parts) -> str:
    """A short stable hash of the parts that decide the decoded pixels (path, mtime, size, …)."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cached_uint8(
    name: str,
    key: str,
    shape: tuple[int, ...],
    fill: Callable[[np.ndarray], None],
    what: str,
) -> tuple[torch.Tensor, str]:
    """The array `fill(out)` writes into `out` (uint8, `shape`), decoded once; returns (x, note).

    `note` says where the pixels live (memory or the cache file). A file is written under a
    temporary name and renamed, so an interrupted decode leaves nothing half-written behind.

    Example:
        >>> x, note = cached_uint8("demo", "k1", (2, 3, 4, 4), lambda a: a.fill(7), "demo")
        >>> int(x.sum()), note.startswith("decoded into memory")
        (672, True)
    """
    path = cache_dir() / f"{name}-{key}.npy"
    if path.exists():
        array = np.load(path, mmap_mode="c")  # copy-on-write: torch may index it freely
        if tuple(array.shape) == tuple(shape) and array.dtype == np.uint8:
            return torch.from_numpy(array), f"memory-mapped from the cache {path}"
    nbytes = int(np.prod(shape))
    start = time.monotonic()
    if nbytes <= RAM_LIMIT:
        array = np.empty(shape, dtype=np.uint8)
        fill(array)
        seconds = time.monotonic() - start
        if seconds < SLOW_SECONDS:
            return torch.from_numpy(array), f"decoded into memory ({nbytes / 1e6:.0f} MB)"
        _save(path, array)
        return torch.from_numpy(array), f"decoded once in {seconds:.0f} s, cached in {path}"
    _say(f"decoding {what} once into {path} ({nbytes / 1e9:.1f} GB, memory-mapped)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
        fill(array)
        array.flush()
        del array
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return torch.from_numpy(np.load(path, mmap_mode="c")), f"memory-mapped from the cache {path}"


def _save(path: Path, array: np.ndarray) -> None:
    """Write `array` as .npy atomically; a cache that cannot be written is skipped, not fatal."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            np.save(f, array)
        os.replace(tmp, path)
        _say(f"cached the decoded images in {path}; later runs read it directly")
    except OSError as e:
        _say(f"warning: cannot write the cache {path} ({e}); decoding again next time")
    finally:
        tmp.unlink(missing_ok=True)
