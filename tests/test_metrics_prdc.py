"""Precision/recall, density/coverage and mode coverage on point clouds with known answers."""

import math

import pytest
import torch

from gankit.metrics.modes import mode_coverage
from gankit.metrics.prdc import knn_radii, prdc


def _cloud(n, d, seed, shift=0.0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g, dtype=torch.float64) + shift


def test_knn_radii_on_a_line():
    x = torch.tensor([[0.0], [1.0], [3.0], [6.0]], dtype=torch.float64)
    assert knn_radii(x, 1).tolist() == [1.0, 1.0, 2.0, 3.0]
    assert knn_radii(x, 2).tolist() == [3.0, 2.0, 3.0, 5.0]
    with pytest.raises(ValueError):
        knn_radii(x, 4)


def test_identical_sets_give_exact_values():
    """Every fake sits on a real: all balls are hit; density counts itself and its k neighbours
    (up to ties at the ball's edge, where rounding of the distances decides)."""
    x = _cloud(400, 5, 0)
    m = prdc(x, x.clone())
    assert m["precision"] == m["recall"] == m["coverage"] == 1.0
    assert m["density"] == pytest.approx(6 / 5, abs=0.02)  # (k + 1) / k with k = 5


def test_two_samples_of_one_gaussian():
    """Naeem et al. (2020): E[density] = 1 and E[coverage] = 1 − 2⁻ᵏ whatever the dimension."""
    real, fake = _cloud(2000, 16, 1), _cloud(2000, 16, 2)
    m = prdc(real, fake)
    assert m["density"] == pytest.approx(1.0, abs=0.08)
    assert m["coverage"] == pytest.approx(1 - 2**-5, abs=0.02)
    assert m["precision"] > 0.7 and m["recall"] > 0.7


def test_a_shifted_or_collapsed_cloud_scores_low():
    real = _cloud(1000, 8, 3)
    far = prdc(real, _cloud(1000, 8, 4, shift=3.0))
    assert far["precision"] < 0.1 and far["coverage"] < 0.1 and far["density"] < 0.1
    collapsed = prdc(real, real[:1].repeat(1000, 1) + 1e-3 * _cloud(1000, 8, 5))
    assert collapsed["precision"] == 1.0  # every sample looks real …
    assert collapsed["recall"] < 0.05 and collapsed["coverage"] < 0.05  # … but one of many


def test_mode_coverage():
    real = torch.arange(1000) % 10
    healthy = mode_coverage(torch.arange(1000) % 10, real, 10)
    assert healthy["classes_covered"] == 10 and healthy["class_kl"] == pytest.approx(0.0)
    two = mode_coverage(torch.tensor([3] * 600 + [7] * 395 + [1] * 5), real, 10)
    assert two["classes_covered"] == 2  # class 1 holds 0.5% of samples: below the 1% bar
    expected = 0.6 * math.log(6) + 0.395 * math.log(3.95) + 0.005 * math.log(0.05)
    assert two["class_kl"] == pytest.approx(expected)
    assert sum(two["class_histogram"]) == pytest.approx(1.0)
