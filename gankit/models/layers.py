"""Small building blocks shared by the models: activations by name, one-hot labels, the
resolution ladder of the convolutional pairs."""

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


def ladder(size: int, who: str = "convolutional models") -> tuple[int, int]:
    """(b, k) with size = b·2ᵏ, 3 ≤ b ≤ 7, k ≥ 1: where the pair starts and how often it doubles.

    Example:
        >>> ladder(28), ladder(32), ladder(128)
        ((7, 2), (4, 3), (4, 5))
    """
    b, k = size, 0
    while b % 2 == 0 and b > 7:
        b, k = b // 2, k + 1
    if not (3 <= b <= 7 and k >= 1 and size <= 256):
        raise GankitError(
            f"{who}: image side {size} is not b·2ᵏ with 3 ≤ b ≤ 7 (28, 32, 48, 64, 96, "
            "128…) up to 256; set data.size"
        )
    return b, k
