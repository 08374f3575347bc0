"""The GAN task for the job driver: wire a GAN, its data and its run folder into a `Job`.

The job's step draws batch indices from the seeded epoch order and calls `gan_step`; its sample
hook writes fixed-seed grids (images) or G's outputs (vectors, for the 1010 heat-map).
"""

from __future__ import annotations

import torch

from gankit.config import Config
from gankit.data import Batches, Dataset, load_data
from gankit.data.clusters import with_clusters
from gankit.device import amp_dtype, place_data
from gankit.errors import GankitError
from gankit.runs import GAN_STATS, CsvLog, RunFolder
from gankit.train.augment import resolve_policy
from gankit.train.build import build_gan
from gankit.train.distributed import Dist, mean_over_ranks, noise_seed, unwrap, wrap
from gankit.train.driver import total_steps
from gankit.train.gan import GAN, gan_step
from gankit.train.latent import generate
from gankit.train.loop import Job
from gankit.viz.plots import plot_losses, plot_pattern, plot_points, save_grid

SAMPLE_SEED = 1234  # the fixed seed of every sample grid, so grids through training compare


def grid_layout(shape: tuple[int, ...]) -> tuple[int, int, int]:
    """(samples, per row, enlargement) for a sample grid of images of `shape`."""
    return (100, 10, 2) if shape[-1] <= 32 else (64, 8, 1)


def grid_labels(n: int, num_classes: int) -> torch.Tensor | None:
    """Labels for a conditional grid: each column one class."""
    return torch.arange(n) % num_classes if num_classes else None


def is_points(shape: tuple[int, ...]) -> bool:
    """2-D points (ring-8, grid-25): drawn as scatter plots, not as the 1010 heat-map."""
    return tuple(shape) == (2,)


def pattern_log(run: RunFolder, width: int) -> CsvLog:
    return CsvLog(run.samples_dir / "pattern.csv", ("step", *(f"v{i}" for i in range(width))))


def lr_schedule(gan: GAN, cfg: Config, total: int):
    """A function of the global step that sets both learning rates (a pure function of the step,
    so a resumed run follows the same schedule); train.lr_decay linear falls to 0 at `total`."""
    t = cfg.train
    if t.lr_decay == "none":
        return lambda step: None

    def set_lr(step: int) -> None:
        left = max(0.0, 1.0 - step / max(total, 1))
        for opt, base in ((gan.opt_g, t.lr_g), (gan.opt_d, t.lr_d)):
            for group in opt.param_groups:
                group["lr"] = base * left

    return set_lr


