"""Each face recipe trains a few steps on a small HDF5, a folder and a zip (tiny models, 64×64)."""

import zipfile

import pytest
import torch

import gankit
from gankit.cli import main
from gankit.data.hdf5 import make_hdf5
from gankit.recipes import get_recipe
from tests.faces_util import face_env, make_zip  # noqa: F401  (face_env: autouse)

TINY = {
    "gan-celeba-mlp": ["model.g.hidden=[8]", "model.d.hidden=8"],
    "gan-celeba-cnn": ["model.g.channels=4", "model.d.channels=4"],
    "gan-celeba-cnn-gelu": ["model.g.channels=4", "model.d.channels=4"],
    "dcgan-faces64": ["model.g.width=4", "model.d.width=4"],
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    root = tmp_path_factory.mktemp("faces")
    src = make_zip(root / "faces.zip", n=6, extra=False)
    folder = root / "folder"
    zipfile.ZipFile(src).extractall(folder)
    make_hdf5(src, root / "faces.h5", progress=False)
    return {"h5": f"celeba:{root / 'faces.h5'}", "zip": f"images:{src}", "dir": f"images:{folder}"}


@pytest.mark.parametrize("source", ["h5", "zip", "dir"])
@pytest.mark.parametrize("recipe", sorted(TINY))
def test_face_recipe_trains_on_each_source(recipe, source, sources, tmp_path):
    run = gankit.train(
        recipe,
        data=sources[source],
        out=tmp_path / "run",
        steps=2,
        batch_size=2,
        set=[*TINY[recipe], "data.size=64", "train.sample_every=100", "model.latent_dim=8"],
        progress=False,
    )
    rows = run.metrics()
    assert rows[-1]["step"] == 2 and all(torch.isfinite(torch.tensor(r["d_loss"])) for r in rows)
    x = gankit.load_run(run.path).sample(2, seed=0)
    assert x.shape == (2, 3, 64, 64) and x.min() >= 0 and x.max() <= 1


def test_face_recipes_default_to_toy_faces_and_the_book_crop():
    for name in TINY:
        cfg = get_recipe(name).config
        assert cfg.data.spec == "toy-faces"
    assert get_recipe("dcgan-faces64").config.data.size == 64
    assert get_recipe("gan-celeba-cnn").config.data.size == 0  # 128, the book's crop


def test_cli_trains_a_face_recipe_and_reports_bad_data(tmp_path, capsys, sources):
    argv = ["train", "dcgan-faces64", "--data", "toy-faces:8", "--steps", "1", "--batch-size", "2"]
    argv += ["--out", str(tmp_path / "r"), "--quiet", "--set", "model.g.width=4"]
    assert main([*argv, "--set", "model.d.width=4", "--set", "data.size=16"]) == 0
    code = main(["train", "gan-celeba-cnn", "--data", f"celeba:{tmp_path / 'none.h5'}"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: ") and "not found" in err and "\n" not in err
