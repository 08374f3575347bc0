"""Synthetic data sets drawn from a seed: the book's 1010 pattern (ch. 6)."""

from __future__ import annotations

import torch

from gankit.data.dataset import Dataset

PATTERN_1010 = torch.tensor([1.0, 0.0, 1.0, 0.0])  # the ideal pattern G should approach


def pattern_1010(split: str, n: int = 10_000) -> Dataset:
    """The book's real data: [U(0.8,1), U(0,0.2), U(0.8,1), U(0,0.2)], n samples, seeded by split.

    The book draws a fresh sample every round; 10,000 pre-drawn samples make one epoch of its
    10,000 rounds and let the batch order be seeded and resumed like any other data set.

    Example:
        >>> ds = pattern_1010("train")
        >>> ds.shape, bool((ds.x[:, 0] >= 0.8).all())
        ((4,), True)
    """
    g = torch.Generator().manual_seed(1010 if split == "train" else 2020)
    u = torch.rand(n, 4, generator=g) * 0.2  # (n, 4) in [0, 0.2)
    x = u + torch.tensor([0.8, 0.0, 0.8, 0.0])
    return Dataset("pattern-1010", x, note=f"the book's 1010 pattern, {n} samples ({split})")
