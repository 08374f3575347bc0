import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import gankit
from gankit.errors import GankitError
from gankit.runs import RunFolder

TINY = {"model.g.hidden": [16], "model.d.hidden": [16], "train.log_every": 5}


def _steps(run_dir: Path) -> list[int]:
    with (run_dir / "metrics.csv").open() as f:
        return [int(r["step"]) for r in csv.DictReader(f)]


def test_gan_1010_learns_the_pattern(tmp_path):
    run = gankit.train("gan-1010", out=tmp_path / "p", progress=False)
    g = run.sample(1, seed=0)[0].tolist()  # the seed is the constant 0.5 whatever the seed number
    assert g[0] >= 0.85 and g[1] <= 0.15 and g[2] >= 0.85 and g[3] <= 0.15, g
    assert (tmp_path / "p" / "plots" / "pattern.png").is_file()
    assert (tmp_path / "p" / "plots" / "losses.png").is_file()
    rows = run.metrics()
    assert abs(sum(r["d_loss"] for r in rows[-50:]) / 50 - 0.25) < 0.03  # the MSE equilibrium


def test_run_folder_has_the_documented_files(tmp_path):
    run = gankit.train("gan-mnist", out=tmp_path / "r", steps=20, set=TINY, progress=False)
    names = {p.relative_to(run.path).as_posix() for p in run.path.rglob("*")}
    for expected in (
        "config.json",
        "metrics.csv",
        "checkpoints/last.pt",
        "generator.safetensors",
        "samples/step-000020.png",
        "plots/losses.png",
    ):
        assert expected in names
    with (run.path / "metrics.csv").open() as f:
        assert next(csv.reader(f)) == [
            "step",
            "epoch",
            "images_seen",
            "d_loss",
            "g_loss",
            "d_real",
            "d_fake",
            "seconds",
        ]
    assert _steps(run.path) == [5, 10, 15, 20]


def test_load_run_rebuilds_the_generator_and_sampling_is_seeded(tmp_path):
    trained = gankit.train("gan-mnist", out=tmp_path / "r", steps=10, set=TINY, progress=False)
    run = gankit.load_run(tmp_path / "r")
    a, b, c = run.sample(4, seed=3), run.sample(4, seed=3), run.sample(4, seed=4)
    assert a.shape == (4, 1, 28, 28) and torch.equal(a, b) and not torch.equal(a, c)
    assert torch.equal(a, trained.sample(4, seed=3))
    with pytest.raises(GankitError, match="not conditional"):
        run.sample(2, label=3)


@pytest.mark.parametrize("first", [20, 23])  # on and off a logging boundary
def test_resume_gives_bitwise_the_same_weights_as_one_straight_run(tmp_path, first):
    straight = tmp_path / "straight"
    gankit.train("gan-mnist", out=straight, steps=40, batch_size=8, set=TINY, progress=False)
    split = tmp_path / "split"
    gankit.train("gan-mnist", out=split, steps=first, batch_size=8, set=TINY, progress=False)
    gankit.train("gan-mnist", out=split, steps=40, resume=True, progress=False)
    a, b = (
        load_file(str(straight / "generator.safetensors")),
        load_file(str(split / "generator.safetensors")),
    )
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    da = torch.load(straight / "checkpoints" / "last.pt", weights_only=True)["D"]
    db = torch.load(split / "checkpoints" / "last.pt", weights_only=True)["D"]
    assert all(torch.equal(da[k], db[k]) for k in da)
    steps = _steps(split)
    assert steps == sorted(set(steps)) and steps[-1] == 40  # no step logged twice


def test_resume_drops_log_rows_written_after_the_checkpoint(tmp_path):
    out = tmp_path / "r"
    gankit.train("gan-mnist", out=out, steps=20, batch_size=8, set=TINY, progress=False)
    with (out / "metrics.csv").open("a") as f:  # as if killed after logging past the checkpoint
        f.write("25,1,200,0.1,0.1,0.5,0.5,9.9\n30,1,24")
    gankit.train("gan-mnist", out=out, steps=30, resume=True, progress=False)
    assert _steps(out) == [5, 10, 15, 20, 25, 30]


