"""One validation of a whole resolved config, run before anything touches the disk.

`gankit.train` resolves a config (recipe, flags, `--set`, or a run folder's config.json on
`--resume`) and calls `validate` on it before it creates a folder, so a bad value leaves nothing
behind and the corrected command runs. It checks:
  - types (a hand-edited config.json may hold "64" where 64 belongs);
  - choices (optimiser, losses, model names, schedules…) and ranges (batch size, rates, decays);
  - the Lipschitz rule (a Wasserstein critic needs a gradient penalty or spectral norm);
  - fields the task ignores: set away from their defaults they would silently do nothing.
What needs the data (a conditional model on unlabelled data, DiffAugment on vectors) is checked
when the data has loaded, still before the run folder exists.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any

from gankit.config import Config
from gankit.errors import GankitError
from gankit.train.latent import MAX_SEED

TASKS = ("gan", "classifier")

# field → (task that ignores it → what that task uses instead, or "")
IGNORED: dict[str, dict[str, str]] = {
    "train.lr": {"gan": "train.lr_g and train.lr_d"},
    "train.lr_schedule": {"gan": "train.lr_decay"},
    "model.classifier": {"gan": "model.generator and model.discriminator"},
    "model.c": {"gan": "model.g and model.d"},
    "train.lr_g": {"classifier": "train.lr"},
    "train.lr_d": {"classifier": "train.lr"},
    "train.lr_decay": {"classifier": "train.lr_schedule"},
    **{
        key: {"classifier": ""}
        for key in (
            "train.d_update", "train.d_steps", "train.reuse_fake", "train.sample_every",
            "train.amp", "train.amp_cpu", "train.fast_conv", "train.compile", "model.generator",
            "model.discriminator", "model.g", "model.d", "model.latent", "model.latent_dim",
            "model.conditional", "model.clusters", "model.truncation",
            *(f"reg.{f.name}" for f in dataclasses.fields(Config().reg)),
        )
    },
}  # fmt: skip

CHOICES = {
    "train.optimizer": ("adam", "sgd"),
    "train.d_update": ("split", "joint"),
    "train.lr_decay": ("none", "linear"),
    "train.lr_schedule": ("constant", "one-cycle"),
    "train.fast_conv": ("auto", "on", "off"),
    "train.compile": ("auto", "on", "off", "graphs"),
    "model.latent": ("normal", "uniform", "constant"),
}

# field → (test, what is expected)
RANGES = {
    "data.size": (lambda v: v >= 0, "0 (the spec's own size) or a side in pixels"),
    "model.latent_dim": (lambda v: v >= 1, "at least 1"),
    "model.clusters": (lambda v: v == 0 or v >= 2, "0 (off) or at least 2 clusters"),
    "model.truncation": (lambda v: 0 < v <= 1, "a factor in (0, 1]: 1 samples the seeds as drawn"),
    "train.batch_size": (lambda v: v >= 1, "at least 1"),
    "train.epochs": (lambda v: v >= 1, "at least 1"),
    "train.steps": (lambda v: v >= 0, "0 (train epochs) or more"),
    # the range every seed of gankit takes: --seed -1 trained before
    "train.seed": (lambda v: 0 <= v <= MAX_SEED, f"an integer from 0 to {MAX_SEED}"),
    "train.lr_g": (lambda v: v > 0, "a learning rate above 0"),
    "train.lr_d": (lambda v: v > 0, "a learning rate above 0"),
    "train.lr": (lambda v: v > 0, "a learning rate above 0"),
    "train.betas": (lambda v: len(v) == 2 and all(0 <= b < 1 for b in v), "two values in [0, 1)"),
    "train.d_steps": (lambda v: v >= 1, "at least 1"),
    "train.log_every": (lambda v: v >= 1, "at least 1"),
    "train.sample_every": (lambda v: v >= 0, "0 (ten grids over the run) or more"),
    "train.checkpoint_every": (lambda v: v >= 0, "0 (by time only) or more"),
    "train.checkpoint_seconds": (lambda v: v > 0, "seconds above 0"),
    "reg.gradient_penalty": (lambda v: v >= 0, "a weight ≥ 0"),
    "reg.r1": (lambda v: v >= 0, "a weight ≥ 0"),
    "reg.r2": (lambda v: v >= 0, "a weight ≥ 0"),
    "reg.r1_every": (lambda v: v >= 1, "at least 1"),
    "reg.ema": (lambda v: 0 <= v < 1, "a decay in [0, 1), e.g. 0.999 (0: off)"),
}


def validate(cfg: Config) -> Config:
    """Check the whole config; returns it unchanged, or raises one GankitError naming the field.

    Example:
        >>> from gankit.recipes import get_recipe
        >>> validate(get_recipe("gan-mnist").config).task
        'gan'
        >>> validate(dataclasses.replace(Config(), task="vae"))
        Traceback (most recent call last):
        gankit.errors.GankitError: task 'vae': expected gan or classifier
    """
    if cfg.task not in TASKS:
        raise GankitError(f"task '{cfg.task}': expected {' or '.join(TASKS)}")
    values = flatten(cfg)
    _check_types(values)
    _check_ignored(cfg.task, values)
    _check_choices(cfg.task, values)
    for key, (ok, expected) in RANGES.items():
        if cfg.task not in IGNORED.get(key, {}) and not ok(values[key]):
            raise GankitError(f"{key}={_show(values[key])}: expected {expected}")
    if cfg.task == "gan":
        _check_gan(cfg)
    else:
        _check_models(cfg, ("c",))
    return cfg


def flatten(cfg: Config) -> dict[str, Any]:
    """`section.field` → value for every field of every section (model.g stays one dict).

    Example:
        >>> flatten(Config())["train.batch_size"]
        64
    """
    out = {}
    for section in dataclasses.fields(cfg):
        value = getattr(cfg, section.name)
        if dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                out[f"{section.name}.{f.name}"] = getattr(value, f.name)
    return out


def _show(value: Any) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, tuple | list) else str(value)


def _hints() -> dict[str, Any]:
    hints = {}
    for section in dataclasses.fields(Config):
        cls = typing.get_type_hints(Config)[section.name]
        if dataclasses.is_dataclass(cls):
            for name, hint in typing.get_type_hints(cls).items():
                hints[f"{section.name}.{name}"] = hint
    return hints


_KINDS = {
    int: (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    float: (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    bool: (lambda v: isinstance(v, bool), "true or false"),
    str: (lambda v: isinstance(v, str), "text"),
    dict: (lambda v: isinstance(v, dict), "an object of keyword arguments"),
    tuple: (
        lambda v: isinstance(v, tuple | list) and all(_KINDS[float][0](x) for x in v),
        "a list of numbers",
    ),
}


def _check_types(values: dict[str, Any]) -> None:
    for key, hint in _hints().items():
        ok, expected = _KINDS[hint]
        if not ok(values[key]):
            raise GankitError(f"{key}={values[key]!r}: expected {expected}")


def _check_ignored(task: str, values: dict[str, Any]) -> None:
    defaults = flatten(Config())
    for key, tasks in IGNORED.items():
        if task in tasks and values[key] != defaults[key]:
            uses = f" (it uses {tasks[task]})" if tasks[task] else ""
            raise GankitError(
                f"{key}={_show(values[key])}: the {task} task ignores this field{uses}"
            )


def _check_choices(task: str, values: dict[str, Any]) -> None:
    for key, valid in CHOICES.items():
        if task in IGNORED.get(key, {}) or values[key] in valid:
            continue
        listed = " or ".join(valid) if len(valid) == 2 else "one of " + ", ".join(valid)
        raise GankitError(f"{key} '{values[key]}': expected {listed}")
    device = values["train.device"]
    if not re.fullmatch(r"auto|cpu|cuda(:\d+)?", device):
        raise GankitError(f"train.device '{device}': expected auto, cpu or cuda")


def _check_gan(cfg: Config) -> None:
    from gankit.losses import LIPSCHITZ_LOSSES, get_loss
    from gankit.train.augment import parse_policy

    get_loss(cfg.loss.name)
    _check_models(cfg, ("g", "d"))
    if cfg.reg.augment and cfg.reg.augment != "auto":
        parse_policy(cfg.reg.augment)
    r = cfg.reg
    lipschitz = r.gradient_penalty > 0 or r.spectral_norm or cfg.model.d.get("spectral_norm")
    if get_loss(cfg.loss.name).paired and cfg.train.d_update == "split":
        raise GankitError(
            f"loss.name {cfg.loss.name}: pairs each real sample with a fake one, so D needs "
            "one step on both; set train.d_update=joint"
        )
    m = cfg.model
    if m.clusters and m.conditional:
        raise GankitError(
            "model.clusters: a self-conditioned model takes no data labels; "
            "set model.conditional=false or model.clusters=0"
        )
    if m.clusters and m.latent == "constant":
        raise GankitError(
            "model.clusters: G reads its cluster off its seed; expected model.latent normal or uniform"
        )
    if m.truncation != 1.0 and m.latent != "normal":
        raise GankitError(
            f"model.truncation {m.truncation}: scales normal seeds towards their mean; "
            "expected model.latent normal"
        )
    if cfg.loss.name in LIPSCHITZ_LOSSES and not lipschitz:
        raise GankitError(
            f"loss.name {cfg.loss.name}: needs a Lipschitz critic; set reg.gradient_penalty=10 "
            "or reg.spectral_norm=true"
        )


def _check_models(cfg: Config, roles: tuple[str, ...]) -> None:
    """Each model's name is registered and its keyword arguments are ones it takes."""
    from gankit.models import model_args
    from gankit.train.classifier import classifier_loss

    if roles == ("c",):
        classifier_loss(cfg.loss.name)
    m = cfg.model
    for role in roles:
        name = {"g": m.generator, "d": m.discriminator, "c": m.classifier}[role]
        allowed = model_args(role, name)
        for arg in getattr(m, role):
            if arg not in allowed:
                valid = ", ".join(sorted(allowed)) or "none"
                raise GankitError(
                    f"model.{role}.{arg}: unknown argument of '{name}'; valid: {valid}"
                )
