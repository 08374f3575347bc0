"""Bad inputs that are binary or need a library to write (IDX, HDF5, images, zips, checkpoints,
run folders). cases.txt names one as `{make:NAME}`; each maker writes into a fresh folder and
returns the path the case uses. A new one is one function with `@maker("NAME")`.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

MAKERS: dict[str, Callable[[Path], Path]] = {}


def maker(name: str):
    def wrap(fn):
        MAKERS[name] = fn
        return fn

    return wrap


# ----------------------------------------------------------------------------- IDX folders


def _idx(array: np.ndarray) -> bytes:
    dims = b"".join(struct.pack(">I", d) for d in array.shape)
    return bytes([0, 0, 0x08, array.ndim]) + dims + array.astype(np.uint8).tobytes()


def _idx_dir(
    tmp: Path, images: bytes | None = None, labels: bytes | None = None, n: int = 12
) -> Path:
    """A folder of train IDX files; `images`/`labels` replace the well-formed bytes."""
    d = tmp / "idx"
    d.mkdir()
    rng = np.random.default_rng(0)
    good_images, good_labels = _idx(rng.integers(0, 256, (n, 28, 28))), _idx(np.arange(n) % 10)
    (d / "train-images-idx3-ubyte").write_bytes(good_images if images is None else images)
    if labels != b"missing":
        (d / "train-labels-idx1-ubyte").write_bytes(good_labels if labels is None else labels)
    return d


@maker("idx-bad-magic")
def _(tmp):
    return _idx_dir(tmp, images=b"\x12\x34\x56\x78" + bytes(100))


@maker("idx-float-type")
def _(tmp):
    return _idx_dir(tmp, images=bytes([0, 0, 0x0D, 3]) + bytes(100))  # 0x0D: float32


@maker("idx-empty-file")
def _(tmp):
    return _idx_dir(tmp, images=b"")


@maker("idx-truncated-header")
def _(tmp):
    return _idx_dir(tmp, images=bytes([0, 0, 8, 3]) + struct.pack(">I", 12))


@maker("idx-truncated-data")
def _(tmp):
    return _idx_dir(tmp, images=_idx(np.zeros((12, 28, 28)))[:-100])


@maker("idx-broken-gzip")
def _(tmp):
    d = _idx_dir(tmp)
    (d / "train-images-idx3-ubyte").unlink()
    (d / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(_idx(np.zeros((12, 28, 28))))[:20])
    return d


@maker("idx-wrong-image-size")
def _(tmp):
    return _idx_dir(tmp, images=_idx(np.zeros((12, 10, 10))))


@maker("idx-flat-images")
def _(tmp):
    return _idx_dir(tmp, images=_idx(np.zeros((12, 784))))


@maker("idx-count-mismatch")
def _(tmp):
    return _idx_dir(tmp, labels=_idx(np.arange(7) % 10))


@maker("idx-missing-labels")
def _(tmp):
    return _idx_dir(tmp, labels=b"missing")


@maker("idx-label-12")
def _(tmp):
    return _idx_dir(tmp, labels=_idx(np.full(12, 12)))


# ----------------------------------------------------------------------------- images, zips, HDF5


def _png_bytes(size: int = 8) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


@maker("png-file")
def _(tmp):
    (tmp / "face.png").write_bytes(_png_bytes())
    return tmp / "face.png"


@maker("truncated-png")
def _(tmp):
    (tmp / "face.png").write_bytes(_png_bytes()[:40])
    return tmp / "face.png"


@maker("folder-of-pngs")
def _(tmp):
    d = tmp / "faces"
    d.mkdir()
    for i in range(3):
        (d / f"{i}.png").write_bytes(_png_bytes())
    return d


@maker("empty-folder")
def _(tmp):
    (tmp / "nothing").mkdir()
    return tmp / "nothing"


@maker("zip-of-pngs")
def _(tmp):
    with zipfile.ZipFile(tmp / "faces.zip", "w") as z:
        for i in range(3):
            z.writestr(f"{i}.png", _png_bytes())
    return tmp / "faces.zip"


@maker("zip-of-text")
def _(tmp):
    with zipfile.ZipFile(tmp / "notes.zip", "w") as z:
        z.writestr("readme.txt", "no images here")
    return tmp / "notes.zip"


@maker("zip-truncated")
def _(tmp):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("0.png", _png_bytes())
    (tmp / "faces.zip").write_bytes(buf.getvalue()[:50])
    return tmp / "faces.zip"


@maker("zip-with-broken-png")
def _(tmp):
    with zipfile.ZipFile(tmp / "faces.zip", "w") as z:
        for i in range(12):
            z.writestr(f"{i}.png", _png_bytes() if i != 5 else b"\x89PNG broken")
    return tmp / "faces.zip"


def _h5(tmp: Path, fill) -> Path:
    import h5py

    path = tmp / "faces.h5"
    with h5py.File(path, "w") as f:
        fill(f)
    return path


@maker("h5-empty")
def _(tmp):
    return _h5(tmp, lambda f: None)


@maker("h5-wrong-group")
def _(tmp):
    return _h5(tmp, lambda f: f.create_group("faces").create_dataset("1.jpg", data=np.zeros(3)))


@maker("h5-empty-group")
def _(tmp):
    return _h5(tmp, lambda f: f.create_group("img_align_celeba"))


@maker("h5-float-images")
def _(tmp):
    def fill(f):
        g = f.create_group("img_align_celeba")
        for i in range(12):
            g.create_dataset(f"{i}.jpg", data=np.zeros((20, 20, 3), dtype=np.float32))

    return _h5(tmp, fill)


@maker("text-as-h5")
def _(tmp):
    (tmp / "faces.h5").write_text("not hdf5")
    return tmp / "faces.h5"


# ----------------------------------------------------------------------------- run folders


def _run(tmp: Path, recipe: str = "gan-1010") -> Path:
    """A run folder as `gankit train` writes it, without training: config, G's file, no checkpoint."""
    from gankit.recipes import get_recipe
    from gankit.runs import RunFolder
    from gankit.train.build import build_generator_from

    cfg = get_recipe(recipe).config
    run = RunFolder.create(tmp / "run", cfg, "cpu", False, {"data_shape": [4], "classes": []})
    run.save_generator(build_generator_from(cfg, (4,), 0), cfg)
    return run.path


