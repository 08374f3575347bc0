"""Recipes: named, reproducible configurations. One module per group registers its recipes.

book.py   the book's GANs (ch. 6–7), batched by default
faces.py  the face GANs (ch. 8–9) and the standard DCGAN at 64×64
main.py   `mnist`, the main job: the best unconditional MNIST GAN for 2 CPU cores
classifiers.py  the book's classifiers (ch. 2, 3, 9) and the feature CNNs of the metrics
conditional.py  conditional GANs (ch. 10): `cgan-mnist`, `cdcgan-mnist`, `cdcgan-fashion-mnist`
modern.py  RpGAN + R1 + R2 on any data: `fashion-mnist`, `images` (your own folder)
"""

from __future__ import annotations

from dataclasses import dataclass

from gankit.config import Config
from gankit.errors import GankitError, did_you_mean


@dataclass(frozen=True)
class Recipe:
    """A named config with the story around it.

    Example:
        >>> get_recipe("gan-1010").chapter
        'ch. 6'
    """

    name: str
    chapter: str  # where in the book, or "beyond"
    shows: str  # one line: what running it shows
    differs: str  # where it differs from the book, and why
    config: Config


RECIPES: dict[str, Recipe] = {}


def register(recipe: Recipe) -> Recipe:
    if recipe.name in RECIPES:
        raise ValueError(f"recipe {recipe.name} registered twice")
    RECIPES[recipe.name] = recipe
    return recipe


def get_recipe(name: str) -> Recipe:
    _load_all()
    if name not in RECIPES:
        hint = did_you_mean(name, RECIPES)
        raise GankitError(f"unknown recipe '{name}'{hint}; valid: {', '.join(sorted(RECIPES))}")
    return RECIPES[name]


def all_recipes() -> list[Recipe]:
    _load_all()
    return list(RECIPES.values())


def _load_all() -> None:
    from gankit.recipes import (  # noqa: F401  (each registers its recipes)
        benchmarks,
        book,
        classifiers,
        conditional,
        faces,
        main,
        modern,
    )
