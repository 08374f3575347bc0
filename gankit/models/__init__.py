"""Generators, discriminators and classifiers, built by name. See `registry`."""

from gankit.models import (  # noqa: F401  (each registers its models)
    book_conv,
    classifiers,
    conditional,
    conv28,
    dcgan,
    mlp,
    resnet,
)
from gankit.models.registry import (
    CLASSIFIERS,
    DISCRIMINATORS,
    GENERATORS,
    build_classifier,
    build_discriminator,
    build_generator,
    model_args,
    register_classifier,
    register_discriminator,
    register_generator,
)

__all__ = [
    "CLASSIFIERS",
    "DISCRIMINATORS",
    "GENERATORS",
    "build_classifier",
    "build_discriminator",
    "build_generator",
    "model_args",
    "register_classifier",
    "register_discriminator",
    "register_generator",
]
