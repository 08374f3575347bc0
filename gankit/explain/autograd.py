"""Ch. 1: PyTorch computes gradients for us. The book's three worked examples, each checked by hand.

1. y = (x−1)(x−2)(x−3) at x = 3.5: dy/dx = 3x² − 12x + 11 = 5.75.
2. y = x², z = 2y + 3 at x = 3.5: dz/dx = dz/dy · dy/dx = 2 · 2x = 14 (the chain rule, walked backwards).
3. x = 2a + 3b, y = 5a² + 3b³, z = 2x + 3y at a = 2, b = 1: dz/da = 4 + 30a = 64, dz/db = 6 + 27b² = 33.
"""

from __future__ import annotations

from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from gankit.explain import Result
from gankit.viz.figure import pyplot, save


def worked_examples() -> list[tuple[str, str, float, float]]:
    """(name, hand formula, autograd value, hand value) for each gradient of the book's examples.

    Example:
        >>> worked_examples()[1][2]  # dy/dx at x = 3.5
        5.75
    """
    x = torch.tensor(3.5, requires_grad=True)
    y = (x - 1) * (x - 2) * (x - 3)
    y.backward()
    rows = [("y", "(x−1)(x−2)(x−3)", y.item(), 2.5 * 1.5 * 0.5)]
    rows.append(("dy/dx", "3x² − 12x + 11", x.grad.item(), 3 * 3.5**2 - 12 * 3.5 + 11))

    x = torch.tensor(3.5, requires_grad=True)
    z = 2 * x**2 + 3  # y = x², z = 2y + 3
    z.backward()
    rows.append(("dz/dx", "dz/dy · dy/dx = 2 · 2x", x.grad.item(), 4 * 3.5))

    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    z = 2 * (2 * a + 3 * b) + 3 * (5 * a**2 + 3 * b**3)
    z.backward()
    rows.append(("dz/da", "4 + 30a", a.grad.item(), 4 + 30 * 2.0))
    rows.append(("dz/db", "6 + 27b²", b.grad.item(), 6 + 27 * 1.0))
    return rows


def run(out: Path, console: Console) -> Result:
    """Print the worked examples and draw the curve with its tangent and the computation graph."""
    rows = worked_examples()
    table = Table(title="ch. 1: autograd against the hand-derived formulas")
    for col in ("quantity", "formula", "by hand", "autograd", "agree"):
        table.add_column(col)
    for name, formula, auto, hand in rows:
        ok = "yes" if abs(auto - hand) < 1e-5 else "NO"
        table.add_row(name, formula, f"{hand:g}", f"{auto:g}", ok)
    console.print(table)
    console.print(
        "requires_grad=True makes PyTorch record every operation as a graph; backward() walks it "
        "from z back to the inputs, multiplying local gradients (the chain rule) into x.grad."
    )
    figures = [_plot_tangent(out / "autograd-tangent.png"), _plot_graph(out / "autograd-graph.png")]
    return Result({name: auto for name, _, auto, _ in rows}, figures)


def _plot_tangent(path: Path) -> Path:
    plt = pyplot()
    x = torch.linspace(0.5, 4.2, 200)
    y = ((x - 1) * (x - 2) * (x - 3)).tolist()
    x = x.tolist()
    x0, y0, slope = 3.5, 1.875, 5.75
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(x, y, color="tab:blue", linewidth=2, label="y = (x−1)(x−2)(x−3)")
    xt = torch.linspace(2.9, 4.1, 2)
    ax.plot(
        xt, y0 + slope * (xt - x0), color="tab:red", linestyle="--", label="tangent, slope 5.75"
    )
    ax.scatter([x0], [y0], color="tab:red", zorder=3)
    ax.annotate(
        "x = 3.5, y = 1.875",
        (x0, y0),
        xytext=(-130, 30),
        textcoords="offset points",
        arrowprops={"arrowstyle": "->", "color": "grey"},
    )
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylim(-3, 6)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("dy/dx at x = 3.5 is the tangent's slope: 5.75")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return save(fig, path)


def _node(ax, xy, text, colour="#dbe9f6"):
    ax.text(
        *xy,
        text,
        ha="center",
        va="center",
        fontsize=12,
        bbox={"boxstyle": "circle,pad=0.5", "fc": colour, "ec": "black"},
    )


def _edge(ax, start, end, label, colour, bend, offset):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": colour,
            "lw": 1.6,
            "connectionstyle": f"arc3,rad={bend}",
            "shrinkA": 22,
            "shrinkB": 22,
        },
    )
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + offset)
    va = "bottom" if offset > 0 else "top"
    ax.text(*mid, label, ha="center", va=va, color=colour, fontsize=9.5)


def _plot_graph(path: Path) -> Path:
    """x → y → z forward (what is computed) and z → y → x backward (the local gradients)."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.2))
    nodes = {"x": (0.0, 0.0), "y": (1.0, 0.0), "z": (2.0, 0.0)}
    for name, xy in nodes.items():
        _node(ax, xy, name)
    forward = "tab:blue"
    backward = "tab:red"
    _edge(ax, nodes["x"], nodes["y"], "forward: y = x²\n(3.5 → 12.25)", forward, -0.3, 0.3)
    _edge(ax, nodes["y"], nodes["z"], "forward: z = 2y + 3\n(12.25 → 27.5)", forward, -0.3, 0.3)
    _edge(ax, nodes["z"], nodes["y"], "backward: dz/dy = 2", backward, -0.3, -0.3)
    _edge(ax, nodes["y"], nodes["x"], "backward: dy/dx = 2x = 7", backward, -0.3, -0.3)
    ax.text(
        1.0,
        -0.72,
        "dz/dx = dz/dy · dy/dx = 2 · 7 = 14 (x.grad after z.backward())",
        ha="center",
        fontsize=10.5,
    )
    ax.set_xlim(-0.35, 2.35)
    ax.set_ylim(-0.85, 0.7)
    ax.axis("off")
    ax.set_title("the computation graph of z(y(x)) at x = 3.5")
    fig.tight_layout()
    return save(fig, path)
