"""Appendix A: the loss values to expect when a GAN is balanced.

At equilibrium G's samples are indistinguishable from real ones, so the best D can do is output 0.5
for everything. Its loss is then (1 − 0.5)² = 0.5² = 0.25 with MSE and −ln 0.5 = ln 2 ≈ 0.693 with
BCE, on real (target 1) and fake (target 0) samples alike. gankit's loss plots draw these lines.
The values here come from gankit's own loss functions (gankit.losses), which take D's logits.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from gankit.explain import Result
from gankit.losses import get_loss
from gankit.viz.figure import pyplot, save


def _logit(p: torch.Tensor) -> torch.Tensor:
    return torch.log(p) - torch.log1p(-p)  # D's output 0.5 is logit 0


def loss_at(name: str, p: float) -> tuple[float, float]:
    """(loss on a real sample, loss on a fake one) of loss `name` when D outputs probability `p`.

    Example:
        >>> loss_at("mse", 0.5)
        (0.25, 0.25)
    """
    loss = get_loss(name)
    out = _logit(torch.tensor([p], dtype=torch.float64))
    return loss.d_real(out).item(), loss.d_fake(out).item()


def run(out: Path, console: Console) -> Result:
    """Print both losses at D = 0.5 and plot each loss against D's output for both targets."""
    numbers: dict[str, float] = {}
    table = Table(title="appendix A: D's loss when it outputs 0.5 for every sample")
    for col in ("loss", "real (target 1)", "fake (target 0)", "by hand", "ideal line"):
        table.add_column(col)
    for name, hand in (("mse", "0.5² = 0.25"), ("bce", "−ln 0.5 = ln 2 ≈ 0.693")):
        real, fake = loss_at(name, 0.5)
        numbers[name] = real
        numbers[f"{name}_fake"] = fake
        table.add_row(
            name.upper(), f"{real:.4f}", f"{fake:.4f}", hand, f"{get_loss(name).ideal_d:.4f}"
        )
    console.print(table)
    console.print(
        "If D's loss stays near these lines while G's samples improve, the two are balanced. D's "
        "loss falling towards 0 means D wins (G learns little); rising far above means G fools D."
    )
    return Result(numbers, [_plot(out / "ideal-loss.png")])


def _plot(path: Path) -> Path:
    plt = pyplot()
    p = torch.linspace(0.005, 0.995, 400, dtype=torch.float64).tolist()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, name, ideal, top in ((axes[0], "mse", 0.25, 1.0), (axes[1], "bce", math.log(2), 4.0)):
        real, fake = zip(*(loss_at(name, v) for v in p), strict=True)
        ax.plot(p, real, color="tab:green", linewidth=2, label="real sample (target 1)")
        ax.plot(p, fake, color="tab:red", linewidth=2, label="fake sample (target 0)")
        ax.axvline(0.5, color="grey", linestyle=":", linewidth=1)
        ax.axhline(ideal, color="black", linestyle="--", linewidth=1, label=f"ideal {ideal:.3f}")
        ax.scatter([0.5], [ideal], color="black", zorder=3)
        ax.annotate(
            "equilibrium: D = 0.5", (0.5, ideal), xytext=(8, 12), textcoords="offset points"
        )
        ax.set_ylim(0, top)
        ax.set_xlabel("D's output (probability the sample is real)")
        ax.set_ylabel("loss")
        ax.set_title(f"{name.upper()} loss")
        ax.grid(alpha=0.3)
        ax.legend(loc="upper center", fontsize=8)
    fig.tight_layout()
    return save(fig, path)
