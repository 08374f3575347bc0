"""Figures: loss curves with the ideal-loss lines (appendix A), image grids, the 1010 heat-map (ch. 6),
2-D samples over the real mixture (mode-collapse benchmarks).

matplotlib is imported inside each function with the Agg backend: no screen needed, no start-up cost
for commands that draw nothing.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import Tensor

from gankit.viz.figure import pyplot


def grid_image(x: Tensor, nrow: int = 10, scale: int = 2) -> Tensor:
    """Images (N, C, H, W) in [0, 1] as one grid (3, H', W'), enlarged `scale` times (nearest)."""
    from torchvision.utils import make_grid

    grid = make_grid(x.clamp(0, 1), nrow=nrow, padding=2, pad_value=0.5)  # (3, H', W')
    if scale > 1:
        grid = torch.nn.functional.interpolate(grid[None], scale_factor=scale, mode="nearest")[0]
    return grid


def save_grid(x: Tensor, path: Path, nrow: int = 10, scale: int = 2) -> None:
    """Save images (N, C, H, W) in [0, 1] as one PNG grid, enlarged `scale` times (nearest).

    Example:
        >>> save_grid(torch.rand(16, 1, 28, 28), Path("grid.png"), nrow=4)  # doctest: +SKIP
    """
    from torchvision.utils import save_image

    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(grid_image(x, nrow, scale), path)


def grid_png(x: Tensor, nrow: int = 10, scale: int = 2) -> bytes:
    """The same grid as `save_grid`, as PNG bytes (for web pages and HTML reports).

    Example:
        >>> grid_png(torch.rand(4, 1, 28, 28), nrow=2)[:4]
        b'\\x89PNG'
    """
    import io

    from torchvision.utils import save_image

    buf = io.BytesIO()
    save_image(grid_image(x, nrow, scale), buf, format="png")
    return buf.getvalue()


def _smooth(values: list[float], window: int) -> list[float]:
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot_losses(
    rows: list[dict], path: Path, ideal_d: float, ideal_g: float, loss_name: str
) -> None:
    """D and G loss against images seen, each with its equilibrium value as a dashed line.

    At equilibrium D outputs 0.5 everywhere (appendix A): MSE 0.25, BCE ln 2 ≈ 0.693.
    """
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
    x = [r["images_seen"] for r in rows]
    window = max(1, len(rows) // 50)
    for ax, key, ideal, colour in (
        (axes[0], "d_loss", ideal_d, "tab:blue"),
        (axes[1], "g_loss", ideal_g, "tab:orange"),
    ):
        y = [r[key] for r in rows]
        ax.plot(x, y, color=colour, alpha=0.25, linewidth=0.8, label="logged")
        ax.plot(x, _smooth(y, window), color=colour, linewidth=1.6, label="smoothed")
        ax.axhline(ideal, color="black", linestyle="--", linewidth=1, label=f"ideal {ideal:.3f}")
        ax.set_title(f"{'D' if key == 'd_loss' else 'G'} loss ({loss_name})")
        ax.set_xlabel("images seen")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_pattern(rows: list[dict], path: Path) -> None:
    """The book's ch. 6 heat-map: G's 4 outputs (rows) over training (columns), 0 dark to 1 bright."""
    plt = pyplot()
    values = torch.tensor([[r[f"v{i}"] for i in range(4)] for r in rows]).T  # (4, T)
    fig, ax = plt.subplots(figsize=(max(4, len(rows) * 0.45), 2.6))
    image = ax.imshow(values.numpy(), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(4), [f"value {i + 1}" for i in range(4)])
    steps = [int(r["step"]) for r in rows]
    ticks = list(range(0, len(steps), max(1, len(steps) // 10)))
    ax.set_xticks(ticks, [str(steps[i]) for i in ticks], rotation=45, fontsize=7)
    ax.set_xlabel("step")
    ax.set_title("G(seed) over training: the 1010 pattern emerging")
    fig.colorbar(image, ax=ax)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_points(fake: Tensor, real: Tensor, path: Path, title: str = "") -> None:
    """2-D samples (N, 2) in orange over real ones (M, 2) in grey: mode collapse at a glance."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    ax.scatter(real[:, 0], real[:, 1], s=2, c="0.6", alpha=0.5, label="real")
    ax.scatter(fake[:, 0], fake[:, 1], s=2, c="tab:orange", alpha=0.6, label="generated")
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper right", fontsize=7, markerscale=4)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def plot_examples(ds, path: Path, n: int = 24) -> None:
    """The first n images of a data set with their labels (the book's ch. 2 look at the data)."""
    plt = pyplot()
    n = min(n, len(ds))
    cols = min(8, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.3, rows * 1.5), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = ds.x[i].float().div(255).permute(1, 2, 0).squeeze(-1).cpu().numpy()
        ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1)
        if ds.y is not None:
            label = int(ds.y[i])
            ax.set_title(ds.classes[label] if ds.classes else str(label), fontsize=8)
    fig.suptitle(f"{ds.name}: first {n} images")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
