"""Appendix C: how big is a convolution's output, and which input pixels does each output read?

    convolution:             out = ⌊(in + 2·padding − kernel) / stride⌋ + 1
    transposed convolution:  out = (in − 1)·stride − 2·padding + kernel (+ output_padding)

`gankit explain conv-size` shows seven worked examples and the book's ch. 9 models (D: 128 → 61 →
27 → 10, G: 11 → 28 → 62 → 128); `--in --kernel --stride --padding [--transposed]` one case, checked
against PyTorch; `--recipe NAME` a recipe's models layer by layer (see gankit.explain.layers).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from gankit.errors import GankitError
from gankit.explain import Result


@dataclass(frozen=True)
class Conv:
    """One convolution along one axis (2-D convolutions do the same along each axis)."""

    size: int  # input pixels
    kernel: int
    stride: int = 1
    padding: int = 0
    transposed: bool = False
    output_padding: int = 0  # transposed only: extra pixels on one side

    def describe(self) -> str:
        """ "conv kernel 3, stride 2, padding 1" and the like (the input size left out)."""
        kind = "transposed" if self.transposed else "conv"
        extra = f", output_padding {self.output_padding}" if self.output_padding else ""
        return f"{kind} kernel {self.kernel}, stride {self.stride}, padding {self.padding}{extra}"


def out_size(c: Conv) -> int:
    """Output size by the formulas above, or a GankitError naming the bad option.

    Example:
        >>> out_size(Conv(128, 8, 2)), out_size(Conv(62, 8, 2, 1, transposed=True))
        (61, 128)
    """
    if c.size < 1 or c.kernel < 1 or c.stride < 1 or c.padding < 0 or c.output_padding < 0:
        raise GankitError("--in, --kernel, --stride: expected ≥ 1; --padding: expected ≥ 0")
    if c.output_padding and not c.transposed:
        raise GankitError("--output-padding: only for --transposed")
    if c.transposed and c.output_padding >= c.stride:
        raise GankitError("--output-padding: expected less than --stride (PyTorch's rule)")
    if c.transposed:
        n = (c.size - 1) * c.stride - 2 * c.padding + c.kernel + c.output_padding
    else:
        n = (c.size + 2 * c.padding - c.kernel) // c.stride + 1
    if n < 1:
        raise GankitError(f"--in {c.size}, {c.describe()}: the kernel does not fit; no output")
    return n


def reads(c: Conv) -> list[list[int]]:
    """For each output pixel, the input pixels it reads (-1, …, or ≥ size: padding, for convolutions).

    A convolution's output o reads inputs o·stride − padding + k; a transposed convolution's input i
    writes outputs i·stride − padding + k, so output o reads every i that writes it (k < kernel).

    Example:
        >>> reads(Conv(5, 3, 2))
        [[0, 1, 2], [2, 3, 4]]
    """
    n = out_size(c)
    if not c.transposed:
        return [[o * c.stride - c.padding + k for k in range(c.kernel)] for o in range(n)]
    table: list[list[int]] = [[] for _ in range(n)]
    for i in range(c.size):
        for k in range(c.kernel):
            o = i * c.stride - c.padding + k
            if 0 <= o < n:
                table[o].append(i)
    return table


def torch_size(c: Conv) -> int:
    """The output size PyTorch's Conv1d / ConvTranspose1d produce: the formula's check."""
    if c.transposed:
        layer = torch.nn.ConvTranspose1d(1, 1, c.kernel, c.stride, c.padding, c.output_padding)
    else:
        layer = torch.nn.Conv1d(1, 1, c.kernel, c.stride, c.padding)
    with torch.no_grad():
        return layer(torch.zeros(1, 1, c.size)).shape[-1]


# appendix C's seven kinds of example, on sizes small enough to draw
EXAMPLES: list[tuple[str, Conv]] = [
    ("stride 1, no padding", Conv(5, 3, 1)),
    ("stride 2, no padding", Conv(5, 3, 2)),
    ("stride 2, padding 1", Conv(5, 3, 2, 1)),
    ("kernel 2 < stride 3: pixels left out", Conv(8, 2, 3)),
    ("transposed, stride 2, no padding", Conv(3, 3, 2, transposed=True)),
    ("transposed, stride 1, no padding", Conv(3, 3, 1, transposed=True)),
    ("transposed, stride 2, padding 1", Conv(3, 3, 2, 1, transposed=True)),
]

# the book's ch. 9 CelebA models: three kernel-8 stride-2 layers each way
BOOK_CH9 = {
    "D (Conv2d ×3)": [Conv(128, 8, 2), Conv(61, 8, 2), Conv(27, 8, 2)],
    "G (ConvTranspose2d ×3)": [
        Conv(11, 8, 2, transposed=True),
        Conv(28, 8, 2, transposed=True),
        Conv(62, 8, 2, 1, transposed=True),
    ],
}


def chain(layers: list[Conv]) -> list[int]:
    """Sizes through a stack of layers, each fed the previous output.

    Example:
        >>> chain(BOOK_CH9["D (Conv2d ×3)"])
        [128, 61, 27, 10]
    """
    sizes = [layers[0].size]
    for layer in layers:
        sizes.append(out_size(replace(layer, size=sizes[-1])))
    return sizes


def _unread(c: Conv) -> list[int]:
    """Input pixels that no output reads (convolutions whose kernel is shorter than the stride)."""
    read = {i for row in reads(c) for i in row}
    return [i for i in range(c.size) if i not in read]


def run(
    out: Path,
    console: Console,
    size: int | None = None,
    kernel: int | None = None,
    stride: int = 1,
    padding: int = 0,
    transposed: bool = False,
    output_padding: int = 0,
    recipe: str | None = None,
    data: str | None = None,
) -> Result:
    """One case (`size` and `kernel`), a recipe's layers (`recipe`), or the worked examples."""
    from gankit.explain.conv_draw import draw_examples

    if recipe is not None and size is not None:
        raise GankitError("--recipe and --in: give one of them")
    if recipe is not None:
        from gankit.explain.layers import show_recipe

        return show_recipe(recipe, console, data)
    if (size is None) != (kernel is None):
        raise GankitError("--in and --kernel: give both for one case, or neither for the examples")
    if size is not None:
        case = Conv(size, kernel, stride, padding, transposed, output_padding)
        n, check = out_size(case), torch_size(case)
        console.print(f"{case.describe()}: in {size} → out {n} (PyTorch agrees: {check})")
        _print_reads(case, console)
        path = draw_examples([(case.describe(), case)], out / "conv-size.png")
        return Result({"out": n, "torch": check}, [path])
    return _worked_examples(out, console, draw_examples)


