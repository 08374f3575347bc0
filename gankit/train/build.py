"""Config → objects: models, optimisers and the `GAN` the loop trains. Nothing else builds them."""

from __future__ import annotations

import torch
from torch import nn

from gankit.config import Config
from gankit.device import amp_dtype, autocast_for, memory_format_for
from gankit.errors import GankitError
from gankit.losses import get_loss
from gankit.models import build_discriminator, build_generator
from gankit.models.fast_conv import use_fast_convs
from gankit.models.seed_clusters import SeedClusters
from gankit.train.augment import DiffAugment, resolve_policy
from gankit.train.distributed import from_env
from gankit.train.ema import EMA
from gankit.train.gan import GAN
from gankit.train.loop import RNGState
from gankit.train.mlp_step import plan_mlp_step
from gankit.train.regularizers import GradientPenalty, ZeroCentredPenalty, spectral_normalise
from gankit.train.speed import adam, compile_plan

# offsets from train.seed for the regularisers' own random streams (the loop's noise uses +1)
GP_SEED, AUGMENT_SEED = 2, 3


def _label_count(cfg: Config, num_classes: int) -> int:
    """How many labels G and D take: the pixel clusters, the data's classes, or none."""
    m = cfg.model
    return m.clusters or (num_classes if m.conditional else 0)


def build_generator_from(cfg: Config, shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """The generator a config describes, for samples of `shape`."""
    m = cfg.model
    k = _label_count(cfg, num_classes)
    G = build_generator(m.generator, latent_dim=m.latent_dim, out_shape=shape, num_classes=k, **m.g)
    if not m.clusters and m.truncation == 1.0:
        return G
    return SeedClusters(G, clusters=m.clusters, latent=m.latent, truncation=m.truncation)


def build_discriminator_from(cfg: Config, shape: tuple[int, ...], num_classes: int) -> nn.Module:
    k = _label_count(cfg, num_classes)
    return build_discriminator(
        cfg.model.discriminator, in_shape=shape, num_classes=k, **cfg.model.d
    )


def build_optimizer(
    name: str, params, lr: float, betas: tuple, device="cpu"
) -> torch.optim.Optimizer:
    """adam (the book's ch. 3 onwards; fused where `device` has the kernel) or sgd (ch. 2 and 6)."""
    if name == "adam":
        return adam(params, lr, betas, device)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    raise GankitError(f"train.optimizer '{name}': expected adam or sgd")


def build_gan(
    cfg: Config, shape: tuple[int, ...], num_classes: int, device, n_train: int = 0
) -> GAN:
    """Models (seeded by train.seed), optimisers and loss for `cfg`, on `device`; `n_train`, the
    training set's size, decides reg.augment=auto.

    Example:
        >>> gan = build_gan(get_recipe("gan-mnist").config, (1, 28, 28), 10, "cpu")  # doctest: +SKIP
    """
    # the config itself was checked by gankit.validate; what needs the data is checked here
    if cfg.model.conditional and num_classes == 0:
        raise GankitError(f"data '{cfg.data.spec}' has no labels; a conditional model needs them")
    torch.manual_seed(cfg.train.seed)
    G = build_generator_from(cfg, shape, num_classes).to(device)
    D = build_discriminator_from(cfg, shape, num_classes).to(device)
    if cfg.reg.spectral_norm:
        spectral_normalise(D)  # before the optimiser: it re-registers D's weights
    t = cfg.train
    fmt = memory_format_for([G, D], image_data=len(shape) == 3)
    G, D = G.to(memory_format=fmt), D.to(memory_format=fmt)
    dev = torch.device(device)
    dtype = amp_dtype(dev, t.amp, t.amp_cpu)
    if fast_convs(t.fast_conv, dev, dtype):
        use_fast_convs(G)
        use_fast_convs(D)
    gan = GAN(
        G=G,
        D=D,
        opt_g=build_optimizer(t.optimizer, G.parameters(), t.lr_g, t.betas, dev),
        opt_d=build_optimizer(t.optimizer, D.parameters(), t.lr_d, t.betas, dev),
        loss=get_loss(cfg.loss.name),
        latent=cfg.model.latent,
        latent_dim=cfg.model.latent_dim,
        num_classes=num_classes if cfg.model.conditional else 0,
        clusters=cfg.model.clusters,
        split_d=t.d_update == "split",
        autocast=autocast_for(dev, dtype),
        memory_format=fmt,
        d_steps=t.d_steps,
        reuse_fake=t.reuse_fake,
    )
    add_stabilisers(gan, cfg, shape, dev, n_train)
    # torch.compile wraps lazily: building the compiled hand step costs nothing until it runs
    hand = plan_mlp_step(gan, compiled=t.compile == "on") if dev.type == "cpu" else None
    plan = compile_plan(t.compile, dev, hand is not None)
    if plan.startswith("hand"):
        gan.fast_step = hand
    elif plan in ("torch", "graphs"):
        # in place, after the EMA copy of G (which stays eager); D stays eager under a penalty.
        # "reduce-overhead" replays each compiled graph as a CUDA graph: one launch for all of
        # its kernels, where the book's small models spend their step launching kernels
        if plan == "graphs" and from_env().active:
            raise GankitError("train.compile graphs: one process only; expected on under torchrun")
        for model in (G,) if gan.d_penalties else (G, D):
            model.compile(mode="reduce-overhead" if plan == "graphs" else None)
        gan.graphs = plan == "graphs"
    return gan


def fast_convs(setting: str, device: torch.device, dtype: torch.dtype | None) -> bool:
    """train.fast_conv: on, off, or auto: under bf16 autocast on the CPU, where oneDNN's strided
    kernels lag their stride-1 ones (measured in gankit.models.fast_conv; no gain in fp32).

    Example:
        >>> fast_convs("auto", torch.device("cpu"), torch.bfloat16), fast_convs("off", None, None)
        (True, False)
    """
    if setting != "auto":
        return setting == "on"
    return device.type == "cpu" and dtype == torch.bfloat16


def add_stabilisers(
    gan: GAN, cfg: Config, shape: tuple[int, ...], device: torch.device, n_train: int = 0
) -> None:
    """Plug the configured regularisers into `gan`'s step: penalties, augmentation, EMA."""
    r, seed = cfg.reg, cfg.train.seed
    policy = resolve_policy(r.augment, n_train)
    if r.gradient_penalty > 0:
        rng = torch.Generator(device).manual_seed(seed + GP_SEED)
        gan.d_penalties.append(GradientPenalty(r.gradient_penalty, rng))
        gan.stateful["gp_rng"] = RNGState(rng)
    if r.r1 > 0 or r.r2 > 0:
        now = lambda: gan.global_step  # noqa: E731
        gan.d_penalties.append(ZeroCentredPenalty(r.r1, r.r2, r.r1_every, now))
    if policy:
        if len(shape) != 3:
            raise GankitError(
                f"reg.augment: DiffAugment needs images, not vectors of shape {shape}"
            )
        rng = torch.Generator(device).manual_seed(seed + AUGMENT_SEED)
        gan.augment = DiffAugment(policy, rng)
        gan.stateful["augment_rng"] = RNGState(rng)
    if r.ema > 0:
        gan.ema = EMA(gan.G, r.ema)
        gan.after_g_step.append(gan.ema.update)
        gan.stateful["G_ema"] = gan.ema
