"""A rich progress bar for long work: epoch, step, losses and throughput on one line."""

from __future__ import annotations

from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn


class _Silent:
    def update(self, **_):
        pass


class _Bar:
    def __init__(self, progress: Progress, task):
        self._progress, self._task = progress, task

    def update(self, *, completed: int, info: str = "") -> None:
        self._progress.update(self._task, completed=completed, info=info)


@contextmanager
def progress_bar(total: int, description: str, enabled: bool = True, start: int = 0):
    """Yields an object with `.update(completed=…, info=…)`; silent when `enabled` is False.

    Example:
        >>> with progress_bar(10, "train", enabled=False) as bar:
        ...     bar.update(completed=5, info="D 0.69")
    """
    if not enabled:
        yield _Silent()
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
