"""Appendix D: why GAN training is unstable, on the smallest possible two-player game.

Player x maximises f(x, y) = x·y, player y minimises it; the balance is (0, 0). The book's gradient
steps, both from the same old values (simultaneous, as D and G in a GAN):
    x ← x + lr·y,   y ← y − lr·x        from (0.6, 0.7), lr 0.1, 500 steps
rotate the pair around (0, 0), and every step multiplies the radius by √(1 + lr²) > 1: it spirals out.
Alternating steps (y sees the new x) circle for ever; extra-gradient (step with the gradient at a
look-ahead point) and optimistic steps (extrapolate from the last gradient) damp the rotation and
converge. GAN stabilisers work on the same rotation: spectral norm limits how fast D can turn,
averaging the weights (EMA) finds the centre of an orbit, gradient penalties (R1, WGAN-GP) damp D.
"""

from __future__ import annotations

import math
from pathlib import Path

from rich.console import Console
from rich.table import Table

from gankit.explain import Result
from gankit.viz.figure import pyplot, save

START, LR, STEPS = (0.6, 0.7), 0.1, 500


def simultaneous(x: float, y: float, lr: float, prev) -> tuple[float, float]:
    """The book's update: both players step from the old values."""
    return x + lr * y, y - lr * x


def alternating(x: float, y: float, lr: float, prev) -> tuple[float, float]:
    """x steps first; y answers the new x (GAN loops that update D, then G, do this)."""
    x = x + lr * y
    return x, y - lr * x


def extragradient(x: float, y: float, lr: float, prev) -> tuple[float, float]:
    """Look ahead one step, then step from here with the gradients found there."""
    xa, ya = x + lr * y, y - lr * x
    return x + lr * ya, y - lr * xa


def optimistic(x: float, y: float, lr: float, prev) -> tuple[float, float]:
    """Step with 2·(gradient now) − (last gradient): a cheap extrapolation of the look-ahead."""
    px, py = prev
    return x + lr * (2 * y - py), y - lr * (2 * x - px)


METHODS = {
    "simultaneous (book)": simultaneous,
    "alternating": alternating,
    "extra-gradient": extragradient,
    "optimistic": optimistic,
}


def trajectory(step, start=START, lr: float = LR, steps: int = STEPS) -> list[tuple[float, float]]:
    """[(x, y)] for steps + 1 points, from `start`, under update rule `step`.

    Example:
        >>> [(round(x, 3), round(y, 3)) for x, y in trajectory(simultaneous, steps=1)]
        [(0.6, 0.7), (0.67, 0.64)]
    """
    points = [tuple(start)]
    prev = tuple(start)
    for _ in range(steps):
        x, y = points[-1]
        nx, ny = step(x, y, lr, prev)
        prev = (x, y)
        points.append((nx, ny))
    return points


def ema(points: list[tuple[float, float]], beta: float = 0.99) -> list[tuple[float, float]]:
    """Exponential moving average of the points, the way gankit averages G's weights."""
    out, (ax, ay) = [], points[0]
    for x, y in points:
        ax, ay = beta * ax + (1 - beta) * x, beta * ay + (1 - beta) * y
        out.append((ax, ay))
    return out


def radius(p: tuple[float, float]) -> float:
    """Distance from the balance (0, 0)."""
    return math.hypot(*p)


def _outcome(r: list[float]) -> str:
    """How the distance from (0, 0) went: spirals out, circles, or closes in."""
    if r[-1] > 1.5 * r[0]:
        return "spirals out"
    return "circles" if r[-1] > 0.5 * r[0] else "closes in"


