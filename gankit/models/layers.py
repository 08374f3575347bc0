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
    if not _fits(size):
        near = drawable_side(size)
        hint = f", e.g. data.size={near}" if near != size else ""
        raise GankitError(
            f"{who}: image side {size} is not b·2ᵏ with 3 ≤ b ≤ 7 (28, 32, 48, 64, 96, "
            f"128…) up to {MAX_SIDE}; set data.size{hint}"
        )
    return _start(size)


def _start(size: int) -> tuple[int, int]:
    """size = b·2ᵏ with b odd or at most 7: the start map's side b and the doublings k."""
    b, k = size, 0
    while b % 2 == 0 and b > 7:
        b, k = b // 2, k + 1
    return b, k


def _fits(size: int) -> bool:
    """Whether the pairs draw side `size`: a start of 3 to 7 pixels, doubled at least once."""
    b, k = _start(size)
    return 3 <= b <= 7 and k >= 1 and size <= MAX_SIDE


MAX_SIDE = 256
# every side `ladder` accepts: 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, …
SIDES = [s for s in range(1, MAX_SIDE + 1) if _fits(s)]


def drawable_side(size: int) -> int:
    """The largest side the convolutional pairs draw that is at most `size` (`size` itself when
    none is: below 8 pixels).

    Example:
        >>> drawable_side(100), drawable_side(64), drawable_side(30), drawable_side(5)
        (96, 64, 28, 5)
    """
    return max((s for s in SIDES if s <= size), default=size)


def channels_last_like(h: Tensor, weight: Tensor) -> Tensor:
    """h (B, C, H, W) in channels_last when the convolution `weight` it feeds is stored so
    (gankit moves convolutional models there on images), else h as it is.

    A Linear's output viewed as (B, C, s, s) is in NCHW order; batch norm and ReLU on it would
    then meet channels_last gradients from the convolution after them, and the CPU's
    element-wise backward kernels on mixed layouts run ~6× slower (ReLU's at (128, 128, 7, 7)
    in bf16: 2.3 ms, against 0.38 ms for one copy and the kernel on matching layouts).

    Example:
        >>> w = torch.zeros(8, 4, 3, 3).to(memory_format=torch.channels_last)
        >>> channels_last_like(torch.zeros(2, 8, 5, 5), w).is_contiguous()
        False
    """
    if weight.is_contiguous() or not weight.is_contiguous(memory_format=torch.channels_last):
        return h
    return h.contiguous(memory_format=torch.channels_last)


def is_channels_last(h: Tensor) -> bool:
    """Whether h (B, C, H, W) is stored channels_last (and not also plain contiguous)."""
    return not h.is_contiguous() and h.is_contiguous(memory_format=torch.channels_last)


def stored_order(w: Tensor, shape: torch.Size) -> Tensor:
    """Weights (N, C·H·W) that read a (C, H, W)-flattened input, reordered to read it flattened
    in channels_last's stored (H, W, C) order: the same function on the other layout.

    Example:
        >>> h = torch.randn(2, 3, 4, 4).to(memory_format=torch.channels_last)
        >>> w = torch.randn(5, 48)
        >>> a = h.flatten(1) @ w.t()
        >>> b = h.permute(0, 2, 3, 1).flatten(1) @ stored_order(w, h.shape[1:]).t()
        >>> torch.allclose(a, b, atol=1e-5)
        True
    """
    return w.unflatten(1, shape).permute(0, 2, 3, 1).flatten(1)


def flat_linear(h: Tensor, linear: nn.Linear) -> Tensor:
    """linear(h.flatten(1)) for h (B, C, H, W); on a channels_last h, computed on h in its stored
    order (a view) with `stored_order` weights. Flattening it as (C, H, W) would copy it, and
    the gradient would come back NCHW onto the channels_last activation before it, whose
    backward on mixed layouts runs ~6× slower on the CPU.

    Example:
        >>> lin, h = nn.Linear(48, 1), torch.randn(2, 3, 4, 4)
        >>> cl = h.contiguous(memory_format=torch.channels_last)
        >>> torch.allclose(flat_linear(cl, lin), lin(h.flatten(1)), atol=1e-6)
        True
    """
    if not is_channels_last(h):
        return linear(h.flatten(1))
    flat = h.permute(0, 2, 3, 1).flatten(1)  # (B, H·W·C)
    return F.linear(flat, stored_order(linear.weight, h.shape[1:]), linear.bias)
