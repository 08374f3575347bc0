"""The book's convolutional face GAN (ch. 9): 128×128 colour images, kernel 8, stride 2.

D: Conv2d(3,256,k8,s2) → BN → LeakyReLU(0.2) → Conv2d(256,256,k8,s2) → BN → LeakyReLU(0.2) →
   Conv2d(256,3,k8,s2) → LeakyReLU(0.2) → flatten (3·10·10 = 300) → Linear(300,1) → logits.
G: Linear(100, 3·11·11) → LeakyReLU(0.2) → (3,11,11) → ConvT(3,256,k8,s2) → BN → LeakyReLU(0.2) →
   ConvT(256,256,k8,s2) → BN → LeakyReLU(0.2) → ConvT(256,3,k8,s2,p1) → BN → Sigmoid → (3,128,128).
`activation="gelu"` is the book's own experiment (sharper faces). Other square sizes work where
the arithmetic does (G: side = 8·s + 40, e.g. 64 from s = 3). The book's final Sigmoid of D lives
in the losses, as for every gankit D.
"""

from __future__ import annotations

from torch import Tensor, nn

from gankit.errors import GankitError
from gankit.models.layers import activation as make_activation
from gankit.models.registry import register_discriminator, register_generator

KERNEL, STRIDE = 8, 2


def _square(shape: tuple[int, ...], who: str) -> tuple[int, int]:
    """(channels, side) of a (C, H, H) image shape, or a clear error."""
    if len(shape) != 3 or shape[1] != shape[2]:
        raise GankitError(f"{who}: expected square images (C, H, H), got {tuple(shape)}")
    return shape[0], shape[1]


@register_generator("book-conv")
class BookConvGenerator(nn.Module):
    """Seed (B, latent_dim) → images (B, C, H, H) in [0, 1], the book's ch. 9 generator.

    Example:
        >>> g = BookConvGenerator(latent_dim=100, out_shape=(3, 128, 128), channels=8)
        >>> g(torch.randn(2, 100)).shape  # doctest: +SKIP
        torch.Size([2, 3, 128, 128])
    """

    def __init__(
        self,
        *,
        latent_dim: int,
        out_shape: tuple[int, ...],
        num_classes: int = 0,
        channels: int = 256,
        activation: str = "leaky-relu",
        slope: float = 0.2,
    ):
        super().__init__()
        if num_classes:
            raise GankitError("book-conv: the book's conv GAN is not conditional")
        c, side = _square(out_shape, "book-conv generator")
        if side <= 40 or (side - 40) % 8:
            raise GankitError(f"book-conv generator: side {side}: expected 8·s + 40 (64, 128, …)")
        self.start = (c, (side - 40) // 8, (side - 40) // 8)  # (3, 11, 11) for 128

        def act() -> nn.Module:
            return make_activation(activation, slope)

        self.seed = nn.Sequential(nn.Linear(latent_dim, c * self.start[1] ** 2), act())
        self.body = nn.Sequential(
            nn.ConvTranspose2d(c, channels, KERNEL, STRIDE),  # (B, ch, 2s+6, …): 28 for 128
            nn.BatchNorm2d(channels),
            act(),
            nn.ConvTranspose2d(channels, channels, KERNEL, STRIDE),  # 62 for 128
            nn.BatchNorm2d(channels),
            act(),
            nn.ConvTranspose2d(channels, c, KERNEL, STRIDE, padding=1),  # (B, C, H, H)
            nn.BatchNorm2d(c),
            nn.Sigmoid(),
        )

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.seed(z).view(z.shape[0], *self.start)  # (B, 3, 11, 11)
        return self.body(h)


@register_discriminator("book-conv")
class BookConvDiscriminator(nn.Module):
    """Images (B, C, H, H) → logits (B,), the book's ch. 9 discriminator."""

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int = 0,
        channels: int = 256,
        activation: str = "leaky-relu",
        slope: float = 0.2,
    ):
        super().__init__()
        if num_classes:
            raise GankitError("book-conv: the book's conv GAN is not conditional")
        c, side = _square(in_shape, "book-conv discriminator")
        final = side
        for _ in range(3):
            final = (final - KERNEL) // STRIDE + 1  # 61, 27, 10 for 128
        if final < 1:
            raise GankitError(f"book-conv discriminator: side {side} is too small; expected ≥ 64")

        def act() -> nn.Module:
            return make_activation(activation, slope)

        self.body = nn.Sequential(
            nn.Conv2d(c, channels, KERNEL, STRIDE),
            nn.BatchNorm2d(channels),
            act(),
            nn.Conv2d(channels, channels, KERNEL, STRIDE),
            nn.BatchNorm2d(channels),
            act(),
            nn.Conv2d(channels, c, KERNEL, STRIDE),
            act(),
            nn.Flatten(),  # (B, 300) for 128
            nn.Linear(c * final * final, 1),
        )

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.body(x).squeeze(1)  # (B,)
