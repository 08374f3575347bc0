"""Seeds for the generator: the book's three kinds, drawn from an explicit torch.Generator.

constant  the constant 0.5 of ch. 6 (the 1010 GAN): G learns one output
uniform   U(0, 1) numbers, ch. 7's first attempt (one number)
normal    N(0, 1) numbers, ch. 7's improved GAN (100 numbers)
"""

from __future__ import annotations

import numbers

import torch
from torch import Tensor, nn

from gankit.errors import GankitError

KINDS = ("normal", "uniform", "constant")
INTERPOLATION_MODES = ("linear", "slerp")


def sample_latent(
    kind: str, n: int, dim: int, generator: torch.Generator, device: torch.device | str = "cpu"
) -> Tensor:
    """n seeds of `dim` numbers: (n, dim).

    Example:
        >>> g = torch.Generator().manual_seed(0)
        >>> sample_latent("constant", 2, 1, g).tolist()
        [[0.5], [0.5]]
    """
    if kind == "normal":
        return torch.randn(n, dim, generator=generator, device=device)
    if kind == "uniform":
        return torch.rand(n, dim, generator=generator, device=device)
    if kind == "constant":
        return torch.full((n, dim), 0.5, device=device)
    raise GankitError(f"model.latent '{kind}': expected one of {', '.join(KINDS)}")


MAX_SEED = 2**63 - 1  # seeds are non-negative 64-bit integers (signed range: portable)


def check_seed(seed: int, name: str = "--seed") -> int:
    """`seed` if it is an integer 0 … 2^63 − 1, else a GankitError naming `name`.

    Example:
        >>> check_seed(7)
        7
    """
    if (
        isinstance(seed, bool)
        or not isinstance(seed, numbers.Integral)
        or not 0 <= seed <= MAX_SEED
    ):
        raise GankitError(f"{name} {seed}: expected an integer from 0 to {MAX_SEED}")
    return int(seed)


def seeded_latent(kind: str, n: int, dim: int, seed: int, device="cpu") -> Tensor:
    """The seeds for integer `seed`: the same numbers on every machine (drawn on the CPU)."""
    generator = torch.Generator().manual_seed(check_seed(seed))
    return sample_latent(kind, n, dim, generator).to(device)


@torch.no_grad()
def generate(
    G: nn.Module, kind: str, dim: int, n: int, seed: int, labels: Tensor | None = None
) -> Tensor:
    """n samples from G for integer `seed`, in eval mode, as float32 on the CPU.

    Example:
        >>> x = generate(G, "normal", 100, 16, seed=0)  # doctest: +SKIP
    """
    device = next(G.parameters()).device
    was_training = G.training
    G.eval()
    try:
        z = seeded_latent(kind, n, dim, seed, device)  # (n, dim)
        y = labels.to(device) if labels is not None else None
        return G(z, y).float().cpu()
    finally:
        G.train(was_training)


def interpolate(a: Tensor, b: Tensor, t, mode: str = "linear") -> Tensor:
    """Seeds between `a` and `b` (each (D,) or (1, D)) at fractions `t` (a float or a list): (T, D).

    linear  a + (b − a)·t, the book's ch. 7 walk between two seeds
    slerp   along the great circle between them, keeping the length a normal seed typically has
            (falls back to linear when a and b point the same or opposite ways)

    Example:
        >>> interpolate(torch.zeros(2), torch.ones(2), [0.0, 0.5, 1.0]).tolist()
        [[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]]
    """
    a, b = a.reshape(-1).float(), b.reshape(-1).float()  # (D,), (D,)
    if a.shape != b.shape:
        raise GankitError(f"interpolate: seeds of {a.numel()} and {b.numel()} numbers differ")
    t = torch.as_tensor(t, dtype=torch.float32).reshape(-1, 1)  # (T, 1)
    if mode == "linear":
        return a + (b - a) * t
    if mode not in INTERPOLATION_MODES:
        raise GankitError(f"interpolation mode '{mode}': expected linear or slerp")
    cos = torch.dot(a, b) / (a.norm() * b.norm()).clamp_min(1e-12)
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    if torch.sin(omega).abs() < 1e-6:  # parallel seeds: the circle is not defined
        return a + (b - a) * t
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)
