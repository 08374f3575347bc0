"""GAN losses as pure functions of D's logits (B,), chosen by name.

Each loss has three parts: D on real samples, D on generated samples, G through D. The book's
losses (`bce`, `mse`) put D's logits through a sigmoid first: exactly the book's D, which ends in
Sigmoid, followed by BCELoss or MSELoss. The modern ones (`non-saturating`, `hinge`, `wasserstein`,
`lsgan`) read the raw output. The relativistic pairing loss (`rpgan`) scores each real sample
against a generated one, so D's and G's parts take both sets of logits. Regularisers that need D
itself (gradient penalty, R1, R2) live in gankit.train.regularizers.

Example:
    >>> out = torch.zeros(4)            # D undecided: sigmoid(0) = 0.5
    >>> round(LOSSES["mse"].d_real(out).item(), 4), round(LOSSES["bce"].g(out).item(), 4)
    (0.25, 0.6931)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import functional as F

from gankit.errors import GankitError


def bce_real(out: Tensor) -> Tensor:
    p = torch.sigmoid(out)
    return F.binary_cross_entropy(p, torch.ones_like(p))


def bce_fake(out: Tensor) -> Tensor:
    p = torch.sigmoid(out)
    return F.binary_cross_entropy(p, torch.zeros_like(p))


def mse_real(out: Tensor) -> Tensor:
    p = torch.sigmoid(out)
    return F.mse_loss(p, torch.ones_like(p))


def mse_fake(out: Tensor) -> Tensor:
    p = torch.sigmoid(out)
    return F.mse_loss(p, torch.zeros_like(p))


def softplus_real(out: Tensor) -> Tensor:
    """-log sigmoid(out), computed stably on logits."""
    return F.softplus(-out).mean()


def softplus_fake(out: Tensor) -> Tensor:
    """-log(1 - sigmoid(out))."""
    return F.softplus(out).mean()


def hinge_real(out: Tensor) -> Tensor:
    return F.relu(1.0 - out).mean()


def hinge_fake(out: Tensor) -> Tensor:
    return F.relu(1.0 + out).mean()


def hinge_g(out: Tensor) -> Tensor:
    return -out.mean()


def wasserstein_real(out: Tensor) -> Tensor:
    """The critic's score of real samples, to be raised: -mean(out) (Arjovsky et al., 2017)."""
    return -out.mean()


def wasserstein_fake(out: Tensor) -> Tensor:
    return out.mean()


def ls_real(out: Tensor) -> Tensor:
    """Least squares on raw outputs (Mao et al., 2017), codes 0 (fake) and 1 (real): mean((out-1)²)."""
    return (out - 1.0).square().mean()


def ls_fake(out: Tensor) -> Tensor:
    return out.square().mean()


def rp_d(out_real: Tensor, out_fake: Tensor) -> Tensor:
    """RpGAN's D part (Jolicoeur-Martineau, 2019; Huang et al., 2024): softplus(D(x̃ᵢ) − D(xᵢ)),
    i.e. −log sigmoid of how much more real the i-th real sample looks than the i-th fake one.

    Example:
        >>> round(rp_d(torch.tensor([2.0]), torch.tensor([2.0])).item(), 4)  # a tie: log 2
        0.6931
    """
    return F.softplus(out_fake - out_real).mean()


def rp_g(out_fake: Tensor, out_real: Tensor) -> Tensor:
    """RpGAN's G part: the same pairing seen from G, softplus(D(xᵢ) − D(x̃ᵢ))."""
    return F.softplus(out_real - out_fake).mean()


def probability(out: Tensor) -> Tensor:
    return torch.sigmoid(out)


def identity(out: Tensor) -> Tensor:
    return out


@dataclass(frozen=True)
class GANLoss:
    """The three parts of a loss, how to read D's output, and the equilibrium values (appendix A)."""

    name: str
    d_real: Callable[[Tensor], Tensor]  # D on real samples
    d_fake: Callable[[Tensor], Tensor]  # D on generated samples
    g: Callable[[Tensor], Tensor]  # G through D
    score: Callable[[Tensor], Tensor]  # D's output as logged in metrics.csv (d_real, d_fake)
    ideal_d: float  # mean of the two D parts when D is undecided
    ideal_g: float
    # pairing losses: D's loss from (real logits, fake logits), G's from (fake logits, real
    # logits); d_real and d_fake then only report each side (they are not what D minimises)
    d_pair: Callable[[Tensor, Tensor], Tensor] | None = None
    g_pair: Callable[[Tensor, Tensor], Tensor] | None = None

    @property
    def paired(self) -> bool:
        return self.d_pair is not None


LN2 = math.log(2.0)
LOSSES: dict[str, GANLoss] = {}


def register_loss(loss: GANLoss) -> GANLoss:
    LOSSES[loss.name] = loss
    return loss


register_loss(GANLoss("bce", bce_real, bce_fake, bce_real, probability, LN2, LN2))
register_loss(GANLoss("mse", mse_real, mse_fake, mse_real, probability, 0.25, 0.25))
register_loss(
    GANLoss("non-saturating", softplus_real, softplus_fake, softplus_real, probability, LN2, LN2)
)
register_loss(GANLoss("hinge", hinge_real, hinge_fake, hinge_g, identity, 1.0, 0.0))
# WGAN: an undecided critic scores everything alike, so both parts cancel at 0. Needs a Lipschitz
# constraint: reg.gradient_penalty (WGAN-GP, Gulrajani et al., 2017) or spectral normalisation.
register_loss(
    GANLoss("wasserstein", wasserstein_real, wasserstein_fake, wasserstein_real, identity, 0.0, 0.0)
)
# LSGAN: the optimal D of a perfect G outputs 0.5 everywhere: (0.5 - 1)² = 0.5² = 0.25
register_loss(GANLoss("lsgan", ls_real, ls_fake, ls_real, identity, 0.25, 0.25))

# RpGAN: D undecided, every pair ties at softplus(0) = log 2. d_real and d_fake report the
# non-saturating parts of each side, so metrics.csv's columns read as for that loss.
register_loss(
    GANLoss("rpgan", softplus_real, softplus_fake, softplus_real, identity, LN2, LN2, rp_d, rp_g)
)

LIPSCHITZ_LOSSES = ("wasserstein",)  # unbounded critics: refused without a Lipschitz constraint


def get_loss(name: str) -> GANLoss:
    """The loss registered as `name`, or a clear error listing the valid ones."""
    if name not in LOSSES:
        raise GankitError(f"unknown loss '{name}'; valid: {', '.join(sorted(LOSSES))}")
    return LOSSES[name]
