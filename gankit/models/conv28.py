"""A small DCGAN-style pair for 28×28 images of any channel count (MNIST, Stacked MNIST).

G: seed (B, latent_dim) → Linear → (B, 4w, 7, 7) → ConvT 4×4/2 → (B, 2w, 14, 14) → ConvT 4×4/2 →
   (B, C, 28, 28) → Sigmoid, with BatchNorm + ReLU between (Radford et al., 2016).
D: (B, C, 28, 28) → Conv 4×4/2 → (B, w, 14, 14) → Conv 4×4/2 → (B, 2w, 7, 7) → Linear → logit (B,),
   LeakyReLU(0.2) between; BatchNorm only with `norm=True` (the book's ch. 9 habit), because
   gradient penalties and R1 assume each sample's score depends on that sample alone.
"""

from __future__ import annotations

from torch import Tensor, nn

from gankit.errors import GankitError
from gankit.models.registry import register_discriminator, register_generator


def _check(shape: tuple[int, ...], who: str) -> None:
    if len(shape) != 3 or tuple(shape[1:]) != (28, 28):
        raise GankitError(f"{who}: expected 28×28 images, got samples of shape {tuple(shape)}")


@register_generator("conv28")
class Conv28Generator(nn.Module):
    """Seed (B, latent_dim) → images (B, C, 28, 28) in [0, 1]; `width` scales every layer.

    Example:
        >>> g = Conv28Generator(latent_dim=64, out_shape=(3, 28, 28), width=16)
        >>> g(torch.randn(2, 64)).shape  # doctest: +SKIP
        torch.Size([2, 3, 28, 28])
    """

    def __init__(
        self, *, latent_dim: int, out_shape: tuple[int, ...], num_classes: int = 0, width: int = 32
    ):
        super().__init__()
        _check(out_shape, "conv28 generator")
        if num_classes:
            raise GankitError("conv28: not conditional")
        self.width = width
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 4 * width * 49), nn.BatchNorm1d(4 * width * 49), nn.ReLU()
        )
        self.net = nn.Sequential(
            nn.ConvTranspose2d(4 * width, 2 * width, 4, 2, 1),  # 7 → 14
            nn.BatchNorm2d(2 * width),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * width, out_shape[0], 4, 2, 1),  # 14 → 28
            nn.Sigmoid(),
        )

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.project(z).view(z.shape[0], 4 * self.width, 7, 7)  # (B, 4w, 7, 7)
        return self.net(h)  # (B, C, 28, 28)


@register_discriminator("conv28")
class Conv28Discriminator(nn.Module):
    """Images (B, C, 28, 28) in [0, 1] → logits (B,)."""

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int = 0,
        width: int = 32,
        norm: bool = False,
    ):
        super().__init__()
        _check(in_shape, "conv28 discriminator")
        if num_classes:
            raise GankitError("conv28: not conditional")
        bn = [nn.BatchNorm2d(2 * width)] if norm else []
        self.net = nn.Sequential(
            nn.Conv2d(in_shape[0], width, 4, 2, 1),  # 28 → 14
            nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 4, 2, 1),  # 14 → 7
            *bn,
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(2 * width * 49, 1),
        )

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(x * 2 - 1).squeeze(1)  # (B,), inputs rescaled to [-1, 1]
