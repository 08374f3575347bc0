"""The standard DCGAN (Radford et al., 2016) as in pytorch/examples, for 64×64 colour images.

G: seed (B, 100, 1, 1) → ConvT 4×4 → (B, 8w, 4, 4) → doubling ConvT + BN + ReLU → (B, w, 32, 32) →
   ConvT → Tanh (B, 3, 64, 64). D mirrors it with strided Conv + BN + LeakyReLU(0.2) and ends on a
   4×4 convolution to one logit. Other sides S = b·2ᵏ (3 ≤ b ≤ 7) start from a b×b map and add or
   drop levels: 32 and 128 as in pytorch/examples, 28 = 7·2², 48 = 6·2³, 96. Images are in
   [0, 1] outside; G and D rescale to the [-1, 1] DCGAN expects inside themselves.
"""

from __future__ import annotations

from torch import Tensor, nn

from gankit.errors import GankitError
from gankit.models.layers import ladder
from gankit.models.registry import register_discriminator, register_generator


def _ladder(shape: tuple[int, ...], who: str) -> tuple[int, int]:
    """(b, k): start at b×b and double k times; (4, 4) for 64×64, (7, 2) for 28×28."""
    if len(shape) != 3 or shape[1] != shape[2]:
        raise GankitError(f"{who}: expected square images (C, S, S), got {shape}")
    return ladder(shape[-1], who)


def dcgan_init(model: nn.Module) -> None:
    """The DCGAN paper's initialisation: conv weights N(0, 0.02), BN scale N(1, 0.02), shift 0."""
    for m in model.modules():
        if isinstance(m, nn.modules.conv._ConvNd):
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


@register_generator("dcgan")
class DCGANGenerator(nn.Module):
    """Seed (B, latent_dim) → images (B, C, H, H) in [0, 1]; `width` is pytorch/examples' ngf.

    Example:
        >>> g = DCGANGenerator(latent_dim=100, out_shape=(3, 64, 64), width=8)
        >>> g(torch.randn(2, 100)).shape  # doctest: +SKIP
        torch.Size([2, 3, 64, 64])
    """

    def __init__(
        self, *, latent_dim: int, out_shape: tuple[int, ...], num_classes: int = 0, width: int = 64
    ):
        super().__init__()
        if num_classes:
            raise GankitError("dcgan: not conditional")
        base, levels = _ladder(out_shape, "dcgan generator")
        ch = width * 2 ** (levels - 1)  # 8w at 4×4 for 64×64
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(latent_dim, ch, base, 1, 0, bias=False),  # (B, ch, b, b)
            nn.BatchNorm2d(ch),
            nn.ReLU(True),
        ]
        for _ in range(levels - 1):  # 4 → 8 → 16 → 32, halving the channels
            layers += [
                nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ch // 2),
                nn.ReLU(True),
            ]
            ch //= 2
        layers += [nn.ConvTranspose2d(ch, out_shape[0], 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        dcgan_init(self)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        x = self.net(z[:, :, None, None])  # (B, C, H, H) in [-1, 1]
        return (x + 1) * 0.5


@register_discriminator("dcgan")
class DCGANDiscriminator(nn.Module):
    """Images (B, C, H, H) in [0, 1] → logits (B,); `width` is pytorch/examples' ndf."""

    def __init__(self, *, in_shape: tuple[int, ...], num_classes: int = 0, width: int = 64):
        super().__init__()
        if num_classes:
            raise GankitError("dcgan: not conditional")
        base, levels = _ladder(in_shape, "dcgan discriminator")
        layers: list[nn.Module] = [
            nn.Conv2d(in_shape[0], width, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, True),
        ]
        ch = width
        for _ in range(levels - 1):  # 32 → 16 → 8 → 4, doubling the channels
            layers += [
                nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ch * 2),
                nn.LeakyReLU(0.2, True),
            ]
            ch *= 2
        layers.append(nn.Conv2d(ch, 1, base, 1, 0, bias=False))  # (B, 1, 1, 1)
        self.net = nn.Sequential(*layers)
        dcgan_init(self)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.net(x * 2 - 1).flatten()  # (B,)
