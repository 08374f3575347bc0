"""A small stand-in MNIST digit classifier for the Stacked MNIST metric, trained in about a minute
on the `mnist` training split, for installations without gankit.metrics.features' feature CNN.

    classify = quick_digit_classifier()      # images (M, 1, 28, 28) in [0, 1] → digits (M,)

Its test accuracy is printed; a wrong digit in any channel moves a sample to a wrong mode, so the
modes and KL it gives are a little worse than the feature CNN's would be.
"""

from __future__ import annotations

import sys

import torch
from torch import nn
from torch.nn import functional as F

from gankit.data import load_data


def _net() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 14×14
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 7×7
        nn.Flatten(), nn.Linear(32 * 49, 128), nn.ReLU(), nn.Linear(128, 10),
    )  # fmt: skip


def quick_digit_classifier(steps: int = 1500, seed: int = 0):
    """Train the small CNN with light shifts; returns a callable images → digits."""
    torch.manual_seed(seed)
    train, test = load_data("mnist", "train"), load_data("mnist", "test")
    net, g = _net(), torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(steps):
        idx = torch.randint(len(train), (64,), generator=g)
        x = train.batch(idx)  # (64, 1, 28, 28)
        shift = torch.randint(-2, 3, (2,), generator=g).tolist()
        x = torch.roll(x, shifts=shift, dims=(2, 3))
        loss = F.cross_entropy(net(x), train.y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()

    @torch.no_grad()
    def classify(images: torch.Tensor) -> torch.Tensor:
        return torch.cat([net(chunk).argmax(1) for chunk in images.float().split(1000)])

    accuracy = (classify(test.batch(torch.arange(len(test)))) == test.y).double().mean()
    print(f"stand-in digit classifier: test accuracy {accuracy:.4f}", file=sys.stderr)
    return classify
