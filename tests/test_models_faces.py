"""The book's ch. 9 conv models and the standard DCGAN: layer shapes, ranges, bad sizes."""

import pytest
import torch
from torch import nn

from gankit.errors import GankitError
from gankit.models import build_discriminator, build_generator
from tests.faces_util import face_env  # noqa: F401  (autouse)


def test_book_conv_matches_the_book_at_128():
    torch.manual_seed(0)
    G = build_generator("book-conv", latent_dim=100, out_shape=(3, 128, 128))
    D = build_discriminator("book-conv", in_shape=(3, 128, 128))
    convs_t = [m for m in G.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert [
        (m.in_channels, m.out_channels, m.kernel_size, m.stride, m.padding) for m in convs_t
    ] == [
        (3, 256, (8, 8), (2, 2), (0, 0)),
        (256, 256, (8, 8), (2, 2), (0, 0)),
        (256, 3, (8, 8), (2, 2), (1, 1)),
    ]
    assert G.seed[0].out_features == 3 * 11 * 11
    assert isinstance(G.body[-1], nn.Sigmoid) and isinstance(G.body[-2], nn.BatchNorm2d)
    assert D.body[-1].in_features == 300  # flatten 3·10·10, as in the book
    z = torch.randn(2, 100)
    x = G(z)
    assert x.shape == (2, 3, 128, 128) and x.min() >= 0 and x.max() <= 1
    assert D(x).shape == (2,)


def test_book_conv_gelu_and_64():
    G = build_generator(
        "book-conv", latent_dim=8, out_shape=(3, 64, 64), channels=4, activation="gelu"
    )
    D = build_discriminator("book-conv", in_shape=(3, 64, 64), channels=4, activation="gelu")
    assert any(isinstance(m, nn.GELU) for m in G.modules())
    assert D(G(torch.randn(3, 8))).shape == (3,)


def test_dcgan_is_the_standard_64_model():
    G = build_generator("dcgan", latent_dim=100, out_shape=(3, 64, 64))
    D = build_discriminator("dcgan", in_shape=(3, 64, 64))
    chans = [m.out_channels for m in G.modules() if isinstance(m, nn.ConvTranspose2d)]
    assert chans == [512, 256, 128, 64, 3]
    d_chans = [m.out_channels for m in D.modules() if isinstance(m, nn.Conv2d)]
    assert d_chans == [64, 128, 256, 512, 1]
    # pytorch/examples' parameter counts for ngf = ndf = 64, nz = 100
    assert sum(p.numel() for p in G.parameters()) == 3_576_704
    assert sum(p.numel() for p in D.parameters()) == 2_765_568
    x = G(torch.randn(2, 100))
    assert x.shape == (2, 3, 64, 64) and x.min() >= 0 and x.max() <= 1
    assert D(x).shape == (2,)


@pytest.mark.parametrize("side", [28, 32, 48, 96])
def test_dcgan_other_sides_start_from_their_own_base(side):
    # 32 and 96 = 4·2³ and 6·2⁴; 28 = 7·2² starts from a 7×7 map as the MNIST pairs do
    G = build_generator("dcgan", latent_dim=10, out_shape=(1, side, side), width=2)
    D = build_discriminator("dcgan", in_shape=(1, side, side), width=2)
    x = G(torch.randn(2, 10))
    assert x.shape == (2, 1, side, side) and D(x).shape == (2,)


@pytest.mark.parametrize(
    "name,shape",
    [
        ("book-conv", (3, 100, 100)),
        ("book-conv", (3, 64, 32)),
        ("dcgan", (3, 30, 30)),
        ("dcgan", (3, 64, 32)),
    ],
)
def test_bad_sizes_are_clear_errors(name, shape):
    with pytest.raises(GankitError, match=name):
        build_generator(
            name,
            latent_dim=4,
            out_shape=shape,
            **({"channels": 2} if name == "book-conv" else {"width": 2}),
        )


@pytest.mark.parametrize("name", ["book-conv", "dcgan"])
def test_face_models_are_not_conditional(name):
    with pytest.raises(GankitError, match="not conditional"):
        build_discriminator(name, in_shape=(3, 64, 64), num_classes=10)
