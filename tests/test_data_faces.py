"""toy-faces: deterministic, varied, prefix-stable, cached when slow; and the data.size resize."""

import numpy as np
import pytest
import torch

from gankit.data import cache as cache_mod
from gankit.data import load_data
from gankit.data.dataset import resize_images
from gankit.errors import GankitError
from tests.faces_util import face_env  # noqa: F401  (autouse)


def test_toy_faces_are_deterministic_and_prefixes_agree():
    a = load_data("toy-faces:300", "train", size=32)
    b = load_data("toy-faces:300", "train", size=32)
    small = load_data("toy-faces:40", "train", size=32)
    assert a.shape == (3, 32, 32) and len(a) == 300 and a.x.dtype == torch.uint8
    assert torch.equal(a.x, b.x)
    assert torch.equal(small.x, a.x[:40])  # toy-faces:N is the first N faces


def test_toy_faces_vary_and_test_split_differs():
    train = load_data("toy-faces:200", "train", size=32).x.float() / 255
    test = load_data("toy-faces:200", "test", size=32)
    assert len(test) == 20
    assert not torch.equal(test.x, load_data("toy-faces:200", "train", size=32).x[:20])
    # colours differ between faces: the per-image mean colour spreads widely, per channel
    per_image = train.mean(dim=(2, 3))  # (N, 3)
    assert (per_image.std(dim=0) > 0.04).all()
    # a face in the middle, background at the corners: centre pixels differ from corner pixels
    centre = train[:, :, 14:18, 14:18].mean(dim=(2, 3))
    corner = train[:, :, :3, :3].mean(dim=(2, 3))
    assert (centre - corner).abs().mean() > 0.1
    # no two faces are the same image
    flat = train.flatten(1)
    distances = torch.cdist(flat[:50], flat[:50]) + torch.eye(50) * 1e9
    assert distances.min() > 1.0


def test_toy_faces_default_size_is_the_book_crop():
    assert load_data("toy-faces:2", "train").shape == (3, 128, 128)


@pytest.mark.parametrize("spec", ["toy-faces:abc", "toy-faces:0", "toy-faces:-5"])
def test_toy_faces_bad_count(spec):
    with pytest.raises(GankitError, match="expected a number of faces"):
        load_data(spec)


def test_slow_decodes_are_cached_on_disk_and_memory_mapped(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "SLOW_SECONDS", 0.0)  # every decode counts as slow
    first = load_data("toy-faces:30", "train", size=16)
    assert "cached in" in first.note
    files = list((tmp_path / "cache").glob("toy-faces-*.npy"))
    assert len(files) == 1 and not list((tmp_path / "cache").glob("*.tmp"))
    again = load_data("toy-faces:30", "train", size=16)
    assert "memory-mapped from the cache" in again.note
    assert torch.equal(first.x, again.x)


def test_large_arrays_decode_straight_into_a_memory_mapped_file(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "RAM_LIMIT", 1000)  # 1 kB: anything is "large"
    ds = load_data("toy-faces:10", "train", size=16)
    assert "memory-mapped" in ds.note
    small = cache_mod.cached_uint8("t", "k", (2, 2), lambda a: a.fill(3), "t")[0]
    assert small.tolist() == [[3, 3], [3, 3]]


def test_resize_images_keeps_flat_colours_and_shapes():
    x = torch.full((3, 3, 20, 20), 200, dtype=torch.uint8)
    y = resize_images(x, 8)
    assert y.shape == (3, 3, 8, 8) and bool((y == 200).all())
    mnist_like = load_data("pattern-1010")  # vectors are never resized
    assert mnist_like.shape == (4,)


def test_negative_size_is_refused():
    with pytest.raises(GankitError, match="data.size"):
        load_data("toy-faces:2", size=-1)


def test_cache_array_is_uint8_numpy_compatible():
    x, note = cache_mod.cached_uint8("u", "v", (1, 3, 2, 2), lambda a: a.fill(9), "u")
    assert x.dtype == torch.uint8 and note.startswith("decoded into memory")
    assert np.asarray(x).sum() == 9 * 12
