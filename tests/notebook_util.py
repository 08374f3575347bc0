"""Run the chapter notebooks in a real Jupyter kernel and compare their figures with the CLI's.

Shared by tests/test_notebooks.py (smoke length) and benchmarks/notebooks_vs_cli.py (the real run).
A figure cell names the command that draws the same figure in its metadata (`# %% cli="gankit …"`);
`compare_with_cli` trains the CLI's twin of every run the notebook made (same recipe, data, seed
and length, read from the run's config.json), runs those commands on the twins and compares pixels.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shlex
from pathlib import Path

import numpy as np
from PIL import Image

from gankit.notebook_export import sources, to_notebook

REPO = Path(__file__).resolve().parents[1]


def execute(name: str, workdir: Path, smoke: bool = True, timeout: int = 600):
    """Execute notebook `name` top to bottom in `workdir`; returns the executed nbformat notebook.

    The kernel inherits this process's environment plus GANKIT_SMOKE and a PYTHONPATH that puts
    this checkout first, so it runs the code under test.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.reads(json.dumps(to_notebook(sources()[name])), as_version=4)
    nbformat.validate(nb)
    env = _kernel_env(smoke)
    saved = dict(os.environ)
    os.environ.update(env)  # the kernel process starts from os.environ
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3")
        client.execute(cwd=str(workdir))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def _kernel_env(smoke: bool) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {"GANKIT_SMOKE": "1" if smoke else "0", "PYTHONPATH": path, "MPLBACKEND": "Agg"}


def images(cell) -> list[np.ndarray]:
    """The PNG images a code cell displayed, decoded to arrays."""
    found = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            raw = base64.b64decode(data["image/png"])
            found.append(np.asarray(Image.open(io.BytesIO(raw)).convert("RGBA")))
    return found


def cli_cells(nb) -> list[tuple[str, list[np.ndarray]]]:
    """(command, images shown) of every cell that names the command drawing its figure."""
    return [(c.metadata["cli"], images(c)) for c in nb.cells if "cli" in c.metadata]


def _gankit(args: list[str], cwd: Path) -> None:
    """`gankit ARGS` in `cwd`, in this process (the CLI's own code path, without a new start-up)."""
    from gankit.cli import main

    before = Path.cwd()
    os.chdir(cwd)
    try:
        code = main(args)
    finally:
        os.chdir(before)
    assert code == 0, f"gankit {shlex.join(args)} failed with exit code {code}"


def train_twin(run_dir: Path, nb_dir: Path, cli_dir: Path) -> None:
    """`gankit train` the same recipe, data, seed and length as the notebook's run folder."""
    cfg = json.loads((run_dir / "config.json").read_text())["config"]
    t = cfg["train"]
    length = ["--steps", str(t["steps"])] if t["steps"] > 0 else ["--epochs", str(t["epochs"])]
    rel = run_dir.relative_to(nb_dir)
    args = ["train", cfg["recipe"], "--data", cfg["data"]["spec"], "--seed", str(t["seed"])]
    _gankit([*args, *length, "--quiet", "--out", str(rel)], cli_dir)
    twin = json.loads((cli_dir / rel / "config.json").read_text())["config"]
    assert twin == cfg, f"{rel}: the CLI's config differs from the notebook's"


def compare_with_cli(nb, nb_dir: Path, cli_dir: Path) -> list[str]:
    """Train the CLI twins, draw each named figure with the CLI; returns the commands compared.

    Fails when a figure's pixels differ from the notebook's.
    """
    for config in sorted(nb_dir.glob("runs/**/config.json")):
        train_twin(config.parent, nb_dir, cli_dir)
    compared = []
    for i, (command, shown) in enumerate(cli_cells(nb)):
        assert len(shown) == 1, f"{command}: the cell showed {len(shown)} images, expected 1"
        png = cli_dir / f"figure-{i}.png"
        _gankit([*shlex.split(command)[1:], "--out", str(png)], cli_dir)
        drawn = np.asarray(Image.open(png).convert("RGBA"))
        assert drawn.shape == shown[0].shape, f"{command}: {drawn.shape} vs {shown[0].shape}"
        assert np.array_equal(drawn, shown[0]), f"{command}: pixels differ from the notebook's"
        compared.append(command)
    return compared
