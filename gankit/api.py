"""The Python API: `train`, `load_run` and `Run.sample`. The CLI is a thin layer over these."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import torch
from torch import Tensor, nn

from gankit.config import Config, apply_overrides
from gankit.data import Batches, load_data
from gankit.device import resolve_device
from gankit.errors import GankitError
from gankit.models import model_args
from gankit.recipes import get_recipe
from gankit.runs import CsvLog, RunFolder
from gankit.train.build import build_gan, build_generator_from
from gankit.train.gan_job import make_gan_job, pattern_log, total_steps, write_plots
from gankit.train.latent import generate
from gankit.train.loop import Schedule, fit


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
    from safetensors.torch import load_file

    folder = RunFolder(Path(path))
    if not folder.config_path.exists():
        raise GankitError(f"{path}: not a gankit run folder (no config.json)")
    doc = folder.read_doc()
    cfg = folder.read_config()
    shape, classes = doc.get("data_shape"), doc.get("classes") or []
    if shape is None:
        raise GankitError(f"{folder.config_path}: no data_shape; not written by gankit train")
    G = build_generator_from(cfg, tuple(shape), len(classes))
    if not folder.generator_path.exists():
        raise GankitError(f"{folder.generator_path}: missing; train the run first")
    try:
        G.load_state_dict(load_file(str(folder.generator_path)))
    except Exception as e:  # safetensors raises its own types; keep the message one line
        raise GankitError(
            f"{folder.generator_path}: cannot load ({str(e).splitlines()[0]})"
        ) from None
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
) -> Run:
    """Train `recipe` into the run folder `out` (default runs/<recipe>-<time>) and return the Run.

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
    if cfg.task != "gan":
        raise GankitError(f"recipe '{cfg.recipe}' is a {cfg.task} recipe, not a GAN")
    dev = resolve_device(device or cfg.train.device)
    data_set = load_data(cfg.data.spec, "train").to(dev)
    gan = build_gan(cfg, data_set.shape, data_set.num_classes, dev)
    out = Path(out) if out else Path("runs") / f"{cfg.recipe}-{time.strftime('%Y%m%d-%H%M%S')}"
    info = {"data_shape": list(data_set.shape), "classes": list(data_set.classes or [])}
    run = RunFolder.create(out, cfg, str(dev), resume, info)
    t = cfg.train
    batches = Batches(len(data_set), t.batch_size, t.seed)
    noise = torch.Generator(dev).manual_seed(t.seed + 1)
    job = make_gan_job(gan, data_set, batches, noise, run, cfg)
    state = None
    if resume:
        state = run.load_checkpoint(dev)
        run.write_config(cfg, str(dev), info)  # a longer run: record the new length
        _truncate_logs(run, int(state["step"]), data_set.shape)
    total = total_steps(cfg, job.steps_per_epoch)
    sched = Schedule(total, t.log_every, t.sample_every, t.checkpoint_every, t.checkpoint_seconds)
    try:
        fit(job, run, sched, state, progress)
    finally:
        write_plots(run, gan, data_set.shape)
    return Run(run.path, cfg, gan.sampler.eval(), data_set.shape, data_set.classes)


def _truncate_logs(run: RunFolder, step: int, shape) -> None:
    """Rows written after the checkpoint we resume from will be written again: drop them."""
    run.metrics.truncate_after(step)
    logs: list[CsvLog] = [pattern_log(run, shape[0])] if len(shape) == 1 else []
    for log in logs:
        log.truncate_after(step)
