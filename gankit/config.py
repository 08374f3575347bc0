"""Configuration as inert, frozen data: a recipe is a `Config`; `--set key=value` makes a new one.

Defaults are declared here once. `build_*` functions elsewhere turn config into objects; nothing in
this file builds a model or an optimiser.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field, fields, replace
from typing import Any

from gankit.errors import GankitError, did_you_mean


@dataclass(frozen=True)
class DataConfig:
    spec: str = "mnist"  # a data spec, see gankit.data
    size: int = (
        0  # images: side after the centre crop (faces: 128, the book's crop); 0: the spec's own
    )


@dataclass(frozen=True)
class ModelConfig:
    generator: str = "mlp"  # registry names, see gankit.models
    discriminator: str = "mlp"
    classifier: str = "mlp"  # task "classifier": see gankit.models.classifiers
    g: dict = field(default_factory=dict)  # keyword arguments of the generator's constructor
    d: dict = field(default_factory=dict)  # keyword arguments of the discriminator's constructor
    c: dict = field(default_factory=dict)  # keyword arguments of the classifier's constructor
    latent: str = "normal"  # normal | uniform | constant (0.5, as in the book's ch. 6)
    latent_dim: int = 100
    conditional: bool = False  # labels flow to G and D (ch. 10)
    # > 0: self-conditioning, no labels needed: D learns each training image's cluster (this many
    # equal k-means clusters of the pixels), G picks its cluster from its seed; see
    # gankit.data.clusters and gankit.models.seed_clusters
    clusters: int = 0
    # < 1: sampling (never training) scales G's seed by this towards 0, the truncation trick:
    # more precision, less recall (gankit.models.seed_clusters)
    truncation: float = 1.0


@dataclass(frozen=True)
class LossConfig:
    name: str = "bce"  # GANs: gankit.losses.LOSSES; classifiers: mse | bce | ce


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 64
    epochs: int = 1
    steps: int = 0  # > 0: train this many steps instead of `epochs`
    optimizer: str = "adam"  # adam | sgd
    lr_g: float = 1e-4
    lr_d: float = 1e-4
    lr: float = 1e-3  # the classifier's learning rate (task "classifier"; GANs use lr_g, lr_d)
    lr_schedule: str = "constant"  # classifiers: constant | one-cycle (warm up, then anneal)
    betas: tuple = (0.9, 0.999)  # Adam's betas
    d_update: str = "split"  # split: the book's two D steps (real, then fake); joint: one step
    d_steps: int = 1  # D updates per G update, each on its own real batch (WGAN-GP uses 5)
    # true: G's update reuses D's last fakes and their graph (pytorch/examples' DCGAN), one G
    # forward per step instead of the book's two; a different algorithm, off in every recipe
    reuse_fake: bool = False
    lr_decay: str = "none"  # none | linear: both learning rates fall linearly to 0 at the last step
    seed: int = 0
    log_every: int = 10  # metrics.csv row every N steps (the book samples losses every 10)
    sample_every: int = 0  # sample grid every N steps; 0: ten grids over the run
    checkpoint_every: int = 0  # checkpoint every N steps; 0: by time only
    checkpoint_seconds: float = 60.0  # and at least this often
    device: str = "auto"  # auto | cpu | cuda
    amp: bool = True  # bf16 autocast on CUDA (see gankit.device); false: fp32 everywhere
    # also on the CPU where it computes bf16 natively (AMX, AVX512-BF16) and a probe measured it
    # faster than fp32 (gankit.device.cpu_bf16_fast: once per machine, kept in the cache folder)
    amp_cpu: bool = False
    # auto | on | off: strided convs in their sub-pixel forms (gankit.models.fast_conv); auto
    # where they measured faster: under bf16 autocast on the CPU
    fast_conv: str = "auto"
    # auto | on | off | graphs (gankit.train.speed.compile_plan): on the CPU, the book's MLP GANs
    # run a hand-differentiated step (auto or on); other models get torch.compile of G and D (on;
    # auto on CUDA only, not yet measured there: on the CPU it gained too little for its compile
    # time); graphs: one CUDA GPU only, the compiled graphs replayed as CUDA graphs
    compile: str = "auto"


@dataclass(frozen=True)
class RegularizerConfig:
    """The modern stabilisers (gankit.train.regularizers, ema, augment); all off by default.

    Two learning rates (TTUR, Heusel et al., 2017) need no field here: set train.lr_d ≠ train.lr_g.
    """

    gradient_penalty: float = 0.0  # λ of WGAN-GP's (‖∇D(x̂)‖ - 1)² on real/fake mixes; 10 is usual
    r1: float = 0.0  # γ of the R1 penalty γ/2 ‖∇D(x_real)‖² (Mescheder et al., 2018)
    r2: float = 0.0  # γ of the R2 penalty γ/2 ‖∇D(x_fake)‖² (with rpgan: Huang et al., 2024)
    r1_every: int = 1  # lazy R1 and R2: computed every k steps, weighted by k (StyleGAN2)
    spectral_norm: bool = False  # wrap every linear and conv layer of D (Miyato et al., 2018)
    ema: float = 0.0  # decay of the average of G's weights (e.g. 0.999); 0: off
    # DiffAugment policy: comma-separated translation, cutout, color; auto: all three for
    # training sets under 10,000 images, none above (gankit.train.augment.SMALL_SET)
    augment: str = ""


@dataclass(frozen=True)
class Config:
    recipe: str = ""
    task: str = "gan"  # gan | classifier
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    reg: RegularizerConfig = field(default_factory=RegularizerConfig)


# ----------------------------------------------------------------------------- (de)serialisation


def to_dict(cfg: Config) -> dict:
    """The config as plain JSON-able data (tuples become lists).

    Example:
        >>> to_dict(Config())["train"]["batch_size"]
        64
    """
    return json.loads(json.dumps(dataclasses.asdict(cfg)))


def from_dict(data: dict, cls: type = Config) -> Any:
    """Rebuild a config from `to_dict`'s output; unknown keys are an error (a file from elsewhere).

    Example:
        >>> from_dict(to_dict(Config())) == Config()
        True
    """
    hints = typing.get_type_hints(cls)
    kwargs = {}
    known = {f.name for f in fields(cls)}
    for key, value in data.items():
        if key not in known:
            raise GankitError(f"config: unknown key '{key}' in section {cls.__name__}")
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            kwargs[key] = from_dict(value, hint)
        elif hint is tuple:
            kwargs[key] = tuple(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


# ----------------------------------------------------------------------------- --set overrides


def _parse_scalar(text: str, like: Any, key: str) -> Any:
    """Parse `text` to the type of `like` (the current value), or fail naming the key."""
    want = type(like).__name__
    try:
        if isinstance(like, bool):
            lowered = text.strip().lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ValueError
        if isinstance(like, int):
            return int(text)
        if isinstance(like, float):
            return float(text)
        if isinstance(like, tuple | list):
            parts = json.loads(text) if text.strip().startswith("[") else text.split(",")
            kind = type(like[0]) if like else float
            return tuple(kind(p) for p in parts)
        if isinstance(like, str):
            return text
        if like is None:  # an optional value: take JSON if it parses, else the text
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                return text
    except (ValueError, TypeError, json.JSONDecodeError):
        pass
    raise GankitError(f"--set {key}={text}: expected a value of type {want}")


def _number(part: Any) -> int | float:
    """An int where the text is one ("[256, 512]" stays integer layer sizes), else a float."""
    if isinstance(part, int | float) and not isinstance(part, bool):
        return part  # already parsed from JSON
    try:
        return int(part)
    except ValueError:
        return float(part)


def _parse_free(text: str) -> Any:
    """A value with no known type (a model keyword argument): JSON if it parses, else the text."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def apply_overrides(cfg: Config, items: list[str] | dict | str | None, model_args=None) -> Config:
    """Return a new config with `section.key=value` overrides applied.

    `model_args(role, name)` gives the keyword arguments a model accepts with their defaults, so
    `model.g.hidden=512` is checked against the constructor (role is "g", "d" or "c").

    Example:
        >>> apply_overrides(Config(), ["train.lr_g=2e-4"]).train.lr_g
        0.0002
    """
    if not items:
        return cfg
    if isinstance(items, str):  # one override, as `set="train.lr_g=2e-4"` passes it from Python
        items = [items]
    pairs = items.items() if isinstance(items, dict) else (_split_item(i) for i in items)
    for key, value in pairs:
        cfg = _apply_one(cfg, key, value, model_args)
    return cfg


