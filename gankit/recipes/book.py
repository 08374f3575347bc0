"""The book's GANs, chapters 6 and 7. `--batch-size 1` with the book's learning rates is the book's loop.

Batched defaults keep the book's models, losses and optimisers and raise the learning rate so that
the same number of epochs reaches at least the book's result in far fewer optimiser steps.
"""

from __future__ import annotations

from gankit.config import Config, DataConfig, LossConfig, ModelConfig, TrainConfig
from gankit.recipes import Recipe, register
from gankit.recipes.layers import LEAKY_LN_200, SIGMOID_200

# ch. 6: D Linear(4,3) → Sigmoid → Linear(3,1) → Sigmoid; G Linear(1,3) → Sigmoid → Linear(3,4) → Sigmoid
_SIGMOID_3 = {"hidden": [3], "activation": "sigmoid", "norm": False}

register(
    Recipe(
        name="gan-1010",
        chapter="ch. 6",
        shows="a GAN learns the 1010 pattern; losses settle at the MSE equilibrium 0.25",
        differs=(
            "batch 4 at SGD lr 0.04 for 4 epochs of 10,000 pre-drawn patterns: the book's 10,000 "
            "steps, each on 4 patterns (the book: batch 1, "
            "lr 0.01, 10,000 fresh patterns); --batch-size 1 --set train.lr_g=0.01 "
            "--set train.lr_d=0.01 --epochs 1 is the book's run"
        ),
        config=Config(
            recipe="gan-1010",
            data=DataConfig("pattern-1010"),
            model=ModelConfig(g=_SIGMOID_3, d=_SIGMOID_3, latent="constant", latent_dim=1),
            loss=LossConfig("mse"),
            train=TrainConfig(batch_size=4, epochs=4, optimizer="sgd", lr_g=0.04, lr_d=0.04),
        ),
    )
)

register(
    Recipe(
        name="gan-mnist-first",
        chapter="ch. 7",
        shows="the book's first MNIST GAN: one uniform seed number, MSE, SGD; it collapses",
        differs="batch 32 at SGD lr 0.1 (the book: batch 1, lr 0.01); same models, loss and seed",
        config=Config(
            recipe="gan-mnist-first",
            data=DataConfig("mnist"),
            model=ModelConfig(g=SIGMOID_200, d=SIGMOID_200, latent="uniform", latent_dim=1),
            loss=LossConfig("mse"),
            train=TrainConfig(batch_size=32, epochs=8, optimizer="sgd", lr_g=0.1, lr_d=0.1),
        ),
    )
)

register(
    Recipe(
        name="gan-mnist",
        chapter="ch. 7",
        shows="the book's improved MNIST GAN: LeakyReLU, LayerNorm, BCE, Adam, 100 normal seeds",
        differs=(
            "batch 128 at Adam lr 1e-3 for 64 epochs (the book: batch 1, lr 1e-4, 4 epochs); "
            "bf16 matrix products where the CPU computes bf16 measurably faster"
        ),
        config=Config(
            recipe="gan-mnist",
            data=DataConfig("mnist"),
            model=ModelConfig(g=LEAKY_LN_200, d=LEAKY_LN_200, latent="normal", latent_dim=100),
            loss=LossConfig("bce"),
            # bf16 operands for the matrix products where the CPU measures bf16 faster: the hand
            # step ran 1.10x faster on an AMD EPYC, FID and classes within the recipe's spread
            # (docs/speed.md)
            train=TrainConfig(
                batch_size=128, epochs=64, optimizer="adam", lr_g=1e-3, lr_d=1e-3, amp_cpu=True
            ),
        ),
    )
)
