"""Appendix B: a GAN learns probabilities, it does not memorise its training images.

The book's 3×3 example: over 8 training images, the pixels are inked [[6,0,1],[0,7,0],[2,0,1]] times,
so a pixel's probability of ink is count/8. Drawing each pixel against a uniform random number makes
new images with the same statistics: most are not copies of any training image. A GAN's generator
learns such a distribution (with pixels that depend on each other: features), which is why it can
make new digits or faces; collapsing onto one likely image is mode collapse.
"""

from __future__ import annotations

from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from gankit.explain import Result
from gankit.viz.figure import pyplot, save

COUNTS = torch.tensor([[6, 0, 1], [0, 7, 0], [2, 0, 1]])  # inked pixels over the 8 images
N_IMAGES = 8


def training_images(seed: int = 0) -> torch.Tensor:
    """8 binary 3×3 images (8, 3, 3) whose per-pixel ink counts are the book's COUNTS.

    Each pixel is inked in `count` of the 8 images, chosen at random (seeded).

    Example:
        >>> training_images().sum(0).tolist() == COUNTS.tolist()
        True
    """
    g = torch.Generator().manual_seed(seed)
    images = torch.zeros(N_IMAGES, 9)
    for pixel, count in enumerate(COUNTS.flatten().tolist()):
        images[torch.randperm(N_IMAGES, generator=g)[:count], pixel] = 1.0
    return images.view(N_IMAGES, 3, 3)


def sample_images(probs: torch.Tensor, n: int, seed: int = 0) -> torch.Tensor:
    """n images (n, 3, 3): each pixel inked where a uniform number falls below its probability."""
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, *probs.shape, generator=g) < probs).float()


def run(out: Path, console: Console, seed: int = 0) -> Result:
    """Count, turn counts into probabilities, sample 24 new images and compare with the data."""
    train = training_images(seed)
    probs = train.mean(0)  # (3, 3) = counts / 8
    samples = sample_images(probs, 24, seed)  # (24, 3, 3), shown as a 4×6 grid
    copies = sum(bool((train == s).all((1, 2)).any()) for s in samples)
    many = sample_images(probs, 10_000, seed + 1).mean(0)  # frequencies over many samples

    table = Table(title="appendix B: ink counts over 8 images → probabilities")
    for col in ("pixel row", "counts", "probability = count / 8", "frequency in 10,000 samples"):
        table.add_column(col)
    for r in range(3):
        table.add_row(
            str(r + 1),
            "  ".join(str(int(c)) for c in COUNTS[r]),
            "  ".join(f"{p:.3f}" for p in probs[r]),
            "  ".join(f"{f:.3f}" for f in many[r]),
        )
    console.print(table)
    possible = 2 ** int((probs > 0).sum())
    console.print(
        f"{24 - copies} of 24 samples are images that appear nowhere among the 8 training images; "
        f"the rest repeat likely ones, as only {possible} different 3×3 images have any chance "
        "here. The samples follow the data's probabilities rather than its images; with 784 "
        "pixels a copy becomes vanishingly unlikely. A GAN's generator learns such a distribution, "
        "with groups of pixels (features) that go together."
    )
    numbers = {f"p{r}{c}": probs[r, c].item() for r in range(3) for c in range(3)}
    numbers.update(new_samples=24 - copies, max_frequency_error=(many - probs).abs().max().item())
    figures = [
        _plot_data(train, probs, out / "probability-data.png"),
        _plot_samples(samples, train, out / "probability-samples.png"),
    ]
    return Result(numbers, figures)


def _show(ax, image: torch.Tensor, title: str = "", colour: str = "black") -> None:
    ax.imshow((1 - image).numpy(), cmap="gray", vmin=0, vmax=1)  # ink is dark
    ax.set_xticks([x - 0.5 for x in range(1, 3)], [])
    ax.set_yticks([y - 0.5 for y in range(1, 3)], [])
    ax.tick_params(length=0)
    ax.grid(color="lightgrey", linewidth=0.8)
    for spine in ax.spines.values():
        spine.set_color(colour)
        spine.set_linewidth(1.5 if colour != "black" else 1)
    if title:
        ax.set_title(title, fontsize=9, color=colour)


def _plot_data(train: torch.Tensor, probs: torch.Tensor, path: Path) -> Path:
    plt = pyplot()
    fig = plt.figure(figsize=(10, 3.2))
    grid = fig.add_gridspec(2, 7, width_ratios=[1, 1, 1, 1, 0.3, 2, 2])
    for i in range(N_IMAGES):
        _show(fig.add_subplot(grid[i // 4, i % 4]), train[i], f"image {i + 1}")
    for col, values, title, fmt in (
        (5, COUNTS.float(), "ink counts", "{:.0f}"),
        (6, probs, "probability = count / 8", "{:.3f}"),
    ):
        ax = fig.add_subplot(grid[:, col])
        ax.imshow(values.numpy(), cmap="Blues", vmin=0, vmax=float(values.max()) * 1.4)
        for (r, c), v in zip(
            torch.cartesian_prod(torch.arange(3), torch.arange(3)).tolist(),
            values.flatten().tolist(),
            strict=True,
        ):
            ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=11)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
    fig.suptitle("8 training images and what a generator learns from them")
    fig.tight_layout()
    return save(fig, path)


def _plot_samples(samples: torch.Tensor, train: torch.Tensor, path: Path) -> Path:
    plt = pyplot()
    fig, axes = plt.subplots(4, 6, figsize=(7.5, 5.6))
    for ax, image in zip(axes.flat, samples, strict=True):
        copy = bool((train == image).all((1, 2)).any())
        _show(ax, image, "copy" if copy else "new", "tab:red" if copy else "tab:green")
    fig.suptitle("24 images sampled from the pixel probabilities (red: same as a training image)")
    fig.tight_layout()
    return save(fig, path)
