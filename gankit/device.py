"""Device choice in one place: `auto` picks CUDA when present."""

from __future__ import annotations

import torch

from gankit.errors import GankitError


def resolve_device(name: str = "auto") -> torch.device:
    """auto → cuda if available, else cpu; cuda without a GPU is a clear error.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise GankitError(f"--device {name}: no CUDA device is available here; use auto or cpu")
    if name != "cpu" and not name.startswith("cuda"):
        raise GankitError(f"--device {name}: expected auto, cpu or cuda")
    return torch.device(name)
