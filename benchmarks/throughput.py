"""Images per second of one recipe's GAN trained five ways, side by side in one process.

Every side trains the same models (built from the recipe) at the same batch size, with the book's
three updates per batch (D on real, D on a detached fake, G through D with fresh seeds):

  book loop     the book's ch. 7 loop: one image at a time, each read from a pandas table of
                CSV rows with `iloc` (batch 1; skipped with --no-book or for non-MNIST data)
  plain loop    what a PyTorch user writes by hand: the digits in one float tensor, a
                permutation per epoch, `torch.optim.Adam` as it comes, three optimiser steps
  DataLoader    the tutorial pipeline: a Dataset handing out PIL images through ToTensor, a
                shuffling DataLoader, then the plain loop's step
  gankit        gankit's own loop (`make_gan_job` + `fit`) with train.compile off, auto (the
                default: the hand-differentiated step for the book's MLPs on the CPU), on
                (torch.compile of G and D for other models; compile time reported, not
                counted) and, on CUDA, graphs (the compiled graphs replayed as CUDA graphs);
                a setting that changes nothing for the recipe is not run twice

The sides alternate in rounds so background load hits all alike. FLOPs per image (matrix
products, forward and backward) come from PyTorch's FlopCounterMode; achieved FLOP/s is set against
the core's measured matrix-product rate (or the GPU's dense bf16 peak).

    python benchmarks/throughput.py [--recipe gan-mnist] [--batch-size 128] [--seconds 30]
        [--rounds 3] [--threads 2] [--device auto] [--no-book] [--no-compile]
"""

from __future__ import annotations

import argparse
import time

import torch
from faces_throughput import PEAK_BF16, step_flops, sync  # benchmarks/, beside this script

from gankit.config import apply_overrides
from gankit.data import Batches, load_data
from gankit.device import configure, place_data, resolve_device
from gankit.models import model_args
from gankit.models.seed_clusters import seed_cluster
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import gan_step
from gankit.train.gan_job import clustered, make_gan_job
from gankit.train.loop import Schedule, fit

HAND = ["train.amp=false", "train.amp_cpu=false", "train.fast_conv=off", "train.compile=off"]


class Hand:
    """The hand-written step on gankit-built models: three optimiser steps per batch."""

    def __init__(self, gan, device):
        self.gan, self.device = gan, device
        t = gan.opt_g.param_groups[0]  # the recipe's learning rates and betas, default Adam
        self.opt_g = torch.optim.Adam(gan.G.parameters(), lr=t["lr"], betas=t["betas"])
        t = gan.opt_d.param_groups[0]
        self.opt_d = torch.optim.Adam(gan.D.parameters(), lr=t["lr"], betas=t["betas"])

    def seeds(self, n: int):
        z = torch.randn(n, self.gan.latent_dim, device=self.device)
        if self.gan.clusters:  # self-conditioned: the cluster G reads off its seed
            return z, seed_cluster(z, self.gan.clusters)
        k = self.gan.num_classes
        return z, (torch.randint(k, (n,), device=self.device) if k else None)

    def step(self, real: torch.Tensor, labels) -> torch.Tensor:
        G, D, loss = self.gan.G, self.gan.D, self.gan.loss
        self.opt_d.zero_grad()
        loss.d_real(D(real, labels)).backward()
        self.opt_d.step()
        z, y = self.seeds(len(real))
        self.opt_d.zero_grad()
        loss.d_fake(D(G(z, y).detach(), y)).backward()
        self.opt_d.step()
        z, y = self.seeds(len(real))
        self.opt_g.zero_grad()
        g_loss = loss.g(D(G(z, y), y))
        g_loss.backward()
        self.opt_g.step()
        return g_loss


def _labelled(gan) -> bool:
    """Whether D takes each real image's label: the data's classes or its pixel clusters."""
    return bool(gan.num_classes or gan.clusters)


def plain_side(gan, data, batch: int, device):
    """Images in one float tensor on the device, a permutation per epoch."""
    hand = Hand(gan, device)
    x = data.x.to(device).float() / 255  # (N, C, H, W)
    y = data.y.to(device) if data.y is not None and _labelled(gan) else None
    state = {"perm": torch.randperm(len(x), device=device), "at": 0}

    def run(steps: int) -> int:
        for _ in range(steps):
            if state["at"] + batch > len(x):
                state["perm"], state["at"] = torch.randperm(len(x), device=device), 0
            idx = state["perm"][state["at"] : state["at"] + batch]
            state["at"] += batch
            hand.step(x[idx], y[idx] if y is not None else None)
        return steps * batch

    return run


