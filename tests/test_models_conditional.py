"""gankit.models.conditional: conditional batch norm G and the projection discriminator."""

import pytest
import torch

from gankit.errors import GankitError
from gankit.models import build_discriminator, build_generator
from gankit.models.conditional import ConditionalBatchNorm2d


@pytest.mark.parametrize(("shape", "start"), [((1, 28, 28), 7), ((3, 32, 32), 4)])
def test_generator_and_discriminator_shapes(shape, start):
    torch.manual_seed(0)
    G = build_generator("cdcgan", latent_dim=8, out_shape=shape, num_classes=10, width=4)
    D = build_discriminator("projection", in_shape=shape, num_classes=10, width=4)
    labels = torch.tensor([0, 9, 3])
    x = G(torch.randn(3, 8), labels)
    assert G.start == start
    assert x.shape == (3, *shape)
    assert bool(((x >= 0) & (x <= 1)).all())
    assert D(x, labels).shape == (3,)


def test_unconditional_models_need_no_labels():
    G = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), width=4)
    D = build_discriminator("projection", in_shape=(1, 28, 28), width=4)
    assert D(G(torch.randn(2, 8))).shape == (2,)
    assert D.embed is None


def test_the_label_changes_what_g_draws_and_what_d_says():
    torch.manual_seed(0)
    G = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=10, width=4)
    D = build_discriminator("projection", in_shape=(1, 28, 28), num_classes=10, width=4)
    z = torch.randn(1, 8).repeat(2, 1)  # one seed, two labels
    labels = torch.tensor([1, 2])
    # conditional batch norm starts as the identity for every class: the same image twice
    x = G(z, labels)
    torch.testing.assert_close(x[0], x[1])
    with torch.no_grad():
        for module in G.modules():
            if isinstance(module, ConditionalBatchNorm2d):
                module.shift.weight.normal_()
    x = G(z, labels)
    assert (x[0] - x[1]).abs().max() > 1e-3
    same = x[:1].repeat(2, 1, 1, 1)
    out = D(same, labels)  # the same image asked as two classes: the projection term differs
    assert (out[0] - out[1]).abs() > 1e-6


def test_conditional_models_refuse_missing_labels():
    bn = ConditionalBatchNorm2d(4, num_classes=3)
    with pytest.raises(ValueError, match="needs labels"):
        bn(torch.randn(2, 4, 5, 5))
    D = build_discriminator("projection", in_shape=(1, 28, 28), num_classes=3, width=4)
    with pytest.raises(ValueError, match="needs labels"):
        D(torch.rand(2, 1, 28, 28))


def test_shapes_the_models_cannot_make_are_clear_errors():
    with pytest.raises(GankitError, match="square"):
        build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 32))
    with pytest.raises(GankitError, match="even side"):
        build_discriminator("projection", in_shape=(1, 7, 7))


def test_pooling_and_spectral_norm_are_options():
    torch.manual_seed(0)
    summed = build_discriminator("projection", in_shape=(1, 28, 28), num_classes=10, width=4)
    torch.manual_seed(0)
    mean = build_discriminator(
        "projection", in_shape=(1, 28, 28), num_classes=10, width=4, pool="mean"
    )
    x = torch.rand(2, 1, 28, 28)
    # the same weights: summing over the 7×7 positions is 49 times the mean
    torch.testing.assert_close(summed.body(x).sum((2, 3)), 49 * mean.body(x).mean((2, 3)))
    plain = build_discriminator("projection", in_shape=(1, 28, 28), width=4, spectral_norm=False)
    assert not any("parametrizations" in name for name, _ in plain.named_parameters())
    with pytest.raises(GankitError, match="model.d.pool 'max'"):
        build_discriminator("projection", in_shape=(1, 28, 28), pool="max")


def test_label_planes_and_label_seed_carry_the_label_from_the_start():
    torch.manual_seed(0)
    G = build_generator(
        "cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=10, width=4, label_seed=3
    )
    D = build_discriminator(
        "projection", in_shape=(1, 28, 28), num_classes=10, width=4, label_planes=True
    )
    assert G.project.in_features == 8 + 3  # seed and label vector side by side
    assert D.body[0].in_channels == 1 + 10  # pixels and one plane per class
    z, labels = torch.randn(1, 8).repeat(2, 1), torch.tensor([1, 2])
    # unlike conditional batch norm alone, the label seed differs per class from the first step
    x = G(z, labels)
    assert (x[0] - x[1]).abs().max() > 1e-4
    same = x[:1].repeat(2, 1, 1, 1)
    D.embed = None  # without the projection, only the planes tell the two labels apart
    out = D(same, labels)
    assert (out[0] - out[1]).abs() > 1e-6
    with pytest.raises(ValueError, match="needs labels"):
        G(z)


def test_flatten_keeps_positions_for_the_head_and_the_projection():
    D = build_discriminator(
        "projection", in_shape=(1, 28, 28), num_classes=10, width=4, pool="flatten"
    )
    assert D.head.in_features == 8 * 7 * 7  # (2w channels) × 7 × 7 positions
    assert D.embed.weight.shape == (10, 8 * 7 * 7)
    x, labels = torch.rand(3, 1, 28, 28), torch.tensor([0, 1, 2])
    D.eval()  # spectral norm's power iteration would move between the two calls
    phi = D.body(x * 2 - 1).flatten(1)  # (3, 392)
    expected = D.head(phi).squeeze(1) + (D.embed(labels) * phi).sum(1)
    torch.testing.assert_close(D(x, labels), expected)


@pytest.mark.parametrize("num_classes", [0, 10])
def test_channels_last_models_compute_the_same_function(num_classes):
    """G and the flatten D give the same outputs and gradients stored channels_last (the fast
    path reads D's features in their stored order and permutes the head's weights instead)."""
    torch.manual_seed(0)
    G = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=num_classes)
    D = build_discriminator(
        "projection", in_shape=(1, 28, 28), num_classes=num_classes, width=4, pool="flatten"
    )
    D.eval()  # spectral norm's power iteration would move between the calls
    z, x = torch.randn(3, 8), torch.rand(3, 1, 28, 28)
    labels = torch.tensor([0, 4, 9]) if num_classes else None
    results = []
    for fmt in (torch.contiguous_format, torch.channels_last):
        g, d = G.to(memory_format=fmt), D.to(memory_format=fmt)
        g.zero_grad()
        d.zero_grad()
        out = d(g(z, labels), labels) + d(x.contiguous(memory_format=fmt), labels)
        out.sum().backward()
        grads = [p.grad.clone() for p in (*g.parameters(), *d.parameters())]
        results.append((out.detach(), grads))
    (out_a, grads_a), (out_b, grads_b) = results
    torch.testing.assert_close(out_b, out_a, rtol=1e-5, atol=1e-6)
    for a, b in zip(grads_a, grads_b, strict=True):
        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-6)


def test_generator_feeds_its_convolutions_their_own_layout():
    from gankit.models.layers import channels_last_like

    G = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), width=4)
    h = torch.randn(2, 8, 7, 7)
    assert channels_last_like(h, G.blocks[0].conv.weight) is h  # plain layout: untouched
    G = G.to(memory_format=torch.channels_last)
    moved = channels_last_like(h, G.blocks[0].conv.weight)
    assert moved.is_contiguous(memory_format=torch.channels_last) and not moved.is_contiguous()
    torch.testing.assert_close(moved, h)
