"""Face GAN throughput, side by side in one process (images per second and ratios).

(a) The book's loop (batch 1, fp32: D on one real image, D on one detached fake, G through D, each
    with its own optimiser step, D ending in Sigmoid + BCELoss) against gankit's batched step, on
    the same `gan-celeba-cnn` models (128×128, 256 channels), with gankit as the recipe runs it
    (bf16 autocast where the device supports it, channels_last, and on the CPU the fast forms of
    the strided convolutions from gankit.models.fast_conv), the same without those fast forms,
    in plain fp32, and with `train.reuse_fake` (G's update reuses D's fakes as pytorch/examples'
    DCGAN does: not the book's algorithm, so reported apart). The book's models are plain nn
    layers in NCHW.
(b) A plain eager fp32 DCGAN-64 step in the pytorch/examples style (NCHW, Sigmoid + BCELoss, the
    fake reused for G) against gankit's `dcgan-faces64` step at the same batch size and the
    standard widths (ngf = ndf = 64). On CUDA: batch 512, bf16 + channels_last, and the model FLOP
    utilisation (MFU) against the GPU's dense bf16 peak.

    PYTHONPATH=. python benchmarks/faces_throughput.py [--threads 2] [--part a|b|both]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch
from torch import nn

from gankit.config import apply_overrides
from gankit.data import load_data
from gankit.device import amp_dtype, configure, resolve_device
from gankit.models import model_args
from gankit.models.fast_conv import use_plain_convs
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import GAN, gan_step

PEAK_BF16 = {"H100": 989e12, "H200": 989e12, "A100": 312e12, "L40S": 362e12, "4090": 165e12}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def rate(
    step: Callable[[int], None], images_per_step: int, steps: int, device, warmup: int
) -> float:
    """Images per second of `step(i)` over `steps` calls, after `warmup` calls."""
    for i in range(warmup):
        step(i)
    sync(device)
    start = time.perf_counter()
    for i in range(steps):
        step(warmup + i)
    sync(device)
    return images_per_step * steps / (time.perf_counter() - start)


def gankit_gan(recipe: str, overrides: list[str], shape, device) -> tuple[GAN, str]:
    """The recipe's GAN on `device` and the precision its step runs in."""
    cfg = apply_overrides(get_recipe(recipe).config, overrides, model_args)
    dtype = amp_dtype(device, cfg.train.amp, cfg.train.amp_cpu)
    return build_gan(cfg, shape, 0, device), "bf16" if dtype else "fp32"


# ----------------------------------------------------------------------------- (a) book loop


class BookLoop:
    """The book's training loop at batch 1 (ch. 9): three optimiser steps per real image."""

    def __init__(self, G: nn.Module, D: nn.Module, latent_dim: int, lr: float = 1e-4):
        self.G, self.D, self.latent_dim = G, D, latent_dim
        self.opt_g = torch.optim.Adam(G.parameters(), lr=lr)
        self.opt_d = torch.optim.Adam(D.parameters(), lr=lr)
        self.bce = nn.BCELoss()

    def _train(self, opt, out: torch.Tensor, target: float) -> float:
        loss = self.bce(out, torch.full_like(out, target))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()  # the book records the loss (every 10th) as a Python float

    def step(self, image: torch.Tensor) -> None:
        d_out = torch.sigmoid(self.D(image))  # the book's D ends in Sigmoid
        self._train(self.opt_d, d_out, 1.0)
        fake = self.G(torch.randn(1, self.latent_dim, device=image.device)).detach()
        self._train(self.opt_d, torch.sigmoid(self.D(fake)), 0.0)
        g_out = torch.sigmoid(self.D(self.G(torch.randn(1, self.latent_dim, device=image.device))))
        self._train(self.opt_g, g_out, 1.0)  # D's gradients are computed too, as in the book


