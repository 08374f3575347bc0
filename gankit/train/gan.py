"""THE one GAN training step, for every GAN gankit trains (any model, any loss, with or without labels).

Per batch, as the book's ch. 5 teaches:
  1. D on real samples, target "real";
  2. D on generated samples, detached from G, target "fake";
  3. G through D with fresh seeds, target "real"; only G's weights change.
With `split_d` (the book) steps 1 and 2 are two optimiser steps; otherwise one step on their sum.
With `d_steps` = k, steps 1-2 run k times (each on its own real batch) before one step 3.
With `reuse_fake` (not the book; pytorch/examples' DCGAN) step 3 reuses the last step 2's seeds
and G's forward pass, kept with its graph, instead of drawing fresh seeds: one G forward fewer.
Extras (augmentation, penalties, EMA) plug in as callables; the step itself never changes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor, nn

from gankit.losses import GANLoss
from gankit.models.seed_clusters import seed_cluster
from gankit.train.distributed import unwrap
from gankit.train.latent import sample_latent


def _identity(x: Tensor) -> Tensor:
    return x


@dataclass
class GAN:
    """Everything one training step touches."""

    G: nn.Module
    D: nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    loss: GANLoss
    latent: str  # seed kind, see gankit.train.latent
    latent_dim: int
    num_classes: int = 0  # > 0: conditional, labels flow to G and D
    # > 0: self-conditioned (model.clusters): D takes each real image's cluster as its label, G's
    # cluster is read off its seed (gankit.models.seed_clusters); num_classes stays 0
    clusters: int = 0
    split_d: bool = True
    augment: Callable[[Tensor], Tensor] = _identity  # applied to every D input
    # extra D loss terms: f(D, real, fake, labels, fake_labels) -> scalar
    d_penalties: list[Callable] = field(default_factory=list)
    after_g_step: list[Callable[[], None]] = field(default_factory=list)  # e.g. an EMA update
    # speed settings from gankit.device: every forward runs inside `autocast()` (bf16 on CUDA);
    # image batches enter in `memory_format` (channels_last for conv models). Losses stay fp32.
    autocast: Callable[[], AbstractContextManager] = nullcontext
    memory_format: torch.memory_format = torch.contiguous_format
    d_steps: int = 1  # D updates per G update
    reuse_fake: bool = False  # G's update reuses the last D step's fakes (see the module doc)
    global_step: int = 0  # set by gan_step; read by schedules such as lazy R1
    ema: Any = None  # gankit.train.ema.EMA of G's weights: sampling uses it when set
    # checkpointed with the run besides G, D and the optimisers: EMA weights, extra RNGs
    stateful: dict[str, Any] = field(default_factory=dict)
    # the same step in a faster form, called in gan_step's place (train.compile on the CPU: the
    # hand-differentiated MLP step of gankit.train.mlp_step)
    fast_step: Callable | None = None
    # G and D compiled into CUDA graphs (train.compile=graphs): each step starts a new replay
    graphs: bool = False

    @property
    def sampler(self) -> nn.Module:
        """The generator to draw samples from: G's moving average when EMA is on, else G."""
        return self.ema.model if self.ema is not None else self.G


