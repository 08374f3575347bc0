"""Convolutional GANs that take a label the modern way (beyond the book's ch. 10).

The book concatenates a one-hot label to D's input and G's seed (gankit.models.mlp does that).
Convolutional models condition better in two other places:

- G: conditional batch norm (de Vries et al., 2017; BigGAN): every BatchNorm's scale and shift
  come from the label through an embedding, so each class gets its own feature statistics.
- D: the projection discriminator (Miyato & Koyama, 2018): logit = ψ(φ(x)) + ⟨embed(y), φ(x)⟩,
  where φ(x) are the pooled image features; the label asks "do these features fit this class?".
  Spectral normalisation on every D layer keeps it Lipschitz (pair it with the hinge loss).

With `num_classes=0` both are plain DCGAN-style models. Images are in [0, 1] outside; D rescales
to [−1, 1] inside.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.utils.parametrizations import spectral_norm as _sn

from gankit.errors import GankitError
from gankit.models.layers import channels_last_like, flat_linear, is_channels_last, stored_order
from gankit.models.registry import register_discriminator, register_generator


def _start_side(side: int) -> tuple[int, int]:
    """(start side, number of ×2 up-samplings) to reach `side`: 28 → (7, 2), 32 → (4, 3)."""
    start, ups = side, 0
    while start % 2 == 0 and start > 7:
        start, ups = start // 2, ups + 1
    if ups == 0:
        raise GankitError(f"image side {side}: expected an even side of at least 8, e.g. 28 or 32")
    return start, ups


def _required(labels: Tensor | None) -> Tensor:
    """The labels (B,) a conditional layer was given; a clear error when there are none."""
    if labels is None:
        raise ValueError("a conditional model needs labels")
    return labels


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm whose scale and shift depend on the label: (B, C, H, W), (B,) → (B, C, H, W).

    Without classes it is a plain BatchNorm2d with its own affine parameters.

    Example:
        >>> bn = ConditionalBatchNorm2d(8, num_classes=10)
        >>> bn(torch.randn(4, 8, 7, 7), torch.tensor([0, 1, 2, 3])).shape  # doctest: +SKIP
        torch.Size([4, 8, 7, 7])
    """

    def __init__(self, channels: int, num_classes: int = 0):
        super().__init__()
        self.num_classes = num_classes
        self.bn = nn.BatchNorm2d(channels, affine=num_classes == 0)
        if num_classes:
            self.gain = nn.Embedding(num_classes, channels)
            self.shift = nn.Embedding(num_classes, channels)
            nn.init.ones_(self.gain.weight)  # start as the identity: every class alike
            nn.init.zeros_(self.shift.weight)

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        h = self.bn(x)
        if not self.num_classes:
            return h
        # (B, C, 1, 1) in h's dtype: fp32 tables against a bf16 h (autocast) would promote the
        # whole map to fp32, at three times the cost of the BatchNorm it follows
        gain = self.gain(_required(labels)).to(h.dtype)[:, :, None, None]
        return h * gain + self.shift(labels).to(h.dtype)[:, :, None, None]


class _UpBlock(nn.Module):
    """CBN → ReLU → ConvTranspose(k4, s2, p1): doubles the side."""

    def __init__(self, c_in: int, c_out: int, num_classes: int):
        super().__init__()
        self.norm = ConditionalBatchNorm2d(c_in, num_classes)
        self.conv = nn.ConvTranspose2d(c_in, c_out, 4, stride=2, padding=1)

    def forward(self, x: Tensor, labels: Tensor | None) -> Tensor:
        return self.conv(self.norm(x, labels).relu())


@register_generator("cdcgan")
class ConditionalDCGenerator(nn.Module):
    """Seed (B, latent_dim) [+ label (B,)] → images (B, C, S, S) in [0, 1].

    Linear → (2^(n−1)·w, s, s) → n up-blocks (CBN → ReLU → ConvTranspose, side ×2, channels
    halved; the last one makes the C image channels) → sigmoid, with w = `width`. For 28×28:
    (2w, 7, 7) → (w, 14, 14) → (C, 28, 28). The label reaches every CBN, the seed the first layer.

    Example:
        >>> g = ConditionalDCGenerator(latent_dim=64, out_shape=(1, 28, 28), num_classes=10)
        >>> g(torch.randn(2, 64), torch.tensor([3, 7])).shape  # doctest: +SKIP
        torch.Size([2, 1, 28, 28])
    """

    def __init__(
        self,
        *,
        latent_dim: int,
        out_shape: tuple[int, ...],
        num_classes: int = 0,
        width: int = 32,
        label_seed: int = 0,
        label_norm: bool = True,
    ):
        super().__init__()
        c, h, w = out_shape
        if h != w:
            raise GankitError(f"image shape {tuple(out_shape)}: expected square images")
        self.start, ups = _start_side(h)
        widths = [width * 2 ** (ups - 1 - i) for i in range(ups)] + [c]  # e.g. [2w, w, C]
        self.num_classes, self.widths = num_classes, widths
        # the label also enters the first layer, as a learned vector beside the seed
        self.label_seed = (
            nn.Embedding(num_classes, label_seed) if num_classes and label_seed else None
        )
        self.project = nn.Linear(
            latent_dim + (label_seed if self.label_seed else 0), widths[0] * self.start**2
        )
        self.blocks = nn.ModuleList(
            _UpBlock(widths[i], widths[i + 1], num_classes if label_norm else 0) for i in range(ups)
        )

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        if self.label_seed is not None:
            z = torch.cat(
                [z, self.label_seed(_required(labels))], 1
            )  # (B, latent_dim + label_seed)
        h = self.project(z).view(
            z.shape[0], self.widths[0], self.start, self.start
        )  # (B, 2w, s, s)
        h = channels_last_like(h, self.blocks[0].conv.weight)
        for block in self.blocks:
            h = block(h, labels)  # side × 2 each; the last block makes the C image channels
        return h.sigmoid()  # (B, C, S, S)


