"""Runs survive faults: SIGKILL at random moments, SIGTERM, non-finite losses, full or read-only
disks, and checkpoints that would run code when unpickled."""

from __future__ import annotations

import errno
import importlib.util
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
import torch

import gankit
from gankit.errors import GankitError
from gankit.runs import RunFolder, load_checkpoint_file
from gankit.train import gan_job

ROOT = Path(__file__).resolve().parents[1]
TINY = {"model.g.hidden": [16], "model.d.hidden": [16], "train.log_every": 5}
ARGS = ["--set", "model.g.hidden=[16]", "--set", "model.d.hidden=[16]", "--quiet"]


def _benchmark(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sigkill_at_random_moments_then_resume_logs_each_step_once(tmp_path):
    kr = _benchmark("kill_resume")
    rounds = kr.kill_and_resume(tmp_path / "run", kills=3, seed=1, fork=True, window=(0.3, 1.5))
    assert len(rounds) == 3
    last = int(torch.load(tmp_path / "run/checkpoints/last.pt", weights_only=True)["step"])
    assert kr.logged_steps(tmp_path / "run") == kr.expected_steps(last)  # checked once more


def _train_in_child(args: list[str]) -> None:
    from gankit.cli import main

    # a forked child cannot use the parent's OpenMP thread pool (libgomp deadlocks once the
    # parent has run a parallel region): one thread keeps every op inline
    torch.set_num_threads(1)

    os._exit(main(args))


def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    out = tmp_path / "r"
    args = ["train", "gan-1010", "--out", str(out), "--steps", "10000000", "--quiet"]
    child = multiprocessing.get_context("fork").Process(target=_train_in_child, args=(args,))
    child.start()
    deadline = time.monotonic() + 60
    while not (out / "metrics.csv").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGTERM)
    child.join(60)
    assert child.exitcode == 130
    step = int(torch.load(out / "checkpoints" / "last.pt", weights_only=True)["step"])
    assert 0 < step < 10_000_000


def test_a_code_executing_checkpoint_is_refused_without_running_it(tmp_path, cli):
    marker = tmp_path / "payload-ran"

    class Payload:
        def __reduce__(self):  # unpickling calls os.mkdir(marker)
            return (os.mkdir, (str(marker),))

    gankit.train("gan-1010", out=tmp_path / "r", steps=5, progress=False)
    evil = tmp_path / "r" / "checkpoints" / "last.pt"
    torch.save({"G": Payload(), "step": 5}, evil)
    with pytest.raises(GankitError, match="refused"):
        load_checkpoint_file(evil)
    code, _, err = cli("train", "gan-1010", "--out", tmp_path / "r", "--resume", "--quiet")
    assert code == 2 and err.startswith("error: ") and "refused" in err
    assert err.count("\n") == 1 and not marker.exists()
    torch.load(evil, weights_only=False)  # the payload is real: full unpickling runs it
    assert marker.is_dir()


def _nan_after(step_at: int, real_step):
    def step(gan, real, labels, noise, *rest):
        stats = real_step(gan, real, labels, noise, *rest)
        step.calls += 1
        return stats * float("nan") if step.calls > step_at else stats

    step.calls = 0
    return step


def test_a_non_finite_loss_stops_with_hints_and_keeps_the_last_good_checkpoint(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(gan_job, "gan_step", _nan_after(12, gan_job.gan_step))
    sets = {**TINY, "train.checkpoint_every": 5}
    with pytest.raises(GankitError) as e:
        gankit.train("gan-mnist", out=tmp_path / "r", steps=40, set=sets, progress=False)
    message = str(e.value)
    assert "diverged at step 15" in message and "last good checkpoint" in message
    assert "learning rate" in message and "loss.name" in message and "R1" in message
    state = RunFolder(tmp_path / "r").load_checkpoint()
    assert state["step"] == 10 and all(torch.isfinite(v).all() for v in state["G"].values())


@pytest.mark.parametrize("recipe", ["gan-mnist", "gan-1010"])  # BCE refuses NaN; MSE passes it
def test_non_finite_weights_are_never_checkpointed(tmp_path, monkeypatch, recipe):
    real = gan_job.gan_step

    def step(gan, *args):
        stats = real(gan, *args)
        if step.calls == 6:  # weights break, yet this step's losses were finite
            with torch.no_grad():
                next(gan.G.parameters()).fill_(float("inf"))
        step.calls += 1
        return stats

    step.calls = 0
    monkeypatch.setattr(gan_job, "gan_step", step)
    sets = {"train.checkpoint_every": 3, "train.log_every": 100}
    with pytest.raises(GankitError, match="diverged .*not finite.*last good checkpoint"):
        gankit.train(recipe, out=tmp_path / "r", steps=40, set=sets, progress=False)
    assert RunFolder(tmp_path / "r").load_checkpoint()["step"] == 6


def test_a_full_disk_gives_one_line_and_keeps_the_last_checkpoint(tmp_path, monkeypatch, cli):
    real_save, calls = torch.save, []

    def save(obj, f, *a, **k):
        calls.append(f)
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(f))
        return real_save(obj, f, *a, **k)

    monkeypatch.setattr("gankit.runs.torch.save", save)
    args = ["train", "gan-mnist", "--out", tmp_path / "r", "--steps", "20", *ARGS]
    code, _, err = cli(*args, "--set", "train.checkpoint_every=5")
    assert code == 2 and err.count("\n") == 1, err
    assert "No space left on device" in err and "the disk is full" in err
    assert RunFolder(tmp_path / "r").load_checkpoint()["step"] == 5
    assert not list((tmp_path / "r" / "checkpoints").glob("*.tmp"))


def test_a_read_only_output_folder_gives_one_line(tmp_path, monkeypatch, cli):
    code, _, err = cli("train", "gan-1010", "--out", "/sys/gankit-run", "--steps", "1", "--quiet")
    assert code == 2 and err.count("\n") == 1 and "cannot create the run folder" in err

    def read_only(*a, **k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path / "ro"))

    monkeypatch.setattr(Path, "mkdir", read_only)
    code, _, err = cli("train", "gan-1010", "--out", tmp_path / "ro", "--steps", "1", "--quiet")
    assert code == 2 and "Read-only file system" in err and "choose another --out" in err


def test_a_run_killed_before_its_first_checkpoint_resumes_from_step_0(tmp_path):
    out = tmp_path / "r"
    (out / "checkpoints").mkdir(parents=True)  # killed while creating the folder
    (out / "config.json.tmp").write_text('{"half": ')
    gankit.train("gan-mnist", out=out, steps=10, batch_size=8, set=TINY, progress=False)
    (out / "checkpoints" / "last.pt").unlink()
    with (out / "metrics.csv").open("w") as f:  # and killed while writing the header
        f.write("step,epo")
    gankit.train("gan-mnist", out=out, resume=True, progress=False)
    lines = (out / "metrics.csv").read_text().splitlines()
    assert lines[0].startswith("step,epoch,") and [r.split(",")[0] for r in lines[1:]] == [
        "5",
        "10",
    ]


@pytest.mark.slow
def test_twenty_sigkills_at_random_moments(tmp_path):
    kr = _benchmark("kill_resume")
    rounds = kr.kill_and_resume(tmp_path / "run", kills=20, seed=2, fork=True, window=(0.1, 1.5))
    assert len(rounds) == 20