def part_a(device: torch.device, rounds: int) -> None:
    data = load_data("toy-faces:256", "train")  # 128×128, the book's crop
    real = data.x.to(device)
    shape = data.shape
    book_gan, _ = gankit_gan("gan-celeba-cnn", ["train.amp=false"], shape, device)
    book_gan.G.to(memory_format=torch.contiguous_format)
    book_gan.D.to(memory_format=torch.contiguous_format)
    book = BookLoop(book_gan.G, book_gan.D, 100)
    batch = 32
    fast, precision = gankit_gan("gan-celeba-cnn", [], shape, device)
    slow_convs, _ = gankit_gan("gan-celeba-cnn", [], shape, device)
    swapped = use_plain_convs(slow_convs.G) + use_plain_convs(slow_convs.D)
    fp32, _ = gankit_gan(
        "gan-celeba-cnn", ["train.amp=false", "train.amp_cpu=false"], shape, device
    )
    reuse, _ = gankit_gan("gan-celeba-cnn", ["train.reuse_fake=true"], shape, device)
    noise = torch.Generator(device).manual_seed(0)

    def book_step(i: int) -> None:
        book.step(real[i % len(real)].unsqueeze(0).float().div(255))  # (1, 3, 128, 128)

    def gankit_step(gan: GAN) -> Callable[[int], None]:
        def step(i: int) -> None:
            idx = torch.arange(i * batch, (i + 1) * batch, device=device) % len(real)
            gan_step(gan, real[idx].float().div(255), None, noise)

        return step

    cpu = device.type == "cpu"
    n_book, n_fast = (4, 2) if cpu else (100, 50)
    contenders = {"gankit": fast, "gankit fp32": fp32, "reuse fake": reuse}
    if swapped:  # the fast forms were in use: also time the step without them
        contenders["plain convs"] = slow_convs
    totals = dict.fromkeys(["book", *contenders], 0.0)
    for _ in range(rounds):  # interleaved, so a busy machine slows all alike
        totals["book"] += rate(book_step, 1, n_book, device, warmup=1)
        for name, gan in contenders.items():
            totals[name] += rate(gankit_step(gan), batch, n_fast, device, warmup=1)
    r = {k: v / rounds for k, v in totals.items()}
    print(f"(a) gan-celeba-cnn, 128×128, 256 channels, {device}")
    print(f"    book-style loop, batch 1, fp32:        {r['book']:9.2f} img/s")
    print(
        f"    gankit batch {batch}, as the recipe ({precision}): {r['gankit']:9.2f} img/s  "
        f"ratio {r['gankit'] / r['book']:.1f}x"
    )
    if "plain convs" in r:
        print(
            f"    the same without fast strided convs:  {r['plain convs']:9.2f} img/s  "
            f"ratio {r['plain convs'] / r['book']:.1f}x"
        )
    print(
        f"    gankit batch {batch}, fp32:              {r['gankit fp32']:9.2f} img/s  "
        f"ratio {r['gankit fp32'] / r['book']:.1f}x"
    )
    print(
        f"    as the recipe + train.reuse_fake=true: {r['reuse fake']:9.2f} img/s  "
        f"ratio {r['reuse fake'] / r['book']:.1f}x  (not the book's algorithm)"
    )


# ----------------------------------------------------------------------------- (b) DCGAN-64


def plain_dcgan_step(
    G: nn.Module, D: nn.Module, batch: int, device
) -> Callable[[torch.Tensor], None]:
    """pytorch/examples' DCGAN iteration: D on real and on G's fake, one D step; G on the same fake."""
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCELoss()
    ones = torch.ones(batch, device=device)
    zeros = torch.zeros(batch, device=device)

    def step(real: torch.Tensor) -> None:
        D.zero_grad()
        bce(torch.sigmoid(D(real)), ones).backward()
        fake = G(torch.randn(batch, 100, device=device))
        bce(torch.sigmoid(D(fake.detach())), zeros).backward()
        opt_d.step()
        G.zero_grad()
        bce(torch.sigmoid(D(fake)), ones).backward()
        opt_g.step()

    return step


