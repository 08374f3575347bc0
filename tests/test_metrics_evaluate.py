"""`gankit evaluate`: eval.json with the floor, the cached feature CNN, pattern and classifier runs.

A temporary $GANKIT_CACHE holds a feature CNN trained for a few steps, so nothing depends on a
cache that already exists.
"""

import hashlib
import json

import pytest
import torch

import gankit
from gankit.cli import main
from gankit.errors import GankitError
from gankit.metrics.evaluate import evaluate
from gankit.metrics.features import cached_cnn, cached_cnn_path, get_extractor
from tests.test_metrics_modes import TINY

KEYS = {
    "fid",
    "kid_mean",
    "kid_std",
    "precision",
    "recall",
    "density",
    "coverage",
    "classes_covered",
    "class_kl",
}


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        root = tmp_path_factory.mktemp("cache")
        mp.setenv("GANKIT_CACHE", str(root))
        tiny = {"model.c.width": 8, "model.c.dim": 32}  # a tiny extractor: seconds, not a minute
        cached_cnn("mnist", progress=False, steps=40, batch_size=32, set=tiny)
        yield root


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("gan") / "run"
    return gankit.train("gan-mnist", out=out, steps=5, progress=False)


def test_cached_cnn_is_trained_once_and_reused(cache):
    path = cached_cnn_path("mnist", "features-mnist")
    assert path.parent.parent == cache and path.name.startswith("features-mnist-")
    weights = path / "classifier.safetensors"
    before = weights.stat().st_mtime_ns
    run = cached_cnn("mnist", progress=False)
    assert weights.stat().st_mtime_ns == before and run.path == path
    assert not list(path.parent.glob("*.tmp-*"))  # trained in a temporary folder, then renamed


def test_evaluate_writes_the_metrics_and_the_floor(cache, gan_run):
    doc = evaluate(gan_run.path, n=300, progress=False)
    assert set(doc) >= KEYS and set(doc["floor"]) >= KEYS
    assert doc["n"] == 300 and doc["features"].startswith("cnn") and doc["data"] == "mnist"
    assert json.loads((gan_run.path / "eval.json").read_text()) == doc
    # five steps of training make noise; real train images against real test images do not
    assert doc["fid"] > 5 * doc["floor"]["fid"]
    assert doc["floor"]["classes_covered"] == 10
    assert doc["coverage"] < doc["floor"]["coverage"]


def _csv(path, rows, seed):
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(rows) % 10
    pixels = torch.randint(0, 256, (rows, 784), generator=g)
    lines = [",".join(map(str, [int(y), *p.tolist()])) for y, p in zip(labels, pixels, strict=True)]
    path.write_text("\n".join(lines) + "\n")


def test_evaluate_against_another_spec_is_deterministic_and_n_exact(cache, gan_run, tmp_path):
    _csv(tmp_path / "tiny_train.csv", 60, 0)
    _csv(tmp_path / "tiny_test.csv", 40, 1)
    spec = f"mnist:{tmp_path / 'tiny_train.csv'}"
    a = evaluate(gan_run.path, against=spec, features="pixels", progress=False)
    b = evaluate(gan_run, against=spec, features="pixels", progress=False)
    assert a == b and a["n"] == 40  # not given: 10,000 capped at the 40 test rows
    assert a["features"] == "pixels" and a["data"] == spec
    assert evaluate(gan_run, n=13, against=spec, features="pixels", progress=False)["n"] == 13
    with pytest.raises(GankitError, match="--n 41: the reference holds 40 test and 60 train"):
        evaluate(gan_run, n=41, against=spec, features="pixels", progress=False)


