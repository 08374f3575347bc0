"""The book's seed experiments (ch. 7) for any trained run, with or without labels (ch. 10).

Seeds are integers: seed s means the latent vector `seeded_latent(kind, 1, dim, s)`, the same on
every machine, so every figure here can be drawn again. The pure tensor functions
(`walk_fractions`, `seed_math`, and `interpolate` in gankit.train.latent) serve any front end;
`walk` and `arithmetic` apply them to a run's generator.

Example:
    >>> run = gankit.load_run("runs/cgan")                      # doctest: +SKIP
    >>> walk(run, 0, 1, steps=12, mode="slerp", label=3).shape  # doctest: +SKIP
    torch.Size([12, 1, 28, 28])
"""

from __future__ import annotations

import torch
from torch import Tensor

from gankit.errors import GankitError
from gankit.train.latent import check_seed, interpolate, seeded_latent

SEED_MATH = ("s1", "s2", "s1 + s2", "s1 − s2", "s1 · s2")  # the book's five images, in order
BOOK_STEPS = 12  # the book's walk: s1 + (s2 − s1)·k/11 for k = 0 … 11, shown as a 3×4 grid


def walk_fractions(steps: int = BOOK_STEPS) -> Tensor:
    """The fractions k/(steps − 1), k = 0 … steps − 1: (steps,), from exactly 0 to exactly 1.

    Example:
        >>> walk_fractions(3).tolist()
        [0.0, 0.5, 1.0]
    """
    if steps < 2:
        raise GankitError(f"--steps {steps}: expected at least 2 (the two ends of the walk)")
    return torch.arange(steps, dtype=torch.float32) / (steps - 1)


def seed_math(a: Tensor, b: Tensor) -> dict[str, Tensor]:
    """The book's seed arithmetic on latent vectors a (s1) and b (s2): name → vector, `SEED_MATH` order.

    Example:
        >>> seed_math(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))["s1 · s2"].tolist()
        [3.0, 8.0]
    """
    if a.shape != b.shape:
        raise GankitError(f"seed math: seeds of shapes {tuple(a.shape)} and {tuple(b.shape)}")
    return dict(zip(SEED_MATH, (a, b, a + b, a - b, a * b), strict=True))


def run_labels(run, n: int, label: int | None) -> Tensor | None:
    """n copies of `label` for a conditional run (label 0 when none is given); None otherwise.

    Refuses a label the run cannot take, with the same words as `Run.sample`.
    """
    if label is None:
        return torch.zeros(n, dtype=torch.long) if run.conditional else None
    if not run.conditional:
        raise GankitError(f"--label {label}: run {run.path} is not conditional")
    if not 0 <= label < len(run.classes):
        raise GankitError(f"--label {label}: expected 0–{len(run.classes) - 1}")
    return torch.full((n,), label, dtype=torch.long)


def latent_for(run, seed: int, name: str = "--seed") -> Tensor:
    """The latent vector (latent_dim,) of integer `seed` for `run`'s kind of seed."""
    m = run.config.model
    return seeded_latent(m.latent, 1, m.latent_dim, check_seed(seed, name))[0]


@torch.no_grad()
def decode(run, z: Tensor, labels: Tensor | None = None) -> Tensor:
    """G(z, labels) for latent vectors z (n, latent_dim) in eval mode: float32 on the CPU in [0, 1]."""
    G = run.G
    device = next(G.parameters()).device
    was_training = G.training
    G.eval()
    try:
        y = labels.to(device) if labels is not None else None
        return G(z.to(device), y).float().cpu()
    finally:
        G.train(was_training)


def walk(
    run,
    seed_a: int = 0,
    seed_b: int = 1,
    steps: int = BOOK_STEPS,
    mode: str = "linear",
    label: int | None = None,
) -> Tensor:
    """Images along the walk from seed_a to seed_b: (steps, *sample shape); the first is seed_a's.

    Example:
        >>> walk(run, 0, 1).shape  # doctest: +SKIP
        torch.Size([12, 1, 28, 28])
    """
    fractions = walk_fractions(steps)
    labels = run_labels(run, steps, label)
    a, b = latent_for(run, seed_a, "--seed-a"), latent_for(run, seed_b, "--seed-b")
    return decode(run, interpolate(a, b, fractions, mode), labels)


def arithmetic(
    run, seed_a: int = 0, seed_b: int = 1, label: int | None = None
) -> dict[str, Tensor]:
    """The book's five images: name (`SEED_MATH`) → one sample (*sample shape).

    Example:
        >>> list(arithmetic(run, 0, 1))  # doctest: +SKIP
        ['s1', 's2', 's1 + s2', 's1 − s2', 's1 · s2']
    """
    a, b = latent_for(run, seed_a, "--seed-a"), latent_for(run, seed_b, "--seed-b")
    vectors = seed_math(a, b)
    z = torch.stack(list(vectors.values()))  # (5, latent_dim)
    images = decode(run, z, run_labels(run, len(vectors), label))
    return dict(zip(vectors, images, strict=True))


def per_label(run, per_class: int = 8, seed: int = 0) -> Tensor:
    """per_class samples of every class, the same seeds in every row: (K · per_class, *shape).

    Row k holds class k; column j uses the j-th seed of `seed`, so a column shows one "style"
    drawn as every class.
    """
    if not run.conditional:
        raise GankitError(f"--per-label: run {run.path} is not conditional")
    k = len(run.classes)
    m = run.config.model
    z = seeded_latent(m.latent, per_class, m.latent_dim, seed).repeat(k, 1)  # (K·per_class, D)
    labels = torch.arange(k).repeat_interleave(per_class)  # 0 … 0, 1 … 1, …
    return decode(run, z, labels)
