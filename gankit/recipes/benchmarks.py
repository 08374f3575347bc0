"""Mode-collapse benchmarks (docs/benchmarks.md): for each set a `-book` recipe, the book's choices
(the ch. 7 MLPs, BCE, Adam, two D updates per batch, no regulariser), and the modern recipe that
covers every mode. Stacked MNIST's modern recipe is the modern baseline (gankit.recipes.modern).
`benchmarks/modes.py` runs them over several seeds.
"""

from __future__ import annotations

from gankit.config import (
    Config,
    DataConfig,
    LossConfig,
    ModelConfig,
    RegularizerConfig,
    TrainConfig,
)
from gankit.recipes import Recipe, register
from gankit.recipes.layers import LEAKY_LN_200

# the book's improved MLPs (ch. 7), with G's sigmoid dropped: 2-D points are not in [0, 1]
_BOOK_G = LEAKY_LN_200
_BOOK_2D_G = {**_BOOK_G, "output": "linear"}
_BOOK_D = LEAKY_LN_200
# modern 2-D pair: three wide layers, no LayerNorm in D (R1 judges samples one by one). G's ReLUs
# can switch units fully off, so G can hold a whole region of seeds on one point and jump between
# modes; with LeakyReLU every seed moves the output a little, and the modes smear into arcs.
_WIDE = {"hidden": [256, 256, 256], "activation": "leaky-relu", "slope": 0.2, "norm": False}
_MODERN_2D_G = {**_WIDE, "activation": "relu", "output": "linear"}


def _book_2d(name: str, steps: int) -> Config:
    return Config(
        recipe=f"{name}-book",
        data=DataConfig(name),
        model=ModelConfig(g=_BOOK_2D_G, d=_BOOK_D, latent="normal", latent_dim=100),
        loss=LossConfig("bce"),
        train=TrainConfig(batch_size=256, steps=steps, optimizer="adam", lr_g=2e-4, lr_d=2e-4),
    )


def _modern_2d(name: str, steps: int) -> Config:
    return Config(
        recipe=name,
        data=DataConfig(name),
        model=ModelConfig(g=_MODERN_2D_G, d=_WIDE, latent="normal", latent_dim=16),
        loss=LossConfig("non-saturating"),
        train=TrainConfig(
            batch_size=256,
            steps=steps,
            optimizer="adam",
            lr_g=3e-3,
            lr_d=3e-3,
            betas=(0.5, 0.99),
            d_update="joint",
            lr_decay="linear",
            sample_every=1000,
        ),
        reg=RegularizerConfig(r1=0.1, r1_every=4, ema=0.999),
    )


# the book's recipes keep 6,000 steps; the modern ones run as long as their high-quality share
# needs to pass 95% on every seed (docs/benchmarks.md)
_2D_STEPS = {"ring-8": 20_000, "grid-25": 20_000}
for _name, _steps in _2D_STEPS.items():
    register(
        Recipe(
            name=f"{_name}-book",
            chapter="beyond",
            shows=f"the book's GAN on {_name}: how many modes it finds and how sharply",
            differs="the book's ch. 7 MLPs, BCE and Adam; batch 256, lr 2e-4, G without sigmoid",
            config=_book_2d(_name, 6000),
        )
    )
    register(
        Recipe(
            name=_name,
            chapter="beyond",
            shows=f"every mode of {_name}, sharply: non-saturating loss, lazy R1, EMA, lr decay",
            differs=(
                "not the book's: 3×256 MLPs (ReLU in G, LeakyReLU in D), non-saturating loss, R1 "
                "γ 0.1 every 4 steps, EMA 0.999, one joint D step, Adam(0.5, 0.99) lr 3e-3 "
                f"falling linearly to 0, {_steps:,} steps"
            ),
            config=_modern_2d(_name, _steps),
        )
    )

register(
    Recipe(
        name="stacked-mnist-book",
        chapter="beyond",
        shows="the book's choices on Stacked MNIST's 1,000 modes: BCE, Adam, BatchNorm in D",
        differs="a 28×28 DCGAN-style pair (the book's ch. 9 habits: BatchNorm in D), batch 64",
        config=Config(
            recipe="stacked-mnist-book",
            data=DataConfig("stacked-mnist"),
            model=ModelConfig(
                generator="conv28",
                discriminator="conv28",
                g={"width": 32},
                d={"width": 32, "norm": True},
                latent_dim=64,
            ),
            loss=LossConfig("bce"),
            train=TrainConfig(batch_size=64, epochs=12, lr_g=2e-4, lr_d=2e-4),
        ),
    )
)
