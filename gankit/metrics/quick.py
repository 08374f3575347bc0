"""A few seconds' verdict on a finished run, in words a learner reads at a glance.

`gankit evaluate` is the measurement (FID, precision/recall, the real-data floor). At the end of
`gankit train` there is time for less: the data's feature CNN reads 1,000 samples and says what
share it reads confidently as one class, beside the same share for real test images, and whether
every class appears. It runs only when that CNN is already cached, so it never trains one.
"""

from __future__ import annotations

import torch

from gankit.metrics.modes import class_histogram

N = 1000  # samples read
CONFIDENT = 0.9  # softmax probability above which a sample counts as "read confidently"


def quick_verdict(run, n: int = N) -> str | None:
    """One line on how good `run`'s samples look to the data's feature CNN, or None if that CNN
    is not cached (or the run is not an image run with a feature CNN).

    Example:
        >>> quick_verdict(gankit.load_run("runs/mnist"))  # doctest: +SKIP
        'a classifier of real digits reads 93% of 1,000 samples confidently as one of the 10 ...'
    """
    from gankit.metrics.features import cached_cnn_path, feature_recipe

    spec = run.config.data.spec
    recipe = feature_recipe(spec)
    if recipe is None or len(run.shape) != 3 or run.conditional:
        return None
    path = cached_cnn_path(spec, recipe)
    if not (path / "classifier.safetensors").is_file():
        return None
    from gankit.classify import load_classifier
    from gankit.data import load_data
    from gankit.errors import GankitError

    try:
        real_x = load_data(spec, "test").x[:n]
    except GankitError:  # e.g. a lone CSV without its test file: nothing to compare with
        return None
    cnn = load_classifier(path)
    fake_p = cnn.predict(run.sample(len(real_x), seed=0)).softmax(1)  # (n, K)
    real_p = cnn.predict(real_x).softmax(1)
    return verdict_line(fake_p, real_p, _noun(spec))


def verdict_line(fake_p: torch.Tensor, real_p: torch.Tensor, noun: str) -> str:
    """The sentence for class probabilities of samples and of real images, each (N, K).

    Example:
        >>> p = torch.eye(10).repeat(10, 1)  # 100 confident samples, 10 of each class
        >>> line = verdict_line(p, p, "digits")
        >>> line[:54]
        'a classifier of real digits reads 100% of 100 samples '
        >>> line[-28:]
        'all 10 appear, spread evenly'
    """
    k = fake_p.shape[1]
    confident = (fake_p.max(1).values > CONFIDENT).float().mean().item()
    real_confident = (real_p.max(1).values > CONFIDENT).float().mean().item()
    shares = class_histogram(fake_p.argmax(1), k)  # (K,)
    present = int((shares > 0).sum())
    line = (
        f"a classifier of real {noun} reads {confident:.0%} of {len(fake_p):,} samples "
        f"confidently as one of the {k} {noun} "
        f"(real test {noun}: {real_confident:.0%}); "
    )
    if present < k:
        return line + f"only {present} of the {k} appear: a sign of mode collapse"
    low, high = shares.min().item(), shares.max().item()
    spread = "spread evenly" if high <= 2 * low else f"unevenly ({low:.0%} to {high:.0%} each)"
    return line + f"all {k} appear, {spread}"


def _noun(spec: str) -> str:
    return "digits" if spec.partition(":")[0] == "mnist" else "classes"
