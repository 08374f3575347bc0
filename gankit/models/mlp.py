"""Fully connected generator and discriminator: every MLP of the book (ch. 6, 7, 8, 10) is one of these.

The book's improved MNIST GAN (ch. 7) is `MLPGenerator(latent_dim=100, hidden=(200,),
activation="leaky-relu", norm=True)` and the matching discriminator; ch. 6's 1010 models use
`hidden=(3,)` with sigmoid activations. D returns logits: the book's final Sigmoid lives in the
book's losses (gankit.losses), so one D serves every loss.
"""

from __future__ import annotations

import math

from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from gankit.errors import GankitError
from gankit.models.layers import activation, with_labels
from gankit.models.registry import register_discriminator, register_generator

_NORMS = {"layer": nn.LayerNorm, "batch": nn.BatchNorm1d}


def _norm_layer(norm: bool | str, width: int) -> list[nn.Module]:
    """norm=True is the book's LayerNorm; "batch" is BatchNorm1d; False or "none" is nothing."""
    kind = {True: "layer", False: "none"}.get(norm, norm)
    if kind == "none":
        return []
    if kind not in _NORMS:
        raise GankitError(f"model norm '{norm}': expected layer, batch, none (or true/false)")
    return [_NORMS[kind](width)]


def _hidden_stack(sizes, width_in, act, slope, norm, sn=False) -> tuple[nn.Sequential, int]:
    """Linear → activation → (normalisation) for each hidden size, in the book's order."""
    layers: list[nn.Module] = []
    for width in sizes:
        linear = nn.Linear(width_in, width)
        layers += [_sn(linear) if sn else linear, activation(act, slope), *_norm_layer(norm, width)]
        width_in = width
    return nn.Sequential(*layers), width_in


@register_generator("mlp")
class MLPGenerator(nn.Module):
    """Seed (B, latent_dim) [+ one-hot label] → samples (B, *out_shape) in [0, 1].

    `output="linear"` drops the final sigmoid, for vector data that is not in [0, 1] (the 2-D
    mixtures `ring-8`, `grid-25`).

    Example:
        >>> g = MLPGenerator(latent_dim=100, out_shape=(1, 28, 28))
        >>> g(torch.randn(2, 100)).shape  # doctest: +SKIP
        torch.Size([2, 1, 28, 28])
    """

    def __init__(
        self,
        *,
        latent_dim: int,
        out_shape: tuple[int, ...],
        num_classes: int = 0,
        hidden: tuple[int, ...] = (200,),
        activation: str = "leaky-relu",
        slope: float = 0.02,
        norm: bool | str = True,
        output: str = "sigmoid",
    ):
        super().__init__()
        if output not in ("sigmoid", "linear"):
            raise GankitError(f"model.g.output '{output}': expected sigmoid or linear")
        self.output = output
        self.latent_dim, self.out_shape, self.num_classes = (
            latent_dim,
            tuple(out_shape),
            num_classes,
        )
        self.body, width = _hidden_stack(hidden, latent_dim + num_classes, activation, slope, norm)
        self.head = nn.Linear(width, math.prod(out_shape))

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.body(with_labels(z, labels, self.num_classes))  # (B, hidden[-1])
        out = self.head(h)  # (B, prod(out_shape))
        out = out.sigmoid() if self.output == "sigmoid" else out
        return out.view(z.shape[0], *self.out_shape)


@register_discriminator("mlp")
class MLPDiscriminator(nn.Module):
    """Samples (B, *in_shape) [+ one-hot label] → logits (B,).

    `spectral_norm=True` wraps every linear layer (Miyato et al., 2018), bounding D's Lipschitz
    constant: the cure for the main job's mode collapse, together with the hinge loss.
    """

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int = 0,
        hidden: tuple[int, ...] = (200,),
        activation: str = "leaky-relu",
        slope: float = 0.02,
        norm: bool | str = True,
        spectral_norm: bool = False,
    ):
        super().__init__()
        self.num_classes = num_classes
        width_in = math.prod(in_shape) + num_classes
        self.body, width = _hidden_stack(hidden, width_in, activation, slope, norm, spectral_norm)
        head = nn.Linear(width, 1)
        self.head = _sn(head) if spectral_norm else head

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.body(with_labels(x.flatten(1), labels, self.num_classes))
        return self.head(h).squeeze(1)  # (B,)