def _run_with_checkpoint(tmp: Path, write) -> Path:
    path = _run(tmp)
    write(path / "checkpoints" / "last.pt")
    return path


@maker("run")
def _(tmp):
    return _run(tmp)


class _Payload:
    def __reduce__(self):  # unpickling would run print(); weights_only refuses it unrun
        return (print, ("this checkpoint ran code",))


@maker("ckpt-code-executing")
def _(tmp):
    return _run_with_checkpoint(tmp, lambda p: torch.save({"G": _Payload(), "step": 1}, p))


@maker("ckpt-garbage")
def _(tmp):
    return _run_with_checkpoint(tmp, lambda p: p.write_bytes(b"\x00garbage" * 50))


@maker("ckpt-empty")
def _(tmp):
    return _run_with_checkpoint(tmp, lambda p: p.write_bytes(b""))


@maker("ckpt-truncated")
def _(tmp):
    def write(p):
        torch.save({"step": 1, "G": {"w": torch.zeros(1000)}}, p)
        p.write_bytes(p.read_bytes()[:600])

    return _run_with_checkpoint(tmp, write)


@maker("ckpt-a-tensor")
def _(tmp):
    return _run_with_checkpoint(tmp, lambda p: torch.save(torch.zeros(3), p))


@maker("ckpt-missing-keys")
def _(tmp):
    return _run_with_checkpoint(tmp, lambda p: torch.save({"step": 3}, p))


@maker("ckpt-wrong-shapes")
def _(tmp):
    def write(p):
        from gankit.recipes import get_recipe
        from gankit.train.build import build_gan

        gan = build_gan(get_recipe("gan-1010").config, (4,), 0, "cpu")
        g = {k: torch.zeros(7, *v.shape[1:]) for k, v in gan.G.state_dict().items()}
        state = {"G": g, "D": gan.D.state_dict(), "opt_g": gan.opt_g.state_dict()}
        state.update(opt_d=gan.opt_d.state_dict(), step=1, acc=torch.zeros(4))
        torch.save({**state, "acc_count": 0, "elapsed": 0.0}, p)

    return _run_with_checkpoint(tmp, write)


@maker("run-broken-generator")
def _(tmp):
    path = _run(tmp)
    (path / "generator.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    return path


@maker("run-no-generator")
def _(tmp):
    path = _run(tmp)
    (path / "generator.safetensors").unlink()
    return path


@maker("run-config-not-json")
def _(tmp):
    path = _run(tmp)
    (path / "config.json").write_text('{"gankit_version": "0.1.0", "config": ')
    return path


def _edit_config(tmp: Path, edit) -> Path:
    path = _run(tmp)
    doc = json.loads((path / "config.json").read_text())
    edit(doc)
    (path / "config.json").write_text(json.dumps(doc))
    return path


@maker("run-config-unknown-key")
def _(tmp):
    return _edit_config(tmp, lambda d: d["config"]["train"].update(warp_speed=9))


@maker("run-config-no-shape")
def _(tmp):
    return _edit_config(tmp, lambda d: d.pop("data_shape"))


@maker("run-config-unknown-generator")
def _(tmp):
    return _edit_config(tmp, lambda d: d["config"]["model"].update(generator="transformer"))
