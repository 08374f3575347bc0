"""D regularisers that plug into the one GAN step as `d_penalties` (f(D, real, fake, labels,
fake_labels) → scalar added to D's loss), and spectral normalisation of any discriminator.

gradient penalty  WGAN-GP (Gulrajani et al., 2017): λ·E[(‖∇D(x̂)‖ − 1)²] at random mixes
                  x̂ = εx + (1 − ε)x̃ of real and generated samples
R1                (Mescheder et al., 2018): γ/2·E[‖∇D(x)‖²] on real samples; lazy (StyleGAN2):
                  computed every k-th step only, weighted by k so its average strength is the same
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


class R1Penalty:
    """γ/2·E‖∇D(x_real)‖², computed when `now()` (the global step) is a multiple of `every`.

    Example:
        >>> r1 = R1Penalty(2.0, every=1, now=lambda: 0)
        >>> D = lambda x, y: (3 * x).sum(1)            # ∇D = 3 per coordinate
        >>> float(r1(D, torch.zeros(2, 4), None, None, None))   # 2/2 · (4 · 9)
        36.0
    """

    def __init__(self, gamma: float, every: int, now: Callable[[], int]):
        self.gamma, self.every, self.now = gamma, every, now

    def __call__(self, D, real: Tensor, fake, labels, fake_labels) -> Tensor | float:
        if self.now() % self.every:
            return 0.0
        sq = _input_gradient(D, real, labels).square().sum(1)  # (B,)
        return self.every * self.gamma / 2 * sq.mean()


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
