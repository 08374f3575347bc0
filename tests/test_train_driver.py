"""The one job driver: a classifier survives SIGKILL like a GAN, and `gankit.train` leaves the
process as it found it (RNG states, cudnn and TF32 flags, the allocator)."""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
import torch

import gankit
from gankit import device as dev_mod
from gankit.runs import RunFolder
from gankit.train import classifier as classifier_mod
from gankit.train import driver
from tests.conftest import one_thread, write_mnist_csv

STEPS, CHECKPOINT_EVERY = 30, 10
# one-cycle: the scheduler's state must survive the kill too
SETS = {"train.checkpoint_every": CHECKPOINT_EVERY, "train.log_every": 5}
SETS["train.lr_schedule"] = "one-cycle"


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    """mnist_train.csv with mnist_test.csv beside it: a classifier's two splits."""
    folder = tmp_path_factory.mktemp("digits")
    write_mnist_csv(folder / "mnist_test.csv", n=20, seed=5)
    return f"mnist:{write_mnist_csv(folder / 'mnist_train.csv', n=96)}"


def _train(data, out, **kw):
    with one_thread():
        kw = {"steps": STEPS, "batch_size": 16, "set": SETS, **kw}
        return gankit.train("classifier-mnist", data=data, out=out, progress=False, **kw)


def _killed_at(step_to_die: int, data, out) -> None:
    """In a forked child: train, and SIGKILL the process when step `step_to_die` begins."""
    torch.set_num_threads(1)  # a forked child cannot use the parent's OpenMP pool
    real, calls = classifier_mod.classifier_step, [0]

    def step(*args):
        if calls[0] == step_to_die:
            os.kill(os.getpid(), signal.SIGKILL)
        calls[0] += 1
        return real(*args)

    classifier_mod.classifier_step = step
    _train(data, out)
    os._exit(0)


@pytest.mark.parametrize("die_at", [CHECKPOINT_EVERY // 2, CHECKPOINT_EVERY + 3])
def test_a_classifier_killed_before_or_after_its_first_checkpoint_resumes_bitwise(
    tmp_path, digits, die_at
):
    child = multiprocessing.get_context("fork").Process(
        target=_killed_at, args=(die_at, digits, tmp_path / "killed")
    )
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    folder = RunFolder(tmp_path / "killed")
    assert folder.has_checkpoint == (die_at > CHECKPOINT_EVERY)
    resumed = _train(digits, tmp_path / "killed", resume=True)
    whole = _train(digits, tmp_path / "whole")
    for key, value in whole.model.state_dict().items():
        assert torch.equal(resumed.model.state_dict()[key], value), key
    states = [RunFolder(r.path).load_checkpoint() for r in (resumed, whole)]
    assert states[0]["sched"] == states[1]["sched"] and states[0]["step"] == STEPS
    assert resumed.report["accuracy"] == whole.report["accuracy"]
    steps = [int(r["step"]) for r in resumed.metrics()]
    assert steps == list(range(5, STEPS + 1, 5))  # each logged step once


def _settings() -> dict:
    state = dev_mod.process_state()
    state["cpu_rng"] = state["cpu_rng"].clone()
    return state


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        torch.equal(a[k], b[k]) if isinstance(a[k], torch.Tensor) else a[k] == b[k] for k in a
    )


@pytest.fixture
def odd_settings():
    """Flags set unlike gankit's choice, so a change that is not undone shows."""
    saved = dev_mod.process_state()
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    torch.manual_seed(12345)
    yield
    dev_mod.restore_process_state(saved)


@pytest.mark.parametrize("recipe", ["gan-1010", "classifier-mnist"])
def test_train_leaves_the_process_as_it_found_it(odd_settings, monkeypatch, tmp_path, recipe):
    allocator = []
    monkeypatch.setattr(dev_mod, "reuse_freed_memory", lambda: allocator.append(1))
    before = _settings()
    with one_thread():
        gankit.train(recipe, out=tmp_path / "r", steps=3, progress=False)
    assert _same(before, _settings())
    assert allocator == []  # the allocator change is the gankit command's alone


def test_the_cuda_set_up_is_undone_too(odd_settings, monkeypatch, tmp_path):
    """The CUDA flags are set as on a GPU (they need none to be set) while the run trains on
    the CPU; after train() returns they are as before."""
    seen = {}

    def as_on_cuda(device):
        dev_mod.set_speed_flags(torch.device("cuda"))
        seen.update(benchmark=torch.backends.cudnn.benchmark, tf32=_tf32())

    monkeypatch.setattr(driver, "set_speed_flags", as_on_cuda)
    before = _settings()
    with one_thread():
        gankit.train("gan-1010", out=tmp_path / "r", steps=3, progress=False)
    assert seen == {"benchmark": True, "tf32": (True, True, "high")}
    assert _same(before, _settings()) and _tf32() == (False, False, "highest")


def _tf32() -> tuple:
    precision = torch.get_float32_matmul_precision()
    return torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32, precision


def test_the_command_line_makes_the_settings_for_its_process(monkeypatch, cli, tmp_path):
    calls = []
    monkeypatch.setattr(dev_mod, "reuse_freed_memory", lambda: calls.append("allocator"))
    code, _, err = cli("train", "gan-1010", "--out", tmp_path / "r", "--steps", "3", "--quiet")
    assert code == 0, err
    assert calls == ["allocator"]


@pytest.mark.parametrize(("setting", "swapped"), [("on", True), ("off", False), ("auto", False)])
def test_fast_conv_is_a_config_field(setting, swapped):
    from gankit.config import apply_overrides
    from gankit.models import model_args
    from gankit.recipes import get_recipe
    from gankit.train.build import build_gan

    sets = [f"train.fast_conv={setting}", "train.amp_cpu=false", "model.g.channels=4"]
    sets.append("model.d.channels=4")
    cfg = apply_overrides(get_recipe("gan-celeba-cnn").config, sets, model_args)
    gan = build_gan(cfg, (3, 64, 64), 0, "cpu")  # fp32 on the CPU: auto keeps the plain forms
    names = {type(m).__name__ for m in [*gan.G.modules(), *gan.D.modules()]}
    assert ("FastConvTranspose2d" in names) == swapped
