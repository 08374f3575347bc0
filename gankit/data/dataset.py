"""In-memory data sets and the seeded per-epoch batch order.

Images live as one uint8 tensor (N, C, H, W); vectors (the 1010 pattern, 2-D mixtures) as float32
(N, D). A batch is an index tensor into that storage: no per-sample Python work, no DataLoader.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass
class Dataset:
    """A data set held in memory.

    Example:
        >>> ds = Dataset("toy", torch.zeros(10, 1, 28, 28, dtype=torch.uint8))
        >>> ds.batch(torch.tensor([0, 1])).shape
        torch.Size([2, 1, 28, 28])
    """

    name: str
    x: Tensor  # (N, C, H, W) uint8 images, or (N, D) float32 vectors
    y: Tensor | None = None  # (N,) int64 labels
    classes: tuple[str, ...] | None = None  # class names, where labelled
    note: str = ""  # one line on where the data came from

    def __len__(self) -> int:
        return self.x.shape[0]

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of one sample: (C, H, W) for images, (D,) for vectors."""
        return tuple(self.x.shape[1:])

    @property
    def is_image(self) -> bool:
        return self.x.dim() == 4

    @property
    def num_classes(self) -> int:
        return len(self.classes) if self.classes else 0

    def to(self, device: torch.device | str) -> Dataset:
        y = self.y.to(device) if self.y is not None else None
        return Dataset(self.name, self.x.to(device), y, self.classes, self.note)

    def batch(self, idx: Tensor) -> Tensor:
        """Float samples for the indices `idx` (B,): images scaled to [0, 1]."""
        # index_select gathers whole rows: 4.6 µs for 128 MNIST digits on 2 CPU cores, against
        # 35 µs for x[idx], whose advanced indexing handles the general case element by element
        x = self.x.index_select(0, idx.to(self.x.device))
        return x.float().div_(255.0) if x.dtype == torch.uint8 else x

    def labels(self, idx: Tensor) -> Tensor | None:
        return self.y.index_select(0, idx.to(self.y.device)) if self.y is not None else None


def epoch_permutation(n: int, seed: int, epoch: int) -> Tensor:
    """The order of epoch `epoch`: a function of (seed, epoch) alone, so a resumed run sees the same.

    Example:
        >>> bool((epoch_permutation(5, 0, 1) == epoch_permutation(5, 0, 1)).all())
        True
    """
    g = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    return torch.randperm(n, generator=g)


@dataclass(frozen=True)
class Batches:
    """Batch indices for global step `step`; each of `world` processes reads its own shard.

    The last incomplete batch of an epoch is dropped, so every step has exactly `batch_size` samples.

    Example:
        >>> b = Batches(n=10, batch_size=3, seed=0)
        >>> b.steps_per_epoch, b.indices(0).shape
        (3, torch.Size([3]))
    """

    n: int
    batch_size: int  # per process
    seed: int
    rank: int = 0
    world: int = 1

    @property
    def steps_per_epoch(self) -> int:
        return max(1, self.n // (self.batch_size * self.world))

    def epoch_of(self, step: int) -> int:
        return step // self.steps_per_epoch

    def indices(self, step: int) -> Tensor:
        epoch, i = divmod(step, self.steps_per_epoch)
        perm = _cached_permutation(self.n, self.seed, epoch)
        global_batch = self.batch_size * self.world
        start = i * global_batch + self.rank * self.batch_size
        idx = perm[start : start + self.batch_size]
        if idx.numel() < self.batch_size:  # data smaller than one batch: wrap around
            idx = perm[torch.arange(start, start + self.batch_size) % self.n]
        return idx


_PERM_CACHE: dict[tuple[int, int, int], Tensor] = {}


def _cached_permutation(n: int, seed: int, epoch: int) -> Tensor:
    key = (n, seed, epoch)
    if key not in _PERM_CACHE:
        _PERM_CACHE.clear()  # one epoch at a time is all the loop needs
        _PERM_CACHE[key] = epoch_permutation(n, seed, epoch)
    return _PERM_CACHE[key]


def resize_images(x: Tensor, size: int, chunk: int = 1024) -> Tensor:
    """uint8 images (N, C, H, W) → (N, C, size, size), area-averaged (antialiased), in chunks.

    Example:
        >>> resize_images(torch.zeros(2, 3, 8, 8, dtype=torch.uint8), 4).shape
        torch.Size([2, 3, 4, 4])
    """
    if tuple(x.shape[-2:]) == (size, size):
        return x
    out = torch.empty(x.shape[0], x.shape[1], size, size, dtype=torch.uint8)
    for i in range(0, x.shape[0], chunk):
        part = x[i : i + chunk].float()
        part = torch.nn.functional.interpolate(
            part, size=(size, size), mode="bilinear", antialias=True, align_corners=False
        )
        out[i : i + chunk] = part.round_().clamp_(0, 255).to(torch.uint8)
    return out


def resize_dataset(data: Dataset, size: int) -> Dataset:
    """The same data set with its images resized to size × size (`data.size`)."""
    note = f"{data.note}; resized to {size}×{size}"
    return Dataset(data.name, resize_images(data.x, size), data.y, data.classes, note)
