"""Generators, discriminators and (later) classifiers, built by name. See `registry`."""

from gankit.models import mlp  # noqa: F401  (registers the MLPs)
from gankit.models.registry import (
    DISCRIMINATORS,
    GENERATORS,
    build_discriminator,
    build_generator,
    model_args,
    register_discriminator,
    register_generator,
)

__all__ = [
    "DISCRIMINATORS",
    "GENERATORS",
    "build_discriminator",
    "build_generator",
    "model_args",
    "register_discriminator",
    "register_generator",
]
