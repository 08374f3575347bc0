"""Mode-collapse benchmark: the `-book` and modern recipes of ring-8, grid-25 and stacked-mnist over
several seeds, scored with gankit.metrics.mode_benchmarks, beside the published anchors.

    PYTHONPATH=. python benchmarks/modes.py --sets ring-8,grid-25 --seeds 0,1,2
    PYTHONPATH=. python benchmarks/modes.py --sets stacked-mnist --seeds 0,1 --steps 3000
    PYTHONPATH=. python benchmarks/modes.py --sets stacked-mnist --kinds modern --minutes 30

Each (recipe, seed) trains into OUT/<recipe>-s<seed> (reused when its eval.json exists), is scored,
and the table (mean ± half the range over seeds, then each seed) is printed as Markdown and saved
to OUT/results.json. `--steps` overrides the recipes' length (a smoke test, or a CPU time budget:
the training seconds of each run are in its eval.json).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import gankit
from gankit.metrics.mode_benchmarks import evaluate_modes

# published figures: (method, modes, high-quality % or KL)
ANCHORS = {
    "ring-8": [("VEEGAN", "8", "52.9%"), ("PacGAN4", "7.8", "95.9%"), ("perfect G", "8", "98.9%")],
    "grid-25": [
        ("VEEGAN", "24.6", "40%"),
        ("PacGAN4", "24.8", "93.6%"),
        ("perfect G", "25", "98.9%"),
    ],
    "stacked-mnist": [
        ("DCGAN", "99", "KL 3.40"),
        ("VEEGAN", "150", "KL 2.95"),
        ("PacDCGAN2", "1000", "KL 0.06"),
        ("perfect G, 26,000 samples", "1000", "KL ≈ 0.02"),
    ],
}


def run_one(
    recipe: str, seed: int, out: Path, steps: int | None, quick: bool, minutes: float | None
) -> dict:
    """Train (unless done) and score one recipe at one seed."""
    folder = out / f"{recipe}-s{seed}"
    if (folder / "eval.json").exists():
        return json.loads((folder / "eval.json").read_text())
    t0 = time.monotonic()
    if minutes:
        run = train_for(recipe, folder, seed, minutes)
    else:
        run = gankit.train(recipe, out=folder, seed=seed, steps=steps, progress=False)
    seconds = time.monotonic() - t0
    doc = evaluate_modes(run, classify=_classifier(run, quick))
    doc["train_seconds"] = round(seconds, 1)
    doc["steps"] = int(run.metrics()[-1]["step"])
    (folder / "eval.json").write_text(json.dumps(doc, indent=2) + "\n")
    return doc


def train_for(recipe: str, folder: Path, seed: int, minutes: float, chunk: int = 250):
    """Train `recipe` in chunks of `chunk` steps, resuming (bitwise exactly) until `minutes` of
    wall time have passed. For recipes with a constant learning rate (Stacked MNIST's) this is the
    run one would get by asking for the final step count at once."""
    start, steps = time.monotonic(), 0
    while steps == 0 or time.monotonic() - start < 60 * minutes:
        steps += chunk
        run = gankit.train(
            recipe,
            out=folder,
            seed=None if steps > chunk else seed,
            steps=steps,
            resume=steps > chunk,
            progress=False,
        )
    return run


_DIGITS: dict = {}


def _classifier(run, quick: bool):
    """None for 2-D sets; the MNIST feature classifier, or with --quick-classifier the stand-in."""
    if run.config.data.spec.partition(":")[0] != "stacked-mnist":
        return None
    if "classify" not in _DIGITS:
        if quick:
            sys.path.insert(0, str(Path(__file__).parent))
            from quick_digits import quick_digit_classifier

            _DIGITS["classify"] = quick_digit_classifier()
        else:
            from gankit.metrics.mode_benchmarks import mnist_digit_classifier

            _DIGITS["classify"] = mnist_digit_classifier()
    return _DIGITS["classify"]


def spread(values: list[float]) -> str:
    """mean ± half the range."""
    if not values:
        return "–"
    mean = statistics.fmean(values)
    half = (max(values) - min(values)) / 2
    return f"{mean:.3g} ± {half:.2g}"


def table(results: dict[str, list[dict]]) -> str:
    """Markdown rows: recipe | seeds | modes | high quality or KL | each seed."""
    lines = ["| recipe | seeds | modes | high-quality % / KL | per seed |", "|---|---|---|---|---|"]
    for recipe, docs in results.items():
        modes = [d["modes"] for d in docs]
        if "high_quality" in docs[0]:
            quality = spread([100 * d["high_quality"] for d in docs])
            each = ", ".join(f"{d['modes']}/{100 * d['high_quality']:.1f}%" for d in docs)
        else:
            quality = "KL " + spread([d["mode_kl"] for d in docs])
            each = ", ".join(f"{d['modes']}/KL {d['mode_kl']:.2f}" for d in docs)
        lines.append(f"| {recipe} | {len(docs)} | {spread(modes)} | {quality} | {each} |")
    return "\n".join(lines)


def figure(name: str, seeds: list[int], out: Path) -> Path:
    """OUT/<set>.png: 2,500 samples of `-book` and modern at the first seed, over the real data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from gankit.data import load_data

    real = load_data(name, "test").x[:2500]
    fig, axes = plt.subplots(1, 2, figsize=(8, 4), sharex=True, sharey=True)
    for ax, recipe in zip(axes, (f"{name}-book", name), strict=True):
        folder = out / f"{recipe}-s{seeds[0]}"
        x = gankit.load_run(folder).sample(2500, seed=0)
        doc = json.loads((folder / "eval.json").read_text())
        ax.scatter(real[:, 0], real[:, 1], s=2, c="0.6")
        ax.scatter(x[:, 0], x[:, 1], s=2, c="tab:orange", alpha=0.5)
        quality = 100 * doc["high_quality"]
        ax.set_title(f"{recipe}: {doc['modes']} modes, {quality:.1f}% high quality", fontsize=9)
        ax.set_aspect("equal")
    fig.tight_layout()
    path = out / f"{name}.png"
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="ring-8,grid-25")
    p.add_argument("--kinds", default="book,modern", help="book, modern or both")
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--steps", type=int, default=None, help="override the recipes' length")
    p.add_argument(
        "--minutes", type=float, default=None, help="train each run for this wall time instead"
    )
    p.add_argument("--out", type=Path, default=Path("runs/benchmarks-modes"))
    p.add_argument(
        "--quick-classifier",
        action="store_true",
        help="stacked-mnist: label digits with benchmarks/quick_digits.py's stand-in CNN",
    )
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    results: dict[str, list[dict]] = {}
    for name in args.sets.split(","):
        for kind in args.kinds.split(","):
            recipe = f"{name}-book" if kind == "book" else name
            results[recipe] = [
                run_one(recipe, s, args.out, args.steps, args.quick_classifier, args.minutes)
                for s in seeds
            ]
            print(table({recipe: results[recipe]}).splitlines()[-1], file=sys.stderr, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    kinds = set(args.kinds.split(","))
    for name in args.sets.split(","):
        if name != "stacked-mnist" and kinds == {"book", "modern"}:
            print(f"figure: {figure(name, seeds, args.out)}", file=sys.stderr)
    for name in args.sets.split(","):
        print(f"\npublished, {name}: " + "; ".join(f"{m} {a} / {b}" for m, a, b in ANCHORS[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
