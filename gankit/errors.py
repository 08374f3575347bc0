"""The one exception type for bad input: the CLI turns it into `error: …` and exit code 2."""


class GankitError(Exception):
    """A user-facing problem with input (a file, a spec, an option): one line, no traceback.

    Example:
        >>> raise GankitError("mnist.csv row 3: expected 785 columns, found 12")
        Traceback (most recent call last):
        gankit.errors.GankitError: mnist.csv row 3: expected 785 columns, found 12
    """
