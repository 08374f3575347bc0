"""How much a score moves between independent draws of samples: `gankit evaluate --repeats K`.

At the n a CPU can afford (1,000 samples), one evaluation is one draw: on the main job's seed-0
run, three draws of 1,000 fresh samples gave FID 39.1, 31.6 and 45.4, and recall 0.820, 0.784
and 0.798 (docs/evaluation.md). A difference between two runs, or a bar passed or missed, means
something only beside that spread. With K repeats, each draw uses its own block of sample seeds
(and, where n is below what the data holds, its own subset of real images), and eval.json keeps
the mean of each score at the top level, where one draw's scores would be, with the standard
deviation, the range and every draw's figures under "repeats" (lists, such as the class
histogram, are the first draw's).
"""

from __future__ import annotations

import math
import statistics

from gankit.errors import GankitError


def check_repeats(repeats: int) -> None:
    """A clear error for a count of draws under 1 (before any sample is drawn)."""
    if repeats < 1:
        raise GankitError(f"--repeats {repeats}: expected at least 1")


def draw_seeds(seed: int, n: int, repeats: int, chunk: int) -> list[int]:
    """The first sample seed of each of `repeats` draws of n samples taken `chunk` at a time
    (draw r uses seeds seed + r·c … seed + r·c + c − 1, c = ⌈n / chunk⌉), so no two draws share
    a sample.

    Example:
        >>> draw_seeds(0, 2500, 3, 1000)
        [0, 3, 6]
    """
    check_repeats(repeats)
    stride = max(1, math.ceil(n / chunk))
    return [seed + r * stride for r in range(repeats)]


def _numbers(docs: list[dict]) -> list[str]:
    """The keys whose value is a float in every one of `docs`: the scores to combine (counts,
    settings, nested dicts, and a score undefined in some draw, kept as the first draw's)."""
    return [
        k
        for k, v in docs[0].items()
        if k != "truncation" and all(isinstance(d.get(k), float) for d in docs)
    ]


def combine(docs: list[dict], seeds: list[int]) -> dict:
    """One eval dict from several draws' dicts: each float score (and the floor's) replaced by
    its mean over the draws, integer counts of covered classes by their minimum, and a "repeats"
    entry with the seeds, standard deviations, ranges and every draw's scores.

    Example:
        >>> doc = combine([{"fid": 30.0, "floor": {"fid": 25.0}},
        ...                {"fid": 40.0, "floor": {"fid": 27.0}}], [0, 1])
        >>> doc["fid"], doc["floor"]["fid"], doc["repeats"]["std"]["fid"]
        (35.0, 26.0, 7.0710678118654755)
    """
    if len(docs) == 1:
        return docs[0]
    first, keys = docs[0], _numbers(docs)
    out = {**first, **{k: statistics.fmean(d[k] for d in docs) for k in keys}}
    for key in ("classes_covered", "modes"):
        if isinstance(first.get(key), int):
            out[key] = min(d[key] for d in docs)  # the worst draw: a class missed once counts
    out["repeats"] = {
        "count": len(docs),
        "seeds": seeds,
        "std": {k: statistics.stdev(d[k] for d in docs) for k in keys},
        "min": {k: min(d[k] for d in docs) for k in keys},
        "max": {k: max(d[k] for d in docs) for k in keys},
        "draws": {k: [d[k] for d in docs] for k in keys},  # each score, draw by draw
    }
    if "floor" in first:  # the floor moves too where each draw has its own real images
        floors = [d["floor"] for d in docs]
        fkeys = _numbers(floors)
        out["floor"] = {
            **first["floor"],
            **{k: statistics.fmean(f[k] for f in floors) for k in fkeys},
        }
        out["repeats"]["floor_std"] = {k: statistics.stdev(f[k] for f in floors) for k in fkeys}
        out["repeats"]["floor_draws"] = {k: [f[k] for f in floors] for k in fkeys}
    return out