def test_output_folder_rules(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(GankitError, match="not empty and is not a gankit run"):
        gankit.train("gan-1010", out=tmp_path / "other", steps=5, progress=False)
    gankit.train("gan-1010", out=tmp_path / "run", steps=5, progress=False)
    with pytest.raises(GankitError, match="already holds a run"):
        gankit.train("gan-1010", out=tmp_path / "run", steps=5, progress=False)
    with pytest.raises(GankitError, match="not a gankit run folder"):
        gankit.train("gan-1010", out=tmp_path / "other", steps=5, resume=True, progress=False)
    assert RunFolder.is_run(tmp_path / "run") and not RunFolder.is_run(tmp_path / "other")


def test_ctrl_c_saves_a_checkpoint_and_resume_finishes(tmp_path):
    out = tmp_path / "r"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cmd = [
        sys.executable,
        "-m",
        "gankit",
        "train",
        "gan-1010",
        "--out",
        str(out),
        "--quiet",
        "--steps",
        "200000",
        "--set",
        "train.checkpoint_seconds=1000",
    ]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / "metrics.csv").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "checkpoint saved" in err and "--resume" in err
    state = torch.load(out / "checkpoints" / "last.pt", weights_only=True)
    assert 0 < state["step"] < 200000
    gankit.train("gan-1010", out=out, steps=state["step"] + 10, resume=True, progress=False)
    assert _steps(out)[-1] == state["step"] + 10


STABILISED = {
    **TINY,
    "reg.ema": 0.9,
    "reg.r1": 1.0,
    "reg.r1_every": 3,
    "reg.augment": "translation,cutout,color",
    "train.d_steps": 2,
    "train.d_update": "joint",
}


@pytest.mark.parametrize("first", [11])  # off the lazy-R1 and logging boundaries
def test_resume_is_bitwise_exact_with_ema_lazy_r1_augment_and_d_steps(tmp_path, first):
    straight, split = tmp_path / "straight", tmp_path / "split"
    common = {"batch_size": 8, "set": STABILISED, "progress": False}
    gankit.train("gan-mnist", out=straight, steps=30, **common)
    gankit.train("gan-mnist", out=split, steps=first, **common)
    gankit.train("gan-mnist", out=split, steps=30, resume=True, progress=False)
    a = torch.load(straight / "checkpoints" / "last.pt", weights_only=True)
    b = torch.load(split / "checkpoints" / "last.pt", weights_only=True)
    for part in ("G", "D"):
        assert all(torch.equal(a[part][k], b[part][k]) for k in a[part]), part
    ema_a, ema_b = a["G_ema"]["weights"], b["G_ema"]["weights"]
    assert all(torch.equal(ema_a[k], ema_b[k]) for k in ema_a)
    assert int(a["G_ema"]["updates"]) == 30
    assert a["opt_d"]["state"][0]["step"].item() == 60  # two D updates per step
    # generator.safetensors holds the average, not the last G
    saved = load_file(str(straight / "generator.safetensors"))
    assert all(torch.equal(saved[k], ema_a[k]) for k in saved)
    assert not all(torch.equal(saved[k], a["G"][k]) for k in saved)
    run = gankit.load_run(straight)
    assert torch.equal(run.sample(3, seed=1), run.sample(3, seed=1))


def test_linear_lr_decay_reaches_zero_and_d_steps_count_epochs(tmp_path):
    run = gankit.train(
        "gan-mnist", out=tmp_path / "r", epochs=1, batch_size=400, progress=False,
        set={**TINY, "train.d_steps": 2, "train.lr_decay": "linear", "train.log_every": 1},
    )  # fmt: skip
    state = torch.load(run.path / "checkpoints" / "last.pt", weights_only=True)
    assert state["step"] == 5  # 4,000 images / 400 per batch / 2 batches per step
    assert state["opt_g"]["param_groups"][0]["lr"] == pytest.approx(1e-3 * (1 - 4 / 5))
    assert run.metrics()[-1]["images_seen"] == 4000