def loader_side(gan, data, batch: int, device):
    """The tutorial pipeline: PIL image → ToTensor per item, a shuffling DataLoader."""
    from PIL import Image
    from torch.utils.data import DataLoader
    from torchvision import transforms

    class Digits(torch.utils.data.Dataset):
        def __init__(self):
            self.images = [Image.fromarray(im.squeeze(0).numpy()) for im in data.x]
            self.labels = data.y.tolist() if data.y is not None else [0] * len(data.x)
            self.to_tensor = transforms.ToTensor()

        def __len__(self) -> int:
            return len(self.images)

        def __getitem__(self, i: int):
            return self.to_tensor(self.images[i]), self.labels[i]

    hand = Hand(gan, device)
    loader = DataLoader(Digits(), batch_size=batch, shuffle=True, drop_last=True)
    state = {"it": iter(loader)}

    def run(steps: int) -> int:
        for _ in range(steps):
            try:
                real, y = next(state["it"])
            except StopIteration:
                state["it"] = iter(loader)
                real, y = next(state["it"])
            real = real.to(device)
            hand.step(real, y.to(device) if _labelled(gan) else None)
        return steps * batch

    return run


def book_side(gan, data):
    """The book's loop at batch 1 over a pandas table of the images (as its CSV files are read)."""
    import pandas

    flat = data.x.flatten(1).numpy()  # (N, 784) uint8
    frame = pandas.DataFrame(flat)
    shape = data.x.shape[1:]
    hand = Hand(gan, "cpu")

    def run(steps: int) -> int:
        for i in range(steps):
            row = torch.FloatTensor(frame.iloc[i % len(frame)].to_numpy(copy=True)) / 255.0
            label = data.y[i % len(frame)].view(1) if gan.num_classes else None
            g_loss = hand.step(row.view(1, *shape), label)
            if i % 10 == 0:  # the book records the loss every 10 images
                g_loss.item()
        return steps

    return run


def gankit_side(gan, data, cfg, batch: int):
    """gankit's own loop in chunks of `steps` (each chunk a fresh `fit` from step 0)."""
    batches = Batches(len(data), batch, seed=0)
    job = make_gan_job(gan, data, batches, torch.Generator().manual_seed(1), None, cfg)

    def run(steps: int) -> int:
        fit(job, None, Schedule(total_steps=steps, log_every=10, sample_every=10**9), None, False)
        return steps * batch

    return run


def step_kind(gan) -> str:
    """How gankit runs this GAN's step: hand (gankit.train.mlp_step), compiled or eager."""
    if gan.fast_step is not None:
        return "hand, compiled" if gan.fast_step.compiled else "hand"
    if gan.graphs:
        return "CUDA graphs"
    return "compiled" if getattr(gan.G, "_compiled_call_impl", None) else "eager"


def steps_per_call(side: str) -> int:
    """The book loop's steps are single images; gankit's sides start a `fit` per call (0.07 ms
    of set-up, measured), so they run longer calls all the same."""
    if side.startswith("book"):
        return 200
    return 100 if side.startswith("gankit") else 20


def flops_per_image(gan, data, batch: int, device) -> float:
    """Matrix-product FLOPs of gankit's step (forward and backward) per image. Gradient penalties
    are left out: FlopCounterMode cannot follow their double backward (so the figure is low)."""
    real = data.x[:batch].to(device).float() / 255
    labels = data.y[:batch].to(device) if _labelled(gan) else None
    penalties, gan.d_penalties = gan.d_penalties, []
    try:
        noise = torch.Generator(device).manual_seed(0)
        return step_flops(lambda: gan_step(gan, real, labels, noise)) / batch
    finally:
        gan.d_penalties = penalties


