"""A model's layers with the shapes a real forward pass gives them: `explain conv-size --recipe NAME`.

Forward hooks on every leaf layer record what flows in and out, so the table is right for any model
in the registry (MLP or convolutional, conditional or not), without knowing how it is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch
from rich.console import Console
from rich.table import Table
from torch import nn

from gankit.explain import Result


@dataclass(frozen=True)
class Layer:
    """One row: a leaf layer's name, what it is, shapes per sample (batch left out), parameters."""

    name: str
    kind: str
    shape_in: tuple[int, ...]
    shape_out: tuple[int, ...]
    params: int


def _first_tensor(value) -> torch.Tensor | None:
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)):
        return next((v for v in value if isinstance(v, torch.Tensor)), None)
    return None


def _leaves(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Layers without sub-layers; a parametrised layer (spectral norm) counts as one layer."""
    out = []
    for name, m in model.named_modules():
        children = [c for c, _ in m.named_children() if c != "parametrizations"]
        if ".parametrizations." in f".{name}." or children:
            continue
        out.append((name or type(m).__name__, m))
    return out


# argument names and PyTorch defaults left out of the `kind` column, to keep it one short line
_SHORT = {"kernel_size=": "k=", "stride=": "s=", "padding=": "p=", "output_padding=": "op="}
_DROP = re.compile(
    r",?\s*\b(bias=True|eps=1e-05|momentum=0.1|affine=True|track_running_stats=True|"
    r"elementwise_affine=True|inplace=False|approximate='none')"
)
_NAMES = re.compile(r"\b(in_features|out_features|negative_slope|normalized_shape)=")


def _kind(m: nn.Module) -> str:
    """Compact description, e.g. "Conv2d(3, 256, k=(8, 8), s=(2, 2))" or "Linear(784, 512) + SN"."""
    name = type(m).__name__.removeprefix("Parametrized")
    extra = _NAMES.sub("", _DROP.sub("", m.extra_repr())).strip(", ")
    for long, short in _SHORT.items():
        extra = extra.replace(long, short)
    text = f"{name}({extra})" if extra else name
    if hasattr(m, "parametrizations"):  # spectral norm and other reparametrisations
        kinds = {type(p).__name__.strip("_") for ps in m.parametrizations.values() for p in ps}
        text += " + " + ", ".join(sorted(kinds))
    return text


def layer_shapes(model: nn.Module, *inputs) -> list[Layer]:
    """Run `model(*inputs)` once in eval mode and list every leaf layer with its shapes.

    The last row is the whole model's output (after any reshaping its forward does).

    Example:
        >>> rows = layer_shapes(nn.Sequential(nn.Conv2d(3, 4, 8, 2)), torch.zeros(2, 3, 128, 128))
        >>> rows[0].shape_out
        (4, 61, 61)
    """
    rows: list[Layer] = []

    def hook(name):
        def record(module, args, output):
            x, y = _first_tensor(args), _first_tensor(output)
            if x is not None and y is not None:
                n = sum(p.numel() for p in module.parameters())
                rows.append(Layer(name, _kind(module), tuple(x.shape[1:]), tuple(y.shape[1:]), n))

        return record

    handles = [m.register_forward_hook(hook(name)) for name, m in _leaves(model)]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            y = _first_tensor(model(*inputs))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    total = sum(p.numel() for p in model.parameters())
    rows.append(
        Layer(
            "(output)", type(model).__name__, tuple(inputs[0].shape[1:]), tuple(y.shape[1:]), total
        )
    )
    return rows


def recipe_layers(name: str, data: str | None = None) -> dict[str, list[Layer]]:
    """G's and D's layers for recipe `name`, shapes from its data set (or `data`, a spec).

    Example:
        >>> recipe_layers("gan-1010")["G"][-1].shape_out  # doctest: +SKIP
        (4,)
    """
    from gankit.data import load_data
    from gankit.recipes import get_recipe

    cfg = get_recipe(name).config
    return model_layers(cfg, load_data(data or cfg.data.spec, "train"))


def model_layers(cfg, ds) -> dict[str, list[Layer]]:
    """G's and D's layers for config `cfg` on data set `ds`: two real samples through D."""
    from gankit.train.build import build_discriminator_from, build_generator_from
    from gankit.train.latent import sample_latent

    torch.manual_seed(cfg.train.seed)
    G = build_generator_from(cfg, ds.shape, ds.num_classes)
    D = build_discriminator_from(cfg, ds.shape, ds.num_classes)
    idx = torch.arange(min(2, len(ds)))  # (2,): BatchNorm-style layers want a batch
    labels = ds.labels(idx) if cfg.model.conditional else None
    m = cfg.model
    # self-conditioned (model.clusters): G reads its clusters off z, D takes any cluster ids (2,)
    d_labels = idx % m.clusters if m.clusters else labels
    z = sample_latent(m.latent, len(idx), m.latent_dim, torch.Generator().manual_seed(0))
    return {"G": layer_shapes(G, z, labels), "D": layer_shapes(D, ds.batch(idx), d_labels)}


def _fmt(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if shape else "scalar"


def show_recipe(name: str, console: Console, data: str | None = None) -> Result:
    """Print the recipe's G and D layer by layer; numbers are the output sizes along the way."""
    numbers: dict[str, float] = {}
    for role, rows in recipe_layers(name, data).items():
        title = f"recipe {name}: {'generator' if role == 'G' else 'discriminator'} (one sample)"
        table = Table(title=title)
        for col in ("layer", "kind", "in", "out", "params"):
            table.add_column(col, overflow="fold")
        for r in rows:
            table.add_row(r.name, r.kind, _fmt(r.shape_in), _fmt(r.shape_out), f"{r.params:,}")
            numbers[f"{role} {r.name}"] = float(r.shape_out[-1]) if r.shape_out else 1.0
        console.print(table)
    console.print(
        "Shapes come from one forward pass of the real models (forward hooks); a convolution's "
        "spatial size follows ⌊(in + 2p − k)/s⌋ + 1, a transposed one (in − 1)·s − 2p + k."
    )
    return Result(numbers, [])