def _print_reads(c: Conv, console: Console, limit: int = 12) -> None:
    table = reads(c)
    for o, row in enumerate(table[:limit]):
        inside = [i for i in row if 0 <= i < c.size]
        pad = len(row) - len(inside)
        console.print(f"  out {o} reads in {inside}" + (f" and {pad} padding" if pad else ""))
    if len(table) > limit:
        console.print(f"  … and so on for all {len(table)} outputs")
    unread = _unread(c)
    if unread:
        console.print(f"  [red]input pixels no output reads: {unread}[/red]")


def _worked_examples(out: Path, console: Console, draw) -> Result:
    table = Table(title="appendix C: output sizes (one axis; 2-D layers repeat it per axis)")
    for col in ("example", "formula", "out"):
        table.add_column(col)
    numbers: dict[str, float] = {}
    for i, (name, c) in enumerate(EXAMPLES, start=1):
        n = out_size(c)
        numbers[f"example{i}"] = n
        if c.transposed:
            formula = f"({c.size}−1)·{c.stride} − 2·{c.padding} + {c.kernel}"
        else:
            formula = f"⌊({c.size} + 2·{c.padding} − {c.kernel}) / {c.stride}⌋ + 1"
        table.add_row(name, formula, str(n))
    console.print(table)
    for name, layers in BOOK_CH9.items():
        sizes = chain(layers)
        numbers.update({f"{name.split()[0]}{j}": s for j, s in enumerate(sizes)})
        console.print(f"book ch. 9 {name}, kernel 8, stride 2: " + " → ".join(map(str, sizes)))
    console.print("(G's last layer has padding 1: 61·2 + 8 − 2 = 128.)")
    console.print(
        "A stride above 1 shrinks the image; a transposed convolution grows it, and padding crops "
        "its edges. `--in N --kernel K [--stride S --padding P --transposed]` shows one case; "
        "`--recipe NAME` a recipe's models, layer by layer."
    )
    return Result(numbers, [draw(EXAMPLES, out / "conv-size-examples.png")])
