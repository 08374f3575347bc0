"""Classifier recipes through the shared loop: run folder, eval.json, plots, resume, CLI, errors."""

import json

import pytest
import torch

import gankit
from gankit.api import resolve_config
from gankit.classify import load_classifier
from gankit.cli import main
from gankit.errors import GankitError
from gankit.models.classifiers import BookCNN, FeatureCNN, MLPClassifier
from gankit.train.classifier import build_classifier_from


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cls") / "run"
    return gankit.train("classifier-mnist", out=out, steps=100, progress=False)


def test_classifier_run_folder(trained):
    path = trained.path
    for name in (
        "config.json",
        "metrics.csv",
        "classifier.safetensors",
        "eval.json",
        "checkpoints/last.pt",
        "plots/losses.png",
        "plots/confusion.png",
        "plots/query.png",
    ):
        assert (path / name).is_file(), name
    header = (path / "metrics.csv").read_text().splitlines()[0]
    assert header == "step,epoch,images_seen,loss,accuracy,seconds"
    report = json.loads((path / "eval.json").read_text())
    confusion = torch.tensor(report["confusion"])
    assert confusion.shape == (10, 10) and int(confusion.sum()) == report["n"] == 1000
    assert report["correct"] == int(confusion.trace())
    # 100 steps of 32 digits (3,200 images) already classify most of the 1,000 test digits
    assert report["accuracy"] > 0.8


def test_load_classifier_gives_the_same_predictions(trained):
    again = load_classifier(trained.path)
    x = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert torch.equal(again.predict(x), trained.predict(x))
    assert again.report["accuracy"] == trained.report["accuracy"]
    assert again.features(x).shape == (5, 200) and again.features(x).dtype == torch.float64
    with pytest.raises(GankitError, match="no generator"):
        gankit.load_run(trained.path)


def test_resume_continues_the_log(tmp_path):
    out = tmp_path / "run"
    gankit.train("classifier-mnist-cnn", out=out, steps=20, progress=False)
    gankit.train("classifier-mnist-cnn", out=out, steps=40, resume=True, progress=False)
    steps = [int(line.split(",")[0]) for line in (out / "metrics.csv").read_text().splitlines()[1:]]
    assert steps == list(range(10, 41, 10))


def test_each_book_refinement_is_one_set():
    base = resolve_config("classifier-mnist-simple")
    assert (base.loss.name, base.train.optimizer, base.model.c["activation"]) == (
        "mse",
        "sgd",
        "sigmoid",
    )
    cfg = resolve_config(
        "classifier-mnist-simple",
        set=[
            "loss.name=bce",
            "model.c.activation=leaky-relu",
            "train.optimizer=adam",
            "train.lr=1e-3",
            "model.c.norm=true",
        ],
    )
    refined = resolve_config("classifier-mnist")
    assert cfg.loss == refined.loss and cfg.model.c["norm"] is True
    model = build_classifier_from(cfg, (1, 28, 28), 10)
    assert [type(m).__name__ for m in model.body] == ["Linear", "LeakyReLU", "LayerNorm"]


@pytest.mark.parametrize(
    ("cls", "kwargs", "dim"),
    [(MLPClassifier, {}, 200), (BookCNN, {}, 250), (FeatureCNN, {"dim": 64}, 64)],
)
def test_classifier_shapes(cls, kwargs, dim):
    model = cls(in_shape=(1, 28, 28), num_classes=10, **kwargs)
    x = torch.rand(3, 1, 28, 28)
    assert model(x).shape == (3, 10)
    assert model.features(x).shape == (3, dim)


def test_cli_trains_a_classifier(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "classifier-mnist-simple", "--out", str(out), "--steps", "10", "--quiet"])
    assert code == 0
    assert "test accuracy" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "pattern-1010"], "needs labelled images"),
        (["--set", "loss.name=hinge"], "loss.name 'hinge'"),
        (["--set", "model.c.bogus=1"], "unknown argument 'bogus'"),
        (["--set", "train.lr_schedule=sometimes"], "train.lr_schedule"),
    ],
)
def test_cli_bad_classifier_input(tmp_path, capsys, args, message):
    code = main(
        [
            "train",
            "classifier-mnist",
            "--out",
            str(tmp_path / "r"),
            "--steps",
            "2",
            "--quiet",
            *args,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
