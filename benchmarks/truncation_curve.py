"""What the truncation trick trades, on one trained run: precision, recall and FID against ψ, and
the same seeds drawn at a few ψ, in one figure (docs/img/truncation.png).

    python benchmarks/truncation_curve.py runs/mnist-… docs/img/truncation.png [--n 1000]

Each ψ is scored as `gankit evaluate RUN --n N --truncation ψ` scores it (the same samples, the
same features and floor), without touching the run's eval.json. About 10 s per ψ at n = 1,000.
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


def scores(run_dir: str, n: int, psis) -> list[dict]:
    """eval.json-style dicts, one per ψ."""
    docs = []
    for psi in psis:
        run = load_run(run_dir, truncation=psi)
        doc = evaluate(run, n=n, progress=False, save=False)  # the run's eval.json untouched
        print(
            f"ψ {psi:.2f}: FID {doc['fid']:.2f}  precision {doc['precision']:.3f}  "
            f"recall {doc['recall']:.3f}  density {doc['density']:.3f}  "
            f"coverage {doc['coverage']:.3f}",
            flush=True,
        )
        docs.append(doc)
    return docs


def figure(run_dir: str, psis, docs: list[dict], out: str) -> None:
    fig = plt.figure(figsize=(11, 7.4))
    grid = fig.add_gridspec(2, 2, height_ratios=[3, 2.6])
    floor = docs[0]["floor"]
    ax = fig.add_subplot(grid[0, 0])
    for key, colour in (("precision", "#1f77b4"), ("recall", "#ff7f0e")):
        ax.plot(psis, [d[key] for d in docs], "o-", color=colour, label=key)
        ax.axhline(floor[key], color=colour, ls="--", lw=1, label=f"{key} of real digits")
    ax.set_xlabel("ψ (seed scale at sampling)")
    ax.invert_xaxis()  # left: as trained; right: narrower seeds
    ax.legend(fontsize=8)
    ax.set_title("what the samples share with real data")
    ax = fig.add_subplot(grid[0, 1])
    ax.plot(psis, [d["fid"] for d in docs], "o-", color="#2ca02c", label="FID")
    ax.axhline(floor["fid"], color="#2ca02c", ls="--", lw=1, label="real vs real (floor)")
    ax.set_xlabel("ψ (seed scale at sampling)")
    ax.invert_xaxis()
    ax.legend(fontsize=8)
    ax.set_title(f"FID (n = {docs[0]['n']:,}; lower is better)")
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
    args = parser.parse_args()
    figure(args.run, PSIS, scores(args.run, args.n, PSIS), args.out)


if __name__ == "__main__":
    main()
