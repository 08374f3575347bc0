"""A face recipe (dcgan-faces64 by default) for a fixed wall-clock time (10 minutes) on the CPU.

Trains until the time is up (the loop stops at a step boundary with a checkpoint, as on Ctrl-C),
then writes a grid of samples and compares the samples' per-channel colour means with the data's.

    PYTHONPATH=. python benchmarks/faces64_cpu.py --minutes 10 --threads 2 --out /tmp/faces64 \
        --set model.g.width=32 --set model.d.width=32 --batch-size 32
    # the `images` recipe on a folder of 1,000 toy faces written as PNG files (a user's folder)
    PYTHONPATH=. python benchmarks/faces64_cpu.py --recipe images --export 1000 --out /tmp/images
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import torch

import gankit
from gankit.data import load_data
from gankit.train.loop import Interrupted
from gankit.viz.plots import save_grid


def colour_means(x: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
    """Per-channel means (3,) of images (N, 3, H, W), uint8 or float in [0, 1]."""
    total = torch.zeros(3, dtype=torch.float64)
    for i in range(0, x.shape[0], chunk):
        part = x[i : i + chunk].double()
        part = part / 255 if x.dtype == torch.uint8 else part
        total += part.sum(dim=(0, 2, 3))
    return total / (x.shape[0] * x.shape[2] * x.shape[3])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="/tmp/faces64")
    ap.add_argument("--data", default="toy-faces")
    ap.add_argument("--recipe", default="dcgan-faces64")
    ap.add_argument("--size", type=int, default=64, help="data.size; 0: the data's own")
    ap.add_argument(
        "--export",
        type=int,
        default=0,
        help="write N toy faces as PNGs to OUT-data and train on them",
    )
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--set", action="append", default=[], dest="overrides")
    ap.add_argument("--samples", type=int, default=1000, help="samples for the colour means")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    if args.export:
        from tests.faces_util import export_toy_faces

        folder = Path(f"{out}-data")
        shutil.rmtree(folder, ignore_errors=True)
        args.data = f"images:{export_toy_faces(folder, args.export, 64)}"
    # decoded (and cached) before the clock starts
    data = load_data(args.data, "train", size=args.size)
    print(f"data: {len(data)} images, {data.note}")
    timer = threading.Timer(args.minutes * 60, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    try:
        gankit.train(
            args.recipe,
            data=args.data,
            out=out,
            epochs=1000,  # the clock stops it
            batch_size=args.batch_size,
            set=args.overrides or None,
            progress=False,
        )
    except Interrupted:
        pass
    finally:
        timer.cancel()
    seconds = time.monotonic() - start
    run = gankit.load_run(out)
    rows = run.metrics()
    steps = int(rows[-1]["step"]) if rows else 0
    images = int(rows[-1]["images_seen"]) if rows else 0
    print(
        f"trained {steps} steps, {images} images in {seconds:.0f} s ({images / seconds:.1f} img/s)"
    )
    x = torch.cat([run.sample(250, seed=s) for s in range(max(1, args.samples // 250))])
    save_grid(x[:64], out / "grid.png", nrow=8, scale=1)
    fake, real = colour_means(x), colour_means(data.x)
    diff = (fake - real).abs()
    print("colour means (R, G, B): data " + ", ".join(f"{v:.3f}" for v in real.tolist()))
    print("                     samples " + ", ".join(f"{v:.3f}" for v in fake.tolist()))
    print(
        f"largest difference {diff.max():.3f} ({'within' if diff.max() <= 0.05 else 'NOT within'} 0.05)"
    )
    print(f"grid: {out / 'grid.png'}")


if __name__ == "__main__":
    main()
