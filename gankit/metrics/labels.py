"""Label accuracy of a conditional run (ch. 10): does G draw the class it is asked for?

A classifier trained on real images labels n generated samples, asked for evenly over the classes;
the share it labels as asked is the label accuracy, overall and per class. The same classifier's
accuracy on real test images is the ceiling: a perfect generator scores about that.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from gankit.errors import GankitError
from gankit.train.latent import generate

CHUNK = 1000  # samples drawn per call of G and classified per call of the classifier


def predicted_labels(classifier: Callable[[Tensor], Tensor], x: Tensor) -> Tensor:
    """Class indices (N,) for images x (N, C, H, W): argmax of logits (N, K), or labels (N,) as is."""
    out = []
    for i in range(0, len(x), CHUNK):
        with torch.no_grad():
            y = classifier(x[i : i + CHUNK]).cpu()
        out.append(y.argmax(1) if y.dim() == 2 else y.long())
    return torch.cat(out)


def label_accuracy(
    run,
    classifier: Callable[[Tensor], Tensor],
    n: int = 10_000,
    real=None,
    seed: int = 0,
) -> dict:
    """Label accuracy of conditional `run` under `classifier` (images in [0, 1] → logits or labels).

    Draws n samples, label i % K for sample i, in chunks seeded seed, seed + 1, …; `real` (a labelled
    Dataset, e.g. the test split) adds the ceiling. Returns the keys of eval.json:
    label_accuracy, label_accuracy_per_class (class name → accuracy) and label_accuracy_ceiling.

    Example:
        >>> doc = label_accuracy(run, cnn.predict, n=1000, real=load_data("mnist", "test"))  # doctest: +SKIP
        >>> doc["label_accuracy"], doc["label_accuracy_ceiling"]  # doctest: +SKIP
        (0.981, 0.987)
    """
    if not run.conditional:
        raise GankitError(f"{run.path}: label accuracy needs a conditional run")
    if n < 1:
        raise GankitError(f"--n {n}: expected at least 1 sample")
    k, m = len(run.classes), run.config.model
    asked = torch.arange(n) % k  # (n,): every class about n/K times
    x = torch.cat(
        [
            generate(run.G, m.latent, m.latent_dim, len(y), seed + i, y)
            for i, y in enumerate(asked.split(CHUNK))
        ]
    )  # (n, C, H, W)
    hit = (predicted_labels(classifier, x) == asked).double()  # (n,)
    per_class = {
        name: float(hit[asked == c].mean()) if (asked == c).any() else None
        for c, name in enumerate(run.classes)
    }
    doc = {
        "label_accuracy": float(hit.mean()),
        "label_accuracy_per_class": per_class,
        "label_accuracy_n": n,
    }
    if real is not None:
        doc["label_accuracy_ceiling"] = real_accuracy(classifier, real)
    return doc


def real_accuracy(classifier: Callable[[Tensor], Tensor], data) -> float:
    """The classifier's accuracy on a labelled image Dataset (uint8 or float images)."""
    if data.y is None:
        raise GankitError(f"data '{data.name}': the ceiling needs labelled images")
    x = data.batch(torch.arange(len(data)))  # (N, C, H, W) float in [0, 1]
    return float((predicted_labels(classifier, x) == data.y.cpu()).double().mean())
