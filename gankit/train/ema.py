"""An exponential moving average of G's weights (Karras et al., 2018; Yazıcı et al., 2019).

After every G update: w_ema ← β·w_ema + (1 − β)·w, with β = min(decay, (1 + n)/(10 + n)) after n
updates, so the first few hundred steps are not dominated by the random initial weights. Buffers
(BatchNorm statistics) are copied as they are. Sampling, evaluation, `serve` and the saved
generator.safetensors use the average when it is on: it draws sharper, steadier samples than the
last G, whose weights oscillate around the same point.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


class EMA:
    """The average of `model`'s weights, `decay` per update.

    Example:
        >>> G = nn.Linear(1, 1, bias=False); ema = EMA(G, decay=0.5)
        >>> _ = G.weight.data.fill_(1.0); _ = ema.model.weight.data.fill_(0.0); ema.update()
        >>> round(ema.model.weight.item(), 4)    # β = min(0.5, 1/10) = 0.1: 0.1·0 + 0.9·1
        0.9
    """

    def __init__(self, model: nn.Module, decay: float):
        self.source, self.decay = model, decay
        self.model = copy.deepcopy(model).eval().requires_grad_(False)
        self.updates = 0

    def beta(self) -> float:
        """The weight kept from the average at the next update."""
        return min(self.decay, (1 + self.updates) / (10 + self.updates))

    @torch.no_grad()
    def update(self) -> None:
        beta = self.beta()
        for avg, new in zip(self.model.parameters(), self.source.parameters(), strict=True):
            avg.lerp_(new.detach(), 1 - beta)  # avg + (1 − β)(new − avg) = β·avg + (1 − β)·new
        for avg, new in zip(self.model.buffers(), self.source.buffers(), strict=True):
            avg.copy_(new)
        self.updates += 1

    def state_dict(self) -> dict:
        return {"weights": self.model.state_dict(), "updates": torch.tensor(self.updates)}

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["weights"])
        self.updates = int(state["updates"])
