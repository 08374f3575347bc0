"""Train gan-mnist-first, gan-mnist and mnist with their default recipes and evaluate each.

Prints the markdown table of the README (FID, KID, precision, recall, density, coverage, classes
covered, class KL) with the real-vs-real floor as the last row.

    PYTHONPATH=. python benchmarks/evaluate_gans.py --out /tmp/gans   # reuses finished runs there
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import gankit
from gankit.runs import RunFolder

RECIPES = ("gan-mnist-first", "gan-mnist", "mnist")
COLUMNS = (
    "fid",
    "kid_mean",
    "precision",
    "recall",
    "density",
    "coverage",
    "classes_covered",
    "class_kl",
)


def train_and_evaluate(out: Path, n: int) -> dict[str, dict]:
    docs = {}
    for name in RECIPES:
        path = out / name
        if not (path / "generator.safetensors").is_file() or not RunFolder.is_run(path):
            t0 = time.perf_counter()
            gankit.train(name, out=path, progress=False)
            print(f"{name}: trained in {time.perf_counter() - t0:.0f} s")
        docs[name] = gankit.evaluate(path, n=n, progress=True)
    return docs


def markdown(docs: dict[str, dict]) -> str:
    head = "| run | epochs | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    for name, doc in docs.items():
        epochs = RunFolder(Path(doc["path"])).read_config().train.epochs
        lines.append(f"| `{name}` | {epochs} | " + " | ".join(_fmt(doc[c]) for c in COLUMNS) + " |")
    floor = next(iter(docs.values()))["floor"]
    lines.append(
        "| real train vs test (floor) | – | " + " | ".join(_fmt(floor[c]) for c in COLUMNS) + " |"
    )
    return "\n".join(lines)


def _fmt(v) -> str:
    return str(v) if isinstance(v, int) else f"{v:.3f}" if abs(v) < 100 else f"{v:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("runs/evaluate-gans"))
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    docs = train_and_evaluate(args.out, args.n)
    for name in docs:
        docs[name]["path"] = str(args.out / name)
    print(
        f"n = {next(iter(docs.values()))['n']}, features: {next(iter(docs.values()))['features']}"
    )
    print(markdown(docs))


if __name__ == "__main__":
    main()
