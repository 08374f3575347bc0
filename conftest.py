"""pytest at the repository root: the chapter notebooks are scripts that train when imported, so
the doctest collector must not import them (tests/test_notebooks.py runs them in a kernel)."""

collect_ignore_glob = ["gankit/notebooks/*.py"]
