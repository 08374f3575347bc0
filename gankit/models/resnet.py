"""A compact R3GAN-style pair (Huang et al., NeurIPS 2024): residual blocks with grouped 3×3
convolutions, no normalisation layers, for square images of 28/32 up to 128 pixels.

Resolution ladder: an image of side S = b·2ᵏ (b ≤ 7) is built from a b×b start in k doublings
(28 = 7·2², 32 = 4·2³, 64 = 4·2⁴, 128 = 4·2⁵). Stage i works at b·2ⁱ with min(width·2^(k−i),
max_width) channels: `width` channels at full resolution, doubling at each halving.

G: seed (B, latent_dim) → Linear → (B, C₀, b, b) → [blocks → ×2 bilinear → 1×1 conv] × k →
   blocks → 1×1 conv → ½x + ½ (clipped to [0, 1] in eval mode) → (B, C, S, S)
D: (B, C, S, S) → 1×1 conv → [blocks → 1×1 conv → ½ average pool] × k → blocks →
   b×b depthwise conv → (B, C₀) → Linear → logit (B,)

Every block is x + W₃ φ(W₂ φ(W₁ x)): a 1×1 conv widening c → e·c, a grouped 3×3 conv (groups of
`group` channels), a 1×1 conv back to c that starts at zero, so the block starts as the identity
and the deep net trains without normalisation (Fix-up, as in R3GAN). No normalisation means each
sample's score depends on that sample alone, which R1 and R2 assume.
"""

from __future__ import annotations

from torch import Tensor, nn
from torch.nn import functional as F

from gankit.errors import GankitError
from gankit.models.layers import ladder
from gankit.models.registry import register_discriminator, register_generator

SLOPE = 0.2


def widths(size: int, width: int, max_width: int) -> list[int]:
    """Channels per stage, lowest resolution first: width·2^(k−i) capped at max_width.

    Example:
        >>> widths(28, 32, 256), widths(64, 32, 128)
        ([128, 64, 32], [128, 128, 128, 64, 32])
    """
    _, k = ladder(size)
    return [min(width * 2 ** (k - i), max_width) for i in range(k + 1)]


def _square(shape: tuple[int, ...], who: str) -> int:
    if len(shape) != 3 or shape[1] != shape[2]:
        raise GankitError(f"{who}: expected square images (C, S, S), got samples of shape {shape}")
    return shape[1]


class ResBlock(nn.Module):
    """(B, c, H, W) → (B, c, H, W): x + W₃ φ(W₂ φ(W₁ x)), the identity at initialisation.

    Example:
        >>> import torch
        >>> block = ResBlock(32, expansion=2, group=16)
        >>> x = torch.randn(2, 32, 7, 7)
        >>> bool((block(x) == x).all())
        True
    """

    def __init__(self, channels: int, *, expansion: int = 2, group: int = 16):
        super().__init__()
        hidden = channels * expansion
        if hidden % group:
            raise GankitError(
                f"resnet block: {hidden} channels do not split into groups of {group}"
            )
        self.branch = nn.Sequential(
            nn.Conv2d(channels, hidden, 1),
            nn.LeakyReLU(SLOPE),
            nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden // group),
            nn.LeakyReLU(SLOPE),
            nn.Conv2d(hidden, channels, 1),
        )
        nn.init.zeros_(self.branch[-1].weight)
        nn.init.zeros_(self.branch[-1].bias)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.branch(x)


def _blocks(channels: int, n: int, expansion: int, group: int) -> nn.Sequential:
    return nn.Sequential(
        *(ResBlock(channels, expansion=expansion, group=min(group, channels)) for _ in range(n))
    )


@register_generator("resnet")
class ResNetGenerator(nn.Module):
    """Seed (B, latent_dim) → images (B, C, S, S), in [0, 1] in eval mode.

    Example:
        >>> import torch
        >>> g = ResNetGenerator(latent_dim=16, out_shape=(3, 32, 32), width=8, max_width=32).eval()
        >>> g(torch.randn(2, 16)).shape
        torch.Size([2, 3, 32, 32])
    """

    def __init__(
        self,
        *,
        latent_dim: int,
        out_shape: tuple[int, ...],
        num_classes: int = 0,
        width: int = 32,
        max_width: int = 256,
        blocks: int = 1,
        expansion: int = 2,
        group: int = 16,
    ):
        super().__init__()
        if num_classes:
            raise GankitError("resnet generator: not conditional")
        size = _square(tuple(out_shape), "resnet generator")
        self.base, _ = ladder(size)
        chans = widths(size, width, max_width)
        self.c0 = chans[0]
        self.project = nn.Linear(latent_dim, self.c0 * self.base**2)
        self.stages = nn.ModuleList(_blocks(c, blocks, expansion, group) for c in chans)
        # 1×1 convs between stages change the channel count after each doubling
        self.transitions = nn.ModuleList(
            nn.Conv2d(c_in, c_out, 1) for c_in, c_out in zip(chans, chans[1:], strict=False)
        )
        self.to_image = nn.Conv2d(chans[-1], out_shape[0], 1)

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.project(z).view(z.shape[0], self.c0, self.base, self.base)  # (B, C₀, b, b)
        for stage, transition in zip(self.stages, self.transitions, strict=False):
            h = stage(h)
            h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
            h = transition(h)  # (B, Cᵢ₊₁, 2H, 2W)
        x = self.to_image(self.stages[-1](h)) / 2 + 0.5  # (B, C, S, S), centred on grey
        # no squashing while training: a sigmoid saturates on MNIST's black background and G's
        # gradients vanish there (measured: all-black samples after 500 steps); samples drawn
        # in eval mode are clipped to the image range
        return x if self.training else x.clamp(0, 1)


@register_discriminator("resnet")
class ResNetDiscriminator(nn.Module):
    """Images (B, C, S, S) in [0, 1] → logits (B,).

    Example:
        >>> import torch
        >>> d = ResNetDiscriminator(in_shape=(1, 28, 28), width=8, max_width=32)
        >>> d(torch.rand(2, 1, 28, 28)).shape
        torch.Size([2])
    """

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int = 0,
        width: int = 32,
        max_width: int = 256,
        blocks: int = 1,
        expansion: int = 2,
        group: int = 16,
    ):
        super().__init__()
        if num_classes:
            raise GankitError("resnet discriminator: not conditional")
        size = _square(tuple(in_shape), "resnet discriminator")
        base, _ = ladder(size)
        chans = widths(size, width, max_width)[::-1]  # full resolution first
        self.from_image = nn.Conv2d(in_shape[0], chans[0], 1)
        self.stages = nn.ModuleList(_blocks(c, blocks, expansion, group) for c in chans)
        self.transitions = nn.ModuleList(
            nn.Conv2d(c_in, c_out, 1) for c_in, c_out in zip(chans, chans[1:], strict=False)
        )
        # one b×b filter per channel reads the whole last map, so D keeps where things are
        self.basis = nn.Conv2d(chans[-1], chans[-1], base, groups=chans[-1])
        self.out = nn.Linear(chans[-1], 1)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.from_image(x * 2 - 1)  # inputs rescaled to [-1, 1]; (B, width, S, S)
        for stage, transition in zip(self.stages, self.transitions, strict=False):
            h = F.avg_pool2d(transition(stage(h)), 2)  # (B, Cᵢ₊₁, H/2, W/2)
        h = self.basis(self.stages[-1](h)).flatten(1)  # (B, C₀)
        return self.out(h).squeeze(1)
