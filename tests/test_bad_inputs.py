"""The bad-input corpus (tests/bad_inputs/cases.txt): every case exits 2 with its one-line error."""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from gankit.data import SPECS

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
sys.path.insert(0, str(CORPUS))
from makers import MAKERS  # noqa: E402  (the corpus folder is not a package)


@dataclass(frozen=True)
class Case:
    name: str
    args: str
    error: str
    needs: str = ""


def read_cases(path: Path = CORPUS / "cases.txt") -> list[Case]:
    """One case per line: `name | arguments | expected error [| needs=SPEC]`."""
    cases = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        assert len(parts) in (3, 4), f"cases.txt line {number}: expected 3 or 4 fields"
        needs = parts[3].removeprefix("needs=") if len(parts) == 4 else ""
        cases.append(Case(parts[0], parts[1], parts[2], needs))
    return cases


CASES = read_cases()


def expand(args: str, tmp: Path) -> list[str]:
    """Fill {files}, {tmp} and {make:NAME} in a case's arguments."""

    def make(match: re.Match) -> str:
        folder = tmp / f"made-{match.group(1)}"
        folder.mkdir()
        return str(MAKERS[match.group(1)](folder))

    (tmp / "case").mkdir()
    text = re.sub(r"\{make:([\w-]+)\}", make, args)
    text = text.replace("{files}", str(CORPUS / "files")).replace("{tmp}", str(tmp / "case"))
    return shlex.split(text)


def test_the_corpus_is_large_and_well_formed():
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names), "case names repeat"
    assert len([c for c in CASES if not c.needs]) >= 40
    for case in CASES:
        for made in re.findall(r"\{make:([\w-]+)\}", case.args):
            assert made in MAKERS, f"{case.name}: no maker '{made}'"
        re.compile(case.error)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gives_its_one_line_error(case, cli, tmp_path, monkeypatch):
    if case.needs and case.needs not in SPECS:
        pytest.skip(f"waits for the '{case.needs}' data spec")
    monkeypatch.chdir(tmp_path)  # nothing a case might write lands in the repository
    code, _, err = cli(*expand(case.args, tmp_path))
    assert code == 2, f"exit code {code}; stderr: {err[-2000:]}"
    assert err.startswith("error: ") and err.count("\n") == 1, err[-2000:]
    assert "Traceback" not in err
    assert re.search(case.error, err.strip()), f"expected /{case.error}/, got: {err.strip()}"
    assert not (tmp_path / "runs").exists(), "a refused command wrote a run folder"
