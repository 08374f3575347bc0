"""Ordinary slips are forgiven or refused cleanly: each one reproduced as a user makes it.

- the same command line again with --resume continues the run (only real changes are refused,
  and a length that ends before the checkpoint);
- a bad --set writes nothing, so the corrected command then runs;
- a field the task ignores is an error naming the field and the task;
- a CSV with a header row trains.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from gankit.config import Config
from gankit.errors import GankitError
from gankit.recipes import all_recipes
from gankit.validate import validate
from tests.conftest import write_mnist_csv

pytestmark = pytest.mark.usefixtures("single_thread")

TINY = [
    "--set",
    "model.g.hidden=[16]",
    "--set",
    "model.d.hidden=[16]",
    "--set",
    "train.log_every=5",
]


def _train(cli, csv, out, *more):
    return cli(
        "train", "gan-mnist", "--data", f"mnist:{csv}", "--out", out, "--quiet", *TINY, *more
    )


def _steps(out) -> list[int]:
    return [int(r.split(",")[0]) for r in (out / "metrics.csv").read_text().splitlines()[1:]]


def test_the_same_command_again_with_resume_continues(cli, digits_csv, tmp_path):
    out = tmp_path / "R"
    assert _train(cli, digits_csv, out, "--steps", "20", "--seed", "7")[0] == 0
    code, _, err = _train(cli, digits_csv, out, "--steps", "40", "--seed", "7", "--resume")
    assert code == 0, err
    assert _steps(out) == [5, 10, 15, 20, 25, 30, 35, 40]
    saved = json.loads((out / "config.json").read_text())["config"]["train"]
    assert (saved["steps"], saved["seed"]) == (40, 7)


def test_resume_cannot_end_before_its_checkpoint_and_changes_nothing(cli, digits_csv, tmp_path):
    out = tmp_path / "R"
    assert _train(cli, digits_csv, out, "--steps", "20")[0] == 0
    before = (out / "config.json").read_text(), (out / "metrics.csv").read_text()
    code, _, err = _train(cli, digits_csv, out, "--steps", "10", "--resume")
    assert code == 2 and err.count("\n") == 1
    assert "checkpoint is at step 20, past the asked end at step 10; expected --steps 20" in err
    assert ((out / "config.json").read_text(), (out / "metrics.csv").read_text()) == before
    code, _, err = _train(cli, digits_csv, out, "--steps", "20", "--resume")  # nothing left: fine
    assert code == 0, err
    assert _steps(out) == [5, 10, 15, 20]


def test_resume_names_each_real_change_old_to_new(cli, digits_csv, tmp_path):
    out = tmp_path / "R"
    _train(cli, digits_csv, out, "--steps", "10", "--seed", "7", "--set", "train.lr_g=0.04")
    before = (out / "config.json").read_text()
    code, _, err = _train(
        cli, digits_csv, out, "--resume", "--seed", "8", "--set", "train.lr_g=0.5"
    )
    assert code == 2 and err.count("\n") == 1
    assert "cannot change train.lr_g: 0.04 → 0.5, train.seed: 7 → 8" in err
    assert (out / "config.json").read_text() == before


def test_a_bad_set_writes_nothing_and_the_corrected_command_runs(cli, digits_csv, tmp_path):
    out = tmp_path / "R"
    code, _, err = _train(cli, digits_csv, out, "--steps", "5", "--set", "train.lr_decay=cosine")
    assert code == 2 and "train.lr_decay 'cosine': expected none or linear" in err
    assert not out.exists()
    code, _, err = _train(cli, digits_csv, out, "--steps", "5", "--set", "train.lr_decay=linear")
    assert code == 0, err
    assert _steps(out) == [5]


@pytest.mark.parametrize(
    ("recipe", "field", "message"),
    [
        ("gan-1010", "train.lr=0.5", "train.lr=0.5: the gan task ignores this field "
         "(it uses train.lr_g and train.lr_d)"),
        ("classifier-mnist", "train.lr_g=0.5", "train.lr_g=0.5: the classifier task ignores "
         "this field (it uses train.lr)"),
        ("classifier-mnist", "reg.ema=0.999", "reg.ema=0.999: the classifier task ignores"),
        ("gan-1010", "model.c.hidden=[8]", "the gan task ignores this field (it uses model.g"),
    ],
)  # fmt: skip
def test_a_field_the_task_ignores_exits_2_naming_field_and_task(
    cli, tmp_path, recipe, field, message
):
    out = tmp_path / "R"
    code, _, err = cli("train", recipe, "--out", out, "--steps", "1", "--set", field, "--quiet")
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    assert message in err
    assert not out.exists()


def test_a_csv_with_a_header_row_trains(cli, tmp_path):
    csv = write_mnist_csv(tmp_path / "digits.csv", n=32)
    names = ["label", *(f"{r}x{c}" for r in range(1, 29) for c in range(1, 29))]
    csv.write_text(",".join(names) + "\n" + csv.read_text())
    code, _, err = _train(cli, csv, tmp_path / "R", "--steps", "5")
    assert code == 0, err
    assert err.count("note: ") == 1 and "row 1 is a header row" in err
    assert _steps(tmp_path / "R") == [5]


def test_every_recipe_is_valid():
    for recipe in all_recipes():
        assert validate(recipe.config) is recipe.config, recipe.name


def test_a_hand_edited_config_is_checked_on_resume(cli, digits_csv, tmp_path):
    out = tmp_path / "R"
    _train(cli, digits_csv, out, "--steps", "5")
    doc = json.loads((out / "config.json").read_text())
    doc["config"]["train"]["batch_size"] = "64"
    (out / "config.json").write_text(json.dumps(doc))
    code, _, err = _train(cli, digits_csv, out, "--resume")
    assert code == 2 and "train.batch_size='64': expected an integer" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"train": {"betas": (0.5, 1.5)}}, r"train.betas=0.5,1.5: expected two values in \[0, 1\)"),
        ({"train": {"fast_conv": "yes"}}, "train.fast_conv 'yes': expected one of auto, on, off"),
        ({"loss": {"name": "wasserstein"}}, "needs a Lipschitz critic"),
        ({"model": {"g": {"depth": 3}}}, "model.g.depth: unknown argument of 'mlp'"),
        ({"task": "vae"}, "task 'vae': expected gan or classifier"),
        ({"model": {"truncation": 0.0}}, r"model.truncation=0.0: expected a factor in \(0, 1\]"),
        ({"model": {"truncation": 0.9, "latent": "uniform"}}, "expected model.latent normal"),
        ({"train": {"seed": -1}}, "train.seed=-1: expected an integer from 0 to"),
    ],
)
def test_bad_values_are_named(change, message):
    cfg = Config()
    for section, value in change.items():
        part = value if isinstance(value, str) else replace(getattr(cfg, section), **value)
        cfg = replace(cfg, **{section: part})
    with pytest.raises(GankitError, match=message):
        validate(cfg)
