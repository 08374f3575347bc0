"""The one exception type for bad input: the CLI turns it into `error: …` and exit code 2."""

from __future__ import annotations

import difflib


class GankitError(Exception):
    """A user-facing problem with input (a file, a spec, an option): one line, no traceback.

    Example:
        >>> raise GankitError("mnist.csv row 3: expected 785 columns, found 12")
        Traceback (most recent call last):
        gankit.errors.GankitError: mnist.csv row 3: expected 785 columns, found 12
    """


def did_you_mean(word: str, choices) -> str:
    """' (did you mean X?)' for the closest of `choices` to a mistyped `word`, else '': for the
    errors that then list every valid choice, which can run long.

    Example:
        >>> did_you_mean("train.lr_gg", ["train.lr_g", "train.lr_d"])
        ' (did you mean train.lr_g?)'
        >>> did_you_mean("warp.speed", ["train.lr_g"])
        ''
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""
