"""A generator that reads its seed: its own cluster (self-conditioning), and a narrower seed for
sampling (the truncation trick).

Trained with `model.clusters=K`, G and D take a cluster id as a label (D: each real image's
k-means cluster, gankit.data.clusters). G's cluster is not a second input: it is read off the
first seed number, whose normal quantile is cut into K equal slices, so G(z) stays a function of
the seed alone — sampling, the explorer and evaluation treat the run as unconditional — and a
seed draws each cluster as often as the (equal-sized) clusters hold the data.

With `model.truncation=ψ` below 1, G in eval mode (every sample, grid, evaluation and the
explorer; never a training step) scales its seed by ψ towards the mean seed, 0: samples from
the denser middle of what G learnt, more of them like real data (precision) and fewer kinds
(recall) (Brock et al., 2019, "Large Scale GAN Training ...", BigGAN). The first number is kept
when it picks the cluster, so the clusters stay equally often drawn.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gankit.errors import GankitError


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


def truncate(z: Tensor, psi: float, keep_first: bool = False) -> Tensor:
    """Seeds z (B, D) scaled by psi towards 0, the first number kept when `keep_first`.

    Example:
        >>> truncate(torch.tensor([[1.0, 2.0]]), 0.5, keep_first=True).tolist()
        [[1.0, 1.0]]
    """
    if not keep_first:
        return z * psi
    return torch.cat([z[:, :1], z[:, 1:] * psi], 1)


def check_truncation(psi: float, latent: str, name: str) -> float:
    """`psi` as a float when it is a truncation factor a run with `latent` seeds can draw at;
    otherwise a GankitError that names `name` (the flag or field it came from).

    Example:
        >>> check_truncation(1, "uniform", "--truncation")
        1.0
    """
    if not 0 < psi <= 1:
        raise GankitError(f"{name} {psi}: expected a factor in (0, 1]; 1 samples as trained")
    if psi != 1.0 and latent != "normal":
        raise GankitError(f"{name} {psi}: scales normal seeds; this run's seeds are {latent}")
    return float(psi)


class SeedClusters(nn.Module):
    """Wraps G: z (B, latent_dim) [+ labels (B,)] → G(z, cluster of z), with the seed truncated
    outside training.

    Training passes the cluster it computed (the same `seed_cluster`), sampling passes none.
    With clusters=0 G takes the labels it is given (none, or a conditional G's classes) and the
    wrapper only truncates.

    Example:
        >>> from gankit.models.conditional import ConditionalDCGenerator
        >>> g = SeedClusters(ConditionalDCGenerator(latent_dim=8, out_shape=(1, 28, 28),
        ...                  num_classes=4), clusters=4)
        >>> g(torch.randn(2, 8)).shape
        torch.Size([2, 1, 28, 28])
    """

    def __init__(
        self, generator: nn.Module, *, clusters: int, latent: str = "normal", truncation=1.0
    ):
        super().__init__()
        self.generator, self.clusters, self.latent = generator, clusters, latent
        self.truncation = float(truncation)
        if not clusters:
            # only truncating: keep G's own state_dict keys, so that a run's weights load with
            # or without the wrapper (truncation may change after training)
            self._register_state_dict_hook(_unprefix)
            self._register_load_state_dict_pre_hook(_prefix)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        if self.clusters and labels is None:
            labels = seed_cluster(z, self.clusters, self.latent)  # from the seed as drawn
        if not self.training and self.truncation != 1.0:
            z = truncate(z, self.truncation, keep_first=self.clusters > 0)  # (B, latent_dim)
        return self.generator(z, labels)


def _unprefix(module: nn.Module, state: dict, prefix: str, local_metadata) -> None:
    """state_dict hook: 'generator.x' → 'x' under this module's prefix."""
    inner = prefix + "generator."
    for key in [k for k in state if k.startswith(inner)]:
        state[prefix + key[len(inner) :]] = state.pop(key)


def _prefix(state: dict, prefix: str, *args) -> None:
    """load_state_dict pre-hook: 'x' → 'generator.x' under this module's prefix."""
    inner = prefix + "generator."
    for key in [k for k in state if k.startswith(prefix) and not k.startswith(inner)]:
        state[inner + key[len(prefix) :]] = state.pop(key)
