"""The modern baseline on any data: the relativistic pairing loss with R1 and R2 (Huang et al.,
NeurIPS 2024, "The GAN is dead; long live the GAN!"), no normalisation in D, an average of G's
weights for sampling.

fashion-mnist  unconditional, on Debian's 60,000 Fashion-MNIST training images, with the main
               job's convolutional pair (gankit.recipes.main): the same architecture code
images         the user's own folder or zip (`--data images:DIR`): the R3GAN-style residual pair
               (gankit.models.resnet) at the data's own resolution, DiffAugment on small sets
"""

from __future__ import annotations

from dataclasses import replace

from gankit.config import Config, DataConfig, LossConfig, ModelConfig, RegularizerConfig
from gankit.recipes import Recipe, register
from gankit.recipes.main import MAIN_CONFIG

# RpGAN + R1 + R2: γ 0.1 on both sides (on [0, 1] images; the main job's R1), lazily every 4 steps
RP_LOSS = LossConfig("rpgan")
RP_REG = RegularizerConfig(r1=0.1, r2=0.1, r1_every=4, ema=0.999)
# 1.28 M images, 21 epochs of 60,000: about 10 minutes on 2 CPU cores (docs/recipes.md)
FASHION_STEPS = 10_000

register(
    Recipe(
        name="fashion-mnist",
        chapter="beyond",
        shows="clothes of all ten kinds from Fashion-MNIST's 60,000 images, unconditional, on a CPU",
        differs=(
            "not the book's: the main job's convolutional pair and schedule (batch 128, "
            "Adam lr 1e-3 betas (0, 0.99), EMA 0.999, bf16 where the CPU has it) with the "
            f"relativistic pairing loss and R1 + R2 γ 0.1 every 4 steps; {FASHION_STEPS:,} steps"
        ),
        config=replace(
            MAIN_CONFIG,
            recipe="fashion-mnist",
            data=DataConfig("fashion-mnist"),
            loss=RP_LOSS,
            train=replace(MAIN_CONFIG.train, steps=FASHION_STEPS),
            reg=RP_REG,
        ),
    )
)

register(
    Recipe(
        name="images",
        chapter="beyond",
        shows="a GAN of your own pictures: gankit train images --data images:DIR",
        differs=(
            "not the book's: R3GAN-style residual G and D (grouped 3×3 convs, no normalisation, "
            "width 8 at full resolution doubling to 128), RpGAN + R1 + R2 γ 0.1 every 4 steps, "
            "Adam lr 2e-4 betas (0, 0.99), EMA 0.999, batch 32; the resolution is the images' own "
            "(centre crop up to 128; data.size to change it), DiffAugment under 10,000 images"
        ),
        config=Config(
            recipe="images",
            data=DataConfig("images"),
            model=ModelConfig(
                generator="resnet",
                discriminator="resnet",
                g={"width": 8, "max_width": 128},
                d={"width": 8, "max_width": 128},
                latent="normal",
                latent_dim=64,
            ),
            loss=RP_LOSS,
            train=replace(
                MAIN_CONFIG.train,
                batch_size=32,
                steps=0,
                epochs=100,
                lr_g=2e-4,
                lr_d=2e-4,
                reuse_fake=True,
            ),
            reg=replace(RP_REG, augment="auto"),
        ),
    )
)
