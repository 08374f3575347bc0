"""Folders, zips and the book's HDF5: make-hdf5 round trip, centre crop, splits, bad inputs."""

import zipfile

import h5py
import numpy as np
import pytest
import torch
from PIL import Image

from gankit.cli import main
from gankit.data import hdf5 as hdf5_mod
from gankit.data import load_data
from gankit.data.hdf5 import make_hdf5
from gankit.data.images import crop_and_resize, split_indices
from gankit.errors import GankitError
from tests.faces_util import face_env, make_zip, pixels  # noqa: F401  (face_env: autouse)


def test_make_hdf5_round_trips_pixels_in_the_book_layout(tmp_path):
    src = make_zip(tmp_path / "faces.zip", n=12, fmt="PNG")  # lossless: exact round trip
    result = make_hdf5(src, tmp_path / "celeba.h5", progress=False)
    assert (result.written, result.skipped) == (12, 2)
    with h5py.File(tmp_path / "celeba.h5") as f:
        group = f["img_align_celeba"]
        assert sorted(group.keys(), key=lambda k: int(k.split(".")[0])) == [
            f"{i}.jpg" for i in range(12)
        ]
        ds = group["3.jpg"]
        assert ds.dtype == np.uint8 and ds.shape == (218, 178, 3)
        assert ds.compression == "gzip" and ds.compression_opts == 9
        assert np.array_equal(ds[()], pixels(3))
    assert not list(tmp_path.glob("*.partial"))


def test_make_hdf5_limit_force_and_refusal(tmp_path):
    src = make_zip(tmp_path / "faces.zip", n=5)
    out = tmp_path / "c.h5"
    assert make_hdf5(src, out, limit=3, progress=False).written == 3
    with pytest.raises(GankitError, match="pass --force"):
        make_hdf5(src, out, progress=False)
    assert make_hdf5(src, out, force=True, progress=False).written == 5


def test_interrupted_make_hdf5_leaves_no_output(tmp_path, monkeypatch):
    src = make_zip(tmp_path / "faces.zip", n=6, extra=False)
    calls = {"n": 0}
    real_decode = hdf5_mod.decode

    def flaky(data):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real_decode(data)

    monkeypatch.setattr(hdf5_mod, "decode", flaky)
    with pytest.raises(KeyboardInterrupt):
        make_hdf5(src, tmp_path / "c.h5", progress=False)
    assert list(tmp_path.iterdir()) == [src]  # neither c.h5 nor a partial file


def test_celeba_folder_and_zip_agree_and_crop_the_centre(tmp_path):
    src = make_zip(tmp_path / "faces.zip", n=12, fmt="PNG", extra=False)
    folder = tmp_path / "folder"
    zipfile.ZipFile(src).extractall(folder)
    make_hdf5(src, tmp_path / "c.h5", progress=False)
    from_h5 = load_data(f"celeba:{tmp_path / 'c.h5'}")
    from_zip = load_data(f"images:{src}")
    from_dir = load_data(f"images:{folder}")
    assert from_h5.shape == (3, 128, 128) and len(from_h5) == 11  # one of 12 is the test split
    assert torch.equal(from_h5.x, from_zip.x) and torch.equal(from_zip.x, from_dir.x)
    first = int(split_indices(12, "train", "x")[0])
    expected = pixels(first)[45:173, 25:153].transpose(2, 0, 1)  # the central 128×128
    assert np.array_equal(from_h5.x[0].numpy(), expected)
    test = load_data(f"images:{src}", "test")
    assert len(test) == 1 and not any(torch.equal(test.x[0], x) for x in from_zip.x)


def test_resize_and_small_images(tmp_path):
    small = Image.fromarray(pixels(0, 60, 90))
    assert crop_and_resize(small).shape == (3, 128, 128)  # central 60×60 square, scaled up
    src = make_zip(tmp_path / "faces.zip", n=3, fmt="WEBP", extra=False)
    ds = load_data(f"images:{src}", size=64)
    assert ds.shape == (3, 64, 64) and len(ds) == 3
    with pytest.raises(GankitError, match="too few for a test split"):
        load_data(f"images:{src}", "test")


def test_a_folder_keeps_the_largest_side_the_pairs_draw(tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    for i in range(3):  # 100×100: not b·2ᵏ; 96 is the largest side under it that is
        Image.fromarray(pixels(i, 100, 100)).save(folder / f"{i}.png")
    assert load_data(f"images:{folder}").shape == (3, 96, 96)
    assert load_data(f"images:{folder}", size=48).shape == (3, 48, 48)  # data.size still rules


def _error(capsys, argv) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: ") and "\n" not in err, (code, err)
    return err


def test_bad_inputs_exit_2_with_one_line(tmp_path, capsys):
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr("readme.txt", "no images here")
    assert "no images found" in _error(
        capsys, ["data", "make-hdf5", str(empty), str(tmp_path / "o.h5")]
    )
    assert not (tmp_path / "o.h5").exists()
    assert "no images found" in _error(capsys, ["data", "show", f"images:{empty}"])
    nogroup = tmp_path / "nogroup.h5"
    with h5py.File(nogroup, "w") as f:
        f.create_group("something_else")
    assert "no group 'img_align_celeba'" in _error(capsys, ["data", "show", f"celeba:{nogroup}"])
    text = tmp_path / "fake.h5"
    text.write_text("not hdf5")
    assert "not an HDF5 file" in _error(capsys, ["data", "show", f"celeba:{text}"])
    assert "not found" in _error(capsys, ["data", "show", f"celeba:{tmp_path / 'missing.h5'}"])
    assert "not a folder or a zip" in _error(capsys, ["data", "show", f"images:{text}"])
    broken = make_zip(tmp_path / "broken.zip", n=2)
    assert "broken.jpg: not a readable image" in _error(
        capsys, ["data", "show", f"images:{broken}"]
    )
    assert "expected celeba:FILE.h5" in _error(capsys, ["data", "show", "celeba"])


def test_make_hdf5_cli(tmp_path, capsys):
    src = make_zip(tmp_path / "faces.zip", n=4)
    out = tmp_path / "c.h5"
    assert main(["data", "make-hdf5", str(src), str(out), "--quiet"]) == 0
    assert "wrote 4 images" in capsys.readouterr().out
    assert "--force" in _error(capsys, ["data", "make-hdf5", str(src), str(out), "--quiet"])
    assert (
        main(["data", "make-hdf5", str(src), str(out), "--force", "--limit", "2", "--quiet"]) == 0
    )
    with h5py.File(out) as f:
        assert len(f["img_align_celeba"]) == 2
