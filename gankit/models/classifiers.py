"""Classifiers: the book's MLP (ch. 2, 3) and CNN (ch. 9), and the feature CNN behind the metrics.

Every classifier maps images (B, *in_shape) in [0, 1] to logits (B, num_classes); the book's final
Sigmoid lives in the classifier losses (gankit.train.classifier), as for the discriminators.
`features(x)` returns the penultimate activations (B, F): the space FID, KID and PRDC measure in.
"""

from __future__ import annotations

import math

from torch import Tensor, nn

from gankit.models.layers import activation
from gankit.models.mlp import _hidden_stack
from gankit.models.registry import register_classifier


@register_classifier("mlp")
class MLPClassifier(nn.Module):
    """Linear → activation → (LayerNorm) per hidden size → Linear(…, num_classes).

    The defaults are the book's ch. 2 network (784 → 200 sigmoid → 10); ch. 3's refined network is
    `activation="leaky-relu", norm=True`.

    Example:
        >>> c = MLPClassifier(in_shape=(1, 28, 28), num_classes=10)
        >>> c(torch.rand(2, 1, 28, 28)).shape  # doctest: +SKIP
        torch.Size([2, 10])
    """

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int,
        hidden: tuple[int, ...] = (200,),
        activation: str = "sigmoid",
        slope: float = 0.02,
        norm: bool = False,
    ):
        super().__init__()
        self.body, width = _hidden_stack(hidden, math.prod(in_shape), activation, slope, norm)
        self.head = nn.Linear(width, num_classes)

    def features(self, x: Tensor) -> Tensor:
        return self.body(x.flatten(1))  # (B, hidden[-1])

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))  # (B, K)


def _conv_out(size: int, kernel: int, stride: int, padding: int = 0) -> int:
    """Appendix C: ⌊(in + 2·padding − kernel) / stride⌋ + 1."""
    return (size + 2 * padding - kernel) // stride + 1


@register_classifier("cnn-book")
class BookCNN(nn.Module):
    """The book's ch. 9 classifier: Conv(k5, s2) → LeakyReLU → BN → Conv(k3, s2) → LeakyReLU → BN →
    flatten → Linear. On 28×28 digits: (10, 12, 12) → (10, 5, 5) → 250 features.
    """

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int,
        channels: int = 10,
        slope: float = 0.02,
    ):
        super().__init__()
        c, h, w = in_shape
        self.body = nn.Sequential(
            nn.Conv2d(c, channels, kernel_size=5, stride=2),
            activation("leaky-relu", slope),
            nn.BatchNorm2d(channels),
            nn.Conv2d(channels, channels, kernel_size=3, stride=2),
            activation("leaky-relu", slope),
            nn.BatchNorm2d(channels),
            nn.Flatten(),
        )
        side_h, side_w = (_conv_out(_conv_out(s, 5, 2), 3, 2) for s in (h, w))
        self.head = nn.Linear(channels * side_h * side_w, num_classes)

    def features(self, x: Tensor) -> Tensor:
        return self.body(x)  # (B, channels · 5 · 5) for 28×28 inputs

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))


def _conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """3×3 conv → BN → ReLU → 2×2 max-pool: halves the side."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
    )


@register_classifier("cnn")
class FeatureCNN(nn.Module):
    """The metrics' feature extractor: two conv blocks, then a `dim`-wide embedding.

    28×28 → (width, 14, 14) → (2·width, 7, 7) → flatten → Linear → ReLU: (B, dim) features;
    dropout and a last Linear give the logits. Small enough to train on 2 CPU cores in minutes.

    Example:
        >>> c = FeatureCNN(in_shape=(1, 28, 28), num_classes=10)
        >>> c.features(torch.rand(2, 1, 28, 28)).shape  # doctest: +SKIP
        torch.Size([2, 128])
    """

    def __init__(
        self,
        *,
        in_shape: tuple[int, ...],
        num_classes: int,
        width: int = 32,
        dim: int = 128,
        dropout: float = 0.3,
    ):
        super().__init__()
        c, h, w = in_shape
        self.body = nn.Sequential(
            _conv_block(c, width),
            _conv_block(width, 2 * width),
            nn.Flatten(),
            nn.Linear(2 * width * (h // 4) * (w // 4), dim),
            nn.ReLU(inplace=True),
        )
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(dim, num_classes))

    def features(self, x: Tensor) -> Tensor:
        return self.body(x)  # (B, dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.features(x))
