"""Config → objects: models, optimisers and the `GAN` the loop trains. Nothing else builds them."""

from __future__ import annotations

import torch
from torch import nn

from gankit.config import Config
from gankit.device import amp_dtype, autocast_for, memory_format_for
from gankit.errors import GankitError
from gankit.losses import get_loss
from gankit.models import build_discriminator, build_generator
from gankit.train.gan import GAN
from gankit.train.latent import KINDS


def build_generator_from(cfg: Config, shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """The generator a config describes, for samples of `shape`."""
    m = cfg.model
    return build_generator(
        m.generator,
        latent_dim=m.latent_dim,
        out_shape=shape,
        num_classes=num_classes if m.conditional else 0,
        **m.g,
    )


def build_discriminator_from(cfg: Config, shape: tuple[int, ...], num_classes: int) -> nn.Module:
    m = cfg.model
    return build_discriminator(
        m.discriminator, in_shape=shape, num_classes=num_classes if m.conditional else 0, **m.d
    )


def build_optimizer(name: str, params, lr: float, betas: tuple) -> torch.optim.Optimizer:
    """adam (the book's ch. 3 onwards) or sgd (ch. 2 and 6)."""
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=tuple(betas))
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    raise GankitError(f"train.optimizer '{name}': expected adam or sgd")


def build_gan(cfg: Config, shape: tuple[int, ...], num_classes: int, device) -> GAN:
    """Models (seeded by train.seed), optimisers and loss for `cfg`, on `device`.

    Example:
        >>> gan = build_gan(get_recipe("gan-mnist").config, (1, 28, 28), 10, "cpu")  # doctest: +SKIP
    """
    if cfg.model.latent not in KINDS:  # checked here, before a run folder or a progress bar
        raise GankitError(f"model.latent '{cfg.model.latent}': expected one of {', '.join(KINDS)}")
    if cfg.model.conditional and num_classes == 0:
        raise GankitError(f"data '{cfg.data.spec}' has no labels; a conditional model needs them")
    torch.manual_seed(cfg.train.seed)
    G = build_generator_from(cfg, shape, num_classes).to(device)
    D = build_discriminator_from(cfg, shape, num_classes).to(device)
    t = cfg.train
    fmt = memory_format_for([G, D], image_data=len(shape) == 3)
    G, D = G.to(memory_format=fmt), D.to(memory_format=fmt)
    dev = torch.device(device)
    if t.d_update not in ("split", "joint"):
        raise GankitError(f"train.d_update '{t.d_update}': expected split or joint")
    return GAN(
        G=G,
        D=D,
        opt_g=build_optimizer(t.optimizer, G.parameters(), t.lr_g, t.betas),
        opt_d=build_optimizer(t.optimizer, D.parameters(), t.lr_d, t.betas),
        loss=get_loss(cfg.loss.name),
        latent=cfg.model.latent,
        latent_dim=cfg.model.latent_dim,
        num_classes=num_classes if cfg.model.conditional else 0,
        split_d=t.d_update == "split",
        autocast=autocast_for(dev, amp_dtype(dev, t.amp, t.amp_cpu)),
        memory_format=fmt,
    )
