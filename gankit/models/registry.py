"""Models by name: a recipe names its generator and discriminator (or classifier); the registry
builds them.

Every generator takes `latent_dim`, `out_shape` and `num_classes` from the data and the config;
every discriminator and classifier takes `in_shape` and `num_classes`. The rest are the recipe's
keyword arguments.
"""

from __future__ import annotations

import inspect

from torch import nn

from gankit.errors import GankitError

GENERATORS: dict[str, type[nn.Module]] = {}
DISCRIMINATORS: dict[str, type[nn.Module]] = {}
CLASSIFIERS: dict[str, type[nn.Module]] = {}  # take in_shape, num_classes; return logits (B, K)
_INJECTED = {"latent_dim", "out_shape", "in_shape", "num_classes"}


def register_generator(name: str):
    """Class decorator: `@register_generator("mlp")` makes the class buildable by name."""

    def wrap(cls):
        GENERATORS[name] = cls
        return cls

    return wrap


def register_discriminator(name: str):
    def wrap(cls):
        DISCRIMINATORS[name] = cls
        return cls

    return wrap


def register_classifier(name: str):
    def wrap(cls):
        CLASSIFIERS[name] = cls
        return cls

    return wrap


_KINDS = {"g": "generator", "d": "discriminator", "c": "classifier"}


def _table(role: str) -> dict[str, type[nn.Module]]:
    return {"g": GENERATORS, "d": DISCRIMINATORS, "c": CLASSIFIERS}[role]


def _lookup(role: str, name: str) -> type[nn.Module]:
    table = _table(role)
    if name not in table:
        kind = _KINDS[role]
        raise GankitError(f"unknown {kind} '{name}'; valid: {', '.join(sorted(table))}")
    return table[name]


def model_args(role: str, name: str) -> dict:
    """Keyword arguments a model accepts (besides those the data supplies) with their defaults.

    Example:
        >>> "hidden" in model_args("g", "mlp")
        True
    """
    params = inspect.signature(_lookup(role, name)).parameters
    return {
        k: (None if p.default is inspect.Parameter.empty else p.default)
        for k, p in params.items()
        if k not in _INJECTED and p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def build_generator(name: str, **kwargs) -> nn.Module:
    """Build generator `name` from keyword arguments.

    Example:
        >>> g = build_generator("mlp", latent_dim=100, out_shape=(1, 28, 28), hidden=(200,))
    """
    return _build("g", name, kwargs)


def build_discriminator(name: str, **kwargs) -> nn.Module:
    return _build("d", name, kwargs)


def build_classifier(name: str, **kwargs) -> nn.Module:
    """Build classifier `name`; it maps images (B, *in_shape) to logits (B, num_classes).

    Example:
        >>> c = build_classifier("mlp", in_shape=(1, 28, 28), num_classes=10)
    """
    return _build("c", name, kwargs)


def _build(role: str, name: str, kwargs: dict) -> nn.Module:
    cls = _lookup(role, name)
    accepted = inspect.signature(cls).parameters
    unknown = sorted(set(kwargs) - set(accepted))
    if unknown:
        raise GankitError(f"model '{name}': unknown argument(s) {', '.join(unknown)}")
    try:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()})
    except (TypeError, ValueError) as e:  # e.g. hidden="wide": say which model and why
        raise GankitError(f"model '{name}': bad argument ({str(e).splitlines()[0]})") from None
