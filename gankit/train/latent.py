"""Seeds for the generator: the book's three kinds, drawn from an explicit torch.Generator.

constant  the constant 0.5 of ch. 6 (the 1010 GAN): G learns one output
uniform   U(0, 1) numbers, ch. 7's first attempt (one number)
normal    N(0, 1) numbers, ch. 7's improved GAN (100 numbers)
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gankit.errors import GankitError

KINDS = ("normal", "uniform", "constant")


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


def seeded_latent(kind: str, n: int, dim: int, seed: int, device="cpu") -> Tensor:
    """The seeds for integer `seed`: the same numbers on every machine (drawn on the CPU)."""
    return sample_latent(kind, n, dim, torch.Generator().manual_seed(seed)).to(device)


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
