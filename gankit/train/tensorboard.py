"""Optional TensorBoard logging (`gankit train --tensorboard`): losses, images/s, sample grids.

Writes event files into RUN/tensorboard/; look at them with `tensorboard --logdir RUN/tensorboard`.
The tensorboard package is imported only here, when asked for: `pip install 'gankit[tensorboard]'`.
"""

from __future__ import annotations

from pathlib import Path

from torch import Tensor

from gankit.errors import GankitError


class TensorBoardLogger:
    """A `gankit.train.loop.Logger` that writes TensorBoard event files.

    `purge_step`: on resume, the step after the checkpoint's; events the interrupted run logged
    from there on are hidden, as the metrics.csv rows after the checkpoint are dropped.

    Example:
        >>> logger = TensorBoardLogger("runs/demo/tensorboard")   # doctest: +SKIP
        >>> fit(job, run, sched, loggers=(logger,)); logger.close()  # doctest: +SKIP
    """

    def __init__(self, log_dir: str | Path, purge_step: int | None = None):
        self.writer = summary_writer_class()(str(log_dir), purge_step=purge_step)

    def scalars(self, step: int, values: dict[str, float]) -> None:
        for name, value in values.items():
            group = "speed" if name == "images_per_s" else "train"
            self.writer.add_scalar(f"{group}/{name}", value, step)

    def images(self, step: int, name: str, images: Tensor) -> None:
        from gankit.viz.plots import grid_image

        nrow = max(1, int(images.shape[0] ** 0.5 + 0.999))
        self.writer.add_image(name, grid_image(images, nrow=nrow, scale=1), step)  # (3, H', W')

    def close(self) -> None:
        self.writer.close()


def summary_writer_class():
    """torch's SummaryWriter, or a one-line error when the tensorboard package is missing."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise GankitError(
            "--tensorboard: the tensorboard package is not installed; "
            "pip install 'gankit[tensorboard]'"
        ) from None
    return SummaryWriter
