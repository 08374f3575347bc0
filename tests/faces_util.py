"""Helpers for the face tests: small image zips, a private cache folder, one CPU thread."""

import io
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image


@pytest.fixture(autouse=True)
def face_env(tmp_path, monkeypatch):
    """A private GANKIT_CACHE, and one intra-op thread: tiny tensors on a shared 2-core machine
    run many times faster without waiting for a second thread at every layer."""
    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path / "cache"))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def pixels(i: int, h: int = 218, w: int = 178) -> np.ndarray:
    """A seeded random (h, w, 3) uint8 image; 218×178 is CelebA's size."""
    rng = np.random.default_rng(i)
    return (rng.random((h, w, 3)) * 255).astype(np.uint8)


def encoded(a: np.ndarray, fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, fmt)
    return buf.getvalue()


def make_zip(path, n=12, fmt="JPEG", extra=True):
    """n small images, plus (extra) a text file and a corrupt 'jpg' that make-hdf5 skips."""
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    with zipfile.ZipFile(path, "w") as z:
        for i in range(n):
            z.writestr(f"img_align_celeba/{i:06d}.{ext}", encoded(pixels(i), fmt))
        if extra:
            z.writestr("img_align_celeba/notes.txt", "not an image")
            z.writestr("img_align_celeba/broken.jpg", b"\xff\xd8 truncated")
    return path


def export_toy_faces(folder, n: int = 1000, size: int = 64):
    """The first n toy faces as PNG files in `folder` (face-0000.png …): a user's own folder of
    pictures, read back through `images:DIR` like any other. Returns the folder."""
    from pathlib import Path

    from gankit.data.faces import toy_faces

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    x = toy_faces(str(n), "train", size).x  # (n, 3, S, S) uint8
    for i, img in enumerate(x.permute(0, 2, 3, 1).numpy()):
        Image.fromarray(img).save(folder / f"face-{i:04d}.png")
    return folder
