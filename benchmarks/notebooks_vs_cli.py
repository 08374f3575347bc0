"""The ch. 7 and ch. 10 notebooks at their real settings against the CLI: same figures, same pixels.

Executes each notebook top to bottom in a Jupyter kernel (no GANKIT_SMOKE), times it, trains the
CLI's twin of every run it made (same recipe, data, seed and length) and compares every figure cell
with the command named in its metadata. The smoke-length version of this check is in
tests/test_notebooks.py.

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/notebooks_vs_cli.py [--keep DIR] [NAME …]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.notebook_util import compare_with_cli, execute  # noqa: E402


def check(name: str, keep: Path | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        nb_dir, cli_dir = Path(tmp) / "nb", Path(tmp) / "cli"
        nb_dir.mkdir()
        cli_dir.mkdir()
        t0 = time.perf_counter()
        nb = execute(name, nb_dir, smoke=False, timeout=3600)
        seconds = time.perf_counter() - t0
        print(f"{name}: executed at real settings in {seconds:.0f} s", flush=True)
        if keep is not None:  # the executed notebook, outputs and all, to look at
            import nbformat

            keep.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, keep / f"{name}.ipynb")
        compared = compare_with_cli(nb, nb_dir, cli_dir)
        print(f"{name}: {len(compared)} figures equal the CLI's pixel for pixel:", flush=True)
        for command in compared:
            print(f"  {command}", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    keep = None
    if "--keep" in args:  # --keep DIR: also write the executed notebooks there
        i = args.index("--keep")
        keep, args = Path(args[i + 1]), args[:i] + args[i + 2 :]
    for name in args or ["ch07_digits", "ch10_conditional"]:
        check(name, keep)
