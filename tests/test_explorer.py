"""The explorer's API (`gankit serve`): every endpoint on a real loopback server, bad parameters."""

from __future__ import annotations

import io
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import torch
from PIL import Image

import gankit
from gankit.cli import main
from gankit.errors import GankitError
from gankit.explorer.model import Explorer, Picture, samples_png

pytest.importorskip("fastapi", reason="the explorer needs fastapi")
httpx = pytest.importorskip("httpx")
from gankit.explorer import create_app, running  # noqa: E402

pytestmark = pytest.mark.usefixtures("single_thread")


@pytest.fixture(scope="module")
def plain(tiny_run):
    with running(create_app(tiny_run)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def cond(tiny_conditional_run):
    with running(create_app(tiny_conditional_run)) as url, httpx.Client(base_url=url) as client:
        yield client


def png(response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_info_describes_the_run(plain, cond):
    info = plain.get("/api/info").json()
    assert info["shape"] == [1, 28, 28] and info["is_image"]
    assert info["conditional"] is False and len(info["classes"]) == 10  # the data's labels
    assert info["config"]["recipe"] == "gan-mnist" and info["latent_dim"] == 100
    assert info["steps"] == 10 and info["limits"]["n"] == 256
    info = cond.get("/api/info").json()
    assert info["conditional"] is True and len(info["classes"]) == 10


def test_sample_is_run_sample_as_a_grid(plain, tiny_run):
    r = plain.get("/api/sample", params={"seed": 3, "n": 4})
    assert png(r).size == (4 * (2 * 30 + 2), 4 * (2 * 30 + 2))  # 2×2 grid of 28 + padding, ×4
    expected = samples_png(gankit.load_run(tiny_run).sample(4, seed=3))
    assert r.content == expected
    assert plain.get("/api/sample", params={"seed": 4, "n": 4}).content != r.content


def test_sliders_move_the_samples(plain):
    still = plain.get("/api/sample", params={"seed": 3, "n": 4, "d0": 0}).content
    moved = plain.get("/api/sample", params={"seed": 3, "n": 4, "d0": 2.5}).content
    other = plain.get("/api/sample", params={"seed": 3, "n": 4, "d2": 2.5}).content
    assert still == plain.get("/api/sample", params={"seed": 3, "n": 4}).content
    assert len({still, moved, other}) == 3


def test_psi_narrows_every_picture_and_1_draws_as_trained(plain, tiny_run):
    assert plain.get("/api/info").json()["truncation"] == 1.0  # the run's own
    base = {"seed": 3, "n": 4}
    as_run = plain.get("/api/sample", params=base).content
    assert plain.get("/api/sample", params={**base, "psi": 1}).content == as_run
    narrow = plain.get("/api/sample", params={**base, "psi": 0.5}).content
    assert narrow != as_run
    expected = samples_png(gankit.load_run(tiny_run, truncation=0.5).sample(4, seed=3))
    assert narrow == expected  # the same pictures as `gankit sample --truncation 0.5`
    assert plain.get("/api/sample", params=base).content == as_run  # nothing left behind
    walk = {"seed_a": 0, "seed_b": 1}
    for path in ("/api/strip", "/api/interpolate"):
        wide = plain.get(path, params=walk).content
        assert plain.get(path, params={**walk, "psi": 0.5}).content != wide


def test_labels_choose_the_class(cond):
    threes = png(cond.get("/api/sample", params={"seed": 1, "n": 4, "label": 3}))
    fours = png(cond.get("/api/sample", params={"seed": 1, "n": 4, "label": 4}))
    assert threes.tobytes() != fours.tobytes()
    moved = cond.get("/api/sample", params={"seed": 1, "n": 4, "label": 3, "d1": -2})
    assert png(moved).tobytes() != threes.tobytes()


def test_interpolation_runs_from_seed_a_to_seed_b(plain, cond):
    for client in (plain, cond):
        ends = [
            client.get("/api/interpolate", params={"seed_a": 5, "seed_b": 9, "t": t}).content
            for t in (0, 0.5, 1)
        ]
        assert ends[0] == client.get("/api/sample", params={"seed": 5, "n": 1}).content
        assert ends[2] == client.get("/api/sample", params={"seed": 9, "n": 1}).content
        assert ends[1] not in (ends[0], ends[2])
    slerp = plain.get("/api/interpolate", params={"seed_a": 5, "seed_b": 9, "mode": "slerp"})
    assert slerp.content != ends[1]


def test_strip_holds_every_step(plain, cond):
    strip = png(plain.get("/api/strip", params={"seed_a": 1, "seed_b": 2, "steps": 5}))
    assert strip.size == (4 * (5 * 30 + 2), 4 * 32)
    labelled = cond.get("/api/strip", params={"seed_a": 1, "seed_b": 2, "label": 7})
    assert png(labelled).size == (4 * (8 * 30 + 2), 4 * 32)


BAD = [
    ("/api/sample", {"n": 0}, "n:"),
    ("/api/sample", {"n": 257}, "n:"),
    ("/api/sample", {"seed": -1}, "seed:"),
    ("/api/sample", {"seed": 2**63}, "seed:"),
    ("/api/sample", {"seed": "abc"}, "seed:"),
    ("/api/sample", {"d0": 4.5}, "d0:"),
    ("/api/sample", {"d1": "nan"}, "d1:"),
    ("/api/sample", {"label": 2}, "not conditional"),
    ("/api/interpolate", {"t": 1.5}, "t:"),
    ("/api/interpolate", {"t": "nan"}, "t:"),
    ("/api/interpolate", {"mode": "cubic"}, "mode:"),
    ("/api/interpolate", {"seed_b": -3}, "seed_b:"),
    ("/api/strip", {"steps": 1}, "steps:"),
    ("/api/strip", {"steps": 33}, "steps:"),
    ("/api/sample", {"psi": 0}, "psi:"),
    ("/api/strip", {"psi": 1.5}, "psi:"),
]


@pytest.mark.parametrize(("path", "params", "named"), BAD)
def test_bad_parameters_answer_400_naming_them(plain, path, params, named):
    r = plain.get(path, params=params)
    assert r.status_code == 400
    assert named in r.json()["error"]


@pytest.mark.parametrize("label", [10, -1, "seven"])
def test_bad_labels_answer_400(cond, label):
    r = cond.get("/api/sample", params={"label": label})
    assert r.status_code == 400 and "label" in r.json()["error"]


def test_the_page_and_nothing_else_from_disk(plain):
    page = plain.get("/")
    assert page.status_code == 200 and '<script src="/explorer.js">' in page.text
    assert "loadImage" in plain.get("/explorer.js").text
    for path in ("/config.json", "/static/index.html", "/api/../config.json", "/docs"):
        assert plain.get(path).status_code == 404, path
    metrics = plain.get("/api/metrics").json()
    assert [r["step"] for r in metrics["rows"]] == [2, 4, 6, 8, 10]
    assert metrics["ideal_d"] == pytest.approx(0.6931, abs=1e-4)


def test_concurrent_requests_get_the_same_pictures(plain):
    params = [{"seed": s % 4, "n": 9, "d0": 1.0 if s % 2 else 0.0} for s in range(32)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: plain.get("/api/sample", params=p), params))
    assert all(a.status_code == 200 for a in answers)
    for p, a in zip(params, answers, strict=True):
        assert a.content == answers[params.index(p)].content  # same question, same picture


def test_vectors_draw_as_rows_of_cells():
    v = torch.rand(3, 4, generator=torch.Generator().manual_seed(0))  # three 1010-style samples
    image = Image.open(io.BytesIO(samples_png(v))).convert("L")
    assert image.size == (32 * (4 + 2 + 2), 32 * (3 * 3 + 2))  # one column, 2-pixel padding
    for i in range(3):
        for j in range(4):
            cell = image.getpixel(((2 + j) * 32 + 16, (2 + 3 * i) * 32 + 16))
            assert abs(cell - v[i, j].item() * 255) <= 1


def test_explorer_refuses_labels_for_plain_runs(tiny_run):
    ex = Explorer(gankit.load_run(tiny_run))
    with pytest.raises(GankitError, match="not conditional"):
        ex.sample(Picture(seed=0, n=2, label=1))


def test_serve_refuses_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert main(["serve", str(tmp_path)]) == 2
    assert "not a gankit run folder" in capsys.readouterr().err
    assert main(["serve", str(tmp_path), "--port", "70000"]) == 2


def test_serve_names_a_port_already_taken(tiny_run, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", str(tiny_run), "--port", str(port)]) == 2
    assert f"--port {port}: cannot listen" in capsys.readouterr().err


def test_classes_in_turn_make_the_columns(cond):
    grid = png(cond.get("/api/sample", params={"seed": 0, "n": 20}))
    assert grid.size == (4 * (10 * 30 + 2), 4 * (2 * 30 + 2))  # 10 columns, one per class
    one_class = png(cond.get("/api/sample", params={"seed": 0, "n": 20, "label": 1}))
    assert one_class.size == (4 * (5 * 30 + 2), 4 * (4 * 30 + 2))  # square-ish: 5 × 4
