"""Mode-collapse metrics on the benchmark sets (gankit.data.mixtures), as published since VEEGAN.

2-D mixtures (ring-8, grid-25), 2,500 samples by default:
  high_quality   share of samples within 3σ of their nearest mean (a perfect G: 98.9%)
  modes          modes nearest to at least one high-quality sample
  mode_kl        KL(histogram of the high-quality samples' modes ‖ uniform), nats
Stacked MNIST, 26,000 samples by default: each channel labelled by an MNIST digit classifier,
  modes          distinct 3-digit combinations seen, of 1,000
  mode_kl        KL(histogram of the 1,000 modes ‖ uniform), nats (a perfect G: about 0.02)
The same metrics on real test samples are reported as "floor": what a perfect generator scores.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import torch
from torch import Tensor

from gankit.data import load_data
from gankit.data.mixtures import MIXTURES, Mixture
from gankit.errors import GankitError
from gankit.runs import atomic_write_bytes

SAMPLES = {"ring-8": 2_500, "grid-25": 2_500, "stacked-mnist": 26_000}
CHUNK = 1_000  # samples per call of G
Classifier = Callable[[Tensor], Tensor]  # images (M, 1, 28, 28) in [0, 1] → digits (M,)


def kl_to_uniform(counts: Tensor) -> float | None:
    """KL(p ‖ uniform) in nats for a histogram of counts (K,); None when it is empty.

    Example:
        >>> round(kl_to_uniform(torch.tensor([2, 0])), 4)   # all mass on 1 of 2 modes: log 2
        0.6931
    """
    total = float(counts.sum())
    if total == 0:
        return None
    p = counts.double() / total
    nz = p[p > 0]
    return float((nz * (nz * counts.numel()).log()).sum())


def mixture_modes(x: Tensor, mix: Mixture) -> dict:
    """The 2-D metrics of samples x (N, 2) against mixture `mix`.

    Example:
        >>> from gankit.data.mixtures import ring_8
        >>> m = mixture_modes(ring_8().means, ring_8())    # every mean itself: perfect quality
        >>> m["modes"], m["high_quality"]
        (8, 1.0)
    """
    dist = torch.cdist(x.double(), mix.means.double())  # (N, K)
    nearest_d, nearest = dist.min(dim=1)  # (N,), (N,)
    good = nearest_d <= 3 * mix.sigma  # (N,)
    counts = torch.bincount(nearest[good], minlength=mix.k)  # (K,)
    return {
        "high_quality": float(good.double().mean()),
        "modes": int((counts > 0).sum()),
        "modes_total": mix.k,
        "mode_kl": kl_to_uniform(counts),
        "mode_counts": counts.tolist(),
    }


def stacked_modes(x: Tensor, classify: Classifier) -> dict:
    """Stacked MNIST metrics of images x (N, 3, 28, 28) in [0, 1], one digit per channel.

    Example:
        >>> stacked_modes(x, lambda im: im.flatten(1).mean(1).mul(10).long().clamp(0, 9))  # doctest: +SKIP
    """
    if x.dim() != 4 or x.shape[1] != 3:
        raise GankitError(f"stacked-mnist: expected images (N, 3, H, W), got {tuple(x.shape)}")
    modes = []
    for chunk in x.split(CHUNK):
        digits = classify(chunk.reshape(-1, 1, *chunk.shape[2:])).view(-1, 3).long().cpu()
        modes.append(digits[:, 0] * 100 + digits[:, 1] * 10 + digits[:, 2])  # (M,)
    counts = torch.bincount(torch.cat(modes), minlength=1000)  # (1000,)
    return {"modes": int((counts > 0).sum()), "modes_total": 1000, "mode_kl": kl_to_uniform(counts)}


def benchmark_name(spec: str) -> str | None:
    """The benchmark set behind data `spec`, or None for other data."""
    name = spec.partition(":")[0].strip()
    return name if name in SAMPLES else None


def draw(run, n: int, seed: int) -> Tensor:
    """n samples of a run in chunks (seeds seed, seed + 1, …), on the CPU."""
    parts = [run.sample(min(CHUNK, n - s), seed=seed + i) for i, s in enumerate(range(0, n, CHUNK))]
    return torch.cat(parts)


def mode_metrics(
    run, n: int | None = None, seed: int = 0, classify: Classifier | None = None
) -> dict:
    """The benchmark metrics of a loaded run and of real test data ("floor"), as one dict.

    `classify` labels MNIST digits; it is needed for stacked-mnist only (default: the MNIST
    feature classifier, see `mnist_digit_classifier`).
    """
    spec = run.config.data.spec
    name = benchmark_name(spec)
    if name is None:
        raise GankitError(f"data '{spec}': mode metrics need ring-8, grid-25 or stacked-mnist")
    n = n or SAMPLES[name]
    fake, real = draw(run, n, seed), load_data(spec, "test").x[:n]
    if name in MIXTURES:
        mix = MIXTURES[name]()
        result, floor = mixture_modes(fake, mix), mixture_modes(real, mix)
    else:
        classify = classify or mnist_digit_classifier()
        result = stacked_modes(fake, classify)
        floor = stacked_modes(real.float() / 255.0, classify)
    # the floor reads at most the test split (10,000): say so rather than cut n silently
    return {**result, "n": n, "data": spec, "floor_n": len(real), "floor": floor}


def evaluate_modes(
    run, n: int | None = None, seed: int = 0, classify: Classifier | None = None
) -> dict:
    """`mode_metrics` written to RUN/eval.json (kept beside other metrics already there)."""
    doc = mode_metrics(run, n, seed, classify)
    path = run.path / "eval.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    merged = {**old, **doc, "floor": {**old.get("floor", {}), **doc["floor"]}}
    atomic_write_bytes(path, (json.dumps(merged, indent=2) + "\n").encode())
    return merged


def mnist_digit_classifier(progress: bool = True) -> Classifier:
    """The MNIST feature classifier of gankit.metrics.features as a digit labeller.

    The one place that ties Stacked MNIST's metric to the classifier; example:
        >>> classify = mnist_digit_classifier()   # doctest: +SKIP
    """
    try:
        from gankit.metrics.features import cached_cnn
    except ImportError:
        raise GankitError(
            "stacked-mnist: the mode metric needs the MNIST feature classifier "
            "(gankit.metrics.features), which this installation lacks; pass classify="
        ) from None
    cnn = cached_cnn("mnist", progress)
    return lambda x: cnn.predict(x).argmax(1)