def matmul_rate(device: torch.device, dtype: torch.dtype, seconds: float = 2.0) -> float:
    """The device's measured FLOP/s on 1024 × 1024 matrix products of `dtype`."""
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        peak = next((v for k, v in PEAK_BF16.items() if k in name), None)
        if peak:
            return peak
    a = torch.randn(1024, 1024, device=device).to(dtype)
    b = torch.randn(1024, 1024, device=device).to(dtype)
    a @ b
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ b
        n += 1
    sync(device)
    return 2 * 1024**3 * n / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipe", default="gan-mnist")
    ap.add_argument("--batch-size", type=int, default=0, help="0: the recipe's own")
    ap.add_argument("--seconds", type=float, default=30.0, help="per side, over all rounds")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--set", action="append", default=[], help="config overrides, as gankit's")
    ap.add_argument("--no-book", action="store_true")
    ap.add_argument("--no-compile", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    configure(device)
    cfg = apply_overrides(get_recipe(args.recipe).config, args.set, model_args)
    batch = args.batch_size or cfg.train.batch_size
    data = load_data(cfg.data.spec, "train", size=cfg.data.size)
    k = data.num_classes
    if cfg.model.clusters:  # every side's D learns the same pixel clusters
        data = clustered(data, cfg.model.clusters, cfg.train.seed)

    def built(compile_setting: str):
        c = apply_overrides(cfg, [f"train.compile={compile_setting}"], model_args)
        return build_gan(c, data.shape, k, device), c

    def by_hand():
        """The same models as a user builds them: fp32, plain convolutions, the default layout."""
        gan = build_gan(apply_overrides(cfg, HAND, model_args), data.shape, k, device)
        gan.G.to(memory_format=torch.contiguous_format)
        gan.D.to(memory_format=torch.contiguous_format)
        return gan

    eager, eager_cfg = built("off")
    on_device = place_data(data, device)
    sides = {
        "plain loop": plain_side(by_hand(), data, batch, device),
        "DataLoader tutorial": loader_side(by_hand(), data, batch, device),
        "gankit, compile off": gankit_side(eager, on_device, eager_cfg, batch),
    }
    plans = {"off": "eager"}
    settings = ("auto",) if args.no_compile else ("auto", "on")
    if device.type == "cuda" and not args.no_compile:
        settings += ("graphs",)  # the compiled graphs replayed as CUDA graphs
    for setting in settings:
        gan, c = built(setting)
        plan = step_kind(gan)
        if plan not in plans.values():
            plans[setting] = plan
            sides[f"gankit, compile {setting} ({plan})"] = gankit_side(gan, on_device, c, batch)
    if not args.no_book and cfg.data.spec.startswith("mnist") and device.type == "cpu":
        sides = {"book loop (batch 1)": book_side(by_hand(), data), **sides}

    print(f"recipe {args.recipe}, batch {batch}, {device}, {torch.get_num_threads()} threads, "
          f"torch {torch.__version__}")  # fmt: skip
    for name, run in sides.items():  # warm up; the first compiled calls compile
        t0 = time.perf_counter()
        run(1 if name.startswith("book") else 3)
        sync(device)
        if "compiled)" in name or "graphs)" in name:
            print(f"compile time (first steps of {name}): {time.perf_counter() - t0:.1f} s")
    images, spent = dict.fromkeys(sides, 0), dict.fromkeys(sides, 0.0)
    per_round: dict[str, list[float]] = {name: [] for name in sides}  # images/s, round by round
    for _ in range(args.rounds):
        for name, run in sides.items():
            t0, done = time.perf_counter(), 0
            while time.perf_counter() - t0 < args.seconds / args.rounds:
                done += run(steps_per_call(name))
            sync(device)
            took = time.perf_counter() - t0
            images[name] += done
            spent[name] += took
            per_round[name].append(done / took)
    rates = {name: images[name] / spent[name] for name in sides}

    per_image = flops_per_image(eager, on_device, batch, device)
    amp = eager.autocast()
    dtype = amp.fast_dtype if isinstance(amp, torch.autocast) else torch.float32
    peak = matmul_rate(device, dtype)
    best_side = max((n for n in sides if n.startswith("gankit")), key=rates.get)
    best = rates[best_side]
    print(
        f"{'side':<24} {'images/s':>10} {'best gankit ÷ this':>19} {'per round':>13} "
        f"{'GFLOP/s':>9} {'of peak':>8}"
    )
    for name, rate in rates.items():
        achieved = per_image * rate
        # the ratio within each round (the two sides minutes apart at most): how far the
        # machine's drift moves it
        ratios = [b / r for b, r in zip(per_round[best_side], per_round[name], strict=True)]
        spread = f"{min(ratios):.2f}–{max(ratios):.2f}×"
        print(
            f"{name:<24} {rate:10,.0f} {best / rate:18.2f}× {spread:>13} {achieved / 1e9:9.1f} "
            f"{achieved / peak:8.1%}"
        )
    left_out = ", without its penalties" if eager.d_penalties else ""
    print(
        f"{per_image / 1e6:.2f} MFLOP per image (gankit's step{left_out}; "
        "the hand loops compute D's weight gradients in G's update too); "
        f"{str(dtype).removeprefix('torch.')} matrix products "
        f"{'peak' if device.type == 'cuda' else 'measured'}: {peak / 1e9:,.0f} GFLOP/s"
    )


if __name__ == "__main__":
    main()
