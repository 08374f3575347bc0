"""Mode coverage: which classes a generator draws, judged by a classifier.

classes_covered  classes predicted for at least 1% of the samples (10 of 10 for a healthy MNIST G)
class_kl         KL(generated ‖ real) between the class histograms, in nats (0: the same mix)
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

COVERED_SHARE = 0.01


def class_histogram(labels: Tensor, num_classes: int) -> Tensor:
    """Share of each class among integer labels (N,): (K,) float64 summing to 1."""
    counts = torch.bincount(labels.long().cpu(), minlength=num_classes).double()
    return counts / max(float(counts.sum()), 1.0)


def mode_coverage(predicted: Tensor, real_labels: Tensor, num_classes: int) -> dict:
    """Classes covered and class KL of predicted labels (N,) against the real labels (M,).

    Example:
        >>> real = torch.arange(100) % 10
        >>> mode_coverage(torch.zeros(100, dtype=torch.long), real, 10)["classes_covered"]
        1
    """
    p = class_histogram(predicted, num_classes)
    q = class_histogram(real_labels, num_classes)
    kl = 0.0
    for pi, qi in zip(p.tolist(), q.tolist(), strict=True):
        if pi > 0:
            kl += pi * math.log(pi / qi) if qi > 0 else math.inf
    return {
        "classes_covered": int((p >= COVERED_SHARE).sum()),
        "class_kl": kl,
        "class_histogram": [round(v, 6) for v in p.tolist()],
    }
