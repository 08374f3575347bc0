import pytest
import torch

from gankit.errors import GankitError
from gankit.models.layers import SIDES, drawable_side
from gankit.models.resnet import ResNetDiscriminator, ResNetGenerator, ladder, widths


@pytest.mark.parametrize("size", [28, 32, 48, 64, 128])
def test_pair_shapes_at_every_supported_resolution(size):
    torch.manual_seed(0)
    G = ResNetGenerator(latent_dim=8, out_shape=(3, size, size), width=4, max_width=16)
    D = ResNetDiscriminator(in_shape=(3, size, size), width=4, max_width=16)
    x = G.eval()(torch.randn(2, 8))
    assert x.shape == (2, 3, size, size)
    assert x.min() >= 0 and x.max() <= 1  # clipped when sampling
    assert D(x).shape == (2,)


def test_grey_images_and_more_blocks():
    G = ResNetGenerator(latent_dim=8, out_shape=(1, 28, 28), width=8, blocks=2, group=4)
    D = ResNetDiscriminator(in_shape=(1, 28, 28), width=8, blocks=2, group=4)
    assert D(G(torch.randn(3, 8))).shape == (3,)
    assert len(G.stages[0]) == 2


def test_ladder_and_widths():
    assert ladder(28) == (7, 2) and ladder(64) == (4, 4) and ladder(96) == (6, 4)
    assert ladder(20) == (5, 2)
    assert widths(32, 16, 64) == [64, 64, 32, 16]
    for bad in (30, 9, 512):  # 15·2 (start too large), odd, too large
        with pytest.raises(GankitError, match="image side"):
            ladder(bad)


def test_every_side_the_folder_rounding_picks_is_one_the_pairs_draw():
    assert all(ladder(s) for s in SIDES)
    assert [drawable_side(s) for s in (100, 96, 127, 30, 6, 5, 1000)] == [
        96,
        96,
        112,
        28,
        6,
        5,
        256,
    ]
    with pytest.raises(
        GankitError, match=r"image side 100 .*set data\.size, e\.g\. data\.size=96$"
    ):
        ladder(100)


def test_no_normalisation_each_score_depends_on_its_own_sample_only():
    torch.manual_seed(1)
    D = ResNetDiscriminator(in_shape=(1, 28, 28), width=4)
    x = torch.rand(4, 1, 28, 28)
    alone = D(x[:1])
    together = D(x)[:1]
    assert torch.allclose(alone, together, atol=1e-6)


def test_conditional_use_is_refused_clearly():
    with pytest.raises(GankitError, match="not conditional"):
        ResNetGenerator(latent_dim=8, out_shape=(1, 28, 28), num_classes=10)
