"""gankit.train.latent.interpolate: the walk between two seeds (linear, the book's; and slerp)."""

from __future__ import annotations

import pytest
import torch

from gankit.errors import GankitError
from gankit.train.latent import interpolate, seeded_latent


def test_linear_is_the_books_walk():
    a, b = torch.tensor([0.0, 2.0]), torch.tensor([4.0, -2.0])
    z = interpolate(a, b, [0.0, 0.25, 1.0])  # (3, 2)
    assert z.shape == (3, 2)
    torch.testing.assert_close(z, torch.tensor([[0.0, 2.0], [1.0, 1.0], [4.0, -2.0]]))


def test_slerp_ends_at_the_seeds_and_keeps_their_length():
    a = seeded_latent("normal", 1, 100, 1)  # (1, 100)
    b = a.roll(50, dims=1)  # same length, another direction
    ts = torch.linspace(0, 1, 11)
    z = interpolate(a, b, ts, "slerp")  # (11, 100)
    torch.testing.assert_close(z[0], a[0])
    torch.testing.assert_close(z[-1], b[0])
    norms = z.norm(dim=1)
    torch.testing.assert_close(norms, torch.full((11,), a.norm().item()), rtol=1e-4, atol=1e-4)
    # the straight line cuts the corner: shorter seeds half-way (what slerp avoids)
    assert interpolate(a, b, [0.5])[0].norm() < 0.9 * a.norm()


def test_slerp_of_parallel_seeds_falls_back_to_linear():
    a = torch.ones(4)
    z = interpolate(a, 3 * a, [0.5], "slerp")
    torch.testing.assert_close(z, torch.full((1, 4), 2.0))


def test_scalar_t_gives_one_row():
    assert interpolate(torch.zeros(3), torch.ones(3), 0.5).shape == (1, 3)


def test_bad_mode_and_shapes_are_named():
    with pytest.raises(GankitError, match="mode 'cubic'"):
        interpolate(torch.zeros(3), torch.ones(3), 0.5, "cubic")
    with pytest.raises(GankitError, match="3 and 4 numbers"):
        interpolate(torch.zeros(3), torch.ones(4), 0.5)
