"""Data-parallel training: 2 gloo processes at batch B each train like 1 process at batch 2B."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import gankit
from gankit.errors import GankitError
from gankit.train import distributed, gan, gan_job
from gankit.train.distributed import Dist, from_env, noise_seed
from gankit.train.loop import Interrupted, Job, Schedule, fit

ROOT = Path(__file__).resolve().parents[1]
# no batch-coupled layer: LayerNorm normalises each sample alone; BatchNorm would couple them
# fp32: the comparisons below are to 1e-4, and bf16 products (gan-mnist's on CPUs with bf16)
# round batches of 8 and 16 differently
TINY = ["model.g.hidden=[16]", "model.d.hidden=[16]", "train.log_every=5", "train.amp_cpu=false"]


def torchrun(nproc: int, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`torchrun --standalone --nproc_per_node nproc -m gankit ARGS…` on the CPU (gloo)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
    cmd += ["--nproc_per_node", str(nproc), "-m", "gankit", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def match_ranks_noise(monkeypatch, world: int) -> None:
    """Make one process at batch world·B draw G's inputs as `world` processes at batch B do.

    Rank r draws its B seeds of each step from a generator seeded noise_seed(seed, r, step);
    the single process draws rows [r·B, (r+1)·B) of each batch from that same generator.
    """
    gens = [torch.Generator() for _ in range(world)]
    real_seed, real_latent = noise_seed, gan.sample_latent

    def seed_all(seed: int, rank: int, step: int) -> int:
        for r, g in enumerate(gens):
            g.manual_seed(real_seed(seed, r, step))
        return real_seed(seed, rank, step)

    def latent(kind, n, dim, generator, device="cpu"):
        return torch.cat([real_latent(kind, n // world, dim, g, device) for g in gens])

    monkeypatch.setattr(gan_job, "noise_seed", seed_all)
    monkeypatch.setattr(gan, "sample_latent", latent)


def _weights(run_dir: Path) -> dict[str, torch.Tensor]:
    return load_file(str(run_dir / "generator.safetensors"))


def _max_diff(a: dict, b: dict) -> float:
    assert a.keys() == b.keys()
    return max(float((a[k] - b[k]).abs().max()) for k in a)


def test_two_processes_at_batch_b_equal_one_at_batch_2b(tmp_path, monkeypatch):
    args = ["train", "gan-mnist", "--steps", "20", "--quiet", "--device", "cpu"]
    sets = [x for s in TINY for x in ("--set", s)]
    done = torchrun(2, *args, "--batch-size", "8", "--out", str(tmp_path / "ddp"), *sets)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.count("run folder:") == 1  # only rank 0 reports
    rows = gankit.load_run(tmp_path / "ddp").metrics()
    assert [int(r["images_seen"]) for r in rows] == [80, 160, 240, 320]  # 2 × 8 per step

    one = {"steps": 20, "batch_size": 16, "device": "cpu", "set": TINY, "progress": False}
    gankit.train("gan-mnist", out=tmp_path / "plain", **one)  # noise not arranged: the control
    match_ranks_noise(monkeypatch, world=2)
    gankit.train("gan-mnist", out=tmp_path / "one", **one)

    ddp = _weights(tmp_path / "ddp")
    assert _max_diff(ddp, _weights(tmp_path / "one")) < 1e-4
    assert _max_diff(ddp, _weights(tmp_path / "plain")) > 1e-3  # the comparison can fail
    # rank 0 logs the losses averaged over both processes: those of the whole batch of 16
    for a, b in zip(rows, gankit.load_run(tmp_path / "one").metrics(), strict=True):
        assert abs(a["d_loss"] - b["d_loss"]) < 1e-4 and abs(a["g_loss"] - b["g_loss"]) < 1e-4


def test_processes_stop_together_where_they_agree_at_a_log_step():
    def other_rank_stopped(x):  # as if the mean over ranks saw another rank's stop flag
        return x + torch.cat([torch.zeros(len(x) - 1), torch.ones(1)])

    job = Job(lambda step: torch.zeros(2), ("a", "b"), {}, 1, 100, sync=other_rank_stopped)
    with pytest.raises(Interrupted) as stopped:
        fit(job, None, Schedule(total_steps=1000, log_every=7), progress=False)
    assert stopped.value.step == 7  # not at step 1: only log steps are agreed on


def test_rank_and_world_come_from_torchrun_variables():
    assert from_env({}) == Dist(0, 1, 0)
    place = from_env({"RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1"})
    assert (place.rank, place.world, place.local_rank, place.main) == (3, 4, 1, False)
    with pytest.raises(GankitError, match="RANK=4, WORLD_SIZE=4"):
        from_env({"RANK": "4", "WORLD_SIZE": "4"})
    with pytest.raises(GankitError, match="expected integers"):
        from_env({"RANK": "x", "WORLD_SIZE": "2"})


def test_each_rank_draws_its_own_noise_and_a_plain_run_is_untouched():
    seeds = {noise_seed(0, r, s) for r in range(4) for s in range(1000)}
    assert len(seeds) == 4000  # no two (rank, step) pairs share G's inputs
    module = torch.nn.Linear(2, 2)
    assert distributed.wrap(module, torch.device("cpu"), Dist()) is module
    assert distributed.unwrap(module) is module


@pytest.mark.slow
def test_resume_under_ddp_continues_the_same_training(tmp_path, monkeypatch):
    args = ["train", "gan-mnist", "--quiet", "--device", "cpu", "--out", str(tmp_path / "ddp")]
    sets = [x for s in TINY for x in ("--set", s)]
    first = torchrun(2, *args, "--steps", "10", "--batch-size", "8", *sets)
    assert first.returncode == 0, first.stderr[-3000:]
    second = torchrun(2, *args, "--steps", "20", "--resume")
    assert second.returncode == 0, second.stderr[-3000:]
    steps = [int(r["step"]) for r in gankit.load_run(tmp_path / "ddp").metrics()]
    assert steps == [5, 10, 15, 20]

    match_ranks_noise(monkeypatch, world=2)
    one = {"steps": 20, "batch_size": 16, "device": "cpu", "set": TINY, "progress": False}
    gankit.train("gan-mnist", out=tmp_path / "one", **one)
    assert _max_diff(_weights(tmp_path / "ddp"), _weights(tmp_path / "one")) < 1e-4