def clustered(data: Dataset, k: int, seed: int) -> Dataset:
    """`data` labelled by k equal pixel clusters (model.clusters); a clear error when k is too big."""
    if k > len(data):
        raise GankitError(f"model.clusters {k}: the data holds only {len(data):,} samples")
    return with_clusters(data, k, seed)


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

    G = unwrap(gan.G)  # checkpoints use the plain module
    device = next(G.parameters()).device  # data may stay on the CPU when it is too large

    def sampler() -> torch.nn.Module:
        """What samples and generator.safetensors come from: G's EMA average where EMA is on."""
        return unwrap(gan.sampler)

    k = gan.d_steps  # each step reads k batches, one per D update; an epoch has fewer steps
    schedule = lr_schedule(gan, cfg, total_steps(cfg, max(1, batches.steps_per_epoch // k)))

    def step(global_step: int) -> torch.Tensor:
        schedule(global_step)
        noise.manual_seed(noise_seed(cfg.train.seed, batches.rank, global_step))
        idx = torch.cat([batches.indices(global_step * k + i) for i in range(k)])  # (k·B,) shard
        real, labels = data.batch(idx), data.labels(idx)
        if real.device != device:  # data left on the CPU: move this batch only
            real = real.to(device, non_blocking=True)
            labels = labels.to(device, non_blocking=True) if labels is not None else None
        return gan_step(gan, real, labels, noise, global_step)

    def on_sample(global_step: int) -> torch.Tensor | None:
        if run is None:
            return None
        return write_samples(run, gan, sampler(), data, global_step, cfg.recipe or data.name)

    def on_checkpoint(global_step: int) -> None:
        if run is not None:
            run.save_generator(sampler(), cfg)  # G's average when EMA is on

    # G's seeds are a function of (seed, rank, step), see noise_seed: no RNG state for them
    stateful = {
        "G": G, "D": unwrap(gan.D), "opt_g": gan.opt_g, "opt_d": gan.opt_d,
        **gan.stateful,  # EMA weights and the regularisers' RNGs
    }  # fmt: skip
    return Job(
        step=step,
        stat_names=GAN_STATS,
        stateful=stateful,
        images_per_step=batches.batch_size * batches.world * k,
        steps_per_epoch=max(1, batches.steps_per_epoch // k),
        on_sample=on_sample,
        on_checkpoint=on_checkpoint,
        description=cfg.recipe or "train",
        sync=mean_over_ranks if batches.world > 1 else None,
    )


def write_samples(
    run: RunFolder, gan: GAN, G: torch.nn.Module, data: Dataset, step: int, title: str
) -> torch.Tensor | None:
    """The fixed-seed samples of `step`: an image grid, a 2-D scatter plot, or the 1010 values.

    Returns the images for the loop's loggers (None for vector data).
    """
    path = run.sample_path(step)
    if data.is_image:
        n, nrow, scale = grid_layout(data.shape)
        labels = grid_labels(n, gan.num_classes)
        x = generate(G, gan.latent, gan.latent_dim, n, SAMPLE_SEED, labels)  # (n, C, H, W)
        save_grid(x, path, nrow, scale)
        return x
    if is_points(data.shape):
        x = generate(G, gan.latent, gan.latent_dim, 1000, SAMPLE_SEED)  # (1000, 2)
        plot_points(x, data.x[:1000].cpu(), path, f"{title}, step {step}")
        return None
    v = generate(G, gan.latent, gan.latent_dim, 1, SAMPLE_SEED)[0]  # (D,)
    log = pattern_log(run, v.numel())
    log.append({"step": step, **{f"v{i}": float(x) for i, x in enumerate(v)}})
    return None


def write_plots(run: RunFolder, gan: GAN, shape: tuple[int, ...]) -> None:
    """plots/losses.png (and plots/pattern.png for vector data) from the logs on disk."""
    rows = run.metrics.rows()
    if rows:
        plot_losses(
            rows, run.plots_dir / "losses.png", gan.loss.ideal_d, gan.loss.ideal_g, gan.loss.name
        )
    if len(shape) == 1 and not is_points(shape):
        pattern = pattern_log(run, shape[0]).rows()
        if pattern:
            plot_pattern(pattern, run.plots_dir / "pattern.png")


class GanTask:
    """A GAN (plain, conditional, any model or loss) for the job driver (gankit.train.driver):
    data in; metrics.csv, sample grids, generator.safetensors and plots/ out.

    Example:
        >>> task = GanTask(get_recipe("gan-1010").config)   # doctest: +SKIP
        >>> drive(task, Path("runs/p"), resume=False)        # doctest: +SKIP
    """

    stats = GAN_STATS

    def __init__(self, cfg: Config):
        self.cfg = cfg

    def setup(self, device: torch.device, place: Dist) -> dict:
        """Data and models on `device`; returns what config.json records besides the config."""
        cfg, t = self.cfg, self.cfg.train
        data = load_data(cfg.data.spec, "train", size=cfg.data.size)
        if cfg.model.clusters:  # the labels D learns: pixel clusters, seeded (a resumed run
            data = clustered(data, cfg.model.clusters, t.seed)  # has the same ones)
        self.data = place_data(data, device)
        n = len(self.data)
        self.gan = build_gan(cfg, self.data.shape, self.data.num_classes, device, n)
        self.batches = Batches(len(self.data), t.batch_size, t.seed, place.rank, place.world)
        self.gan.G, self.gan.D = wrap(self.gan.G, device, place), wrap(self.gan.D, device, place)
        if place.world > 1:  # the hand-written MLP step would bypass DDP's gradient averaging
            self.gan.fast_step = None
        self.noise = torch.Generator(device)  # seeded per rank and step by the job
        precision = amp_dtype(device, t.amp, t.amp_cpu) or "float32"
        return {
            "data_shape": list(self.data.shape),
            "classes": list(self.data.classes or []),
            "precision": str(precision),
            "augment": resolve_policy(cfg.reg.augment, n),
        }

    def job(self, run: RunFolder | None) -> Job:
        return make_gan_job(self.gan, self.data, self.batches, self.noise, run, self.cfg)

    def logs(self, run: RunFolder) -> list[CsvLog]:
        """Logs besides metrics.csv: the 1010 values of vector data."""
        shape = self.data.shape
        return [pattern_log(run, shape[0])] if len(shape) == 1 and not is_points(shape) else []

    def close(self, run: RunFolder, finished: bool) -> None:
        write_plots(run, self.gan, self.data.shape)  # interrupted too: the curves so far

    def sampler(self) -> torch.nn.Module:
        """What samples come from: G, or its EMA average where EMA is on."""
        return unwrap(self.gan.sampler)
