"""What the truncation trick trades, on one trained run: precision, recall and FID against ψ, and
the same seeds drawn at a few ψ, in one figure (docs/img/truncation.png).

    python benchmarks/truncation_curve.py runs/mnist-… docs/img/truncation.png [--n 1000]
        [--repeats 5]

Each ψ is scored as `gankit evaluate RUN --n N --truncation ψ --repeats R` scores it (the same
draws of samples, the same features and floor), without touching the run's eval.json; the curves
are the means over the R draws, with ± one standard deviation as error bars. About 5 s per ψ and
draw at n = 1,000.
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from gankit.api import load_run  # noqa: E402
from gankit.metrics import evaluate  # noqa: E402

PSIS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5)
SHOWN = (1.0, 0.9, 0.7, 0.5)  # a row of samples each
COLUMNS = 12


def scores(run_dir: str, n: int, psis, repeats: int) -> list[dict]:
    """eval.json-style dicts, one per ψ (means over `repeats` draws)."""
    docs = []
    for psi in psis:
        run = load_run(run_dir, truncation=psi)
        # the run's eval.json untouched
        doc = evaluate(run, n=n, progress=False, save=False, repeats=repeats)
        line = "  ".join(
            f"{key} {doc[key]:.3f} ± {_sd(doc, key):.3f}"
            for key in ("fid", "precision", "recall", "density", "coverage")
        )
        print(f"ψ {psi:.2f}: {line}", flush=True)
        docs.append(doc)
    return docs


def _sd(doc: dict, key: str) -> float:
    """The standard deviation of `key` over the draws (0 for a single draw)."""
    return doc.get("repeats", {}).get("std", {}).get(key, 0.0)


def figure(run_dir: str, psis, docs: list[dict], out: str) -> None:
    fig = plt.figure(figsize=(11, 7.4))
    grid = fig.add_gridspec(2, 2, height_ratios=[3, 2.6])
    floor = docs[0]["floor"]
    ax = fig.add_subplot(grid[0, 0])
    for key, colour in (("precision", "#1f77b4"), ("recall", "#ff7f0e")):
        ax.errorbar(
            psis, [d[key] for d in docs], [_sd(d, key) for d in docs], fmt="o-", color=colour,
            capsize=3, label=key,
        )  # fmt: skip
        ax.axhline(floor[key], color=colour, ls="--", lw=1, label=f"{key} of real digits")
    ax.set_xlabel("ψ (seed scale at sampling)")
    ax.invert_xaxis()  # left: as trained; right: narrower seeds
    ax.legend(fontsize=8)
    ax.set_title("what the samples share with real data")
    ax = fig.add_subplot(grid[0, 1])
    ax.errorbar(
        psis, [d["fid"] for d in docs], [_sd(d, "fid") for d in docs], fmt="o-",
        color="#2ca02c", capsize=3, label="FID",
    )  # fmt: skip
    ax.axhline(floor["fid"], color="#2ca02c", ls="--", lw=1, label="real vs real (floor)")
    ax.set_xlabel("ψ (seed scale at sampling)")
    ax.invert_xaxis()
    ax.legend(fontsize=8)
    draws = docs[0].get("repeats", {}).get("count", 1)
    ax.set_title(f"FID (n = {docs[0]['n']:,}, mean ± sd of {draws} draws; lower is better)")
    rows = []
    for psi in SHOWN:
        x = load_run(run_dir, truncation=psi).sample(COLUMNS, seed=0)  # (12, C, H, W)
        x = F.pad(x, (1, 1, 2, 2), value=1.0)  # white gaps between cells and rows
        rows.append(x.permute(2, 0, 3, 1).reshape(x.shape[2], -1, x.shape[1]))  # (H, 12·W, C)
    picture = torch.cat(rows).squeeze(-1).numpy()  # (4·H, 12·W) grey, or colour (…, C)
    ax = fig.add_subplot(grid[1, :])
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    height = picture.shape[0] / len(SHOWN)
    ax.set_yticks([height * (i + 0.5) for i in range(len(SHOWN))], [f"ψ {p:g}" for p in SHOWN])
    ax.set_xticks([])
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.suptitle(f"the truncation trick on {load_run(run_dir).config.recipe}: the same 12 seeds")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("out")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5, help="draws of n samples per ψ")
    args = parser.parse_args()
    figure(args.run, PSIS, scores(args.run, args.n, PSIS, args.repeats), args.out)


if __name__ == "__main__":
    main()
