"""The modern baseline on any data: the relativistic pairing loss with R1 and R2 (Huang et al.,
NeurIPS 2024, "The GAN is dead; long live the GAN!"), no normalisation in D, an average of G's
weights for sampling.

fashion-mnist  unconditional, on Debian's 60,000 Fashion-MNIST training images, with the main
               job's convolutional pair (gankit.recipes.main): the same architecture code
stacked-mnist  the same recipe on Stacked MNIST (three digits as RGB, 1,000 modes): KL 0.027 and
               0.026 on seeds 0 and 1 in about 15 minutes (bf16, AMD host), where the earlier
               spectral-norm + hinge recipe reached 0.136 in 30 (docs/benchmarks.md)
images         the user's own folder or zip (`--data images:DIR`): the DCGAN pair of dcgan-faces64
               at the data's own resolution, EMA, DiffAugment on small sets. The R3GAN-style
               residual pair (gankit.models.resnet) with RpGAN is one --set away; on 900 toy faces
               and 5 CPU minutes it drew blurry ovals where the DCGAN pair drew faces
               (docs/images.md)
"""

from __future__ import annotations

from dataclasses import replace

from gankit.config import DataConfig, RegularizerConfig
from gankit.recipes import Recipe, register
from gankit.recipes.faces import FACES64_CONFIG
from gankit.recipes.main import MAIN_CONFIG, MAIN_PAIR, RP_LOSS, RP_REG

# the main job's RpGAN + R1 + R2 every 16 steps: on Fashion-MNIST the penalties' double backward
# is most of a step's cost (61 ms a step every 4, 38 ms every 16), and within ten minutes the
# extra steps buy more (FID 12.2 against 15.1)
# 1.92 M images, 32 epochs of 60,000: 578 s on 2 CPU cores (docs/recipes.md)
FASHION_STEPS = 15_000
FASHION_CONFIG = replace(
    MAIN_CONFIG,
    recipe="fashion-mnist",
    data=DataConfig("fashion-mnist"),
    model=MAIN_PAIR,  # no pixel clusters: with 20 as the main job had, recall 0.52 (docs/recipes.md)
    loss=RP_LOSS,
    train=replace(MAIN_CONFIG.train, steps=FASHION_STEPS),
    reg=RP_REG,
)

register(
    Recipe(
        name="fashion-mnist",
        chapter="beyond",
        shows="clothes of all ten kinds from Fashion-MNIST's 60,000 images, unconditional, on a CPU",
        differs=(
            "not the book's: the main job's convolutional pair and schedule (batch 128, "
            "Adam lr 1e-3 betas (0, 0.99), EMA 0.999, bf16 where measured faster) with the "
            f"relativistic pairing loss and R1 + R2 γ 0.1 every 16 steps; {FASHION_STEPS:,} steps"
        ),
        config=FASHION_CONFIG,
    )
)

# 1.54 M images, 31 epochs of the 50,000 training stacks (drawn from mnist's 4,000 digits):
# 885-921 s on 2 AMD EPYC cores in bf16, 1,451-1,464 s on an Intel Xeon in fp32 (docs/benchmarks.md)
STACKED_STEPS = 12_000

register(
    Recipe(
        name="stacked-mnist",
        chapter="beyond",
        shows="Stacked MNIST's 1,000 modes, evenly: the modern baseline on three-digit colour stacks",
        differs=(
            "not the book's: fashion-mnist's recipe as it is (the main job's convolutional pair "
            "with three colour channels, relativistic pairing loss, R1 + R2 γ 0.1 every 16 "
            f"steps, Adam lr 1e-3 betas (0, 0.99), EMA 0.999, batch 128), {STACKED_STEPS:,} steps"
        ),
        config=replace(
            FASHION_CONFIG,
            recipe="stacked-mnist",
            data=DataConfig("stacked-mnist"),
            train=replace(FASHION_CONFIG.train, steps=STACKED_STEPS),
        ),
    )
)

register(
    Recipe(
        name="images",
        chapter="beyond",
        shows="a GAN of your own pictures: gankit train images --data images:DIR",
        differs=(
            "not the book's: dcgan-faces64's DCGAN pair and schedule (non-saturating loss, width "
            "32, batch 32, G's lr 1e-3 against D's 2e-4, betas (0.5, 0.999)) at the images' own "
            "resolution (centre crop up to 128; data.size to change it), EMA 0.999 for sampling, "
            "DiffAugment under 10,000 images; --set model.generator=resnet "
            "--set model.discriminator=resnet --set loss.name=rpgan is the R3GAN-style option"
        ),
        config=replace(
            FACES64_CONFIG,
            recipe="images",
            data=DataConfig("images"),
            train=replace(FACES64_CONFIG.train, epochs=100),
            reg=RegularizerConfig(ema=0.999, augment="auto"),
        ),
    )
)
