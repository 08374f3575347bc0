"""Figures of a classifier run (ch. 2, 3, 9): loss curve, confusion matrix, one queried test image."""

from __future__ import annotations

from pathlib import Path

from torch import Tensor

from gankit.viz.figure import pyplot
from gankit.viz.plots import _smooth


def plot_classifier_losses(rows: list[dict], path: Path, loss_name: str) -> None:
    """Training loss (the book samples it every 10 steps; y from 0) and batch accuracy."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharex=True)
    x = [r["images_seen"] for r in rows]
    window = max(1, len(rows) // 50)
    for ax, key, colour in ((axes[0], "loss", "tab:blue"), (axes[1], "accuracy", "tab:green")):
        y = [r[key] for r in rows]
        ax.plot(x, y, color=colour, alpha=0.25, linewidth=0.8, label="logged")
        ax.plot(x, _smooth(y, window), color=colour, linewidth=1.6, label="smoothed")
        ax.set_ylim(0, max(1.0, max(y, default=1.0)) if key == "loss" else 1.0)
        ax.set_xlabel("images seen")
        ax.grid(alpha=0.3)
        ax.legend(loc="center right", fontsize=8)
    axes[0].set_title(f"training loss ({loss_name})")
    axes[1].set_title("training accuracy (per batch)")
    _save(plt, fig, path)


def plot_confusion(confusion: list[list[int]], classes: list[str], path: Path) -> None:
    """Counts of (true class, predicted class) on the test split; the diagonal is right."""
    plt = pyplot()
    k = len(confusion)
    fig, ax = plt.subplots(figsize=(1.0 + 0.55 * k, 0.6 + 0.5 * k))
    image = ax.imshow(confusion, cmap="Blues")
    top = max(max(row) for row in confusion) or 1
    for i, row in enumerate(confusion):
        for j, count in enumerate(row):
            colour = "white" if count > top / 2 else "black"
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    names = [c[:10] for c in classes] or [str(i) for i in range(k)]
    ax.set_xticks(range(k), names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(k), names, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    correct = sum(confusion[i][i] for i in range(k))
    total = sum(map(sum, confusion))
    ax.set_title(f"test accuracy {correct / max(total, 1):.2%} ({correct:,}/{total:,})")
    fig.colorbar(image, ax=ax)
    _save(plt, fig, path)


def plot_query(image: Tensor, outputs: Tensor, label: int, classes: list[str], path: Path) -> None:
    """The book's ch. 2 query: one test image (C, H, W) beside a bar chart of the K outputs (K,)."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2), width_ratios=(1, 2))
    shown = image.float().permute(1, 2, 0).squeeze(-1).cpu().numpy()
    left.imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0, vmax=1)
    left.axis("off")
    names = [c[:10] for c in classes] or [str(i) for i in range(len(outputs))]
    left.set_title(f"test image, label {names[label]}")
    values = outputs.tolist()
    best = max(range(len(values)), key=values.__getitem__)
    colours = ["tab:green" if i == best else "tab:gray" for i in range(len(values))]
    right.bar(range(len(values)), values, color=colours)
    right.set_xticks(range(len(values)), names, rotation=45, ha="right", fontsize=8)
    right.set_ylim(0, 1)
    right.set_title(f"the classifier's {len(values)} outputs: {names[best]}")
    _save(plt, fig, path)


def _save(plt, fig, path: Path) -> None:
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
