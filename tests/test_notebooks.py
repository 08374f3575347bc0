"""The chapter notebooks: each runs top to bottom in a real kernel (GANKIT_SMOKE=1) and shows an
image; the ch. 7 and ch. 10 figures equal the CLI's pixel for pixel; `gankit notebooks` writes
valid notebooks from an installed wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from gankit.notebook_export import sources, to_notebook
from tests.notebook_util import REPO, cli_cells, compare_with_cli, execute, images

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

NOTEBOOKS = list(sources())


def test_every_chapter_has_its_notebook():
    expected = {"ch01", "ch02", "ch04", "ch06", "ch07", "ch08", "ch09", "ch10"}
    assert expected <= {name[:4] for name in NOTEBOOKS}
    assert {"appendices", "beyond_the_book"} <= set(NOTEBOOKS)


def test_reader_agrees_with_jupytext():
    jupytext = pytest.importorskip("jupytext")
    for name, text in sources().items():
        ours = to_notebook(text)["cells"]
        theirs = jupytext.reads(text, fmt="py:percent").cells
        assert [c["cell_type"] for c in ours] == [c.cell_type for c in theirs], name
        assert [c["source"] for c in ours] == [c.source for c in theirs], name
        assert [c["metadata"] for c in ours] == [dict(c.metadata) for c in theirs], name


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_shows_an_image(name, tmp_path):
    (tmp_path / "nb").mkdir()
    nb = execute(name, tmp_path / "nb", smoke=True)
    shown = [image for cell in nb.cells if cell.cell_type == "code" for image in images(cell)]
    assert shown, f"{name}: no image output"
    if name == "ch07_digits":  # training reports in one line that updates in place
        texts = [
            o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", [])
        ]
        assert any(t.startswith("gan-mnist: ") and "(done)" in t for t in texts)
    if cli_cells(nb):  # ch. 7 and ch. 10: the same pixels as the CLI for the same recipe and seed
        (tmp_path / "cli").mkdir()
        compared = compare_with_cli(nb, tmp_path / "nb", tmp_path / "cli")
        assert len(compared) >= 3


def test_figure_cells_exist_in_ch07_and_ch10():
    for name in ("ch07_digits", "ch10_conditional"):
        cells = to_notebook(sources()[name])["cells"]
        assert sum("cli" in c["metadata"] for c in cells) >= 3, name


def test_notebooks_command_from_an_installed_wheel(tmp_path):
    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run([*build, "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    (wheel,) = wheels.glob("gankit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {f"gankit/notebooks/{n}.py" for n in NOTEBOOKS} <= set(names)
    site = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site)]
    subprocess.run([*install, str(wheel)], check=True, capture_output=True)
    out = tmp_path / "written"
    code = (
        "import sys, gankit; assert gankit.__file__.startswith(sys.argv[1]), gankit.__file__; "
        "from gankit.cli import main; sys.exit(main(['notebooks', '--out', sys.argv[2]]))"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(site), str(out)],
        cwd=tmp_path,
        env=env,
        text=True,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    written = sorted(out.glob("*.ipynb"))
    assert [p.stem for p in written] == sorted(NOTEBOOKS)
    for path in written:
        nb = nbformat.reads(path.read_text(), as_version=4)
        nbformat.validate(nb)
        assert json.loads(path.read_text())["cells"][0]["cell_type"] == "markdown"
