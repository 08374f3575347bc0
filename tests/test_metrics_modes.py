import json
import math

import pytest
import torch

import gankit
from gankit.data import load_data
from gankit.data.mixtures import grid_25, ring_8
from gankit.errors import GankitError
from gankit.metrics.mode_benchmarks import (
    evaluate_modes,
    kl_to_uniform,
    mixture_modes,
    stacked_modes,
)


def test_real_ring_data_scores_like_a_perfect_generator():
    m = mixture_modes(load_data("ring-8", "test").x[:2500], ring_8())
    assert m["modes"] == 8 and m["high_quality"] == pytest.approx(0.989, abs=0.006)
    assert m["mode_kl"] < 0.01 and sum(m["mode_counts"]) == round(2500 * m["high_quality"])


def test_collapse_and_off_mode_samples_by_hand():
    mix = grid_25()
    one_mode = torch.full((100, 2), 2.0) + torch.tensor([0.0, 0.1])  # 2σ from (2, 2)
    m = mixture_modes(one_mode, mix)
    assert (m["modes"], m["high_quality"]) == (1, 1.0)
    assert m["mode_kl"] == pytest.approx(math.log(25))  # all mass on 1 of 25
    between = torch.full((10, 2), 1.0)  # halfway between modes: not high quality
    m = mixture_modes(between, mix)
    assert (m["modes"], m["high_quality"], m["mode_kl"]) == (0, 0.0, None)
    half = torch.cat([mix.means[:2], between[:2]])  # two good samples on two modes, two bad
    m = mixture_modes(half, mix)
    assert (m["modes"], m["high_quality"]) == (2, 0.5)
    assert m["mode_kl"] == pytest.approx(math.log(25 / 2))


def test_kl_to_uniform_by_hand():
    assert kl_to_uniform(torch.tensor([5, 5, 5, 5])) == pytest.approx(0.0)
    # p = (3/4, 1/4, 0, 0) against 1/4: 3/4 log 3 + 1/4 log 1
    assert kl_to_uniform(torch.tensor([3, 1, 0, 0])) == pytest.approx(0.75 * math.log(3))


def _stub_classifier(images):
    """Reads a digit from a flat grey channel: value (d + 0.5)/10 → d."""
    return (images.flatten(1).mean(1) * 10).long().clamp(0, 9)


def _stacks(modes):
    digits = torch.stack([modes // 100, modes // 10 % 10, modes % 10], dim=1)  # (N, 3)
    return ((digits.float() + 0.5) / 10)[:, :, None, None].expand(-1, 3, 28, 28)


def test_stacked_modes_counts_three_digit_modes_with_a_classifier():
    every = stacked_modes(_stacks(torch.arange(1000).repeat(3)), _stub_classifier)
    assert every["modes"] == 1000 and every["mode_kl"] == pytest.approx(0.0, abs=1e-12)
    ten = stacked_modes(_stacks(torch.arange(10) * 111), _stub_classifier)  # 000, 111, … 999
    assert ten["modes"] == 10 and ten["mode_kl"] == pytest.approx(math.log(100))
    with pytest.raises(GankitError, match="expected images"):
        stacked_modes(torch.rand(4, 1, 28, 28), _stub_classifier)


TINY = {
    "model.g.hidden": [16], "model.d.hidden": [16], "model.g.output": "linear",
    "train.log_every": 5, "train.sample_every": 10, "model.latent_dim": 4,
}  # fmt: skip


def test_evaluate_modes_writes_eval_json_with_the_floor(tmp_path):
    run = gankit.train(
        "gan-mnist", data="ring-8", out=tmp_path / "r", steps=10, set=TINY, progress=False
    )
    doc = evaluate_modes(run, n=500)
    saved = json.loads((tmp_path / "r" / "eval.json").read_text())
    assert saved == doc and doc["n"] == 500 and doc["data"] == "ring-8"
    assert 0 <= doc["high_quality"] <= 1 and 0 <= doc["modes"] <= 8
    assert doc["floor"]["modes"] == 8 and doc["floor"]["high_quality"] > 0.97
    assert (tmp_path / "r" / "samples" / "step-000010.png").is_file()  # 2-D scatter plots


def test_evaluate_modes_on_stacked_mnist_with_a_stub_classifier(tmp_path):
    tiny = {k: v for k, v in TINY.items() if k != "model.g.output"}
    run = gankit.train(
        "gan-mnist", data="stacked-mnist", out=tmp_path / "s", steps=2, set=tiny, progress=False
    )
    doc = evaluate_modes(run, n=300, classify=_stub_classifier)
    assert doc["modes_total"] == 1000 and 1 <= doc["modes"] <= 300 and doc["mode_kl"] > 0
    assert doc["floor"]["modes"] >= 1
    with pytest.raises(GankitError, match="need ring-8"):
        evaluate_modes(gankit.train("gan-1010", out=tmp_path / "p", steps=2, progress=False))
