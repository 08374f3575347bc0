"""Generators, discriminators and (later) classifiers, built by name. See `registry`."""

from gankit.models import conditional, mlp  # noqa: F401  (each registers its models)
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
