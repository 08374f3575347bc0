"""Weights files for the Inception tests, written at test time (nothing of 100 MB is committed).

`random_fid_inception` is the FID Inception's exact layout with random weights: every step of
gankit's path and of torch-fidelity's runs on it, only the numbers are not a paper's.
The tiny files reuse one stored number for every tensor (a stride-0 view), so a file with the
shapes of a 100 MB network takes a few kilobytes.
"""

from pathlib import Path

import torch
from torch import nn
from torchvision.models import inception_v3


def random_fid_inception(path: Path, seed: int = 0) -> Path:
    """Random weights in the FID Inception layout, scaled so activations stay near unit size."""
    torch.manual_seed(seed)
    model = inception_v3(weights=None, num_classes=1008, aux_logits=False, init_weights=False)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")  # keeps ReLU stacks' scale
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.normal_(m.bias, std=0.1)
            m.running_mean.normal_(std=0.1)
            m.running_var.uniform_(0.5, 2.0)
    torch.save(model.state_dict(), path)
    return path


def shapes_only(shapes: dict, path: Path) -> Path:
    """A state dict with these names and shapes, all zeros, stored in a few kilobytes."""
    zero = torch.zeros(1)
    torch.save({k: zero.expand(s) if s else zero[0] for k, s in shapes.items()}, path)
    return path


def torchvision_inception_layout() -> dict:
    """Names and shapes of torchvision's ImageNet Inception-v3 file (1,000 classes, aux head)."""
    with torch.device("meta"):
        model = inception_v3(weights=None, aux_logits=True, init_weights=False)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}
