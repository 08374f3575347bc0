import pytest
import torch

from gankit.errors import GankitError
from gankit.train.augment import DiffAugment, cutout, translation


def _rng(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("policy", ["color", "translation", "cutout", "color,translation,cutout"])
def test_diffaugment_keeps_shapes_and_is_differentiable(policy):
    x = torch.rand(5, 3, 12, 12, requires_grad=True)
    y = DiffAugment(policy, _rng())(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    (y * torch.randn_like(y)).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_diffaugment_is_seeded():
    x = torch.rand(4, 1, 8, 8)
    a = DiffAugment("translation,cutout,color", _rng(7))(x)
    b = DiffAugment("translation,cutout,color", _rng(7))(x)
    c = DiffAugment("translation,cutout,color", _rng(8))(x)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_translation_moves_a_pixel_by_at_most_an_eighth_and_cutout_zeros_a_quarter_at_most():
    x = torch.zeros(64, 1, 16, 16)
    x[:, :, 8, 8] = 1.0
    moved = translation(x, _rng())
    where = moved.flatten(1).argmax(1)  # each image still holds its one pixel (a shift ≤ 2 < 8)
    rows, cols = where // 16, where % 16
    assert bool(((rows - 8).abs() <= 2).all() and ((cols - 8).abs() <= 2).all())
    assert moved.sum().item() == 64 and (rows != 8).any()
    holes = 1 - cutout(torch.ones(64, 1, 16, 16), _rng()).mean(dim=(1, 2, 3))  # share zeroed
    assert bool((holes > 0).all() and (holes <= 0.25 + 1e-6).all())
    assert holes.max().item() == pytest.approx(0.25)  # a hole fully inside: 8 × 8 of 16 × 16


def test_unknown_policy_and_vectors_are_clear_errors():
    with pytest.raises(GankitError, match="unknown flip"):
        DiffAugment("translation,flip", _rng())
    with pytest.raises(GankitError, match="needs images"):
        DiffAugment("color", _rng())(torch.rand(4, 2))
