"""Speed settings of the training step that leave its results unchanged beyond rounding.

- Adam runs its fused kernel (one pass over all of a model's parameters instead of a handful of
  small ops per tensor) on the CPU (torch ≥ 2.4, the project's floor) and on CUDA: 161 against
  422 µs per update of `gan-mnist`'s D on 2 CPU cores (docs/speed.md).
- `train.compile` runs G's and D's forward passes through torch.compile (TorchInductor): the
  element-wise work between matrix products (LeakyReLU, LayerNorm, sigmoid and their gradients)
  fuses into a few generated kernels. `gankit.train.build` compiles the modules in place
  (`nn.Module.compile`), so state_dicts, checkpoints and safetensors files keep their plain
  names. A discriminator that a gradient penalty differentiates twice (R1, WGAN-GP) stays eager:
  compiled graphs have no double backward.
"""

from __future__ import annotations

import torch


def adam(params, lr: float, betas: tuple, device: torch.device | str) -> torch.optim.Adam:
    """Adam, fused where the device has the kernel (the same update, rounded differently).

    Example:
        >>> opt = adam(torch.nn.Linear(2, 1).parameters(), 1e-3, (0.5, 0.999), "cpu")
        >>> opt.param_groups[0]["fused"]
        True
    """
    fused = torch.device(device).type in ("cpu", "cuda")
    return torch.optim.Adam(
        params, lr=lr, betas=tuple(float(b) for b in betas), fused=fused or None
    )


def compile_wanted(setting: str, device: torch.device | str) -> bool:
    """train.compile (checked by gankit.validate): on, off, or auto — on for CUDA; on the CPU
    the measured gain does not pay for the compile time (docs/speed.md).

    Example:
        >>> compile_wanted("auto", "cpu"), compile_wanted("on", "cpu"), compile_wanted("off", "cuda")
        (False, True, False)
    """
    if setting == "auto":
        return torch.device(device).type == "cuda"
    return setting == "on"
