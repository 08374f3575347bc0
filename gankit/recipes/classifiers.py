"""Classifiers: the book's three MNIST classifiers (ch. 2, 3, 9) and the feature CNNs of the metrics.

The book trains one image at a time for 3 epochs of 60,000 digits. The batched recipes keep the
models, losses and optimisers (with larger learning rates for fewer steps) and run 20 epochs of the
4,000 embedded digits; on full MNIST or Fashion-MNIST pass `--epochs 3`, the book's.
Each ch. 3 refinement alone is one `--set` on `classifier-mnist-simple`:
`loss.name=bce`, `model.c.activation=leaky-relu`, `train.optimizer=adam --set train.lr=1e-3`,
`model.c.norm=true`.
"""

from __future__ import annotations

from gankit.config import Config, DataConfig, LossConfig, ModelConfig, TrainConfig
from gankit.recipes import Recipe, register
from gankit.recipes.layers import LEAKY_LN_200, SIGMOID_200

# ch. 2: Linear(784,200) → Sigmoid → Linear(200,10) → Sigmoid
_SIMPLE = SIGMOID_200
# ch. 3: Linear(784,200) → LeakyReLU(0.02) → LayerNorm(200) → Linear(200,10) → Sigmoid
_REFINED = LEAKY_LN_200


def _classifier(name, spec, model, c, loss, train) -> Config:
    return Config(
        recipe=name,
        task="classifier",
        data=DataConfig(spec),
        model=ModelConfig(classifier=model, c=c),
        loss=LossConfig(loss),
        train=train,
    )


register(
    Recipe(
        name="classifier-mnist-simple",
        chapter="ch. 2",
        shows="the book's first network: 784 → 200 sigmoid → 10, MSE, SGD; the loss curve falls",
        differs=(
            "batch 20 at SGD lr 1.0 (the book: batch 1, lr 0.01): the sigmoid outputs' MSE "
            "gradients are small; 20 epochs of the 4,000 digits"
        ),
        config=_classifier(
            "classifier-mnist-simple",
            "mnist",
            "mlp",
            _SIMPLE,
            "mse",
            TrainConfig(batch_size=20, epochs=20, optimizer="sgd", lr=1.0),
        ),
    )
)

register(
    Recipe(
        name="classifier-mnist",
        chapter="ch. 3",
        shows="the refinements together: LeakyReLU, LayerNorm, BCE, Adam",
        differs="batch 32 (the book: batch 1); 20 epochs of the 4,000 digits",
        config=_classifier(
            "classifier-mnist",
            "mnist",
            "mlp",
            _REFINED,
            "bce",
            TrainConfig(batch_size=32, epochs=20, optimizer="adam", lr=1e-3),
        ),
    )
)

register(
    Recipe(
        name="classifier-mnist-cnn",
        chapter="ch. 9",
        shows="the book's CNN classifier: two strided convolutions with BatchNorm, BCE, Adam",
        differs=(
            "batch 32, Adam lr 3e-3 with a one-cycle schedule (the book: batch 1, lr 1e-3); "
            "20 epochs of the 4,000 digits; on Fashion-MNIST 5 epochs reach 87%"
        ),
        config=_classifier(
            "classifier-mnist-cnn",
            "mnist",
            "cnn-book",
            {},
            "bce",
            TrainConfig(
                batch_size=32, epochs=20, optimizer="adam", lr=3e-3, lr_schedule="one-cycle"
            ),
        ),
    )
)

# The metrics' feature extractors: trained once per data spec and cached (gankit.metrics.features).
_FEATURES_TRAIN = {"optimizer": "adam", "lr": 3e-3, "lr_schedule": "one-cycle", "batch_size": 64}

register(
    Recipe(
        name="features-mnist",
        chapter="beyond",
        shows="the feature CNN behind FID, KID, precision/recall and mode coverage on digits",
        differs="not in the book: a small VGG-style CNN, cross-entropy, one-cycle Adam",
        config=_classifier(
            "features-mnist", "mnist", "cnn", {}, "ce", TrainConfig(epochs=15, **_FEATURES_TRAIN)
        ),
    )
)

register(
    Recipe(
        name="features-fashion-mnist",
        chapter="beyond",
        shows="the feature CNN behind the metrics on Fashion-MNIST",
        differs="not in the book: a small VGG-style CNN, cross-entropy, one-cycle Adam",
        config=_classifier(
            "features-fashion-mnist",
            "fashion-mnist",
            "cnn",
            {},
            "ce",
            TrainConfig(epochs=3, **_FEATURES_TRAIN),
        ),
    )
)