@pytest.mark.parametrize("features", ["pixels", "cnn", "run"])
def test_eval_json_records_the_extractor_weights_and_splits(cache, gan_run, features):
    """Must-show 3 (fid-inception: test_metrics_fid_inception.py; torchvision's Inception shares
    this code and is checked in test_inception_weights_from_a_file)."""
    if features == "run":
        features = f"run:{cached_cnn_path('mnist', 'features-mnist')}"
    doc = evaluate(gan_run.path, n=20, features=features, progress=False)
    assert {"features", "weights_sha256", "n", "split", "floor_split"} <= set(doc)
    assert doc["n"] == 20 and doc["split"] == "test" and doc["floor_split"] == "train"
    if features == "pixels":
        assert doc["weights_sha256"] is None
    else:  # the classifier's weights file, byte for byte
        weights = cached_cnn_path("mnist", "features-mnist") / "classifier.safetensors"
        assert doc["weights_sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()


def test_explicit_n_is_honoured_for_the_benchmark_sets(tmp_path):
    """--n 10000 used to be read as "not given" (2,500 for ring-8)."""
    run = gankit.train(
        "gan-mnist", data="ring-8", out=tmp_path / "r", steps=10, set=TINY, progress=False
    )
    assert evaluate(run.path, n=10_000)["n"] == 10_000
    assert evaluate(run.path)["n"] == 2_500
    # repeats draw new samples against the same test points: the floor has no spread
    one = [evaluate(run, n=500, seed=s, save=False) for s in (0, 1)]
    doc = evaluate(run, n=500, repeats=2, save=False)
    assert doc["modes"] == min(d["modes"] for d in one) and doc["repeats"]["seeds"] == [0, 1]
    assert doc["high_quality"] == pytest.approx(
        (one[0]["high_quality"] + one[1]["high_quality"]) / 2
    )
    assert set(doc["repeats"]["floor_std"].values()) == {0.0}


def test_pattern_runs_get_the_distance_to_1010(tmp_path):
    run = gankit.train("gan-1010", out=tmp_path / "p", steps=400, progress=False)
    doc = evaluate(run.path, n=50, progress=False)
    assert set(doc) >= {"pattern_distance", "mean_output", "floor"}
    # the real data sits 0.1 from the ideal on average (U(0.8, 1) and U(0, 0.2))
    assert doc["floor"]["pattern_distance"] == pytest.approx(0.1, abs=0.01)
    assert 0.0 <= doc["pattern_distance"] <= 1.0


def test_evaluate_a_classifier_run(tmp_path):
    run = gankit.train("classifier-mnist-cnn", out=tmp_path / "c", steps=10, progress=False)
    doc = evaluate(run.path)
    assert doc["accuracy"] == run.report["accuracy"] and doc["n"] == 1000
    with pytest.raises(GankitError, match="whole test split"):  # an --n it cannot honour
        evaluate(run.path, n=500)


def test_extractors(cache, tmp_path):
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    assert get_extractor("pixels", "mnist").features(x).shape == (4, 784)
    cnn = get_extractor("auto", "mnist")
    assert cnn.features(x).shape == (4, 32) and cnn.classify(x).shape == (4,)
    run = get_extractor(f"run:{cached_cnn_path('mnist', 'features-mnist')}", "mnist")
    assert torch.equal(run.features(x), cnn.features(x))


def test_inception_weights_from_a_file(tmp_path):
    from torchvision.models import inception_v3

    torch.manual_seed(0)
    model = inception_v3(weights=None, aux_logits=False, init_weights=False)
    path = tmp_path / "inception.pth"
    torch.save(model.state_dict(), path)
    extractor = get_extractor(f"inception:{path}", "mnist")
    assert extractor.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    f = extractor.features(torch.rand(2, 1, 28, 28))
    assert f.shape == (2, 2048) and f.dtype == torch.float64
    bad = tmp_path / "bad.pth"
    torch.save({"weight": torch.zeros(2)}, bad)
    assert main(["evaluate", str(tmp_path), "--features", f"inception:{bad}"]) == 2


def test_cli_evaluate(cache, gan_run, capsys):
    code = main(["evaluate", str(gan_run.path), "--n", "200", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0 and "FID" in captured.out and "floor" in captured.out
    assert "coverage" in captured.out
    # one line: below FID-50k, and which splits the run and the floor were scored against
    (warning,) = captured.err.strip().splitlines()
    assert warning.startswith("warning: n = 200 is below the 50,000 (FID-50k)")
    assert "200 test images" in warning and "200 train images" in warning


def test_cli_evaluate_at_another_truncation_says_so(cache, gan_run, capsys):
    code = main(["evaluate", str(gan_run.path), "--n", "200", "--quiet", "--truncation", "0.8"])
    out = capsys.readouterr().out
    assert code == 0 and "seeds × 0.8" in out
    assert json.loads((gan_run.path / "eval.json").read_text())["truncation"] == 0.8
    assert evaluate(gan_run.path, n=200, progress=False)["truncation"] == 1.0  # the run's own
    written = (gan_run.path / "eval.json").read_text()
    narrow = evaluate(gankit.load_run(gan_run.path, truncation=0.5), n=200, save=False)
    assert narrow["truncation"] == 0.5 and (gan_run.path / "eval.json").read_text() == written


def test_repeats_score_disjoint_draws_and_keep_their_spread(cache, gan_run, capsys):
    one = [evaluate(gan_run, n=200, seed=s, progress=False, save=False) for s in (3, 4)]
    doc = evaluate(gan_run.path, n=200, seed=3, repeats=2, progress=False)
    assert one[0]["fid"] != one[1]["fid"]  # the two draws differ: there is a spread to show
    assert doc["fid"] == pytest.approx((one[0]["fid"] + one[1]["fid"]) / 2)
    assert doc["repeats"]["draws"]["precision"] == [d["precision"] for d in one]
    assert doc["repeats"]["seeds"] == [3, 4] and doc["n"] == 200
    assert json.loads((gan_run.path / "eval.json").read_text()) == doc
    code = main(["evaluate", str(gan_run.path), "--n", "200", "--quiet", "--repeats", "2"])
    out = capsys.readouterr().out
    assert code == 0 and "mean ± sd of 2 draws" in out and " ± " in out


def test_repeats_are_refused_where_nothing_is_drawn_again(tmp_path, capsys):
    run = gankit.train("gan-1010", out=tmp_path / "p", steps=5, progress=False)
    assert main(["evaluate", str(run.path), "--repeats", "3"]) == 2
    err = capsys.readouterr().err
    assert "--repeats 3: only image runs and the mode benchmarks" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--truncation", "2"], "--truncation 2.0: expected a factor in (0, 1]"),
        (["--features", "magic"], "--features magic"),
        (["--against", "fashion-mnist:/nonexistent"], "/nonexistent"),
        (["--n", "1"], "--n"),
        (["--n", "5"], "--n 5: expected at least 12"),
        (["--n", "5000"], "--n 5000: the reference holds 1,000 test"),
        (["--repeats", "0"], "--repeats"),
    ],
)
def test_cli_evaluate_bad_input(gan_run, capsys, args, message):
    code = main(["evaluate", str(gan_run.path), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_cli_evaluate_not_a_run(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path)]) == 2
    assert "not a gankit run folder" in capsys.readouterr().err


@pytest.mark.slow
def test_metrics_rank_the_collapsed_the_book_and_the_main_gan(trained_runs, tmp_path_factory):
    """Must-show: the book's first GAN collapses, the main job covers every digit, and FID,
    coverage, recall and class KL agree on the order. Default recipes, the real feature CNN."""
    root = tmp_path_factory.mktemp("ranking")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GANKIT_CACHE", str(root / "cache"))
        docs = {}
        for name, path in trained_runs.items():
            docs[name] = evaluate(gankit.load_run(path), progress=False)
            print(name, {k: docs[name][k] for k in sorted(KEYS)})
    first, book, main_job = docs["gan-mnist-first"], docs["gan-mnist"], docs["mnist"]
    assert first["classes_covered"] <= 3
    assert main_job["classes_covered"] == 10
    # the self-conditioned convolutional main job, RpGAN + R1 + R2 sampled at truncation 0.9
    # (three seeds, first draws: FID 1.11–1.22× the floor, precision 0.854–0.869, recall
    # 0.807–0.819; the unconditional one before it: precision 0.73–0.76), with room for other
    # hosts' rounding
    assert main_job["fid"] < 2 * main_job["floor"]["fid"]  # the bar itself
    assert main_job["recall"] > 0.76 and main_job["precision"] > 0.82
    assert first["fid"] > book["fid"] > main_job["fid"]
    assert first["coverage"] < book["coverage"] < main_job["coverage"]
    assert first["recall"] < book["recall"] < main_job["recall"]
    assert first["class_kl"] > book["class_kl"] > main_job["class_kl"]
