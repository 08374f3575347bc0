"""Images per second: the book's batch-1 loop against gankit's loop, same models, same data, one process.

The book-style loop is written the way the book teaches it (ch. 7): one image at a time, each image
read from the data set as its own tensor, three separate updates per image (D on real, D on a
detached fake, G through D), fresh seeds for G, and the loss read with `.item()` every 10 steps.
gankit's side is the real training code (`build_gan`, `make_gan_job`, `fit`) at the recipe's batch
size. The two alternate in short rounds so background load hits both alike.

    python benchmarks/throughput.py [--recipe gan-mnist] [--seconds 20] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import torch

from gankit.data import Batches, load_data
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan_job import make_gan_job
from gankit.train.latent import sample_latent
from gankit.train.loop import Schedule, fit


class BookDataset:
    """The book's data access (ch. 2): a pandas table of CSV rows, one row turned into a tensor
    per image with `iloc`, pixels divided by 255 (labels and one-hot targets built as the book does)."""

    def __init__(self, data):
        import pandas

        flat = data.x.flatten(1).numpy()  # (N, 784) uint8: the same images as gankit's side
        labels = data.y.numpy() if data.y is not None else [0] * len(flat)
        self.frame = pandas.DataFrame(flat).assign(label=labels)[["label", *range(flat.shape[1])]]

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, index: int):
        label = self.frame.iloc[index, 0]
        target = torch.zeros(10)
        target[label] = 1.0
        image = torch.FloatTensor(self.frame.iloc[index, 1:].to_numpy(copy=True)) / 255.0
        return label, image, target


class TensorRows:
    """A stricter baseline: the book's loop, but each image sliced straight from gankit's tensor."""

    def __init__(self, data):
        self.x = data.x.flatten(1)

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, index: int):
        return 0, self.x[index].float() / 255.0, None


def book_style_images(gan, rows, seconds: float) -> int:
    """Run the book's loop over `rows` for `seconds`; return how many images it trained on."""
    losses = []
    images, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        _, real, _ = rows[images % len(rows)]  # (784,): one image, no batch dimension
        real = real[None]  # (1, 784)
        seed_d = sample_latent(gan.latent, 1, gan.latent_dim, _NOISE)
        seed_g = sample_latent(gan.latent, 1, gan.latent_dim, _NOISE)
        # D.train(real, 1.0): forward, loss, zero_grad, backward, step
        loss = gan.loss.d_real(gan.D(real))
        gan.opt_d.zero_grad()
        loss.backward()
        gan.opt_d.step()
        # D.train(G.forward(seed).detach(), 0.0)
        loss = gan.loss.d_fake(gan.D(gan.G(seed_d).detach()))
        gan.opt_d.zero_grad()
        loss.backward()
        gan.opt_d.step()
        # G.train(D, seed, 1.0)
        loss = gan.loss.g(gan.D(gan.G(seed_g)))
        gan.opt_g.zero_grad()
        loss.backward()
        gan.opt_g.step()
        images += 1
        if images % 10 == 0:
            losses.append(loss.item())
    return images


_NOISE = torch.Generator().manual_seed(0)


def gankit_images(gan, data, cfg, seconds: float) -> int:
    """Run gankit's loop (in chunks of 50 steps) for about `seconds`; return the images trained."""
    batches = Batches(len(data), cfg.train.batch_size, seed=0)
    job = make_gan_job(gan, data, batches, torch.Generator().manual_seed(1), None, cfg)
    chunk, images, t0 = 50, 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fit(job, None, Schedule(total_steps=chunk, log_every=10, sample_every=10**9), None, False)
        images += chunk * cfg.train.batch_size
    return images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default="gan-mnist")
    parser.add_argument("--seconds", type=float, default=30.0, help="per side, in total")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cfg = get_recipe(args.recipe).config
    data = load_data(cfg.data.spec, "train")
    sides = {
        "book-style loop, book's data access (batch 1)": BookDataset(data),
        "book-style loop, tensor rows (batch 1)": TensorRows(data),
        f"gankit loop (batch {cfg.train.batch_size})": None,
    }
    models = {name: build_gan(cfg, data.shape, data.num_classes, "cpu") for name in sides}
    images = dict.fromkeys(sides, 0)
    spent = dict.fromkeys(sides, 0.0)
    per_round = args.seconds / args.rounds
    for _ in range(args.rounds):  # alternate, so background load hits every side alike
        for name, rows in sides.items():
            t = time.perf_counter()
            if rows is None:
                images[name] += gankit_images(models[name], data, cfg, per_round)
            else:
                images[name] += book_style_images(models[name], rows, per_round)
            spent[name] += time.perf_counter() - t
    rates = {name: images[name] / spent[name] for name in sides}
    ours = rates[list(sides)[-1]]
    print(f"recipe {args.recipe}, {args.threads} threads, torch {torch.__version__}")
    for name, rate in rates.items():
        print(f"{name:<48} {rate:10,.0f} images/s   gankit ÷ this: {ours / rate:6.1f}×")


if __name__ == "__main__":
    main()
