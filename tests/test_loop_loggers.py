"""The loop's logger hook (gankit.train.loop.fit(loggers=…)) and the TensorBoard logger on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

import gankit
from gankit.cli import main
from gankit.train.loop import Job, Schedule, fit

pytestmark = pytest.mark.usefixtures("single_thread")


class Recorder:
    def __init__(self):
        self.scalar_calls, self.image_calls = [], []

    def scalars(self, step, values):
        self.scalar_calls.append((step, dict(values)))

    def images(self, step, name, images):
        self.image_calls.append((step, name, tuple(images.shape)))


def counting_job() -> Job:
    """A job whose stat is the step number, and whose sample hook 'draws' two 4×4 images."""
    return Job(
        step=lambda s: torch.tensor([float(s)]),
        stat_names=("value",),
        stateful={},
        images_per_step=8,
        steps_per_epoch=10,
        on_sample=lambda s: torch.zeros(2, 1, 4, 4),
    )


def test_loggers_get_each_metrics_row_and_each_grid():
    rec = Recorder()
    fit(counting_job(), None, Schedule(20, log_every=5, sample_every=10), progress=False,
        loggers=(rec,))  # fmt: skip
    assert [s for s, _ in rec.scalar_calls] == [5, 10, 15, 20]
    # the mean of the stats since the last row: steps 0–4 → 2.0, steps 15–19 → 17.0
    assert [v["value"] for _, v in rec.scalar_calls] == [2.0, 7.0, 12.0, 17.0]
    assert all(v["images_per_s"] > 0 for _, v in rec.scalar_calls)
    assert rec.image_calls == [(10, "samples", (2, 1, 4, 4)), (20, "samples", (2, 1, 4, 4))]


def test_a_sample_hook_that_draws_nothing_sends_no_images():
    rec = Recorder()
    job = counting_job()
    job.on_sample = lambda s: None
    fit(job, None, Schedule(10, log_every=5, sample_every=5), progress=False, loggers=(rec,))
    assert rec.image_calls == [] and len(rec.scalar_calls) == 2


def test_tensorboard_gets_losses_speed_and_grids_and_resumes(tmp_path, digits_csv):
    pytest.importorskip("tensorboard", reason="tensorboard not installed")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from torch.utils.tensorboard import SummaryWriter

    out, logs = tmp_path / "run", str(tmp_path / "run" / "tensorboard")
    args = ["train", "gan-mnist", "--data", f"mnist:{digits_csv}", "--out", str(out), "--steps",
            "10", "--batch-size", "16", "--set", "train.log_every=5", "--set",
            "train.sample_every=5", "--quiet", "--tensorboard"]  # fmt: skip
    assert main(args) == 0
    run = gankit.load_run(out)
    events = EventAccumulator(logs, size_guidance={"images": 0})
    events.Reload()
    for tag in ("train/d_loss", "train/g_loss", "train/d_real", "train/d_fake"):
        assert [e.step for e in events.Scalars(tag)] == [5, 10], tag
    assert [e.step for e in events.Scalars("speed/images_per_s")] == [5, 10]
    logged = [e.value for e in events.Scalars("train/d_loss")]
    assert logged == pytest.approx([r["d_loss"] for r in run.metrics()], rel=1e-4)  # as the CSV
    assert [e.step for e in events.Images("samples")] == [5, 10]
    assert events.Images("samples")[0].width > 28 * 9  # the whole 10×10 grid

    # resume: what a run killed at step 12 logged after its checkpoint (step 10) disappears
    with SummaryWriter(logs) as stale:
        stale.add_scalar("train/d_loss", 99.0, 12)
    resume = ["train", "gan-mnist", "--out", str(out), "--steps", "15", "--resume", "--quiet",
              "--tensorboard"]  # fmt: skip
    assert main(resume) == 0
    events = EventAccumulator(logs)
    events.Reload()
    assert [e.step for e in events.Scalars("train/d_loss")] == [5, 10, 15]
    assert 99.0 not in [e.value for e in events.Scalars("train/d_loss")]


def test_missing_tensorboard_is_a_clear_error_before_any_run_folder(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # import fails
    out = tmp_path / "run"
    assert main(["train", "gan-1010", "--out", str(out), "--steps", "2", "--tensorboard"]) == 2
    assert "pip install 'gankit[tensorboard]'" in capsys.readouterr().err
    assert not out.exists()


def test_progress_names_each_new_sample_grid_while_training(tmp_path, capsys):
    out = tmp_path / "p"
    gankit.train("gan-mnist", out=out, steps=20, batch_size=8, progress=True)
    err = capsys.readouterr().err.replace("\n", "")  # rich may wrap long lines
    # a line for each grid written before the end; the last grid is reported when training ends
    for step in (2, 10, 18):
        assert f"step {step}: samples in" in err and f"step-{step:06d}.png" in err
    assert "step 20: samples in" not in err
    assert (out / "samples" / "step-000020.png").exists()


def test_a_notebook_shows_the_latest_grid_in_one_place(tmp_path, monkeypatch):
    from gankit import progress

    shown = []

    class Handle:
        def update(self, obj, **kw):
            shown.append(("update", type(obj).__name__))

    def display(obj, **kw):
        shown.append(("display", type(obj).__name__))
        return Handle()

    ipy = pytest.importorskip("IPython.display")
    monkeypatch.setattr(ipy, "display", display)
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    png = tmp_path / "g.png"
    from gankit.viz.plots import save_grid

    save_grid(torch.zeros(1, 1, 4, 4), png, 1, 1)
    with progress.progress_bar(10, "train") as bar:
        bar.preview(png, 1)
        bar.preview(png, 2)
    images = [s for s in shown if s[1] == "Image"]
    assert images == [("display", "Image"), ("update", "Image")]


def test_a_log_file_gets_a_plain_line_per_tenth_and_one_at_the_end(capsys):
    from gankit import progress

    with progress.progress_bar(100, "train") as bar:  # stderr under capsys: no terminal
        for step in range(1, 101):
            bar.update(completed=step, info=f"loss {step}")
        bar.preview(Path("grid.png"), 50)
    lines = capsys.readouterr().err.splitlines()
    tenths = [line for line in lines if line.startswith("train: ")]
    assert [t.split(" ")[1] for t in tenths] == [f"{10 * k}/100" for k in range(1, 11)]
    assert tenths[-1].endswith("(done)") and "loss 100" in tenths[-1]
    assert "about" in tenths[0] and "━" not in "".join(lines)  # no bar frames in the log
    assert "step 50: samples in grid.png" in lines


def test_a_log_line_says_stopped_not_done_when_the_work_ends_early(capsys):
    from gankit import progress

    with pytest.raises(KeyboardInterrupt), progress.progress_bar(100, "train") as bar:
        for step in range(1, 38):
            bar.update(completed=step, info=f"loss {step}")
        raise KeyboardInterrupt
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("train: 37/100 (37%) loss 37") and last.endswith("(stopped)"), last