def _split_item(item: str) -> tuple[str, str]:
    if "=" not in item:
        raise GankitError(f"--set {item}: expected key=value, e.g. train.lr_g=2e-4")
    key, value = item.split("=", 1)
    return key.strip(), value


def _section_keys() -> list[str]:
    names = []
    for f in fields(Config):
        if f.name in ("recipe",):
            continue
        sub = typing.get_type_hints(Config)[f.name]
        if dataclasses.is_dataclass(sub):
            names += [f"{f.name}.{g.name}" for g in fields(sub)]
        else:
            names.append(f.name)
    return names


def _unknown_key(key: str) -> GankitError:
    keys = _section_keys()
    return GankitError(
        f"--set {key}: unknown key{did_you_mean(key, keys)}; valid keys: {', '.join(keys)}"
    )


def _apply_one(cfg: Config, key: str, value: Any, model_args) -> Config:
    parts = key.split(".")
    section = getattr(cfg, parts[0], None) if parts[0] != "recipe" else None
    if section is None or not dataclasses.is_dataclass(section) or len(parts) < 2:
        raise _unknown_key(key)
    name = parts[1]
    if name not in {f.name for f in fields(section)}:
        raise _unknown_key(key)
    current = getattr(section, name)
    if isinstance(current, dict):  # model.g.<kwarg> / model.d.<kwarg> / model.c.<kwarg>
        if len(parts) != 3:
            raise GankitError(f"--set {key}: expected {parts[0]}.{name}.<argument>=value")
        arg = parts[2]
        allowed = model_args(name, _model_name(cfg, name)) if model_args else {}
        if model_args and arg not in allowed:
            names = sorted(allowed)
            valid, hint = ", ".join(names) or "none", did_you_mean(arg, names)
            raise GankitError(f"--set {key}: unknown argument '{arg}'{hint}; valid: {valid}")
        like = current.get(arg, allowed.get(arg))
        parsed = value if not isinstance(value, str) else _parse_model_arg(value, like, key)
        new_value = {**current, arg: list(parsed) if isinstance(parsed, tuple) else parsed}
    else:
        if len(parts) != 2:
            raise _unknown_key(key)
        new_value = _parse_scalar(value, current, key) if isinstance(value, str) else value
        _check_type(key, new_value, current)
    return replace(cfg, **{parts[0]: replace(section, **{name: new_value})})


def _parse_model_arg(text: str, like: Any, key: str) -> Any:
    """Typed like the default; where the default is a flag, a word is kept as text for the model
    to check when built (norm=batch where the default is norm=true)."""
    if like is None:
        return _parse_free(text)
    try:
        return _parse_scalar(text, like, key)
    except GankitError:
        parsed = _parse_free(text)
        if isinstance(like, bool) and isinstance(parsed, str):
            return parsed
        raise


def _model_name(cfg: Config, role: str) -> str:
    m = cfg.model
    return {"g": m.generator, "d": m.discriminator, "c": m.classifier}[role]


def _check_type(key: str, value: Any, like: Any) -> None:
    """Python-API overrides arrive typed; refuse a value of the wrong kind."""
    if isinstance(like, bool) and not isinstance(value, bool):
        raise GankitError(f"--set {key}: expected a value of type bool")
    if isinstance(like, int | float) and not isinstance(value, int | float):
        raise GankitError(f"--set {key}: expected a value of type {type(like).__name__}")
    if isinstance(like, str) and not isinstance(value, str):
        raise GankitError(f"--set {key}: expected a value of type str")
