"""A progress line for long work: epoch, step, losses and throughput on one line.

In a terminal it is a rich progress bar on stderr; in a Jupyter kernel one line of text that
updates in place (a rich live bar there would print a new frame per update into the cell); when
stderr is a file or a pipe (`gankit train mnist 2> train.log`, a batch job) a new plain line at
each tenth of the work, which a log keeps readable.
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


class _TextLine:
    """The progress as one line of text: `description: 120/400 (30%) info — 12.3 s, about 29 s
    left`. Subclasses decide when and where a new line shows (`_due`, `_show`)."""

    def __init__(self, total: int, description: str, start: int):
        self.total, self.description, self.start = total, description, start
        self.t0, self.shown_at = time.perf_counter(), 0.0
        self.completed, self.info = start, ""

    def _text(self, final: bool = False) -> str:
        """The line; `final`: the last one, "(done)" or, when the work ended early (Ctrl-C, an
        error), "(stopped)"."""
        elapsed = time.perf_counter() - self.t0
        left = ""
        if final:
            left = " (done)" if self.completed >= self.total else " (stopped)"
        elif self.completed > self.start:
            rate = (self.completed - self.start) / elapsed
            left = f", about {(self.total - self.completed) / rate:.0f} s left"
        pct = 100 * self.completed / max(1, self.total)
        line = f"{self.description}: {self.completed}/{self.total} ({pct:.0f}%) {self.info}"
        return line + f" — {elapsed:.1f} s" + left

    def update(self, *, completed: int, info: str = "") -> None:
        before, self.completed, self.info = self.completed, completed, info
        now = time.perf_counter()
        if self._due(before, now):
            self.shown_at = now
            self._show(self._text())

    def _due(self, before: int, now: float) -> bool:
        raise NotImplementedError

    def _show(self, text: str) -> None:
        raise NotImplementedError


class _NotebookLine(_TextLine):
    """One line of text in the cell's output, replaced at most every `every` seconds."""

    def __init__(self, total: int, description: str, start: int, every: float = 0.5):
        from IPython.display import display

        super().__init__(total, description, start)
        self.every = every
        self.handle = display({"text/plain": self._text()}, raw=True, display_id=True)
        self.grid = None  # the display of the latest sample grid, once there is one

    def _due(self, before: int, now: float) -> bool:
        return now - self.shown_at >= self.every or self.completed >= self.total

    def _show(self, text: str) -> None:
        self.handle.update({"text/plain": text}, raw=True)

    def preview(self, path: Path, step: int) -> None:
        from IPython.display import Image, display

        if self.grid is None:
            self.grid = display(Image(filename=str(path)), display_id=True)
        else:
            self.grid.update(Image(filename=str(path)))

    def close(self) -> None:
        self._show(self._text(final=True))


class _LogLines(_TextLine):
    """New lines on stderr when it is no terminal (a log file, a pipe, a batch job), where a
    live bar cannot redraw: one at each tenth of the work, or after `every` seconds without one,
    and one at the end."""

    def __init__(self, total: int, description: str, start: int, every: float = 60.0):
        super().__init__(total, description, start)
        self.every, self.shown_at = every, self.t0  # the first line after a tenth, not at once

    def _due(self, before: int, now: float) -> bool:
        tenth = max(1, self.total // 10)
        crossed = self.completed // tenth > before // tenth
        # the last tenth is the end's line, which `close` writes
        return self.completed < self.total and (crossed or now - self.shown_at >= self.every)

    def _show(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def preview(self, path: Path, step: int) -> None:
        print(f"step {step}: samples in {path}", file=sys.stderr, flush=True)

    def close(self) -> None:
        self._show(self._text(final=True))


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
    kind = _NotebookLine if in_notebook() else _LogLines
    if kind is _NotebookLine or not Console(stderr=True).is_terminal:
        line = kind(total, description, start)
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
