"""Drawings for appendix C: input pixels on top, output pixels below, a line for every pixel read.

Coordinates are in pixels of the wider row: a convolution's output o sits under the middle of the
window it reads, a transposed convolution's input i over the middle of the window it writes.
"""

from __future__ import annotations

from pathlib import Path

from gankit.explain.conv_size import Conv, out_size, reads
from gankit.viz.figure import pyplot, save

MAX_CELLS = 24  # wider layers are drawn in part: their first MAX_CELLS pixels
COLOURS = [
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:purple",
    "tab:brown",
    "tab:pink",
    "tab:olive",
]


def _cell(ax, x: float, y: float, text: str, face: str, dashed: bool = False) -> None:
    ax.add_patch(
        pyplot().Rectangle(
            (x - 0.45, y - 0.3),
            0.9,
            0.6,
            facecolor=face,
            edgecolor="black",
            linestyle="--" if dashed else "-",
            linewidth=0.8,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=7)


def _positions(c: Conv) -> tuple[dict[int, float], dict[int, float]]:
    """x positions of input and output pixels (keys: pixel index; padding has indices outside)."""
    n = out_size(c)
    if not c.transposed:
        inputs = {i: float(i) for i in range(-c.padding, c.size + c.padding)}
        outputs = {o: o * c.stride - c.padding + (c.kernel - 1) / 2 for o in range(n)}
        return inputs, outputs
    full = (c.size - 1) * c.stride + c.kernel + c.output_padding  # before padding crops the edges
    outputs = {o: float(o) for o in range(-c.padding, full - c.padding)}
    inputs = {i: i * c.stride - c.padding + (c.kernel - 1) / 2 for i in range(c.size)}
    return inputs, outputs


def _span(c: Conv) -> tuple[float, float]:
    """Leftmost and rightmost pixel position of a drawing."""
    xs = [*_positions(c)[0].values(), *_positions(c)[1].values()]
    return min(xs), max(xs)


def draw_one(ax, title: str, c: Conv) -> None:
    """Input row at y = 1, output row at y = 0, lines from each output to the inputs it reads."""
    n = out_size(c)
    inputs, outputs = _positions(c)
    table = reads(c)
    shown = lambda x: x < MAX_CELLS - max(c.padding, 1)  # noqa: E731
    read_count = {i: 0 for i in inputs}
    for o, row in enumerate(table):
        for i in row:
            read_count[i] += 1
            if shown(outputs[o]) and shown(inputs[i]):
                colour = COLOURS[o % len(COLOURS)]
                ax.plot([outputs[o], inputs[i]], [0.3, 0.7], color=colour, linewidth=0.9)
    for i, x in inputs.items():
        if not shown(x):
            continue
        pad = not 0 <= i < c.size
        unread = not pad and read_count[i] == 0
        face = "#eeeeee" if pad else ("#f4a6a6" if unread else "#dbe9f6")
        _cell(ax, x, 1.0, "pad" if pad else str(i), face, dashed=pad)
    for o, x in outputs.items():
        if not shown(x):
            continue
        cropped = not 0 <= o < n
        face = "white" if cropped else "#fde2b8"
        _cell(ax, x, 0.0, "crop" if cropped else str(o), face, dashed=cropped)
        if c.transposed and not cropped:  # uneven sums are the checkerboard of transposed convs
            ax.text(x, -0.42, f"sums {len(table[o])}", ha="center", va="center", fontsize=6)
    wide = _span(c)[1]
    ax.set_ylim(-0.55, 1.4)
    ax.set_yticks([0, 1], ["out", "in"])
    ax.set_xticks([])
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    part = f" (first {MAX_CELLS} pixels drawn)" if wide > MAX_CELLS else ""
    ax.set_title(f"{title}: in {c.size} → out {n}{part}", fontsize=9, loc="left")


def draw_examples(examples: list[tuple[str, Conv]], path: Path) -> Path:
    """One row per example; red inputs are read by no output, `o·k` outputs sum k inputs."""
    plt = pyplot()
    cells = max(
        min(MAX_CELLS, max(max(_positions(c)[0]), max(_positions(c)[1])) + 2) for _, c in examples
    )
    fig, axes = plt.subplots(
        len(examples),
        1,
        figsize=(max(6.0, 0.42 * cells + 1.5), 1.45 * len(examples) + 0.6),
        squeeze=False,
    )
    for ax, (title, c) in zip(axes[:, 0], examples, strict=True):
        draw_one(ax, title, c)
    fig.suptitle(
        "which input pixels each output reads\n"
        "red: read by no output · pad: padding · crop: cut off by padding",
        fontsize=9,
    )
    fig.tight_layout()
    return save(fig, path)
