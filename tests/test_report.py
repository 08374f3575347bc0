"""`gankit report RUN`: a self-contained RUN/report.html with every section, also in Chromium."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from gankit.cli import main
from gankit.report import write_report

pytestmark = pytest.mark.usefixtures("single_thread")

SECTIONS = ("summary", "config", "losses", "samples", "evaluation")
EVAL = {"fid": 123.4, "kid": {"mean": 0.0125, "std": 0.002}, "label_accuracy": 0.91, "n": 1000}


@pytest.fixture
def run_copy(tiny_conditional_run, tmp_path):
    """A copy of the tiny run, so that eval.json and report.html stay in this test."""
    return shutil.copytree(tiny_conditional_run, tmp_path / "run")


def test_report_holds_every_section_and_embeds_its_images(run_copy):
    (run_copy / "eval.json").write_text(json.dumps(EVAL))
    assert main(["report", str(run_copy)]) == 0
    page = (run_copy / "report.html").read_text()
    for key in SECTIONS:
        assert f"<section id='{key}'>" in page, key
    sources = re.findall(r"<img src='([^']*)'", page)
    grids = len(list((run_copy / "samples").glob("step-*.png")))
    assert grids == 2 and len(sources) == 1 + grids  # the loss curves and every grid
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r"(src|href)=['\"]?(https?:|//|file:)", page)  # nothing from outside
    assert "<td>kid.mean</td><td class='num'>0.0125</td>" in page
    assert "<td>model.conditional</td><td class=''>true</td>" in page
    assert "ideal losses (0.693 for D, 0.693 for G)" in page


def test_report_without_eval_says_how_to_get_it(run_copy):
    page = write_report(run_copy).read_text()
    assert "No eval.json yet" in page and "gankit evaluate RUN" in page


def test_report_escapes_what_the_run_folder_says(run_copy):
    doc = json.loads((run_copy / "config.json").read_text())
    doc["device"] = "<script>alert(1)</script>"
    (run_copy / "config.json").write_text(json.dumps(doc))
    page = write_report(run_copy).read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_classifier_report_shows_its_curves_confusion_and_accuracy(tmp_path):
    out = tmp_path / "cls"
    assert (
        main(["train", "classifier-mnist-simple", "--out", str(out), "--steps", "10", "--quiet"])
        == 0
    )
    page = write_report(out).read_text()
    for key in ("summary", "config", "training", "evaluation"):
        assert f"<section id='{key}'>" in page, key
    assert "<section id='samples'>" not in page  # a classifier draws no samples
    assert len(re.findall(r"<img src='data:image/png;base64,", page)) == 3  # the three plots
    accuracy = json.loads((out / "eval.json").read_text())["accuracy"]
    assert f"<td>accuracy</td><td class='num'>{accuracy:.4g}</td>" in page
    assert re.search(r"last batch</td><td class=''>loss \d\.\d{4}, accuracy \d+\.\d%", page)


def test_report_refuses_bad_folders(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a gankit run folder" in capsys.readouterr().err
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text("{}")
    assert main(["report", str(run)]) == 2
    assert "config.json" in capsys.readouterr().err


def test_report_shows_every_section_in_chromium(chromium, run_copy, artifacts):
    (run_copy / "eval.json").write_text(json.dumps(EVAL))
    path = write_report(run_copy)
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    for key in SECTIONS:
        section = page.locator(f"section#{key}")
        assert section.is_visible(), key
        assert section.bounding_box()["height"] > 40, key
    broken = page.eval_on_selector_all("img", "xs => xs.filter(i => !(i.naturalWidth > 0)).length")
    assert broken == 0 and page.locator("img").count() == 3
    assert page.locator("section#evaluation td", has_text="label_accuracy").is_visible()
    page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    assert errors == []
    page.close()