def step_flops(fn: Callable[[], None]) -> float:
    """FLOPs of one call of `fn` (forward and backward), counted by PyTorch's FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter:
        fn()
    return float(counter.get_total_flops())


def part_b(device: torch.device, batch: int, steps: int) -> None:
    widths = ["model.g.width=64", "model.d.width=64"]  # pytorch/examples' ngf = ndf = 64
    data = load_data("toy-faces:2048", "train", size=64).x.to(device)
    fast, precision = gankit_gan("dcgan-faces64", widths, (3, 64, 64), device)
    plain, _ = gankit_gan(
        "dcgan-faces64", [*widths, "train.amp=false", "train.amp_cpu=false"], (3, 64, 64), device
    )
    plain.G.to(memory_format=torch.contiguous_format)
    plain.D.to(memory_format=torch.contiguous_format)
    plain_step = plain_dcgan_step(plain.G, plain.D, batch, device)
    noise = torch.Generator(device).manual_seed(0)

    def batch_at(i: int) -> torch.Tensor:
        idx = torch.arange(i * batch, (i + 1) * batch, device=device) % len(data)
        return data[idx].float().div(255)  # (B, 3, 64, 64)

    warm = 10 if device.type == "cuda" else 1
    r_plain = rate(lambda i: plain_step(batch_at(i)), batch, steps, device, warm)
    r_fast = rate(lambda i: gan_step(fast, batch_at(i), None, noise), batch, steps, device, warm)
    f_plain = step_flops(lambda: plain_step(batch_at(0))) / batch
    f_fast = step_flops(lambda: gan_step(fast, batch_at(0), None, noise)) / batch
    print(f"(b) DCGAN-64 (ngf = ndf = 64), batch {batch}, {device}")
    print(
        f"    plain eager fp32 step:   {r_plain:10.1f} img/s  {f_plain * r_plain / 1e12:7.2f} TFLOP/s"
    )
    tflops = f_fast * r_fast / 1e12
    print(
        f"    gankit dcgan-faces64 ({precision}): {r_fast:10.1f} img/s  {tflops:7.2f} TFLOP/s  "
        f"ratio {r_fast / r_plain:.2f}x"
    )
    print(
        f"    FLOPs per image: plain {f_plain / 1e9:.2f} G, gankit {f_fast / 1e9:.2f} G "
        "(gankit: fresh seeds for G's step, one more G forward; no D weight gradients in it)"
    )
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        peak = next((v for k, v in PEAK_BF16.items() if k in name), None)
        if peak:
            print(
                f"    MFU vs {name} dense bf16 peak {peak / 1e12:.0f} TFLOP/s: plain "
                f"{f_plain * r_plain / peak:.1%}, gankit {f_fast * r_fast / peak:.1%}"
            )
        else:
            print(f"    MFU: no peak known for {name}; see TFLOP/s above")


def main() -> None:
    ap = argparse.ArgumentParser(description="face GAN throughput, side by side")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    ap.add_argument("--part", default="both", choices=["a", "b", "both"])
    ap.add_argument("--rounds", type=int, default=2, help="(a): interleaved rounds")
    ap.add_argument("--batch", type=int, default=0, help="(b): batch (default 512 CUDA, 32 CPU)")
    ap.add_argument(
        "--steps", type=int, default=0, help="(b): timed steps (default 50 CUDA, 3 CPU)"
    )
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    configure(device)
    print(f"torch {torch.__version__}, {device}, {torch.get_num_threads()} CPU threads")
    if args.part in ("a", "both"):
        part_a(device, args.rounds)
    if args.part in ("b", "both"):
        cuda = device.type == "cuda"
        part_b(device, args.batch or (512 if cuda else 32), args.steps or (50 if cuda else 3))


if __name__ == "__main__":
    main()
