"""Speed settings of the training step that leave its results unchanged beyond rounding.

- Adam runs its fused kernel (one pass over all of a model's parameters instead of a handful of
  small ops per tensor) where this torch has one for the device: the CPU since torch 2.4, CUDA.
  On `gan-mnist` at batch 128 on 2 CPU cores the optimiser steps were a sixth of the step's time
  and the fused form is about 1.2× faster per training step (benchmarks/throughput.py).
- `train.compile` runs G's and D's forward passes through torch.compile (TorchInductor): the
  element-wise work between matrix products (LeakyReLU, LayerNorm, sigmoid and their gradients)
  fuses into a few generated kernels. The module is compiled in place (`nn.Module.compile`), so
  its state_dict, checkpoints and safetensors files keep their plain names. A discriminator that
  a gradient penalty differentiates twice (R1, WGAN-GP) stays eager: compiled graphs have no
  double backward.
"""

from __future__ import annotations

import torch
from torch import nn

from gankit.errors import GankitError


def fused_available(device: torch.device | str) -> bool:
    """Whether Adam's fused kernel exists here for parameters on `device`.

    Example:
        >>> fused_available("cpu") == (tuple(map(int, torch.__version__.split(".")[:2])) >= (2, 4))
        True
    """
    kind = torch.device(device).type
    major, minor = (int(p) for p in torch.__version__.split(".")[:2])
    return kind == "cuda" or (kind == "cpu" and (major, minor) >= (2, 4))


def adam(params, lr: float, betas: tuple, device: torch.device | str) -> torch.optim.Adam:
    """Adam, fused where the device has the kernel (the same update, rounded differently).

    Example:
        >>> opt = adam(nn.Linear(2, 1).parameters(), 1e-3, (0.5, 0.999), "cpu")
        >>> opt.param_groups[0]["lr"]
        0.001
    """
    if fused_available(device):
        return torch.optim.Adam(params, lr=lr, betas=tuple(betas), fused=True)
    return torch.optim.Adam(params, lr=lr, betas=tuple(betas))


def compile_wanted(setting: str, device: torch.device | str) -> bool:
    """train.compile: on, off, or auto (on for CUDA; on the CPU the minute of compiling is more
    than the recipes' runs win back, see docs/speed.md).

    Example:
        >>> compile_wanted("auto", "cpu"), compile_wanted("on", "cpu"), compile_wanted("off", "cuda")
        (False, True, False)
    """
    if setting not in ("auto", "on", "off"):
        raise GankitError(f"train.compile '{setting}': expected auto, on or off")
    if setting == "auto":
        return torch.device(device).type == "cuda"
    return setting == "on"


def compile_in_place(*models: nn.Module) -> None:
    """torch.compile each model's forward in place; parameters and state_dict keys stay as they are.

    Example:
        >>> net = nn.Linear(3, 1); compile_in_place(net); sorted(net.state_dict())
        ['bias', 'weight']
    """
    for model in models:
        model.compile()
