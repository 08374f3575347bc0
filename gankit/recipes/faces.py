"""The face GANs: the book's ch. 8 MLP and ch. 9 convolutional GANs, and the standard DCGAN at 64×64.

Their default data is `toy-faces` (synthetic, no download); `--data celeba:FILE.h5` or
`--data images:DIR|FILE.zip` trains on CelebA or any images. Every image is centre-cropped to
128×128 as in the book's ch. 9; `data.size` resizes (dcgan-faces64: 64).
"""

from __future__ import annotations

from gankit.config import Config, DataConfig, LossConfig, ModelConfig, TrainConfig
from gankit.recipes import Recipe, register
from gankit.recipes.layers import LEAKY_LN_100, LEAKY_LN_300

# ch. 8: G Linear(100,300) → LeakyReLU → LayerNorm(300) → Linear(300, 3·H·W) → Sigmoid
_MLP_G = LEAKY_LN_300
# ch. 8: D Linear(3·H·W,100) → LeakyReLU → LayerNorm(100) → Linear(100,1) → Sigmoid
_MLP_D = LEAKY_LN_100
_CONV = {"channels": 256, "activation": "leaky-relu", "slope": 0.2}
_CONV_GELU = {"channels": 256, "activation": "gelu"}

register(
    Recipe(
        name="gan-celeba-mlp",
        chapter="ch. 8",
        shows="a fully connected GAN makes blurry but face-like colour images",
        differs=(
            "128×128 centre crops (the book: whole 218×178 images); batch 32 at Adam lr 5e-4 "
            "(the book: batch 1, lr 1e-4, 1 epoch of 20,000 CelebA images)"
        ),
        config=Config(
            recipe="gan-celeba-mlp",
            data=DataConfig("toy-faces"),
            model=ModelConfig(generator="mlp", discriminator="mlp", g=_MLP_G, d=_MLP_D),
            loss=LossConfig("bce"),
            train=TrainConfig(batch_size=32, epochs=2, lr_g=5e-4, lr_d=5e-4),
        ),
    )
)


def _conv_recipe(name: str, args: dict, shows: str, extra: str) -> Recipe:
    return Recipe(
        name=name,
        chapter="ch. 9",
        shows=shows,
        differs=(
            f"batch 32 at Adam lr 2e-4 (the book: batch 1, lr 1e-4, 2 epochs); bf16 autocast on "
            f"CUDA and on CPUs with AMX{extra}"
        ),
        config=Config(
            recipe=name,
            data=DataConfig("toy-faces"),
            model=ModelConfig(generator="book-conv", discriminator="book-conv", g=args, d=args),
            loss=LossConfig("bce"),
            train=TrainConfig(batch_size=32, epochs=2, lr_g=2e-4, lr_d=2e-4, amp_cpu=True),
        ),
    )


register(
    _conv_recipe(
        "gan-celeba-cnn",
        _CONV,
        "the book's convolutional GAN: sharper 128×128 faces than ch. 8",
        "",
    )
)
register(
    _conv_recipe(
        "gan-celeba-cnn-gelu",
        _CONV_GELU,
        "the book's own experiment: GELU instead of LeakyReLU gives sharper faces",
        "; GELU in G and D",
    )
)

# the standard DCGAN at 64×64, CPU-sized; `images` (gankit.recipes.modern) trains the same pair
FACES64_CONFIG = Config(
    recipe="dcgan-faces64",
    data=DataConfig("toy-faces", size=64),
    model=ModelConfig(generator="dcgan", discriminator="dcgan", g={"width": 32}, d={"width": 32}),
    loss=LossConfig("non-saturating"),
    train=TrainConfig(
        batch_size=32,
        epochs=5,
        lr_g=1e-3,
        lr_d=2e-4,
        betas=(0.5, 0.999),
        d_update="joint",
        amp_cpu=True,
    ),
)

register(
    Recipe(
        name="dcgan-faces64",
        chapter="beyond",
        shows="the standard DCGAN at 64×64: recognisable toy faces in 10 minutes on a CPU",
        differs=(
            "not the book's: DCGAN (Radford et al.) with BatchNorm, 4×4 kernels, logits and the "
            "non-saturating loss, Adam betas (0.5, 0.999), 64×64 images. For a CPU: half the "
            "standard widths (32), batch 32, and G's lr 1e-3 against D's 2e-4 (at 2e-4 both, D wins "
            "on toy faces and G needs far more steps); --set model.g.width=64 --set "
            "model.d.width=64 --set train.lr_g=2e-4 --batch-size 128 is pytorch/examples' model"
        ),
        config=FACES64_CONFIG,
    )
)
