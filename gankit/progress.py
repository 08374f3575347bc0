"""A progress line for long work: epoch, step, losses and throughput on one line.

In a terminal it is a rich progress bar on stderr; in a Jupyter kernel one line of text that
updates in place (a rich live bar there would print a new frame per update into the cell).
`preview(path)` shows a new sample grid while training runs: in a terminal a line above the bar
with the file to open, in a notebook the grid itself, replaced in place by each newer one.
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class _Silent:
    def update(self, **_):
        pass

    def preview(self, path: Path, step: int) -> None:
        pass


class _Bar:
    def __init__(self, progress: Progress, task):
        self._progress, self._task = progress, task

    def update(self, *, completed: int, info: str = "") -> None:
        self._progress.update(self._task, completed=completed, info=info)

    def preview(self, path: Path, step: int) -> None:
        self._progress.console.print(f"step {step}: samples in {path}", highlight=False)


class _NotebookLine:
    """One line of text in the cell's output, replaced at most every `every` seconds."""

    def __init__(self, total: int, description: str, start: int, every: float = 0.5):
        from IPython.display import display

        self.total, self.description, self.every = total, description, every
        self.t0, self.shown_at, self.start = time.perf_counter(), 0.0, start
        self.completed, self.info = start, ""
        self.handle = display(self._text(), raw=True, display_id=True)
        self.grid = None  # the display of the latest sample grid, once there is one

    def _text(self, done: bool = False) -> dict:
        elapsed = time.perf_counter() - self.t0
        left = ""
        if not done and self.completed > self.start:
            rate = (self.completed - self.start) / elapsed
            left = f", about {(self.total - self.completed) / rate:.0f} s left"
        pct = 100 * self.completed / max(1, self.total)
        line = f"{self.description}: {self.completed}/{self.total} ({pct:.0f}%) {self.info}"
        line += f" — {elapsed:.1f} s" + (" (done)" if done else left)
        return {"text/plain": line}

    def update(self, *, completed: int, info: str = "") -> None:
        self.completed, self.info = completed, info
        now = time.perf_counter()
        if now - self.shown_at >= self.every or completed >= self.total:
            self.shown_at = now
            self.handle.update(self._text(), raw=True)

    def preview(self, path: Path, step: int) -> None:
        from IPython.display import Image, display

        if self.grid is None:
            self.grid = display(Image(filename=str(path)), display_id=True)
        else:
            self.grid.update(Image(filename=str(path)))

    def close(self) -> None:
        self.handle.update(self._text(done=True), raw=True)


def in_notebook() -> bool:
    """True inside a Jupyter kernel; never imports IPython when it is not already loaded."""
    if "ipykernel" not in sys.modules:
        return False
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None


@contextmanager
def progress_bar(total: int, description: str, enabled: bool = True, start: int = 0):
    """Yields an object with `.update(completed=…, info=…)` and `.preview(path, step)`; silent when
    `enabled` is False.

    Example:
        >>> with progress_bar(10, "train", enabled=False) as bar:
        ...     bar.update(completed=5, info="D 0.69")
    """
    if not enabled:
        yield _Silent()
        return
    if in_notebook():
        line = _NotebookLine(total, description, start)
        try:
            yield line
        finally:
            line.close()
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    with progress:
        task = progress.add_task(description, total=total, completed=start, info="")
        yield _Bar(progress, task)