@register_discriminator("projection")
class ProjectionDiscriminator(nn.Module):
    """Images (B, C, S, S) [+ label (B,)] → logits (B,), spectrally normalised throughout.

    Strided 4×4 convolutions halve the side (C → w → 2w …), a 3×3 convolution follows, and the
    features are summed over space: φ(x) (B, F); for 28×28: (w, 14, 14) → (2w, 7, 7) → F = 2w.
    logit = linear(φ) + ⟨embed(label), φ⟩ (the projection).

    Example:
        >>> d = ProjectionDiscriminator(in_shape=(1, 28, 28), num_classes=10)
        >>> d(torch.rand(2, 1, 28, 28), torch.tensor([3, 7])).shape  # doctest: +SKIP
        torch.Size([2])
    """

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int = 0,
        width: int = 32,
        slope: float = 0.2,
        pool: str = "sum",
        spectral_norm: bool = True,
        label_planes: bool = False,
    ):
        super().__init__()
        c, h, w = in_shape
        if pool not in ("sum", "mean", "flatten"):
            raise GankitError(f"model.d.pool '{pool}': expected sum, mean or flatten")
        self.pool = pool
        sn = _sn if spectral_norm else (lambda m: m)
        if h != w:
            raise GankitError(f"image shape {tuple(in_shape)}: expected square images")
        _, downs = _start_side(h)
        layers: list[nn.Module] = []
        # the book's scheme on images: the one-hot label as K constant planes beside the pixels
        self.label_planes = label_planes and num_classes > 0
        c_in, channels = c + (num_classes if self.label_planes else 0), width
        for _ in range(downs):  # (B, c_in, S, S) → (B, channels, S/2, S/2)
            layers += [sn(nn.Conv2d(c_in, channels, 4, 2, 1)), nn.LeakyReLU(slope)]
            c_in, channels = channels, 2 * channels
        layers += [sn(nn.Conv2d(c_in, c_in, 3, padding=1)), nn.LeakyReLU(slope)]
        # flatten keeps where each feature is (small images); sum and mean pool over space
        side = h // 2**downs
        channels = c_in * side * side if pool == "flatten" else c_in
        self.body = nn.Sequential(*layers)
        self.head = sn(nn.Linear(channels, 1))
        self.num_classes = num_classes
        self.embed = sn(nn.Embedding(num_classes, channels)) if num_classes else None

    def forward(self, x: Tensor, labels: Tensor | None = None) -> Tensor:
        x = x * 2 - 1
        if self.label_planes:
            planes = nn.functional.one_hot(_required(labels), self.num_classes).to(
                x.dtype
            )  # (B, K)
            x = torch.cat([x, planes[:, :, None, None].expand(-1, -1, *x.shape[2:])], 1)
        h = self.body(x)  # (B, F, s, s)
        if self.pool == "flatten" and is_channels_last(h):
            return self._flat_channels_last(h, labels)
        if self.pool == "flatten":
            phi = h.flatten(1)  # (B, F·s·s)
        else:
            phi = h.sum(dim=(2, 3)) if self.pool == "sum" else h.mean(dim=(2, 3))  # (B, F)
        out = self.head(phi).squeeze(1)  # (B,)
        if self.embed is None:
            return out
        return out + (self.embed(_required(labels)) * phi).sum(1)  # the projection term

    def _flat_channels_last(self, h: Tensor, labels: Tensor | None) -> Tensor:
        """The flatten head on a channels_last h (B, F, s, s), the same function, read in h's
        stored order (see gankit.models.layers.flat_linear)."""
        out = flat_linear(h, self.head).squeeze(1)  # (B,)
        if self.embed is None:
            return out
        phi = h.permute(0, 2, 3, 1).flatten(1)  # (B, s·s·F), a view
        table = stored_order(self.embed.weight, h.shape[1:])  # (K, s·s·F)
        return out + (F.embedding(_required(labels), table) * phi).sum(1)
