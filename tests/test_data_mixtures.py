import math

import pytest
import torch

from gankit.data import load_data
from gankit.data.mixtures import grid_25, ring_8
from gankit.errors import GankitError


def test_ring_8_has_eight_unit_circle_modes_with_sigma_0_01():
    ds, mix = load_data("ring-8"), ring_8()
    assert ds.shape == (2,) and len(ds) == 100_000 and ds.x.dtype == torch.float32
    assert torch.allclose(mix.means.norm(dim=1), torch.ones(8))
    offsets = ds.x - mix.means[ds.y]  # (N, 2): each sample around its own mode
    assert offsets.std().item() == pytest.approx(0.01, rel=0.03)
    assert ds.y.bincount().min().item() > 0.9 * len(ds) / 8  # modes drawn uniformly


def test_grid_25_means_and_sigma_and_splits_differ():
    train, test, mix = load_data("grid-25"), load_data("grid-25", "test"), grid_25()
    assert mix.k == 25 and sorted(set(mix.means[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]
    assert (test.x - mix.means[test.y]).std().item() == pytest.approx(0.05, rel=0.05)
    assert len(test) == 10_000 and not torch.equal(train.x[:100], test.x[:100])
    assert torch.equal(load_data("grid-25", "test").x, test.x)  # seeded by split


def test_stacked_mnist_stacks_three_training_digits_with_their_mode_label():
    digits = load_data("mnist", "test")
    ds = load_data("stacked-mnist", "test")
    assert ds.shape == (3, 28, 28) and ds.x.dtype == torch.uint8 and len(ds) == 10_000
    assert ds.y.min() >= 0 and ds.y.max() < 1000 and ds.y.unique().numel() > 990
    keys = {bytes(im.numpy()): int(lab) for im, lab in zip(digits.x[:, 0], digits.y, strict=True)}
    for i in range(5):
        channel_digits = [keys[bytes(ds.x[i, c].numpy())] for c in range(3)]
        assert (
            ds.y[i].item() == channel_digits[0] * 100 + channel_digits[1] * 10 + channel_digits[2]
        )


def test_mixture_specs_take_no_argument():
    with pytest.raises(GankitError, match="takes no argument"):
        load_data("ring-8:5")
    assert math.isclose(ring_8().sigma, 0.01)
