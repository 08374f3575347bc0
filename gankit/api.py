"""The Python API: `train`, `load_run` and `Run.sample`. The CLI is a thin layer over these."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import torch
from torch import Tensor, nn

from gankit.classify import ClassifierRun
from gankit.config import Config, apply_overrides
from gankit.device import resolve_device
from gankit.errors import GankitError
from gankit.models import model_args
from gankit.models.seed_clusters import check_truncation
from gankit.recipes import get_recipe
from gankit.runs import RunFolder, default_run_path, load_weights, read_trained
from gankit.train.build import build_generator_from
from gankit.train.classifier import ClassifierTask
from gankit.train.driver import drive
from gankit.train.gan_job import GanTask
from gankit.train.latent import generate
from gankit.validate import flatten, validate


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

    # Inline figures for notebooks: the same pixels as the matching `gankit …` command writes.
    def show(self, n=16, seed=0, label=None, *, book=False, per_label=False, nrow=None) -> None:
        """Show samples inline: a grid (`gankit sample`), `book=True` the 2×3, or `per_label=True`.

        Example:
            >>> run.show(6, seed=0, book=True)  # doctest: +SKIP
        """
        from gankit.viz import inline
        from gankit.viz import run_figures as figures

        if book or per_label:
            target = io.BytesIO()
            if per_label:
                figures.per_label_figure(self, target, seed)
            else:
                figures.book_figure(self, target, seed, label)
            return inline.display_png(target.getvalue())
        return inline.show(self.sample(n, seed=seed, label=label), nrow=nrow)

    def show_walk(self, seed_a=0, seed_b=1, steps=12, mode="linear", label=None) -> None:
        """Show the walk between two seeds inline, as `gankit interpolate` draws it (ch. 7)."""
        from gankit.viz import inline
        from gankit.viz.run_figures import walk_figure

        target = io.BytesIO()
        walk_figure(self, target, seed_a, seed_b, steps, mode, label)
        inline.display_png(target.getvalue())

    def show_seed_math(self, seed_a=0, seed_b=1, label=None) -> None:
        """Show s1, s2, s1 + s2, s1 − s2 and s1 · s2 inline, as `gankit seed-math` draws them."""
        from gankit.viz import inline
        from gankit.viz.run_figures import seed_math_figure

        target = io.BytesIO()
        seed_math_figure(self, target, seed_a, seed_b, label)
        inline.display_png(target.getvalue())

    def plot_losses(self) -> None:
        """Show plots/losses.png inline: D and G loss with the ideal-loss lines (appendix A)."""
        from gankit.viz import inline

        inline.show(self.path / "plots" / "losses.png")


def load_run(path: str | Path, device: str = "cpu", truncation: float | None = None) -> Run:
    """Rebuild a run from its folder alone: config.json + generator.safetensors.

    `truncation` (0, 1] replaces the run's `model.truncation` for sampling: 1 draws the seeds as
    trained, below 1 scales them towards 0 (more precision, less variety).

    Example:
        >>> run = load_run("runs/mnist", truncation=1.0)  # doctest: +SKIP
    """
    folder = RunFolder(Path(path))
    cfg, shape, classes = read_trained(folder, "gan", "; it has no generator to load")
    if truncation is not None:
        psi = check_truncation(truncation, cfg.model.latent, "--truncation")
        cfg = replace(cfg, model=replace(cfg.model, truncation=psi))
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
    """A recipe's config with the command-line style overrides applied (None: keep the recipe's).

    Example:
        >>> resolve_config("gan-mnist", steps=40, seed=7).train.seed
        7
    """
    flags = {"data": data, "epochs": epochs, "steps": steps, "batch_size": batch_size}
    return apply_flags(get_recipe(recipe).config, seed=seed, device=device, set=set, **flags)


def apply_flags(
    cfg: Config, *, data, epochs, steps, batch_size, seed, device, set: list | dict | str | None
) -> Config:
    """`cfg` with the flags of `gankit train` applied: the named ones first, then `--set`."""
    direct = {
        "data.spec": data,
        "train.epochs": epochs,
        "train.steps": steps,
        "train.batch_size": batch_size,
        "train.seed": seed,
        "train.device": device,
    }
    cfg = apply_overrides(cfg, {k: v for k, v in direct.items() if v is not None}, model_args)
    if epochs is not None and steps is None:  # --epochs alone: the run is counted in epochs
        cfg = replace(cfg, train=replace(cfg.train, steps=0))
    return apply_overrides(cfg, set, model_args)


# what --resume may change: the run's length and where it runs
RESUMABLE = ("train.steps", "train.epochs", "train.device", "train.compile")


def resume_config(recipe: str, out, **flags) -> Config:
    """The saved config of the run in `out` with `flags` applied; only real changes are refused.

    Re-running one's own command line with --resume (as a batch scheduler's requeue does) works:
    a flag equal to the saved value changes nothing. Length and device may change.
    """
    if out is None:
        raise GankitError("--resume needs --out RUN, the run folder to continue")
    if not RunFolder.is_run(Path(out)):
        raise GankitError(f"{out}: not a gankit run folder (no config.json); cannot resume")
    saved = RunFolder(Path(out)).read_config()
    asked = replace(apply_flags(saved, **flags), recipe=recipe)
    old, new = _fields(saved), _fields(asked)
    changed = [
        f"{key}: {_show(old[key])} → {_show(new[key])}"
        for key in new
        if key not in RESUMABLE and new[key] != old[key]
    ]
    if changed:
        raise GankitError(
            f"--resume continues the saved config; cannot change {', '.join(changed)}"
        )
    return asked


def _fields(cfg: Config) -> dict:
    return {"recipe": cfg.recipe, "task": cfg.task, **flatten(cfg)}


def _show(value) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, tuple | list) else str(value)


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
) -> Run | ClassifierRun:
    """Train `recipe` into the run folder `out` (default runs/<recipe>-<time>) and return the Run;
    a classifier recipe (task "classifier") returns a `gankit.classify.ClassifierRun`.

    The whole config is checked before anything is written (gankit.validate). `resume=True`
    continues the run in `out`; the other arguments may repeat its saved values, and only
    `steps`, `epochs` and `device` may change them. `tensorboard=True` also logs losses, images/s
    and sample grids to RUN/tensorboard/. Started by torchrun, each process trains its shard and
    rank 0 writes the run folder (see gankit.train.distributed); `batch_size` is then per process.
    The process is left as it was found: RNG states, cudnn and TF32 flags (gankit.device).

    Example:
        >>> run = train("gan-1010", out="runs/p", steps=200, progress=False)  # doctest: +SKIP
    """
    flags = dict(data=data, epochs=epochs, steps=steps, batch_size=batch_size, seed=seed)
    flags.update(device=device, set=set)
    cfg = resume_config(recipe, out, **flags) if resume else resolve_config(recipe, **flags)
    validate(cfg)
    out = Path(out) if out else default_run_path(cfg.recipe)
    if cfg.task == "classifier":
        task = ClassifierTask(cfg)
        drive(task, out, resume, progress, tensorboard)
        model, data_set = task.parts.model.eval(), task.data
        return ClassifierRun(out, cfg, model, data_set.shape, data_set.classes, task.report)
    gan = GanTask(cfg)
    drive(gan, out, resume, progress, tensorboard)
    return Run(out, cfg, gan.sampler().eval(), gan.data.shape, gan.data.classes)
