"""Conditional GANs (ch. 10): choose the class of what G draws.

`cgan-mnist` is the book's: the one-hot label concatenated to D's input (784 + 10) and to G's seed
(100 + 10), otherwise the improved MNIST GAN of ch. 7. `cdcgan-mnist` and `cdcgan-fashion-mnist`
condition convolutional models the modern way: conditional batch norm in G, a projection
discriminator with spectral normalisation, the hinge loss (gankit.models.conditional).
"""

from __future__ import annotations

from gankit.config import Config, DataConfig, LossConfig, ModelConfig, TrainConfig
from gankit.recipes import Recipe, register
from gankit.recipes.layers import LEAKY_LN_200

register(
    Recipe(
        name="cgan-mnist",
        chapter="ch. 10",
        shows="the book's conditional GAN: one-hot labels on D's input and G's seed; pick the digit",
        differs=(
            "batch 32 at Adam lr 1e-3 for 100 epochs of the 4,000 embedded digits (400,000 images; "
            "the book: batch 1, lr 1e-4, 12 epochs of 60,000 = 720,000 images)"
        ),
        config=Config(
            recipe="cgan-mnist",
            data=DataConfig("mnist"),
            model=ModelConfig(
                g=LEAKY_LN_200, d=LEAKY_LN_200, latent="normal", latent_dim=100, conditional=True
            ),
            loss=LossConfig("bce"),
            train=TrainConfig(batch_size=32, epochs=100, optimizer="adam", lr_g=1e-3, lr_d=1e-3),
        ),
    )
)


def _cdcgan(name: str, spec: str, train: TrainConfig) -> Config:
    """The convolutional conditional pair; only the data and the length differ between data sets."""
    return Config(
        recipe=name,
        data=DataConfig(spec),
        model=ModelConfig(
            generator="cdcgan",
            discriminator="projection",
            g={"width": 64, "label_seed": 16},
            d={"width": 64, "pool": "flatten", "label_planes": True},
            latent="normal",
            latent_dim=64,
            conditional=True,
        ),
        loss=LossConfig("hinge"),
        train=train,
    )


_MODERN = {"optimizer": "adam", "lr_g": 5e-4, "lr_d": 5e-4, "betas": (0.5, 0.999)}
_MODERN_DIFFERS = (
    "not the book's models: conditional batch norm in G, a spectral-normalised projection D, "
    "hinge loss, one joint D step per G step, Adam lr 5e-4, betas (0.5, 0.999), batch 64"
)

register(
    Recipe(
        name="cdcgan-mnist",
        chapter="ch. 10",
        shows="a convolutional conditional GAN: the label in G's batch norms and in D's projection",
        differs=_MODERN_DIFFERS + "; 2,000 steps (128,000 images, 32 epochs of the 4,000 digits)",
        config=_cdcgan(
            "cdcgan-mnist",
            "mnist",
            TrainConfig(batch_size=64, steps=2000, d_update="joint", **_MODERN),
        ),
    )
)

register(
    Recipe(
        name="cdcgan-fashion-mnist",
        chapter="ch. 10",
        shows="the same conditional pair on Fashion-MNIST: choose trousers, bags or boots",
        differs=_MODERN_DIFFERS + "; 2,000 steps (128,000 images, 2.1 epochs of 60,000)",
        config=_cdcgan(
            "cdcgan-fashion-mnist",
            "fashion-mnist",
            TrainConfig(batch_size=64, steps=2000, d_update="joint", **_MODERN),
        ),
    )
)
