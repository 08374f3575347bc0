"""Wire a GAN, its data and its run folder into a `Job` for the shared loop.

The job's step draws batch indices from the seeded epoch order and calls `gan_step`; its sample
hook writes fixed-seed grids (images) or G's outputs (vectors, for the 1010 heat-map).
"""

from __future__ import annotations

import torch

from gankit.config import Config
from gankit.data import Batches, Dataset
from gankit.plots import plot_losses, plot_pattern, save_grid
from gankit.runs import GAN_STATS, CsvLog, RunFolder
from gankit.train.distributed import mean_over_ranks, noise_seed, unwrap
from gankit.train.gan import GAN, gan_step
from gankit.train.latent import generate
from gankit.train.loop import Job

SAMPLE_SEED = 1234  # the fixed seed of every sample grid, so grids through training compare


def grid_layout(shape: tuple[int, ...]) -> tuple[int, int, int]:
    """(samples, per row, enlargement) for a sample grid of images of `shape`."""
    return (100, 10, 2) if shape[-1] <= 32 else (64, 8, 1)


def grid_labels(n: int, num_classes: int) -> torch.Tensor | None:
    """Labels for a conditional grid: each column one class."""
    return torch.arange(n) % num_classes if num_classes else None


def pattern_log(run: RunFolder, width: int) -> CsvLog:
    return CsvLog(run.samples_dir / "pattern.csv", ("step", *(f"v{i}" for i in range(width))))


def make_gan_job(
    gan: GAN,
    data: Dataset,
    batches: Batches,
    noise: torch.Generator,
    run: RunFolder | None,
    cfg: Config,
) -> Job:
    """A `Job` that trains `gan` on `data` and writes samples into `run` (None: not rank 0).

    `gan.G`/`gan.D` may be DDP wrappers; `batches` holds this process's rank and the world size.
    """

    G = unwrap(gan.G)  # samples and the generator file use the plain module

    device = next(gan.G.parameters()).device  # data may stay on the CPU when it is too large

    def step(global_step: int) -> torch.Tensor:
        idx = batches.indices(global_step)  # (B,) this process's shard
        noise.manual_seed(noise_seed(cfg.train.seed, batches.rank, global_step))
        real, labels = data.batch(idx), data.labels(idx)
        if real.device != device:  # data left on the CPU: move this batch only
            real = real.to(device, non_blocking=True)
            labels = labels.to(device, non_blocking=True) if labels is not None else None
        return gan_step(gan, real, labels, noise)

    def on_sample(global_step: int) -> torch.Tensor | None:
        """Writes the grid (or the 1010 values); returns the images for the loop's loggers."""
        if run is None:
            return None
        if data.is_image:
            n, nrow, scale = grid_layout(data.shape)
            labels = grid_labels(n, gan.num_classes)
            x = generate(G, gan.latent, gan.latent_dim, n, SAMPLE_SEED, labels)
            save_grid(x, run.samples_dir / f"step-{global_step:06d}.png", nrow, scale)
            return x  # (n, C, H, W)
        v = generate(G, gan.latent, gan.latent_dim, 1, SAMPLE_SEED)[0]  # (D,)
        log = pattern_log(run, v.numel())
        log.append({"step": global_step, **{f"v{i}": float(x) for i, x in enumerate(v)}})
        return None

    def on_checkpoint(global_step: int) -> None:
        if run is not None:
            run.save_generator(G, cfg)

    # no RNG state: G's seeds are a function of (seed, rank, step), see noise_seed
    stateful = {"G": G, "D": unwrap(gan.D), "opt_g": gan.opt_g, "opt_d": gan.opt_d}
    return Job(
        step=step,
        stat_names=GAN_STATS,
        stateful=stateful,
        images_per_step=batches.batch_size * batches.world,
        steps_per_epoch=batches.steps_per_epoch,
        on_sample=on_sample,
        on_checkpoint=on_checkpoint,
        description=cfg.recipe or "train",
        sync=mean_over_ranks if batches.world > 1 else None,
    )


def write_plots(run: RunFolder, gan: GAN, shape: tuple[int, ...]) -> None:
    """plots/losses.png (and plots/pattern.png for vector data) from the logs on disk."""
    rows = run.metrics.rows()
    if rows:
        plot_losses(
            rows, run.plots_dir / "losses.png", gan.loss.ideal_d, gan.loss.ideal_g, gan.loss.name
        )
    if len(shape) == 1:
        pattern = pattern_log(run, shape[0]).rows()
        if pattern:
            plot_pattern(pattern, run.plots_dir / "pattern.png")
