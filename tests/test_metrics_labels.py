"""gankit.metrics.labels: label accuracy of conditional samples under any classifier."""

import pytest
import torch
from torch import nn

from gankit.api import Run
from gankit.config import Config, ModelConfig
from gankit.data import Dataset
from gankit.errors import GankitError
from gankit.metrics.labels import label_accuracy, real_accuracy

CLASSES = tuple("abcdefghij")


class LabelPainter(nn.Module):
    """A stand-in generator: every pixel of the image for label k is k/10: (B,) → (B, 1, 4, 4)."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Linear(1, 1)  # gives the module a parameter (and so a device)

    def forward(self, z, labels):
        return (labels.float() / 10)[:, None, None, None].expand(-1, 1, 4, 4)


def read_label(x):
    """A tiny classifier: logits (N, 10) peaking at the class whose brightness x has."""
    brightness = x.mean(dim=(1, 2, 3))[:, None] * 10  # (N, 1)
    return -((brightness - torch.arange(10)) ** 2)


def _run(conditional=True):
    cfg = Config(model=ModelConfig(latent_dim=4, conditional=conditional))
    return Run("runs/stub", cfg, LabelPainter(), (1, 4, 4), CLASSES if conditional else ())


def test_a_generator_that_draws_the_asked_class_scores_one():
    doc = label_accuracy(_run(), read_label, n=50)
    assert doc["label_accuracy"] == 1.0
    assert doc["label_accuracy_per_class"] == dict.fromkeys(CLASSES, 1.0)
    assert doc["label_accuracy_n"] == 50
    assert "label_accuracy_ceiling" not in doc


def test_a_classifier_that_always_says_one_class_scores_its_share():
    def always_c(x):
        return torch.full((len(x),), 2)  # labels (N,) are accepted as well as logits

    doc = label_accuracy(_run(), always_c, n=30)
    assert doc["label_accuracy"] == pytest.approx(0.1)
    per_class = doc["label_accuracy_per_class"]
    assert per_class["c"] == 1.0 and per_class["a"] == 0.0


def test_classes_never_asked_for_have_no_accuracy_and_the_ceiling_uses_real_images():
    labels = torch.arange(20) % 10
    images = (labels.float() * 25.5).round().to(torch.uint8)[:, None, None, None]
    real = Dataset("toy", images.expand(-1, 1, 4, 4).contiguous(), labels, CLASSES)
    doc = label_accuracy(_run(), read_label, n=5, real=real)
    assert doc["label_accuracy_per_class"]["f"] is None
    assert doc["label_accuracy_ceiling"] == 1.0
    wrong = Dataset("toy", real.x, (labels + 1) % 10, CLASSES)
    assert real_accuracy(read_label, wrong) == 0.0


def test_unconditional_runs_and_empty_requests_are_refused():
    with pytest.raises(GankitError, match="needs a conditional run"):
        label_accuracy(_run(conditional=False), read_label, n=10)
    with pytest.raises(GankitError, match="--n 0"):
        label_accuracy(_run(), read_label, n=0)
