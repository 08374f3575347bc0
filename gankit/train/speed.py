"""Speed settings of the training step that leave its results unchanged beyond rounding.

- Adam runs its fused kernel (one pass over all of a model's parameters instead of a handful of
  small ops per tensor) on the CPU (torch ≥ 2.4, the project's floor) and on CUDA: 161 against
  422 µs per update of `gan-mnist`'s D on 2 CPU cores (docs/speed.md).
- `train.compile` on the CPU runs the book's fully connected GANs through a hand-differentiated
  step (gankit.train.mlp_step: no autograd bookkeeping, Adam's fused kernel called directly).
  Elsewhere it runs G's and D's forward passes through torch.compile (TorchInductor): the
  element-wise work between matrix products (LeakyReLU, LayerNorm, sigmoid and their gradients)
  fuses into a few generated kernels. `gankit.train.build` compiles the modules in place
  (`nn.Module.compile`), so state_dicts, checkpoints and safetensors files keep their plain
  names. A discriminator that a gradient penalty differentiates twice (R1, WGAN-GP) stays eager:
  compiled graphs have no double backward.
"""

from __future__ import annotations

import torch

from gankit.errors import GankitError


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


def compile_plan(setting: str, device: torch.device | str, hand_step: bool) -> str:
    """What train.compile (on, off, auto; checked by gankit.validate) does to the step.

    On the CPU, for a GAN that gankit.train.mlp_step runs (`hand_step`): "hand" (auto), the
    hand-differentiated step, 1.3x the eager one; "hand+compile" (on), the same with its
    element-wise work fused by torch.compile, another 5% for about 9 s of compiling
    (docs/speed.md). Otherwise "torch" (on; auto on CUDA): torch.compile of G and D; "graphs"
    (CUDA only): the same compiled graphs replayed as CUDA graphs; or "off".

    Example:
        >>> compile_plan("auto", "cpu", True), compile_plan("on", "cpu", True)
        ('hand', 'hand+compile')
        >>> compile_plan("auto", "cpu", False), compile_plan("on", "cpu", False)
        ('off', 'torch')
        >>> compile_plan("auto", "cuda", True), compile_plan("off", "cpu", True)
        ('torch', 'off')
    """
    device = torch.device(device)
    if setting == "off":
        return "off"
    if setting == "graphs":
        if device.type != "cuda":
            raise GankitError(
                f"train.compile graphs: CUDA graphs need a CUDA device, this run trains on "
                f"{device.type}; expected on, off or auto there"
            )
        return "graphs"
    if device.type == "cpu" and hand_step:
        return "hand+compile" if setting == "on" else "hand"
    return "torch" if setting == "on" or device.type == "cuda" else "off"
