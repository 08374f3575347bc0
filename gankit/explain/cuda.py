"""Ch. 4: why we use a GPU. One 600×600 matrix product four ways, timed here and beside the book's.

The pure-Python triple loop is far too slow to wait for at 600×600 (the book: 3 min 20 s), so it runs
on a small matrix and its time is scaled by n³ (the loop does n³ multiply-adds); the printout says so.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

from gankit.explain import Result
from gankit.viz.figure import pyplot, save

# the book's timings (seconds) for one 600×600 product
BOOK = {"pure Python": 200.0, "NumPy": 13.2e-3, "PyTorch CUDA": 74.6e-6}


def python_matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """The textbook triple loop: n³ multiply-adds in the interpreter.

    Example:
        >>> python_matmul([[1.0, 2.0]], [[3.0], [4.0]])
        [[11.0]]
    """
    cols = list(zip(*b, strict=True))
    return [[sum(x * y for x, y in zip(row, col, strict=True)) for col in cols] for row in a]


def _best(fn, repeats: int) -> float:
    """Fastest of `repeats` calls, in seconds (the least disturbed by other work on the machine)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _cuda_time(n: int, repeats: int) -> float:
    a = torch.rand(n, n, device="cuda")
    b = torch.rand(n, n, device="cuda")
    for _ in range(3):  # warm-up: kernel selection and the CUDA context
        a @ b
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    torch.cuda.synchronize()  # kernels run asynchronously: wait before reading the clock
    return (time.perf_counter() - start) / repeats


def timings(n: int = 600, python_n: int = 60, repeats: int = 5) -> dict[str, float]:
    """Seconds for one n×n float32 product: pure Python (measured at `python_n`, scaled by
    (n/python_n)³), NumPy, PyTorch on the CPU, and PyTorch CUDA when a GPU is present.

    Example:
        >>> sorted(timings(n=40, python_n=8, repeats=1))[:2]
        ['NumPy', 'PyTorch CPU']
    """
    rng = np.random.default_rng(0)
    small = rng.random((python_n, python_n), dtype=np.float32)
    a_list, b_list = small.tolist(), small.T.tolist()
    product = python_matmul(a_list, b_list)
    if not np.allclose(np.array(product), small @ small.T, rtol=1e-4, atol=1e-4):
        raise AssertionError("the pure-Python product disagrees with NumPy")
    out = {"pure Python": _best(lambda: python_matmul(a_list, b_list), 1) * (n / python_n) ** 3}
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    out["NumPy"] = _best(lambda: a @ b, repeats)
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    ta @ tb  # warm-up
    out["PyTorch CPU"] = _best(lambda: ta @ tb, repeats)
    if torch.cuda.is_available():
        out["PyTorch CUDA"] = _cuda_time(n, max(repeats, 20))
    return out


def _fmt(seconds: float) -> str:
    if seconds >= 60:
        return f"{int(seconds // 60)} min {seconds % 60:.0f} s"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def run(out: Path, console: Console, n: int = 600, python_n: int = 60) -> Result:
    """Time the product, print the table beside the book's and draw a log-scale bar chart."""
    times = timings(n, python_n)
    table = Table(title=f"ch. 4: one {n}×{n} float32 matrix product")
    for col in ("method", "here", "book", "vs NumPy here"):
        table.add_column(col)
    for method, seconds in times.items():
        book = _fmt(BOOK[method]) if method in BOOK else "—"
        table.add_row(method, _fmt(seconds), book, f"{seconds / times['NumPy']:.3g}×")
    console.print(table)
    scale = (n / python_n) ** 3
    console.print(
        f"pure Python: measured on {python_n}×{python_n} and multiplied by ({n}/{python_n})³ = "
        f"{scale:g} (the loop does n³ multiply-adds). PyTorch CPU used "
        f"{torch.get_num_threads()} thread(s)."
    )
    if "PyTorch CUDA" not in times:
        console.print("no CUDA device here: the GPU row is the book's alone.")
    console.print(
        "NumPy and PyTorch call optimised BLAS kernels; a GPU runs thousands of multiply-adds at "
        "once. gankit therefore trains on `--device auto`: CUDA where present, else the CPU."
    )
    return Result(times, [_plot(times, n, out / "cuda-timings.png")])


def _plot(times: dict[str, float], n: int, path: Path) -> Path:
    plt = pyplot()
    methods = list(dict.fromkeys([*times, *BOOK]))
    x = np.arange(len(methods))
    fig, ax = plt.subplots(figsize=(7.5, 4))
    for shift, label, source, colour in (
        (-0.2, "here", times, "tab:blue"),
        (0.2, "book", BOOK, "tab:grey"),
    ):
        idx = [i for i, m in enumerate(methods) if m in source]
        values = [source[methods[i]] for i in idx]
        bars = ax.bar(x[idx] + shift, values, width=0.38, color=colour, label=label)
        ax.bar_label(bars, [_fmt(v) for v in values], fontsize=8, padding=2)
    ax.set_yscale("log")
    low = min([*times.values(), *BOOK.values()]) / 5
    ax.set_ylim(low, max([*times.values(), 200]) * 8)
    for i, m in enumerate(methods):
        if m not in times:  # the GPU row on a machine without one
            ax.text(x[i] - 0.2, low * 2, "no GPU\nhere", ha="center", fontsize=8, color="tab:blue")
    ax.set_xticks(x, methods)
    ax.set_ylabel("seconds (log scale)")
    ax.set_title(f"one {n}×{n} matrix product (pure Python scaled from a smaller size)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return save(fig, path)
