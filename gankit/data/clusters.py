"""Equal-sized k-means clusters of a data set's samples, for self-conditioned GANs.

A GAN conditioned on a label draws cleaner samples than one that must find the modes itself (the
main job at its defaults: precision 0.91 with MNIST's digit labels, 0.74 without). Clusters of
the pixels are labels that cost nothing (Liu et al., CVPR 2020, "Diverse Image Generation via
Self-Conditioned GANs", cluster D's features; gankit clusters the pixels once, before training).
The clusters are made equal in size so that picking one uniformly, as the generator does from its
seed (gankit.models.seed_clusters), draws them as often as the data holds them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from gankit.data.dataset import Dataset

MAX_SIDE = 32  # larger images are averaged down to 32 × 32 before clustering: shapes, not texture


def _kmeans_pp(x: Tensor, k: int, generator: torch.Generator) -> Tensor:
    """k-means++ starting centres (k, D): each next one far from those already chosen."""
    first = torch.randint(x.shape[0], (1,), generator=generator)
    centres = [x[first[0]]]
    d2 = ((x - centres[0]) ** 2).sum(1)  # (N,) squared distance to the nearest centre
    for _ in range(1, k):
        pick = torch.multinomial(d2 / d2.sum(), 1, generator=generator)[0]
        centres.append(x[pick])
        d2 = torch.minimum(d2, ((x - x[pick]) ** 2).sum(1))
    return torch.stack(centres)


def balanced_assign(dist: Tensor) -> Tensor:
    """Each row of `dist` (N, K) to a column, every column taking N // K or N // K + 1 rows.

    Rounds of proposals: each unassigned row asks its nearest column that still has room, and a
    column takes the nearest of the rows that asked, up to its room. Every round fills a column or
    assigns every row, so there are at most K rounds.

    Example:
        >>> balanced_assign(torch.tensor([[0.0, 1.0], [0.1, 1.0], [0.2, 1.0], [0.3, 1.0]])).tolist()
        [0, 0, 1, 1]
    """
    n, k = dist.shape
    room = torch.full((k,), n // k, dtype=torch.long)
    room[: n % k] += 1  # the first n % k columns take one row more
    assign = torch.full((n,), -1, dtype=torch.long)
    while True:
        free = (assign < 0).nonzero().squeeze(1)  # (M,) rows still unassigned
        if free.numel() == 0:
            return assign
        d = dist[free].masked_fill(room == 0, float("inf"))  # (M, K), full columns closed
        choice = d.argmin(1)  # (M,)
        near = d.gather(1, choice[:, None]).squeeze(1)  # (M,)
        order = torch.argsort(near, stable=True)
        order = order[torch.argsort(choice[order], stable=True)]  # by column, nearest first
        col = choice[order]
        counts = torch.bincount(col, minlength=k)
        rank = torch.arange(len(col)) - (torch.cumsum(counts, 0) - counts)[col]  # within column
        take = rank < room[col]
        assign[free[order[take]]] = col[take]
        room -= torch.bincount(col[take], minlength=k)


def balanced_kmeans(x: Tensor, k: int, seed: int = 0, iters: int = 25) -> Tensor:
    """Cluster ids (N,) of the rows of `x` (N, D): k-means with k equal-sized clusters.

    Example:
        >>> x = torch.cat([torch.zeros(4, 2), torch.ones(4, 2)])
        >>> balanced_kmeans(x, 2).bincount().tolist()
        [4, 4]
    """
    if not 2 <= k <= x.shape[0]:
        raise ValueError(f"k = {k}: expected 2 to {x.shape[0]} clusters for {x.shape[0]} samples")
    x = x.float()
    centres = _kmeans_pp(x, k, torch.Generator().manual_seed(seed))  # (K, D)
    assign = None
    for _ in range(iters):
        new = balanced_assign(torch.cdist(x, centres))  # (N,)
        if assign is not None and torch.equal(new, assign):
            break
        assign = new
        sums = torch.zeros_like(centres).index_add_(0, assign, x)  # (K, D)
        centres = sums / torch.bincount(assign, minlength=k)[:, None]
    return assign


def cluster_features(data: Dataset) -> Tensor:
    """What is clustered (N, D): the pixels in [0, 1], images larger than 32 × 32 averaged down."""
    x = data.x.float().div(255.0) if data.x.dtype == torch.uint8 else data.x.float()
    if data.is_image and x.shape[-1] > MAX_SIDE:
        x = F.adaptive_avg_pool2d(x, MAX_SIDE)
    return x.flatten(1)


def with_clusters(data: Dataset, k: int, seed: int = 0) -> Dataset:
    """`data` with its labels replaced by k equal-sized pixel clusters (its class names kept).

    Example:
        >>> ds = Dataset("toy", torch.cat([torch.zeros(4, 1, 2, 2), torch.ones(4, 1, 2, 2)]))
        >>> with_clusters(ds, 2).y.bincount().tolist()
        [4, 4]
    """
    y = balanced_kmeans(cluster_features(data), k, seed)
    return Dataset(data.name, data.x, y, data.classes, data.note)
