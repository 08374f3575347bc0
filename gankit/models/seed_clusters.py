"""A generator that picks its own cluster from its seed: self-conditioning, unconditional outside.

Trained with `model.clusters=K`, G and D take a cluster id as a label (D: each real image's
k-means cluster, gankit.data.clusters). G's cluster is not a second input: it is read off the
first seed number, whose normal quantile is cut into K equal slices, so G(z) stays a function of
the seed alone — sampling, the explorer and evaluation treat the run as unconditional — and a
seed draws each cluster as often as the (equal-sized) clusters hold the data.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def seed_cluster(z: Tensor, clusters: int, latent: str = "normal") -> Tensor:
    """The cluster (B,) of seeds z (B, latent_dim): the first number's quantile in K equal slices.

    Example:
        >>> seed_cluster(torch.tensor([[-3.0], [0.1], [3.0]]), 2).tolist()
        [0, 1, 1]
    """
    u = z[:, 0].float()
    if latent == "normal":
        u = torch.special.ndtr(u)  # N(0, 1) → U(0, 1)
    return (u * clusters).long().clamp_(0, clusters - 1)


class SeedClusters(nn.Module):
    """Wraps a label-taking G: z (B, latent_dim) [+ cluster (B,)] → G(z, cluster of z).

    Training passes the cluster it computed (the same `seed_cluster`), sampling passes none.

    Example:
        >>> from gankit.models.conditional import ConditionalDCGenerator
        >>> g = SeedClusters(ConditionalDCGenerator(latent_dim=8, out_shape=(1, 28, 28),
        ...                  num_classes=4), clusters=4)
        >>> g(torch.randn(2, 8)).shape
        torch.Size([2, 1, 28, 28])
    """

    def __init__(self, generator: nn.Module, *, clusters: int, latent: str = "normal"):
        super().__init__()
        self.generator, self.clusters, self.latent = generator, clusters, latent

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        if labels is None:
            labels = seed_cluster(z, self.clusters, self.latent)
        return self.generator(z, labels)
