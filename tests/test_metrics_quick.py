"""The few seconds' verdict at the end of `gankit train`: what it says, and when it stays silent."""

import pytest
import torch

from gankit.metrics.features import cached_cnn, cached_cnn_path
from gankit.metrics.quick import quick_verdict, verdict_line

pytestmark = pytest.mark.usefixtures("single_thread")


def one_hot(labels: list[int], k: int = 10, p: float = 0.95) -> torch.Tensor:
    """Class probabilities (N, K) that put `p` on each label and share the rest."""
    out = torch.full((len(labels), k), (1 - p) / (k - 1))
    out[torch.arange(len(labels)), torch.tensor(labels)] = p
    return out


def test_an_even_confident_set_reads_as_such():
    line = verdict_line(one_hot(list(range(10)) * 5), one_hot(list(range(10)) * 5), "digits")
    assert line.startswith("a classifier of real digits reads 100% of 50 samples confidently")
    assert "(real test digits: 100%)" in line and line.endswith("all 10 appear, spread evenly")


def test_a_collapsed_set_is_called_mode_collapse():
    fake = one_hot([7] * 40 + [1] * 10)
    line = verdict_line(fake, one_hot(list(range(10))), "digits")
    assert "only 2 of the 10 appear: a sign of mode collapse" in line


def test_unsure_and_uneven_samples_are_counted():
    fake = torch.cat([one_hot([3] * 30), one_hot(list(range(10)) * 2, p=0.5)])  # 50 samples
    line = verdict_line(fake, one_hot(list(range(10))), "digits")
    assert "reads 60% of 50 samples" in line  # the 20 at p = 0.5 are not confident
    assert "unevenly (4% to 64% each)" in line


def test_silent_without_a_cached_classifier(tiny_run, tmp_path, monkeypatch):
    import gankit

    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path / "empty"))
    assert quick_verdict(gankit.load_run(tiny_run)) is None  # never trains one at the end of a run


def test_silent_where_the_data_has_no_test_split(tiny_run, tmp_path, monkeypatch):
    import gankit

    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path / "cache"))
    run = gankit.load_run(tiny_run)  # trained on a lone CSV: nothing to compare with
    cnn = cached_cnn_path(run.config.data.spec, "features-mnist")
    cnn.mkdir(parents=True)
    (cnn / "classifier.safetensors").touch()  # as if cached: the missing test file decides
    assert quick_verdict(run) is None


def test_the_end_of_train_names_the_grid_and_the_next_step(cli, digits_csv, tmp_path, monkeypatch):
    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path / "empty"))
    out = tmp_path / "run"
    code, stdout, _ = cli(
        "train", "gan-mnist", "--data", f"mnist:{digits_csv}", "--out", out, "--steps", "4",
        "--quiet", "--set", "train.batch_size=16", "--set", "train.sample_every=2",
    )  # fmt: skip
    assert code == 0
    assert f"final samples: {out / 'samples' / 'step-000004.png'}" in stdout.replace("\n", "")
    assert f"gankit evaluate {out}" in stdout.replace("\n", "")


def test_the_verdict_uses_the_cached_classifier(tmp_path, monkeypatch):
    import gankit

    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path / "cache"))
    tiny = {"model.c.width": 8, "model.c.dim": 32}
    cached_cnn("mnist", progress=False, steps=20, batch_size=32, set=tiny)
    run = gankit.train("gan-mnist", out=tmp_path / "run", steps=3, progress=False)
    line = quick_verdict(run, n=200)
    assert line is not None and line.startswith("a classifier of real digits reads ")
    assert "of 200 samples" in line
