"""D regularisers that plug into the one GAN step as `d_penalties` (f(D, real, fake, labels,
fake_labels) → scalar added to D's loss), and spectral normalisation of any discriminator.

gradient penalty  WGAN-GP (Gulrajani et al., 2017): λ·E[(‖∇D(x̂)‖ − 1)²] at random mixes
                  x̂ = εx + (1 − ε)x̃ of real and generated samples
R1                (Mescheder et al., 2018): γ/2·E[‖∇D(x)‖²] on real samples; lazy (StyleGAN2):
                  computed every k-th step only, weighted by k so its average strength is the same
R2                the same on generated samples, γ/2·E[‖∇D(x̃)‖²]; with R1 it keeps D smooth
                  on both sides, which RpGAN needs to converge (Huang et al., 2024)
spectral norm     (Miyato et al., 2018): every linear and conv layer divided by its largest
                  singular value, so D is 1-Lipschitz per layer
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn
from torch.nn.utils import parametrize
from torch.nn.utils.parametrizations import spectral_norm

_SN_LAYERS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose2d)


def _input_gradient(D: nn.Module, x: Tensor, labels: Tensor | None) -> Tensor:
    """∇ₓ ΣD(x) per sample, flattened (B, F), kept in the graph so the penalty trains D."""
    x = x.detach().requires_grad_(True)
    out = D(x, labels)  # (B,)
    (grad,) = torch.autograd.grad(out.sum(), x, create_graph=True)
    return grad.flatten(1)


class GradientPenalty:
    """WGAN-GP's penalty with weight `weight`; ε ~ U(0, 1) per sample from its own seeded RNG.

    Example:
        >>> gp = GradientPenalty(10.0, torch.Generator().manual_seed(0))
        >>> D = lambda x, y: (x * 1.0).sum(1)          # one input: ‖∇D‖ = 1 everywhere
        >>> float(gp(D, torch.zeros(4, 1), torch.ones(4, 1), None, None))
        0.0
    """

    def __init__(self, weight: float, generator: torch.Generator):
        self.weight, self.generator = weight, generator

    def __call__(self, D, real: Tensor, fake: Tensor, labels, fake_labels) -> Tensor:
        shape = (real.shape[0],) + (1,) * (real.dim() - 1)  # (B, 1, …): one ε per sample
        eps = torch.rand(shape, generator=self.generator, device=self.generator.device)
        mix = eps.to(real.dtype) * real + (1 - eps.to(real.dtype)) * fake.detach()
        norms = _input_gradient(D, mix, labels).norm(2, dim=1)  # (B,)
        return self.weight * (norms - 1).square().mean()


class ZeroCentredPenalty:
    """R1 (weight `r1`) and R2 (weight `r2`): γ/2·E‖∇D(x)‖² on real and on generated samples,
    computed when `now()` (the global step) is a multiple of `every`. With both on, one pass of D
    over the real and fake halves together gives both gradients.

    Example:
        >>> r1 = ZeroCentredPenalty(2.0, 0.0, every=1, now=lambda: 0)
        >>> D = lambda x, y: (3 * x).sum(1)            # ∇D = 3 per coordinate
        >>> float(r1(D, torch.zeros(2, 4), torch.ones(2, 4), None, None))   # 2/2 · (4 · 9)
        36.0
    """

    def __init__(self, r1: float, r2: float, every: int, now: Callable[[], int]):
        self.r1, self.r2, self.every, self.now = r1, r2, every, now

    def __call__(self, D, real: Tensor, fake: Tensor, labels, fake_labels) -> Tensor | float:
        if self.now() % self.every:
            return 0.0
        b = real.shape[0]
        if self.r1 and self.r2:
            # labels matter to conditional D only, which then has both halves' labels
            paired = labels is not None and fake_labels is not None
            both_labels = torch.cat([labels, fake_labels]) if paired else None
            x = torch.cat([real, fake.detach()])  # (2B, *shape): one pass for both
            sq = _input_gradient(D, x, both_labels).square().sum(1)  # (2B,)
            penalty = self.r1 * sq[:b].mean() + self.r2 * sq[b:].mean()
        elif self.r1:
            penalty = self.r1 * _input_gradient(D, real, labels).square().sum(1).mean()
        else:
            penalty = self.r2 * _input_gradient(D, fake, fake_labels).square().sum(1).mean()
        return self.every / 2 * penalty


class R1Penalty(ZeroCentredPenalty):
    """R1 alone: γ/2·E‖∇D(x_real)‖², every `every` steps.

    Example:
        >>> r1 = R1Penalty(2.0, every=1, now=lambda: 0)
        >>> D = lambda x, y: (3 * x).sum(1)
        >>> float(r1(D, torch.zeros(2, 4), None, None, None))
        36.0
    """

    def __init__(self, gamma: float, every: int, now: Callable[[], int]):
        super().__init__(gamma, 0.0, every, now)


def spectral_normalise(model: nn.Module) -> nn.Module:
    """Wrap every linear and conv layer of `model` in spectral normalisation (in place).

    Layers already normalised are left alone. Example:
        >>> D = spectral_normalise(nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(4, 1)))
        >>> parametrize.is_parametrized(D[0], "weight")
        True
    """
    for module in list(model.modules()):
        if isinstance(module, _SN_LAYERS) and not parametrize.is_parametrized(module, "weight"):
            dim = 1 if isinstance(module, nn.ConvTranspose2d) else 0
            spectral_norm(module, dim=dim)
    return model
