"""The Python API: `train`, `load_run` and `Run.sample`. The CLI is a thin layer over these."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch
from torch import Tensor, nn

from gankit.config import Config, apply_overrides
from gankit.data import Batches, load_data
from gankit.device import amp_dtype, configure, place_data, resolve_device
from gankit.errors import GankitError
from gankit.models import model_args
from gankit.recipes import get_recipe
from gankit.runs import (
    CsvLog,
    RunFolder,
    default_run_path,
    disk_errors,
    load_weights,
    read_trained,
)
from gankit.train import distributed
from gankit.train.build import build_gan, build_generator_from
from gankit.train.gan_job import make_gan_job, pattern_log, total_steps, write_plots
from gankit.train.latent import generate
from gankit.train.loop import Schedule, fit
from gankit.train.tensorboard import TensorBoardLogger, summary_writer_class


class Run:
    """A trained (or training) run: its folder, config and generator.

    Example:
        >>> run = load_run("runs/demo")        # doctest: +SKIP
        >>> run.sample(16, seed=0).shape       # doctest: +SKIP
        torch.Size([16, 1, 28, 28])
    """

    def __init__(self, path: Path, config: Config, G: nn.Module, shape, classes):
        self.path, self.config, self.G = Path(path), config, G
        self.shape, self.classes = tuple(shape), tuple(classes or ())

    @property
    def conditional(self) -> bool:
        return self.config.model.conditional

    def sample(self, n: int = 16, seed: int = 0, label: int | None = None) -> Tensor:
        """n samples for integer `seed` as float32 in [0, 1]: (n, C, H, W), or (n, D) for vectors."""
        if n < 1:
            raise GankitError(f"n={n}: expected at least 1 sample")
        labels = None
        if label is not None:
            if not self.conditional:
                raise GankitError(f"--label {label}: run {self.path} is not conditional")
            if not 0 <= label < len(self.classes):
                raise GankitError(f"--label {label}: expected 0–{len(self.classes) - 1}")
            labels = torch.full((n,), label, dtype=torch.long)
        elif self.conditional:
            labels = torch.arange(n) % len(self.classes)
        m = self.config.model
        return generate(self.G, m.latent, m.latent_dim, n, seed, labels)

    def metrics(self) -> list[dict]:
        return RunFolder(self.path).metrics.rows()


def load_run(path: str | Path, device: str = "cpu") -> Run:
    """Rebuild a run from its folder alone: config.json + generator.safetensors."""
    folder = RunFolder(Path(path))
    cfg, shape, classes = read_trained(folder, "gan", "; it has no generator to load")
    G = load_weights(build_generator_from(cfg, tuple(shape), len(classes)), folder.generator_path)
    return Run(folder.path, cfg, G.to(resolve_device(device)).eval(), shape, classes)


def resolve_config(
    recipe: str,
    *,
    data=None,
    epochs=None,
    steps=None,
    batch_size=None,
    seed=None,
    device=None,
    set=None,
) -> Config:
    """A recipe's config with the command-line style overrides applied (None: keep the recipe's)."""
    cfg = get_recipe(recipe).config
    direct = {
        "data.spec": data,
        "train.epochs": epochs,
        "train.steps": steps,
        "train.batch_size": batch_size,
        "train.seed": seed,
        "train.device": device,
    }
    cfg = apply_overrides(cfg, {k: v for k, v in direct.items() if v is not None}, model_args)
    if epochs is not None and steps is None:
        cfg = replace(cfg, train=replace(cfg.train, steps=0))
    cfg = apply_overrides(cfg, set, model_args)
    if cfg.train.batch_size < 1:
        raise GankitError(f"batch size {cfg.train.batch_size}: expected at least 1")
    return cfg


def _resume_config(out: Path, epochs, steps, **others) -> Config:
    changed = [k for k, v in others.items() if v]
    if changed:
        raise GankitError(
            f"--resume continues the saved config; cannot change {', '.join(changed)}"
        )
    cfg = RunFolder(out).read_config()
    if steps is not None:
        return replace(cfg, train=replace(cfg.train, steps=steps))
    if epochs is not None:
        return replace(cfg, train=replace(cfg.train, epochs=epochs, steps=0))
    return cfg


def train(
    recipe: str,
    *,
    data=None,
    out=None,
    epochs=None,
    steps=None,
    batch_size=None,
    seed=None,
    device=None,
    set=None,
    resume=False,
    progress=True,
    tensorboard=False,
) -> Run:
    """Train `recipe` into the run folder `out` (default runs/<recipe>-<time>) and return the Run.

    `tensorboard=True` also logs losses, images/s and sample grids to RUN/tensorboard/.
    Started by torchrun, each process trains its shard and rank 0 writes the run folder (see
    gankit.train.distributed); `batch_size` is then per process.
    A classifier recipe (task "classifier") returns a `gankit.classify.ClassifierRun`.

    Example:
        >>> run = train("gan-1010", out="runs/p", steps=200, progress=False)  # doctest: +SKIP
    """
    if resume:
        if out is None:
            raise GankitError("--resume needs --out RUN, the run folder to continue")
        if not RunFolder.is_run(Path(out)):
            raise GankitError(f"{out}: not a gankit run folder (no config.json); cannot resume")
        cfg = _resume_config(
            Path(out), epochs, steps, data=data, batch_size=batch_size, seed=seed, set=set
        )
    else:
        cfg = resolve_config(
            recipe,
            data=data,
            epochs=epochs,
            steps=steps,
            batch_size=batch_size,
            seed=seed,
            device=device,
            set=set,
        )
    if cfg.task == "classifier":
        from gankit.classify import train_classifier

        return train_classifier(cfg, out=out, resume=resume, device=device, progress=progress)
    if cfg.task != "gan":
        raise GankitError(
            f"recipe '{cfg.recipe}': unknown task '{cfg.task}'; expected gan or classifier"
        )
    if tensorboard:
        summary_writer_class()  # a missing package fails here, before the run folder exists
    place = distributed.from_env()
    out = Path(out) if out else default_run_path(cfg.recipe)
    with distributed.session(resolve_device(device or cfg.train.device), place) as dev:
        return _train_gan(cfg, dev, place, out, resume, progress, tensorboard)


def _train_gan(
    cfg: Config, dev, place: distributed.Dist, out: Path, resume, progress, tensorboard
) -> Run:
    """Data, models and run folder for `cfg` on this process, then the shared loop."""
    configure(dev)
    data_set = place_data(load_data(cfg.data.spec, "train", size=cfg.data.size), dev)
    gan = build_gan(cfg, data_set.shape, data_set.num_classes, dev)
    info = {"data_shape": list(data_set.shape), "classes": list(data_set.classes or [])}
    info["precision"] = str(amp_dtype(dev, cfg.train.amp, cfg.train.amp_cpu) or "float32")
    run = _open_run(out, cfg, dev, resume, info, place)  # None on ranks other than 0
    t = cfg.train
    batches = Batches(len(data_set), t.batch_size, t.seed, place.rank, place.world)
    state = None
    if resume and RunFolder(out).has_checkpoint:  # none yet: killed early, start from step 0
        state = RunFolder(out).load_checkpoint(dev)
    if run is not None and resume:
        with disk_errors(run.path):
            run.write_config(cfg, str(dev), info)  # a longer run: record the new length
            _truncate_logs(run, int(state["step"]) if state else 0, data_set.shape)
    gan.G, gan.D = distributed.wrap(gan.G, dev, place), distributed.wrap(gan.D, dev, place)
    noise = torch.Generator(dev)  # seeded per rank and step by the job
    job = make_gan_job(gan, data_set, batches, noise, run, cfg)
    total = total_steps(cfg, job.steps_per_epoch)
    sched = Schedule(total, t.log_every, t.sample_every, t.checkpoint_every, t.checkpoint_seconds)
    loggers = _loggers(run, tensorboard, int(state["step"]) if state else None)
    try:
        with disk_errors(out):
            fit(job, run, sched, state, progress and place.main, loggers)
    finally:
        for logger in loggers:
            logger.close()
        if run is not None:
            with disk_errors(run.path):
                write_plots(run, gan, data_set.shape)
    G = distributed.unwrap(gan.sampler).eval()  # the EMA average where EMA is on
    return Run(out, cfg, G, data_set.shape, data_set.classes)


def _open_run(out: Path, cfg: Config, dev, resume, info, place) -> RunFolder | None:
    """Rank 0 creates (or reopens) the run folder; every rank fails together if it cannot."""
    run, error = None, None
    if place.main:
        try:
            run = RunFolder.create(out, cfg, str(dev), resume, info)
        except GankitError as e:
            error = str(e)
    distributed.agree(error)
    return run


def _loggers(run: RunFolder | None, tensorboard: bool, resume_step: int | None) -> tuple:
    if not tensorboard or run is None:  # only the process that writes the run folder logs
        return ()
    purge = resume_step + 1 if resume_step is not None else None  # the checkpoint's row stays
    return (TensorBoardLogger(run.path / "tensorboard", purge_step=purge),)


def _truncate_logs(run: RunFolder, step: int, shape) -> None:
    """Rows written after the checkpoint we resume from will be written again: drop them."""
    run.metrics.truncate_after(step)
    logs: list[CsvLog] = [pattern_log(run, shape[0])] if len(shape) == 1 else []
    for log in logs:
        log.truncate_after(step)
