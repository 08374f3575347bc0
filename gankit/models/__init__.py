"""Generators, discriminators and classifiers, built by name. See `registry`."""

from gankit.models import book_conv, classifiers, conv28, dcgan, mlp  # noqa: F401  (registers)
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
