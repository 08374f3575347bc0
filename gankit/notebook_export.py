"""The chapter notebooks: percent-format sources shipped in gankit/notebooks/, written out as .ipynb.

The sources are plain Python files in jupytext's percent format (`# %%` starts a code cell,
`# %% [markdown]` a text cell whose lines start with `# `), so they are reviewed, diffed and linted
like code and carry no outputs. `gankit notebooks --out DIR` turns them into notebooks with this
small reader, so that a plain `pip install gankit` can write them without jupytext.

Example:
    >>> nb = to_notebook("# %% [markdown]\\n# # Title\\n\\n# %%\\nx = 1\\n")
    >>> [c["cell_type"] for c in nb["cells"]]
    ['markdown', 'code']
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from gankit.errors import GankitError

_CELL = re.compile(r"^# %%(?P<rest>.*)$")
_KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def sources() -> dict[str, str]:
    """Notebook name (the file's stem) → its percent-format source: chapters, appendices, beyond."""
    folder = resources.files("gankit") / "notebooks"
    files = [f for f in folder.iterdir() if f.name.endswith(".py")]
    files.sort(key=lambda f: (not f.name.startswith("ch"), f.name != "appendices.py", f.name))
    return {f.name[:-3]: f.read_text(encoding="utf-8") for f in files}


def _metadata(rest: str) -> tuple[str, dict]:
    """The cell type and metadata after `# %%`: `[markdown]` and `key=<JSON>` pairs."""
    rest = rest.strip()
    kind = "code"
    if rest.startswith("[markdown]"):
        kind, rest = "markdown", rest[len("[markdown]") :].strip()
    meta, decoder = {}, json.JSONDecoder()
    while rest:
        key, sep, value = rest.partition("=")
        if not sep or not key.strip().isidentifier():
            raise GankitError(f"notebook cell marker '# %% {rest}': expected key=<JSON> pairs")
        meta[key.strip()], end = decoder.raw_decode(value)
        rest = value[end:].strip()
    return kind, meta


def _cell(kind: str, meta: dict, lines: list[str], index: int) -> dict:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if kind == "markdown":
        lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
    source = "\n".join(lines)
    cell = {"cell_type": kind, "id": f"cell-{index}", "metadata": meta, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def to_notebook(text: str) -> dict:
    """A percent-format source as an nbformat 4.5 notebook (a dict, ready for json.dump)."""
    cells, kind, meta, lines = [], "code", {}, []
    for line in text.splitlines():
        marker = _CELL.match(line)
        if marker is None:
            lines.append(line)
            continue
        if any(s.strip() for s in lines):
            cells.append(_cell(kind, meta, lines, len(cells)))
        kind, meta = _metadata(marker["rest"])
        lines = []
    if any(s.strip() for s in lines):
        cells.append(_cell(kind, meta, lines, len(cells)))
    metadata = {"kernelspec": _KERNEL, "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def write_notebooks(out: Path, force: bool = False) -> list[Path]:
    """Write every chapter notebook into `out` as NAME.ipynb; refuse to overwrite without `force`.

    Example:
        >>> write_notebooks(Path("notebooks"))  # doctest: +SKIP
        [PosixPath('notebooks/appendices.ipynb'), ...]
    """
    notebooks = {name: to_notebook(text) for name, text in sources().items()}
    paths = [out / f"{name}.ipynb" for name in notebooks]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise GankitError(f"{existing[0]}: exists; pass --force to overwrite the notebooks")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, nb in zip(paths, notebooks.values(), strict=True):
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as e:
        raise GankitError(f"{e.filename or out}: cannot write ({e.strerror or e})") from None
    return paths
