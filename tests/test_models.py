import pytest
import torch

from gankit.errors import GankitError
from gankit.models import build_discriminator, build_generator


def test_book_ch7_improved_models_have_the_book_layers():
    G = build_generator("mlp", latent_dim=100, out_shape=(1, 28, 28), hidden=(200,))
    D = build_discriminator("mlp", in_shape=(1, 28, 28), hidden=(200,))
    names = [type(m).__name__ for m in G.modules()][1:]
    assert names == ["Sequential", "Linear", "LeakyReLU", "LayerNorm", "Linear"]
    assert G(torch.randn(3, 100)).shape == (3, 1, 28, 28)
    assert D(torch.rand(3, 1, 28, 28)).shape == (3,)
    assert sum(p.numel() for p in D.parameters()) == 784 * 200 + 200 + 400 + 201


def test_generator_outputs_are_in_unit_range_and_conditioning_widens_inputs():
    G = build_generator(
        "mlp",
        latent_dim=4,
        out_shape=(4,),
        num_classes=10,
        hidden=(3,),
        activation="sigmoid",
        norm=False,
    )
    x = G(torch.randn(5, 4), torch.arange(5))
    assert x.shape == (5, 4) and bool(((x >= 0) & (x <= 1)).all())
    assert G.body[0].in_features == 14  # 4 seed numbers + 10 one-hot


def test_spectral_norm_bounds_the_largest_singular_value():
    torch.manual_seed(0)
    D = build_discriminator("mlp", in_shape=(16,), hidden=(32,), norm=False, spectral_norm=True)
    for _ in range(20):  # power iterations run in training-mode forward passes
        D(torch.randn(4, 16))
    D.eval()
    sigma = torch.linalg.matrix_norm(D.body[0].weight, ord=2)
    assert sigma.item() == pytest.approx(1.0, abs=0.05)


def test_unknown_model_and_argument_are_clear_errors():
    with pytest.raises(GankitError, match="unknown generator 'gpt'"):
        build_generator("gpt", latent_dim=1, out_shape=(4,))
    with pytest.raises(GankitError, match="unknown argument"):
        build_generator("mlp", latent_dim=1, out_shape=(4,), depth=3)
