"""The one job driver: every task (GAN, conditional GAN, classifier) runs through `drive`.

A task says what to build and what one step does (`GanTask` in gankit.train.gan_job,
`ClassifierTask` in gankit.train.classifier); the driver does the rest the same way for all:
  - the device and, under torchrun, the process group (gankit.train.distributed);
  - data and models first, the run folder only once the run can start;
  - resume: from the last checkpoint, or from step 0 when the run was killed before its first;
  - the shared loop (Ctrl-C and SIGTERM save a checkpoint), disk errors as one line, TensorBoard;
  - the process as it was found: RNG states, cudnn and TF32 flags (gankit.device).
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import torch

from gankit.config import Config
from gankit.device import process_state_kept, resolve_device, set_speed_flags
from gankit.errors import GankitError
from gankit.runs import CsvLog, RunFolder, disk_errors
from gankit.train import distributed
from gankit.train.loop import Job, Schedule, fit
from gankit.train.tensorboard import TensorBoardLogger, summary_writer_class


class Task(Protocol):
    """What the driver needs of a task."""

    cfg: Config
    stats: tuple[str, ...]  # the columns of metrics.csv between images_seen and seconds

    def setup(self, device: torch.device, place: distributed.Dist) -> dict:
        """Load data and build models; returns what config.json records. Writes nothing."""
        ...

    def job(self, run: RunFolder | None) -> Job:
        """The job the loop runs; `run` is None on processes other than rank 0."""
        ...

    def logs(self, run: RunFolder) -> list[CsvLog]:
        """Logs besides metrics.csv, cut back to the checkpoint on resume."""
        ...

    def close(self, run: RunFolder, finished: bool) -> None:
        """Rank 0, after the loop, also after an interruption or a failure: figures, reports."""
        ...


def drive(
    task: Task, out: Path, resume: bool, progress: bool = True, tensorboard: bool = False
) -> None:
    """Train `task` into the run folder `out` (reopened with `resume`).

    The config must have been validated (gankit.validate). Under torchrun every process calls
    this; rank 0 alone writes the run folder.

    Example:
        >>> drive(GanTask(cfg), Path("runs/demo"), resume=False)   # doctest: +SKIP
    """
    if tensorboard:
        summary_writer_class()  # a missing package fails here, before the run folder exists
    place = distributed.from_env()
    device = resolve_device(task.cfg.train.device)
    with process_state_kept(), distributed.session(device, place) as dev:
        set_speed_flags(dev)
        info = task.setup(dev, place)
        run = _open_run(out, task, dev, resume, info, place)  # None on ranks other than 0
        state = _resume_state(out, task, dev) if resume else None
        job = task.job(run)
        if state is not None:
            _check_length(out, int(state["step"]), total_steps(task.cfg, job.steps_per_epoch))
        if run is not None and resume:
            _reopen(run, task, dev, info, state)
        _fit(task, job, run, out, state, progress and place.main, tensorboard)


def total_steps(cfg: Config, steps_per_epoch: int) -> int:
    """The run's length in steps: train.steps, or train.epochs epochs.

    Example:
        >>> total_steps(Config(), 100)     # train.epochs = 1
        100
    """
    t = cfg.train
    return t.steps if t.steps > 0 else t.epochs * steps_per_epoch


def _open_run(out: Path, task: Task, dev, resume: bool, info: dict, place) -> RunFolder | None:
    """Rank 0 creates (or reopens) the run folder; every rank fails together if it cannot."""
    run, error = None, None
    if place.main:
        try:
            run = RunFolder.create(out, task.cfg, str(dev), resume, info, task.stats)
        except GankitError as e:
            error = str(e)
    distributed.agree(error)
    return run


def _resume_state(out: Path, task: Task, dev) -> dict | None:
    """The checkpoint to continue from; None when the run was killed before its first one."""
    folder = RunFolder(out, task.stats)
    return folder.load_checkpoint(dev) if folder.has_checkpoint else None


def _check_length(out: Path, done: int, total: int) -> None:
    """A resumed run cannot end before its checkpoint: config.json would then name a length
    the weights have passed (and a learning-rate decay would end where it already ended)."""
    if total < done:
        raise GankitError(
            f"{out}: its checkpoint is at step {done:,}, past the asked end at step {total:,}; "
            f"expected --steps {done:,} or more, or no --steps (the saved length)"
        )


def _reopen(run: RunFolder, task: Task, dev, info: dict, state: dict | None) -> None:
    """Record the resumed config (a new length or device) and drop log rows past the checkpoint:
    they will be written again."""
    step = int(state["step"]) if state else 0
    with disk_errors(run.path):
        run.write_config(task.cfg, str(dev), info)
        for log in (run.metrics, *task.logs(run)):
            log.truncate_after(step)


def _fit(task: Task, job: Job, run, out: Path, state, progress: bool, tensorboard: bool) -> None:
    t = task.cfg.train
    total = total_steps(task.cfg, job.steps_per_epoch)
    sched = Schedule(total, t.log_every, t.sample_every, t.checkpoint_every, t.checkpoint_seconds)
    loggers = _loggers(run, tensorboard, int(state["step"]) if state else None)
    finished = False
    try:
        with disk_errors(out):
            fit(job, run, sched, state, progress, loggers)
        finished = True
    finally:
        for logger in loggers:
            logger.close()
        if run is not None:
            with disk_errors(run.path):
                task.close(run, finished)


def _loggers(run: RunFolder | None, tensorboard: bool, resume_step: int | None) -> tuple:
    if not tensorboard or run is None:  # only the process that writes the run folder logs
        return ()
    purge = resume_step + 1 if resume_step is not None else None  # the checkpoint's row stays
    return (TensorBoardLogger(run.path / "tensorboard", purge_step=purge),)
