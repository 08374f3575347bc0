"""Test accuracy of the classifier recipes on `mnist` (4,000 train / 1,000 test digits) and on
Fashion-MNIST (60,000 / 10,000), beside the book's results on full MNIST.

    PYTHONPATH=. python benchmarks/classifiers.py --out /tmp/cls    # reuses finished runs there

On Fashion-MNIST the book's MLPs run the book's 3 epochs, its CNN 5 (3 reach 86.97%); the feature
CNN runs its recipe's epochs.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import gankit

FASHION_EPOCHS = {"classifier-mnist-simple": 3, "classifier-mnist": 3, "classifier-mnist-cnn": 5}
BOOK = {
    "classifier-mnist-simple": "88.00%",
    "classifier-mnist": "97.24%",
    "classifier-mnist-cnn": "98.14%",
    "features-mnist": "–",
}


def accuracy(recipe: str, spec: str, out: Path, epochs: int | None) -> tuple[float, float]:
    """(test accuracy, seconds to train); a finished run in `out` is read, not retrained."""
    report = out / "eval.json"
    if not report.is_file():
        t0 = time.perf_counter()
        gankit.train(recipe, data=spec, out=out, epochs=epochs, progress=False)
        (out / "seconds.txt").write_text(f"{time.perf_counter() - t0:.1f}\n")
    seconds = float((out / "seconds.txt").read_text()) if (out / "seconds.txt").exists() else 0
    return json.loads(report.read_text())["accuracy"], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("runs/classifiers"))
    args = parser.parse_args()
    print("| recipe | book (full MNIST) | `mnist` test | Fashion-MNIST test |")
    print("|---|---|---|---|")
    for recipe, book in BOOK.items():
        digits, t1 = accuracy(recipe, "mnist", args.out / f"{recipe}-mnist", None)
        fashion_recipe = "features-fashion-mnist" if recipe == "features-mnist" else recipe
        epochs = FASHION_EPOCHS.get(recipe)  # None: the recipe's own
        clothes, t2 = accuracy(
            fashion_recipe, "fashion-mnist", args.out / f"{recipe}-fashion", epochs
        )
        print(f"| `{recipe}` | {book} | {digits:.2%} ({t1:.0f} s) | {clothes:.2%} ({t2:.0f} s) |")


if __name__ == "__main__":
    main()
