"""The book's small demonstrations (ch. 1, ch. 4, appendices A–D): `gankit explain TOPIC`.

Each topic is one short module with a `run(out, console, **options) -> Result`: it prints a concise
explanation, writes its PNG figures under `out`, and returns the numbers it showed, so tests can check
them against the book's.

Example:
    >>> result = explain("ideal-loss", Path("explain/ideal-loss"))  # doctest: +SKIP
    >>> round(result.numbers["bce"], 3)  # doctest: +SKIP
    0.693
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from gankit.errors import GankitError


@dataclass
class Result:
    """What a topic showed: named numbers (for tests and scripts) and the figures it wrote."""

    numbers: dict[str, float] = field(default_factory=dict)
    figures: list[Path] = field(default_factory=list)


# topic → (module under gankit.explain, one line: what it shows); modules load on demand
TOPICS: dict[str, tuple[str, str]] = {
    "autograd": ("autograd", "ch. 1, gradients by autograd and by hand"),
    "cuda": ("cuda", "ch. 4, one matrix product: Python, NumPy, PyTorch"),
    "ideal-loss": ("ideal_loss", "appendix A, the losses when D outputs 0.5"),
    "probability": ("probability", "appendix B, GANs learn probabilities"),
    "conv-size": ("conv_size", "appendix C, convolution output sizes"),
    "convergence": ("convergence", "appendix D, the x·y game and stable updates"),
}


def explain(
    topic: str, out: Path | None = None, console: Console | None = None, **options
) -> Result:
    """Run demonstration `topic`, printing to `console` and writing figures under `out`.

    `out` defaults to `explain/<topic>/`; `options` are the topic's own (conv-size only today).

    Example:
        >>> explain("autograd", Path("/tmp/autograd")).numbers["dz/dx"]  # doctest: +SKIP
        14.0
    """
    if topic not in TOPICS:
        raise GankitError(f"topic '{topic}': expected one of {', '.join(TOPICS)}")
    module = importlib.import_module(f"gankit.explain.{TOPICS[topic][0]}")
    accepted = inspect.signature(module.run).parameters
    unknown = [k for k in options if k not in accepted or k in ("out", "console")]
    if unknown:
        flags = ", ".join("--" + ("in" if k == "size" else k.replace("_", "-")) for k in unknown)
        raise GankitError(f"{flags}: not an option of topic '{topic}' (those belong to conv-size)")
    out = Path(out) if out is not None else Path("explain") / topic
    console = console or Console()
    console.rule(f"{topic}: {TOPICS[topic][1]}")
    return module.run(out, console, **options)
