"""Mode-collapse benchmark sets: two 2-D Gaussian mixtures and Stacked MNIST.

ring-8         8 Gaussians, means on the unit circle, σ = 0.01 (VEEGAN, PacGAN)
grid-25        25 Gaussians, means on {−4, −2, 0, 2, 4}², σ = 0.05
stacked-mnist  three digits drawn independently from the mnist training split, one per RGB
               channel: 1,000 modes (Metz et al., 2017; Srivastava et al., 2017)

Like the 1010 pattern, each is a pool drawn once from a seed fixed by the split, so batches are
seeded and resumed like any other data set. Labels are the mode index (0 … K − 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from gankit.data.dataset import Dataset

POOL = {"train": 100_000, "test": 10_000}  # 2-D samples per split
STACKED_POOL = {"train": 50_000, "test": 10_000}
_SEEDS = {"train": 8, "test": 9}  # per split: test never repeats train


@dataclass(frozen=True)
class Mixture:
    """K Gaussian modes of equal weight with means (K, 2) and one σ."""

    name: str
    means: torch.Tensor  # (K, 2)
    sigma: float

    @property
    def k(self) -> int:
        return self.means.shape[0]


def ring_8() -> Mixture:
    angles = torch.arange(8, dtype=torch.float64) * (2 * math.pi / 8)
    means = torch.stack([angles.cos(), angles.sin()], dim=1).float()  # (8, 2)
    return Mixture("ring-8", means, 0.01)


def grid_25() -> Mixture:
    axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
    means = torch.cartesian_prod(axis, axis)  # (25, 2)
    return Mixture("grid-25", means, 0.05)


MIXTURES = {"ring-8": ring_8, "grid-25": grid_25}


def mixture_data(name: str, split: str) -> Dataset:
    """A pool of samples of mixture `name`: modes drawn uniformly, then mean + σ·N(0, I).

    Example:
        >>> ds = mixture_data("ring-8", "test")
        >>> len(ds), ds.shape
        (10000, (2,))
    """
    mix = MIXTURES[name]()
    n = POOL[split]
    g = torch.Generator().manual_seed(_SEEDS[split] * 1000 + mix.k)
    modes = torch.randint(mix.k, (n,), generator=g)  # (n,)
    x = mix.means[modes] + mix.sigma * torch.randn(n, 2, generator=g)  # (n, 2)
    return Dataset(
        name, x, modes, note=f"{mix.k} Gaussians, σ = {mix.sigma}, {n} samples ({split})"
    )


def stacked_mnist(digits: Dataset, split: str) -> Dataset:
    """Three independent digits of `digits` as the R, G and B channels: (N, 3, 28, 28) uint8.

    The label is 100·red + 10·green + blue, one of 1,000 modes. Example:
        >>> ds = stacked_mnist(embedded_mnist("test"), "test")  # doctest: +SKIP
    """
    n = STACKED_POOL[split]
    g = torch.Generator().manual_seed(_SEEDS[split] * 1000 + 3)
    pick = torch.randint(len(digits), (n, 3), generator=g)  # (n, 3) digit indices
    x = digits.x[pick.flatten(), 0].view(n, 3, *digits.x.shape[-2:])  # (n, 3, 28, 28)
    y = None
    if digits.y is not None:
        d = digits.y[pick]  # (n, 3) digit classes
        y = d[:, 0] * 100 + d[:, 1] * 10 + d[:, 2]
    return Dataset("stacked-mnist", x, y, note=f"3 × {digits.note}, {n} stacks ({split})")
