"""Small building blocks shared by the models: activations by name, one-hot labels."""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from gankit.errors import GankitError


def activation(name: str, slope: float = 0.02) -> nn.Module:
    """An activation layer by name: sigmoid, relu, leaky-relu (with `slope`), gelu, tanh.

    Example:
        >>> activation("leaky-relu", 0.2)
        LeakyReLU(negative_slope=0.2)
    """
    if name == "leaky-relu":
        return nn.LeakyReLU(slope)
    table = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh}
    if name not in table:
        raise GankitError(f"activation '{name}': expected one of leaky-relu, {', '.join(table)}")
    return table[name]()


def with_labels(x: Tensor, labels: Tensor | None, num_classes: int) -> Tensor:
    """Concatenate one-hot labels to flat inputs, the book's conditioning (ch. 10): (B, F) → (B, F+K)."""
    if num_classes == 0:
        return x
    if labels is None:
        raise ValueError("a conditional model needs labels")
    return torch.cat([x, F.one_hot(labels, num_classes).to(x.dtype)], dim=1)
