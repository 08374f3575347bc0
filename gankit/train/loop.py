"""The outer training loop shared by every job (GANs, classifiers): steps, logging, samples,
checkpoints, Ctrl-C and SIGTERM. What a step does is the job's business (see gankit.train.gan).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import torch
from torch import Tensor

from gankit.errors import GankitError
from gankit.progress import progress_bar
from gankit.runs import RunFolder


class Interrupted(Exception):
    """Training stopped by Ctrl-C or SIGTERM after saving a checkpoint at step `step`."""

    def __init__(self, step: int, path: str):
        super().__init__(f"interrupted at step {step}; checkpoint saved in {path}")
        self.step, self.path = step, path


class RNGState:
    """Makes a torch.Generator checkpointable like a module (e.g. a regulariser's own stream)."""

    def __init__(self, generator: torch.Generator):
        self.generator = generator

    def state_dict(self) -> dict:
        return {"state": self.generator.get_state()}

    def load_state_dict(self, state: dict) -> None:
        self.generator.set_state(state["state"].cpu())


class Logger(Protocol):
    """Somewhere besides metrics.csv to send what the loop logs (e.g. TensorBoard)."""

    def scalars(self, step: int, values: dict[str, float]) -> None: ...

    def images(self, step: int, name: str, images: Tensor) -> None: ...


@dataclass
class Job:
    """What the loop runs: `step(global_step)` returns detached stats named `stat_names`.

    `on_sample` may return the samples it drew, (N, C, H, W) in [0, 1], for the loggers.
    """

    step: Callable[[int], Tensor]
    stat_names: tuple[str, ...]
    stateful: dict[str, Any]  # name → object with state_dict()/load_state_dict()
    images_per_step: int
    steps_per_epoch: int
    on_sample: Callable[[int], Tensor | None] = lambda step: None
    on_checkpoint: Callable[[int], None] = lambda step: None
    description: str = "train"
    meta: dict = field(default_factory=dict)  # extra plain data stored in checkpoints
    # several processes (DDP): the mean of a tensor over them; stats and the stop flag are
    # agreed at each log step, so every rank logs, stops and fails at the same step
    sync: Callable[[Tensor], Tensor] | None = None


@dataclass(frozen=True)
class Schedule:
    total_steps: int
    log_every: int = 10
    sample_every: int = 0  # 0: ten times over the run
    checkpoint_every: int = 0  # 0: by time only
    checkpoint_seconds: float = 60.0


def job_state(job: Job, step: int, acc: Tensor, count: int, elapsed: float) -> dict:
    state = {k: v.state_dict() for k, v in job.stateful.items()}
    state.update(step=step, acc=acc.cpu(), acc_count=count, elapsed=elapsed, meta=job.meta)
    return state


def restore(job: Job, state: dict) -> tuple[int, Tensor, int, float]:
    """Load a checkpoint into the job; returns (step, acc, acc_count, elapsed)."""
    missing = [k for k in (*job.stateful, "step", "acc", "acc_count", "elapsed") if k not in state]
    if missing:
        raise GankitError(f"checkpoint lacks {', '.join(missing)}: not written by this kind of run")
    for key, obj in job.stateful.items():
        try:
            obj.load_state_dict(state[key])
        except (RuntimeError, KeyError, ValueError, TypeError, AttributeError) as e:
            first = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
            raise GankitError(f"checkpoint '{key}': does not fit this run ({first})") from None
    return int(state["step"]), state["acc"], int(state["acc_count"]), float(state["elapsed"])


@contextmanager
def _stop_on_signals():
    """First Ctrl-C/SIGTERM asks the loop to stop at the next step boundary; a second one aborts."""
    flag = {"stop": False}
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        if flag["stop"]:
            raise KeyboardInterrupt
        flag["stop"] = True

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for s, h in old.items():
            signal.signal(s, h)


DIVERGED_HINT = (
    "the last good checkpoint is kept. Try a lower learning rate (--set train.lr_d=…, "
    "train.lr_g=…), another loss (--set loss.name=hinge) or a gradient penalty such as R1"
)


def _check_finite(stats: Tensor, names, step: int) -> None:
    if not torch.isfinite(stats).all():
        bad = ", ".join(
            n for n, v in zip(names, stats.tolist(), strict=True) if not math.isfinite(v)
        )
        raise GankitError(f"training diverged at step {step}: {bad} not finite; {DIVERGED_HINT}")


def _finite_state(obj) -> bool:
    """True when every floating tensor in a (nested) state dict is finite."""
    if isinstance(obj, Tensor):
        return not obj.is_floating_point() or bool(torch.isfinite(obj).all())
    if isinstance(obj, dict):
        return all(_finite_state(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return all(_finite_state(v) for v in obj)
    return True


def _guarded_step(job: Job, step: int) -> Tensor:
    """job.step; a failure on non-finite weights (e.g. BCE refusing NaN inputs) is divergence."""
    try:
        return job.step(step).detach().float()
    except RuntimeError as e:
        if _finite_state({k: v.state_dict() for k, v in job.stateful.items()}):
            raise
        first = str(e).strip().splitlines()[0][:120]
        raise GankitError(
            f"training diverged at step {step + 1}: weights not finite ({first}); {DIVERGED_HINT}"
        ) from None


def _agree(job: Job, mean: Tensor, stop: bool) -> tuple[Tensor, bool]:
    """(mean stats, stop) agreed over processes: one all-reduce per log step."""
    if job.sync is None:
        return mean.cpu(), stop
    both = job.sync(torch.cat([mean, mean.new_tensor([float(stop)])])).cpu()
    return both[:-1], bool(both[-1] > 0)


@dataclass
class _Tally:
    """Stats summed since the last metrics row (checkpointed, so a resumed row is the same)."""

    acc: Tensor
    count: int

    def add(self, stats: Tensor) -> None:
        if self.acc.device != stats.device:
            self.acc = self.acc.to(stats.device)
        self.acc += stats  # stays on the device: no synchronisation per step
        self.count += 1

    def reset(self) -> None:
        self.acc.zero_()
        self.count = 0


@dataclass
class _Clock:
    start_step: int
    elapsed0: float  # seconds spent before this process resumed the run
    t0: float = field(default_factory=time.monotonic)

    def seconds(self) -> float:
        return self.elapsed0 + time.monotonic() - self.t0

    def rate(self, step: int, images_per_step: int) -> float:
        return (step - self.start_step) * images_per_step / max(time.monotonic() - self.t0, 1e-9)


def fit(
    job: Job,
    run: RunFolder | None,
    sched: Schedule,
    state: dict | None = None,
    progress: bool = True,
    loggers: tuple[Logger, ...] = (),
) -> int:
    """Run `job` from its checkpoint `state` (or step 0) to `sched.total_steps`; returns the step.

    Each of `loggers` gets the stats and images/s of every metrics row, and the sample grids.

    Example:
        >>> fit(job, run, Schedule(total_steps=100), progress=False)  # doctest: +SKIP
        100
    """
    zero = (0, torch.zeros(len(job.stat_names)), 0, 0.0)
    step, acc, count, elapsed0 = restore(job, state) if state else zero
    tally, clock = _Tally(acc.clone(), count), _Clock(step, elapsed0)
    total = sched.total_steps
    sample_every = sched.sample_every or max(1, total // 10)
    last_ckpt = time.monotonic()

    def save(done: int) -> None:
        if run is not None:
            _save(job, run, done, tally, clock.seconds())

    with _stop_on_signals() as flag, progress_bar(total, job.description, progress, step) as bar:
        while step < total:
            tally.add(_guarded_step(job, step))
            step += 1
            agreed = False  # several processes stop only where all agree: at a log step
            if step % sched.log_every == 0 or step == total:
                mean, agreed = _agree(job, tally.acc / tally.count, flag["stop"])
                _report(job, run, loggers, bar, step, mean, clock)
                if step % sched.log_every == 0:
                    tally.reset()
            if step % sample_every == 0 or step == total:
                shown = job.on_sample(step)  # (N, C, H, W) or None
                for logger in loggers if shown is not None else ():
                    logger.images(step, "samples", shown)
                if shown is not None and run is not None and step < total:
                    bar.preview(run.sample_path(step), step)
            due = sched.checkpoint_every and step % sched.checkpoint_every == 0
            if due or time.monotonic() - last_ckpt > sched.checkpoint_seconds or step == total:
                save(step)
                last_ckpt = time.monotonic()
            if agreed if job.sync else flag["stop"]:
                save(step)
                raise Interrupted(step, str(run.path) if run else "(no run folder)")
    return step


def _save(job: Job, run: RunFolder, step: int, tally: _Tally, seconds: float) -> None:
    state = job_state(job, step, tally.acc, tally.count, seconds)
    if not _finite_state(state):  # weights broke after the last logged loss
        raise GankitError(f"training diverged by step {step}: weights not finite; {DIVERGED_HINT}")
    run.save_checkpoint(state)
    job.on_checkpoint(step)


def _report(job: Job, run, loggers, bar, step: int, mean: Tensor, clock: _Clock) -> None:
    """One metrics row: metrics.csv, the loggers and the progress bar."""
    _check_finite(mean, job.stat_names, step)
    if run is not None:
        run.metrics.append(_row(job, step, mean, clock.seconds()))
    rate = clock.rate(step, job.images_per_step)
    scalars = dict(zip(job.stat_names, mean.tolist(), strict=True))
    for logger in loggers:
        logger.scalars(step, {**scalars, "images_per_s": rate})
    bar.update(completed=step, info=_info(job, step, mean, rate))


def _row(job: Job, step: int, mean: Tensor, seconds: float) -> dict:
    row = dict(zip(job.stat_names, mean.tolist(), strict=True))
    row.update(
        step=step,
        epoch=(step - 1) // job.steps_per_epoch + 1,
        images_seen=step * job.images_per_step,
        seconds=round(seconds, 3),
    )
    return row


def _info(job: Job, step: int, mean: Tensor, rate: float) -> str:
    epoch = (step - 1) // job.steps_per_epoch + 1
    shown = " ".join(
        f"{n} {v:.3f}" for n, v in zip(job.stat_names[:2], mean.tolist(), strict=False)
    )
    return f"epoch {epoch}  {shown}  {rate:,.0f} img/s"
