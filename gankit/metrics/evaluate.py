"""`gankit evaluate RUN`: score a generator against held-out real data, beside the noise floor.

For image runs: n generated samples against n test images of the reference spec, in the features
of an extractor (gankit.metrics.features): FID, KID, precision/recall (k = 3), density/coverage
(k = 5), and mode coverage under the data's classifier. The floor is the same metrics between n
train and n test images: what a perfect generator would score with this n. Pattern runs (ch. 6)
get the mean absolute distance of G's outputs to the ideal 1010 pattern. Classifier runs get their
test accuracy again. Everything lands in RUN/eval.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import Tensor

from gankit.data import Dataset, load_data
from gankit.data.synthetic import PATTERN_1010
from gankit.errors import GankitError
from gankit.metrics.features import cached_cnn, feature_recipe, get_extractor
from gankit.metrics.fid import fid, kid
from gankit.metrics.labels import label_accuracy
from gankit.metrics.mode_benchmarks import benchmark_name, mode_metrics
from gankit.metrics.modes import mode_coverage
from gankit.metrics.prdc import prdc
from gankit.metrics.spread import check_repeats, combine, draw_seeds
from gankit.runs import RunFolder, atomic_write_bytes

KID_SUBSETS, KID_SUBSET_SIZE = 100, 1000
CHUNK = 1000  # samples drawn per call of G
DEFAULT_N = 10_000  # when n is not given; the benchmark sets pick their own (2,500 or 26,000)
PAPER_N = 50_000  # FID-50k: the n published FIDs use
MIN_N = 12  # precision/recall and density/coverage need more than k = 5 neighbours per set


def evaluate(
    run,
    n: int | None = None,
    against: str | None = None,
    features: str = "auto",
    seed: int = 0,
    progress: bool = True,
    save: bool = True,
    repeats: int = 1,
) -> dict:
    """Score `run` (a run folder or a loaded run); writes (unless `save` is False) and returns
    RUN/eval.json's dict.

    n samples exactly; None picks a default (10,000 images capped at what the data holds, the
    benchmark sets' own n). An n larger than the reference data holds is refused, not cut.
    `repeats` > 1 scores that many independent draws of n samples and keeps their means, with
    the spread under "repeats" (gankit.metrics.spread).

    Example:
        >>> report = evaluate("runs/demo", n=1000)  # doctest: +SKIP
        >>> report["fid"], report["floor"]["fid"]   # doctest: +SKIP
    """
    if n is not None and n < 2:
        raise GankitError(f"--n {n}: expected at least 2 samples")
    check_repeats(repeats)
    run = _load(run)
    spec = against or run.config.data.spec
    benchmark = benchmark_name(spec)  # ring-8, grid-25, stacked-mnist: modes, KL to uniform
    fixed = run.config.task == "classifier" or (len(run.shape) == 1 and not benchmark)
    if repeats > 1 and fixed:
        raise GankitError(
            f"--repeats {repeats}: only image runs and the mode benchmarks draw new samples "
            "per repeat; this run is scored once"
        )
    if run.config.task == "classifier":
        from gankit.train.classifier import evaluate_classifier

        if n is not None:
            raise GankitError(f"--n {n}: a classifier run is scored on its whole test split")

        test = load_data(spec, "test")
        doc = {"data": spec, "split": "test", **evaluate_classifier(run.model, test)}
    elif fixed:
        doc = evaluate_pattern(run, n or DEFAULT_N, spec)
    else:

        def draw(first_seed: int) -> dict:
            if benchmark:
                return mode_metrics(run, n, first_seed)
            return evaluate_images(run, n, spec, features, first_seed, progress)

        docs = [draw(seed)]
        seeds = draw_seeds(seed, docs[0]["n"], repeats, CHUNK)
        docs += [draw(s) for s in seeds[1:]]
        doc = combine(docs, seeds)
    if save:
        atomic_write_bytes(
            RunFolder(run.path).eval_path, (json.dumps(doc, indent=2) + "\n").encode()
        )
    return doc


def _load(run):
    if not isinstance(run, str | Path):
        return run
    from gankit.api import load_run
    from gankit.classify import load_classifier

    folder = RunFolder(Path(run))
    if folder.config_path.exists() and folder.read_config().task == "classifier":
        return load_classifier(run)
    return load_run(run)


def generate_samples(run, n: int, seed: int) -> Tensor:
    """n samples (n, C, H, W), drawn in chunks with seeds seed, seed + 1, …"""
    chunks = [
        run.sample(min(CHUNK, n - start), seed=seed + i)
        for i, start in enumerate(range(0, n, CHUNK))
    ]
    return torch.cat(chunks)


def _subset(data: Dataset, n: int, seed: int) -> Dataset:
    """n samples of `data` in a seeded random order (images as float in [0, 1])."""
    idx = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))[:n]
    y = data.y[idx] if data.y is not None else None
    return Dataset(data.name, data.batch(idx), y, data.classes, data.note)


def image_metrics(f_fake: Tensor, f_real: Tensor, kid_size: int) -> dict:
    """FID, KID, precision, recall, density, coverage of fake vs real features (N, F)."""
    kid_mean, kid_std = kid(f_fake, f_real, KID_SUBSETS, kid_size)
    return {
        "fid": fid(f_fake, f_real),
        "kid_mean": kid_mean,
        "kid_std": kid_std,
        **prdc(f_real, f_fake),
    }


def _image_n(n: int | None, test: Dataset, train: Dataset) -> int:
    """The n to use: as asked, or the default capped at the smaller split; never more than held."""
    held = min(len(test), len(train))
    if n is None:
        n = min(DEFAULT_N, held)
    elif n > held:
        raise GankitError(
            f"--n {n}: the reference holds {len(test):,} test and {len(train):,} train images; "
            f"expected at most {held:,}"
        )
    if n < MIN_N:
        raise GankitError(f"--n {n}: expected at least {MIN_N} samples (k-NN metrics use k = 5)")
    return n


def evaluate_images(
    run, n: int | None, spec: str, features: str, seed: int, progress: bool
) -> dict:
    size = run.config.data.size  # the resize the run trained at (e.g. 64 for dcgan-faces64)
    test, train = load_data(spec, "test", size=size), load_data(spec, "train", size=size)
    if tuple(test.shape) != tuple(run.shape):
        raise GankitError(
            f"--against {spec}: images of shape {test.shape}, the run makes {run.shape}"
        )
    n = _image_n(n, test, train)
    extractor = get_extractor(features, spec, progress)  # a bad name fails before any work
    real, other = _subset(test, n, seed), _subset(train, n, seed)
    fake = generate_samples(run, n, seed)
    f_real = extractor.features(real.x)
    kid_size = min(KID_SUBSET_SIZE, n // 2)
    result = image_metrics(extractor.features(fake), f_real, kid_size)
    floor = image_metrics(extractor.features(other.x), f_real, kid_size)
    classifier = _classifier_for(extractor, spec, test, progress)
    if classifier is not None:
        k = test.num_classes
        result.update(mode_coverage(classifier(fake), real.y, k))
        floor.update(mode_coverage(classifier(other.x), real.y, k))
        if run.conditional:  # ch. 10: is each sample the class it was asked for?
            result.update(label_accuracy(run, classifier, n, real=test, seed=seed))
    return {
        **result,
        "n": n,
        "features": extractor.name,
        "weights_sha256": extractor.sha256,
        "data": spec,
        "split": "test",  # generated samples are compared with the test split
        "floor_split": "train",  # the floor: n train images against the same n test images
        "kid_subset_size": kid_size,
        "truncation": run.config.model.truncation,  # the seeds' scale the samples were drawn at
        "floor": floor,
    }


def small_n_warning(doc: dict) -> str | None:
    """One line for an image eval.json below FID-50k's n, naming both reference splits; else None.

    Example:
        >>> small_n_warning({"fid": 9.0, "n": 1000, "split": "test", "floor_split": "train"})[:30]
        'n = 1,000 is below the 50,000 '
    """
    if "fid" not in doc or doc["n"] >= PAPER_N:
        return None
    n = doc["n"]
    return (
        f"n = {n:,} is below the {PAPER_N:,} (FID-50k) papers use, and FID grows as n shrinks: "
        f"compare only at equal n; samples were scored against {n:,} {doc['split']} images, "
        f"the floor is {n:,} {doc['floor_split']} images against the same {doc['split']} images"
    )


def _classifier_for(extractor, spec: str, test: Dataset, progress: bool):
    """Labels samples for mode coverage: the extractor if it classifies, else the data's CNN."""
    if test.num_classes < 2:
        return None
    if hasattr(extractor, "classify") and len(extractor.classes) == test.num_classes:
        return extractor.classify
    if feature_recipe(spec) is None:
        return None
    cnn = cached_cnn(spec, progress)
    return lambda x: cnn.predict(x).argmax(1)


def evaluate_pattern(run, n: int, spec: str) -> dict:
    """The 1010 pattern (ch. 6): mean |G(seed) − [1, 0, 1, 0]|, and the real data's own distance."""
    if spec.partition(":")[0] != "pattern-1010":
        raise GankitError(f"data '{spec}': evaluate knows vector data 'pattern-1010' only")
    out = run.sample(n, seed=0)  # (n, 4)
    real = load_data(spec, "test").x[:n]
    distance = float((out - PATTERN_1010).abs().mean())
    return {
        "pattern_distance": distance,
        "mean_output": [round(v, 4) for v in out.mean(0).tolist()],
        "n": n,
        "data": spec,
        "floor": {"pattern_distance": float((real - PATTERN_1010).abs().mean())},
    }


# (key, label, which way is better) for the printed table
TABLE = (
    ("fid", "FID", "lower"),
    ("kid_mean", "KID", "lower"),
    ("precision", "precision (k=3)", "higher"),
    ("recall", "recall (k=3)", "higher"),
    ("density", "density (k=5)", "≈ 1"),
    ("coverage", "coverage (k=5)", "higher"),
    ("classes_covered", "classes covered", "all"),
    ("class_kl", "class KL (nats)", "lower"),
    ("label_accuracy", "label accuracy", "higher"),
    ("label_accuracy_ceiling", "label accuracy, real images", "(ceiling)"),
    ("pattern_distance", "distance to 1010", "lower"),
    ("accuracy", "test accuracy", "higher"),
)


def table_rows(doc: dict) -> list[tuple[str, str, str, str]]:
    """(metric, value, floor, better) for each metric present in an eval.json dict; with repeats,
    each mean followed by ± its standard deviation over the draws.

    Example:
        >>> table_rows({"fid": 35.0, "floor": {"fid": 25.0}, "repeats": {"std": {"fid": 7.07}}})
        [('FID', '35.00 ± 7.07', '25.00', 'lower')]
    """
    floor = doc.get("floor", {})
    spread = doc.get("repeats", {})
    std, floor_std = spread.get("std", {}), spread.get("floor_std", {})
    rows = []
    for key, label, better in TABLE:
        if key in doc:
            value, base = _fmt(doc[key], std.get(key)), _fmt(floor.get(key), floor_std.get(key))
            rows.append((label, value, base, better))
    return rows


def _fmt(v, sd: float | None = None) -> str:
    if v is None:
        return "–"
    if isinstance(v, int):
        return str(v)
    digits = 4 if abs(v) < 10 else 2
    # a floor read on fixed data (the mode benchmarks' test split) has no spread to show
    return f"{v:.{digits}f} ± {sd:.{digits}f}" if sd else f"{v:.{digits}f}"