def run(out: Path, console: Console) -> Result:
    """Play the game each way; print start and end radius; draw the book's figure and the comparison."""
    paths = {name: trajectory(step) for name, step in METHODS.items()}
    paths["alternating + EMA 0.99"] = ema(paths["alternating"])
    table = Table(title=f"appendix D: the x·y game from {START}, lr {LR}, {STEPS} steps")
    for col in ("update", "radius at start", "radius at end", "outcome"):
        table.add_column(col)
    numbers: dict[str, float] = {}
    for name, pts in paths.items():
        r0, r1 = radius(pts[0]), radius(pts[-1])
        numbers[name] = r1
        outcome = _outcome([radius(p) for p in pts])
        table.add_row(name, f"{r0:.3f}", f"{r1:.3f}", outcome)
    numbers["start"] = radius(START)
    console.print(table)
    console.print(
        f"Each simultaneous step multiplies the radius by √(1 + lr²) = {math.hypot(1, LR):.5f}: "
        f"after {STEPS} steps ×{math.hypot(1, LR) ** STEPS:.1f}. Extra-gradient multiplies it by "
        f"√(1 − lr² + lr⁴) = {math.sqrt(1 - LR**2 + LR**4):.5f}. Stabilisers in GAN training act on "
        "this rotation: EMA weights sit near the orbit's centre, gradient penalties damp D."
    )
    figures = [_plot_book(paths["simultaneous (book)"], out / "convergence-book.png")]
    figures.append(_plot_methods(paths, out / "convergence-methods.png"))
    return Result(numbers, figures)


def _plot_book(pts, path: Path) -> Path:
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.6, 1]})
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    axes[0].plot(xs, label="x (maximises x·y)", color="tab:blue")
    axes[0].plot(ys, label="y (minimises x·y)", color="tab:orange")
    axes[0].set_xlabel("step")
    axes[0].set_title("x and y over time: the swings grow")
    axes[0].legend(loc="upper left")
    axes[1].plot(xs, ys, color="tab:purple", linewidth=0.9)
    axes[1].scatter([xs[0]], [ys[0]], color="tab:green", zorder=3, label=f"start {START}")
    axes[1].scatter([0], [0], color="black", marker="+", s=80, zorder=3, label="balance (0, 0)")
    axes[1].set_aspect("equal")
    axes[1].set_xlabel("x")
    axes[1].set_ylabel("y")
    axes[1].set_title("y against x: spiralling outwards")
    axes[1].legend(loc="upper right", fontsize=8)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.suptitle(f"the book's simultaneous updates, lr {LR}, {STEPS} steps")
    fig.tight_layout()
    return save(fig, path)


def _plot_methods(paths: dict, path: Path) -> Path:
    plt = pyplot()
    fig = plt.figure(figsize=(12, 6.6))
    grid = fig.add_gridspec(2, 4, height_ratios=[1, 0.9])
    colours = ["tab:red", "tab:orange", "tab:green", "tab:blue", "tab:purple"]
    names = list(METHODS)
    for i, name in enumerate(names):
        ax = fig.add_subplot(grid[0, i])
        pts = paths[name]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=colours[i], linewidth=0.8)
        if name == "alternating":
            avg = paths["alternating + EMA 0.99"]
            ax.plot(
                [p[0] for p in avg],
                [p[1] for p in avg],
                color=colours[4],
                linewidth=1.2,
                label="EMA of the points",
            )
            ax.legend(loc="lower left", fontsize=7)
        ax.scatter([0], [0], color="black", marker="+", s=60, zorder=3)
        ax.set_aspect("equal")
        limit = max(1.0, max(radius(p) for p in pts)) * 1.1
        ax.set_xlim(-limit, limit)
        ax.set_ylim(-limit, limit)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("x", fontsize=8)
        ax.tick_params(labelsize=7)
    ax = fig.add_subplot(grid[1, :])
    for colour, (name, pts) in zip(colours, paths.items(), strict=True):
        style = "--" if name == "optimistic" else "-"  # it lies on extra-gradient's line
        ax.plot([radius(p) for p in pts], color=colour, linestyle=style, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("distance from (0, 0), log scale")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    fig.suptitle(f"the x·y game from {START}, lr {LR}: which updates reach the balance?")
    fig.tight_layout()
    return save(fig, path)