def _update(opt: torch.optim.Optimizer, loss: Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def _seeds(gan: GAN, n: int, noise: torch.Generator, device) -> tuple[Tensor, Tensor | None]:
    z = sample_latent(gan.latent, n, gan.latent_dim, noise, device)  # (B, latent_dim)
    if gan.clusters:
        return z, seed_cluster(z, gan.clusters, gan.latent)  # (B,) as G itself would read it
    if gan.num_classes == 0:
        return z, None
    return z, torch.randint(gan.num_classes, (n,), generator=noise, device=device)  # (B,)


def d_step(
    gan: GAN, real: Tensor, labels: Tensor | None, noise: torch.Generator, keep: list | None = None
) -> Tensor:
    """Steps 1 and 2. Returns detached (d_loss, d_real_score, d_fake_score). With a `keep` list,
    G's forward pass keeps its graph and (fake, fake_labels) are appended for step 3 to reuse."""
    z, fake_labels = _seeds(gan, real.shape[0], noise, real.device)
    with torch.set_grad_enabled(keep is not None), gan.autocast():
        fake_g = gan.G(z, fake_labels)  # (B, *shape)
    if keep is not None:
        keep.append((fake_g, fake_labels))
    # no graph back into G for D's update; in real's dtype, so penalties run outside autocast
    fake = fake_g.detach().to(real.dtype)
    with gan.autocast():
        out_real = gan.D(gan.augment(real), labels).float()  # (B,) logits
    loss_real = gan.loss.d_real(out_real)
    if gan.split_d:
        _update(gan.opt_d, loss_real)
    with gan.autocast():
        out_fake = gan.D(gan.augment(fake), fake_labels).float()
    loss_fake = gan.loss.d_fake(out_fake)
    penalty = sum(p(gan.D, real, fake, labels, fake_labels) for p in gan.d_penalties)
    if gan.loss.paired:  # one loss over (real, fake) pairs; validate refuses split_d with it
        d_loss = gan.loss.d_pair(out_real, out_fake)
        _update(gan.opt_d, d_loss + penalty)
    else:
        d_loss = (loss_real + loss_fake) / 2
        _update(gan.opt_d, loss_fake + penalty if gan.split_d else loss_real + loss_fake + penalty)
    score = gan.loss.score
    return torch.stack(
        [
            d_loss.detach(),
            score(out_real.detach()).mean(),
            score(out_fake.detach()).mean(),
        ]
    )


def g_step(
    gan: GAN,
    n: int,
    noise: torch.Generator,
    device,
    kept: tuple | None = None,
    real: tuple[Tensor, Tensor | None] | None = None,
) -> Tensor:
    """Step 3. Returns the detached G loss. `kept`: (fake, fake_labels) from d_step to reuse;
    `real`: (samples, labels) that a pairing loss sets against G's fakes."""
    if kept is None:
        z, fake_labels = _seeds(gan, n, noise, device)
    else:
        kept_fake, fake_labels = kept
    # D's weight gradients are not needed here: skip computing them. Under DDP the pass goes
    # through the plain D, not its wrapper: the wrapper would wait for gradients of weights that
    # get none and refuse its next step; G's wrapper alone averages G's gradients over processes.
    D = unwrap(gan.D)
    D.requires_grad_(False)
    try:
        with gan.autocast():
            fake = gan.G(z, fake_labels) if kept is None else kept_fake
            out = D(gan.augment(fake), fake_labels).float()
        if gan.loss.paired:
            # D's view of the real half, after its update: constant for G, so no graph
            with torch.no_grad(), gan.autocast():
                out_real = D(gan.augment(real[0]), real[1]).float()  # (B,)
            loss = gan.loss.g_pair(out, out_real)
        else:
            loss = gan.loss.g(out)
        _update(gan.opt_g, loss)
    finally:
        D.requires_grad_(True)
    for hook in gan.after_g_step:
        hook()
    return loss.detach()


def gan_step(
    gan: GAN, real: Tensor, labels: Tensor | None, noise: torch.Generator, step: int = 0
) -> Tensor:
    """One training step at global step `step` on real samples (k·B, *shape): k = gan.d_steps
    batches of B, one per D update; G's update draws B samples.

    Returns a detached tensor (d_loss, g_loss, d_real, d_fake) left on the device, so the loop
    reads it only when it logs (no synchronisation per step); D's figures are means over its k updates.

    Example:
        >>> stats = gan_step(gan, real, None, torch.Generator().manual_seed(0))  # doctest: +SKIP
    """
    if gan.fast_step is not None:
        return gan.fast_step(gan, real, labels, noise, step)
    if gan.graphs:
        # the graphs' outputs of the last step may be overwritten from here on: nothing keeps
        # them (the stats below are fresh tensors)
        torch.compiler.cudagraph_mark_step_begin()
    if real.dim() == 4:
        real = real.contiguous(memory_format=gan.memory_format)
    gan.global_step = step
    reals = real.chunk(gan.d_steps)  # k × (B, *shape)
    ys = labels.chunk(gan.d_steps) if labels is not None else [None] * len(reals)
    kept: list = []  # the last D update's fakes, with G's graph, when G's update reuses them
    d_stats = torch.stack(
        [
            d_step(gan, x, y, noise, kept if gan.reuse_fake and i == len(reals) - 1 else None)
            for i, (x, y) in enumerate(zip(reals, ys, strict=True))
        ]
    )
    d_loss, d_real, d_fake = d_stats.mean(0)  # (3,) over the k D updates
    g_loss = g_step(
        gan, reals[0].shape[0], noise, real.device, kept[0] if kept else None, (reals[-1], ys[-1])
    )
    return torch.stack([d_loss, g_loss, d_real, d_fake])
