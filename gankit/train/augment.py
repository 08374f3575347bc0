"""DiffAugment (Zhao et al., 2020): the same random, differentiable transforms on every D input,
real and generated, so D cannot memorise a small data set and G still gets gradients through them.

Policies (comma-separated, applied in this order):
  color        brightness ± 0.25, saturation × [0, 2], contrast × [0.5, 1.5] per image
  translation  shift by up to 1/8 of the side in each direction, filling with zeros
  cutout       zero one square of half the side at a random place
`auto` picks the full policy for small training sets (see SMALL_SET).
Images are (B, C, H, W) in [0, 1]; randomness comes from the augmenter's own seeded generator, so
a resumed run draws the same transforms (it is checkpointed with the run).
"""

from __future__ import annotations

import torch
from torch import Tensor

from gankit.errors import GankitError

POLICIES = ("color", "translation", "cutout")
# reg.augment=auto: DiffAugment's full policy for training sets under SMALL_SET images, off above.
# Zhao et al. (2020) measured the largest gains with 10–20% of CIFAR-10 (5,000–10,000 images) and
# on 100-shot sets, where D memorises the data within one run; Karras et al. (2020, ADA) saw D
# overfit on FFHQ subsets of 2,000–10,000. Above that the transforms cost time and buy little.
SMALL_SET = 10_000
AUTO_POLICY = "color,translation,cutout"


def _uniform(x: Tensor, g: torch.Generator, *shape: int) -> Tensor:
    """U(0, 1) numbers of `shape` on x's device and dtype."""
    return torch.rand(shape, generator=g, device=g.device).to(x.device, x.dtype)


def color(x: Tensor, g: torch.Generator) -> Tensor:
    b = x.shape[0]
    x = x + (_uniform(x, g, b, 1, 1, 1) - 0.5) * 0.5  # brightness: ± 0.25
    grey = x.mean(dim=1, keepdim=True)  # (B, 1, H, W)
    x = (x - grey) * (_uniform(x, g, b, 1, 1, 1) * 2) + grey  # saturation
    mean = x.mean(dim=(1, 2, 3), keepdim=True)  # (B, 1, 1, 1)
    return (x - mean) * (_uniform(x, g, b, 1, 1, 1) + 0.5) + mean  # contrast


def _shifts(x: Tensor, g: torch.Generator, limit: int) -> Tensor:
    """Integer shifts in [−limit, limit] per image: (B, 1, 1)."""
    return (_uniform(x, g, x.shape[0], 1, 1) * (2 * limit + 1)).long().clamp(max=2 * limit) - limit


def translation(x: Tensor, g: torch.Generator, ratio: float = 0.125) -> Tensor:
    b, _, h, w = x.shape
    dy, dx = _shifts(x, g, int(h * ratio + 0.5)), _shifts(x, g, int(w * ratio + 0.5))
    rows = torch.arange(h, device=x.device).view(1, h, 1) - dy  # (B, H, 1): source row
    cols = torch.arange(w, device=x.device).view(1, 1, w) - dx  # (B, 1, W)
    inside = ((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)).unsqueeze(1)  # (B, 1, H, W)
    batch = torch.arange(b, device=x.device).view(b, 1, 1)
    moved = x.permute(0, 2, 3, 1)[batch, rows.clamp(0, h - 1), cols.clamp(0, w - 1)]  # (B,H,W,C)
    return moved.permute(0, 3, 1, 2) * inside.to(x.dtype)


def cutout(x: Tensor, g: torch.Generator, ratio: float = 0.5) -> Tensor:
    b, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    top = (_uniform(x, g, b, 1, 1) * (h + 1 - ch % 2)).long() - ch // 2  # (B, 1, 1), may be < 0
    left = (_uniform(x, g, b, 1, 1) * (w + 1 - cw % 2)).long() - cw // 2
    rows = torch.arange(h, device=x.device).view(1, h, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w)
    hole = (rows >= top) & (rows < top + ch) & (cols >= left) & (cols < left + cw)  # (B, H, W)
    return x * (~hole).unsqueeze(1).to(x.dtype)


_FUNCTIONS = {"color": color, "translation": translation, "cutout": cutout}


class DiffAugment:
    """Callable (B, C, H, W) → (B, C, H, W) applying `policy` with randomness from `generator`.

    Example:
        >>> aug = DiffAugment("translation,cutout", torch.Generator().manual_seed(0))
        >>> aug(torch.rand(2, 3, 8, 8)).shape
        torch.Size([2, 3, 8, 8])
    """

    def __init__(self, policy: str, generator: torch.Generator):
        self.names = parse_policy(policy)
        self.generator = generator

    def __call__(self, x: Tensor) -> Tensor:
        if x.dim() != 4:
            raise GankitError(f"reg.augment: DiffAugment needs images (B, C, H, W), got {x.shape}")
        for name in self.names:
            x = _FUNCTIONS[name](x, self.generator)
        return x


def resolve_policy(policy: str, n_train: int) -> str:
    """reg.augment with `auto` decided for a training set of `n_train` images.

    Example:
        >>> resolve_policy("auto", 1_000), resolve_policy("auto", 60_000), resolve_policy("color", 9)
        ('color,translation,cutout', '', 'color')
    """
    if policy != "auto":
        return policy
    return AUTO_POLICY if n_train < SMALL_SET else ""


def parse_policy(policy: str) -> tuple[str, ...]:
    """'translation,cutout' → ('translation', 'cutout'); unknown names are a clear error."""
    names = tuple(p.strip() for p in policy.split(",") if p.strip())
    bad = [n for n in names if n not in _FUNCTIONS]
    if bad:
        raise GankitError(f"reg.augment '{policy}': unknown {bad[0]}; valid: {', '.join(POLICIES)}")
    return tuple(n for n in POLICIES if n in names)
