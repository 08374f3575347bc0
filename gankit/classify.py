"""Classifier runs (ch. 2, 3, 9): what `gankit.train("classifier-mnist")` returns; load one back,
query it. Training runs through the one job driver (gankit.train.classifier.ClassifierTask).

The run folder is the GAN's: config.json, metrics.csv (loss, accuracy), checkpoints/, plus
classifier.safetensors, eval.json (test accuracy, confusion matrix) and plots/ (losses, confusion,
query).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import Tensor, nn

from gankit.config import Config
from gankit.device import resolve_device
from gankit.runs import RunFolder, load_weights, read_trained
from gankit.train.classifier import (
    CLASSIFIER_FILE,
    CLASSIFIER_STATS,
    build_classifier_from,
    predict,
)


class ClassifierRun:
    """A trained classifier and its run folder.

    Example:
        >>> run = load_classifier("runs/cls")           # doctest: +SKIP
        >>> run.predict(images).argmax(1)              # doctest: +SKIP
    """

    def __init__(self, path: Path, config: Config, model: nn.Module, shape, classes, report=None):
        self.path, self.config, self.model = Path(path), config, model
        self.shape, self.classes = tuple(shape), tuple(classes or ())
        self.report = report or {}

    def predict(self, x: Tensor) -> Tensor:
        """Logits (N, K) for images (N, C, H, W) in [0, 1] or uint8."""
        return predict(self.model, x)

    @torch.no_grad()
    def features(self, x: Tensor, batch: int = 1000) -> Tensor:
        """Penultimate activations (N, F) as float64 on the CPU."""
        device = next(self.model.parameters()).device
        self.model.eval()
        out = []
        for i in range(0, len(x), batch):
            chunk = x[i : i + batch].to(device)
            chunk = chunk.float().div_(255.0) if chunk.dtype == torch.uint8 else chunk.float()
            out.append(self.model.features(chunk).double().cpu())
        return torch.cat(out)

    def metrics(self) -> list[dict]:
        return RunFolder(self.path, CLASSIFIER_STATS).metrics.rows()


def load_classifier(path: str | Path, device: str = "cpu") -> ClassifierRun:
    """Rebuild a classifier run from its folder: config.json + classifier.safetensors."""
    folder = RunFolder(Path(path), CLASSIFIER_STATS)
    cfg, shape, classes = read_trained(folder, "classifier", ", not a classifier")
    model = build_classifier_from(cfg, tuple(shape), len(classes))
    load_weights(model, folder.path / CLASSIFIER_FILE)
    report = json.loads(folder.eval_path.read_text()) if folder.eval_path.exists() else {}
    model = model.to(resolve_device(device)).eval()
    return ClassifierRun(folder.path, cfg, model, shape, classes, report)
