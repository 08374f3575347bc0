"""Fast forms of strided convolutions: the same outputs, gradients and state_dict as nn's layers."""

import copy

import pytest
import torch
from torch import nn

from gankit import device as dev_mod
from gankit.config import apply_overrides
from gankit.models import build_discriminator, build_generator, model_args
from gankit.models.fast_conv import (
    BiasSumConvTranspose2d,
    FastConv2d,
    FastConvTranspose2d,
    conv_transpose_subpixel,
    use_fast_convs,
    use_plain_convs,
)
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import gan_step
from tests.faces_util import face_env  # noqa: F401  (autouse)

# (kernel, stride, padding, output_padding (transposed only), input side)
CASES = [
    (8, 2, 0, 0, 13),  # the book's ch. 9 layers
    (8, 2, 1, 0, 12),  # the book's last G layer
    (4, 2, 1, 0, 9),  # DCGAN
    (3, 2, 1, 1, 8),  # odd kernel, output_padding
    (5, 2, 2, 1, 11),
    (7, 3, 0, 2, 10),  # stride 3
    (8, 2, 3, 1, 12),  # padding beyond a phase
    ((8, 6), (2, 3), (1, 2), (1, 0), 11),  # non-square everything
]


def _pair_of(conv: nn.Module, x: torch.Tensor):
    """(outputs, input grads, weight grads, bias grads) of `conv` on x, for one fixed upstream grad."""
    x = x.clone().requires_grad_()
    y = conv(x)
    y.backward(torch.linspace(-1, 1, y.numel()).view_as(y))
    return y.detach(), x.grad, conv.weight.grad, conv.bias.grad


def _close(a: torch.Tensor, b: torch.Tensor, tol: float) -> bool:
    return a.shape == b.shape and (a - b).abs().max() <= tol * max(1.0, b.abs().max().item())


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("k,s,p,op,side", CASES)
def test_fast_form_matches_nn_in_fp32(transposed, k, s, p, op, side):
    torch.manual_seed(0)
    plain = nn.ConvTranspose2d(3, 5, k, s, p, op) if transposed else nn.Conv2d(3, 5, k, s, p)
    fast = copy.deepcopy(plain)
    fast.__class__ = FastConvTranspose2d if transposed else FastConv2d
    x = torch.randn(2, 3, side, side + 1)
    for got, want in zip(_pair_of(fast, x), _pair_of(plain, x), strict=True):
        assert _close(got, want, 1e-5)


@pytest.mark.parametrize("k,s,p,op,side", CASES)
def test_bias_sum_form_matches_nn_in_fp32(k, s, p, op, side):
    torch.manual_seed(0)
    plain = nn.ConvTranspose2d(3, 5, k, s, p, op)
    fast = copy.deepcopy(plain)
    fast.__class__ = BiasSumConvTranspose2d
    x = torch.randn(2, 3, side, side + 1)
    for got, want in zip(_pair_of(fast, x), _pair_of(plain, x), strict=True):
        assert _close(got, want, 1e-5)


def test_bias_sum_form_under_bf16_autocast_keeps_dtype_layout_and_gradients():
    torch.manual_seed(0)
    plain = nn.ConvTranspose2d(16, 8, 4, 2, 1).to(memory_format=torch.channels_last)
    fast = copy.deepcopy(plain)
    assert use_fast_convs(fast) == 1 and type(fast) is BiasSumConvTranspose2d
    x = torch.randn(4, 16, 7, 7).contiguous(memory_format=torch.channels_last)
    outs = []
    for conv in (plain, fast):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            y = conv(x)
        y.float().square().sum().backward()
        outs.append((y, conv.weight.grad, conv.bias.grad))
    (want, gw, gb), (got, fw, fb) = outs
    assert got.dtype == want.dtype == torch.bfloat16
    assert got.is_contiguous(memory_format=torch.channels_last)
    assert _close(got.float(), want.float(), 1e-2)
    assert fb.dtype == torch.float32 and _close(fb, gb, 2e-2) and _close(fw, gw, 2e-2)


def test_subpixel_function_matches_conv_transpose_with_bias():
    torch.manual_seed(1)
    x, w, b = torch.randn(2, 4, 6, 7), torch.randn(4, 3, 8, 8), torch.randn(3)
    want = nn.functional.conv_transpose2d(x, w, b, 2, 1, 1)
    got = conv_transpose_subpixel(x, w, b, (2, 2), (1, 1), (1, 1))
    assert _close(got, want, 1e-5)


def test_swap_keeps_parameters_and_state_dict():
    torch.manual_seed(0)
    G = build_generator("book-conv", latent_dim=8, out_shape=(3, 64, 64), channels=4)
    before = {k: v.clone() for k, v in G.state_dict().items()}
    params = list(G.parameters())
    assert use_fast_convs(G) == 3
    assert all(type(m) is FastConvTranspose2d for m in G.body if isinstance(m, nn.ConvTranspose2d))
    after = G.state_dict()
    assert list(after) == list(before)
    assert all(torch.equal(after[k], v) for k, v in before.items())
    assert all(a is b for a, b in zip(G.parameters(), params, strict=True))
    assert use_plain_convs(G) == 3 and type(G.body[0]) is nn.ConvTranspose2d


def test_small_kernel_convs_and_grouped_convs_stay_plain():
    net = nn.Sequential(
        nn.Conv2d(8, 8, 4, 2, 1),  # k4 s2 between feature maps: no gain measured
        nn.ConvTranspose2d(8, 8, 4, 2, 1, bias=False),
        nn.Conv2d(1, 8, 8, 1),  # stride 1: nothing to gain, however narrow
        nn.ConvTranspose2d(8, 8, 8, 2, groups=2),
        nn.Conv2d(8, 8, 8, 2),
        nn.ConvTranspose2d(8, 8, (3, 8), 2),
        nn.ConvTranspose2d(8, 8, 4, 2, 1),  # k4 s2 with a bias: only the bias gradient changes
    )
    assert use_fast_convs(net) == 3
    kinds = [type(m).__name__ for m in net]
    assert kinds[:4] == ["Conv2d", "ConvTranspose2d", "Conv2d", "ConvTranspose2d"]
    assert kinds[4:] == ["FastConv2d", "FastConvTranspose2d", "BiasSumConvTranspose2d"]
    assert use_plain_convs(net) == 3 and type(net[6]) is nn.ConvTranspose2d


def test_layers_that_read_or_draw_the_image_take_the_sub_pixel_form():
    net = nn.Sequential(
        nn.Conv2d(1, 8, 4, 2, 1),  # reads a digit
        nn.Conv2d(5, 8, 4, 2, 1),  # five channels: wider than NARROW
        nn.ConvTranspose2d(8, 3, 4, 2, 1),  # draws a colour image
        nn.ConvTranspose2d(8, 3, 4, 2, 1, dilation=2),  # dilated: stays plain
    )
    assert use_fast_convs(net) == 2
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["FastConv2d", "Conv2d", "FastConvTranspose2d", "ConvTranspose2d"]


def test_narrow_layers_match_plain_ones_through_a_gradient_penalty():
    # R1's double backward runs through the swapped first layer of D: same penalty gradients
    torch.manual_seed(0)
    D = nn.Sequential(
        nn.Conv2d(1, 6, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(6, 4, 4, 2, 1),
        nn.Flatten(), nn.Linear(4 * 7 * 7, 1),
    ).double()  # fmt: skip
    fast = copy.deepcopy(D)
    assert use_fast_convs(fast) == 1 and type(fast[0]) is FastConv2d
    x = torch.randn(3, 1, 28, 28, dtype=torch.float64, requires_grad=True)

    def penalty_grads(model):
        (gx,) = torch.autograd.grad(model(x).sum(), x, create_graph=True)
        params = list(model.parameters())  # the head's bias has no part in the penalty: zeros
        return torch.autograd.grad(
            gx.square().sum(), params, allow_unused=True, materialize_grads=True
        )

    for a, b in zip(penalty_grads(D), penalty_grads(fast), strict=True):
        assert _close(b, a, 1e-10)


def test_book_pair_gradients_match_and_unbatched_input_works():
    torch.manual_seed(0)
    G = build_generator("book-conv", latent_dim=8, out_shape=(3, 64, 64), channels=4)
    D = build_discriminator("book-conv", in_shape=(3, 64, 64), channels=4)
    fast_G, fast_D = copy.deepcopy(G), copy.deepcopy(D)
    assert use_fast_convs(fast_G) == 3 and use_fast_convs(fast_D) == 3
    z = torch.randn(4, 8)
    D(G(z)).sum().backward()
    fast_D(fast_G(z)).sum().backward()
    for plain, fast in ((G, fast_G), (D, fast_D)):
        for (name, a), b in zip(plain.named_parameters(), fast.parameters(), strict=True):
            assert _close(b.grad, a.grad, 1e-4), name
    conv_t = fast_G.body[0]
    with torch.no_grad():
        unbatched = conv_t(torch.randn(3, 11, 11))
        sized = conv_t(torch.randn(1, 3, 11, 11), output_size=[29, 29])
    assert unbatched.shape == (4, 28, 28) and sized.shape == (1, 4, 29, 29)


def test_bf16_autocast_output_matches_nn_up_to_rounding():
    torch.manual_seed(0)
    plain = nn.ConvTranspose2d(16, 8, 8, 2)
    fast = copy.deepcopy(plain)
    use_fast_convs(fast)
    x = torch.randn(2, 16, 9, 9).contiguous(memory_format=torch.channels_last)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        want, got = plain(x), fast(x)
    assert got.dtype == want.dtype == torch.bfloat16
    assert got.is_contiguous(memory_format=torch.channels_last)
    assert _close(got.float(), want.float(), 2e-2)


def _tiny_book_gan(amp_cpu: bool):
    cfg = apply_overrides(
        get_recipe("gan-celeba-cnn").config,
        [
            "model.g.channels=4",
            "model.d.channels=4",
            "model.latent_dim=8",
            f"train.amp_cpu={amp_cpu}",
        ],
        model_args,
    )
    return build_gan(cfg, (3, 64, 64), 0, "cpu")


def test_build_gan_swaps_only_under_cpu_bf16(monkeypatch):
    monkeypatch.setattr(dev_mod, "cpu_bf16_fast", lambda: True)
    fast = _tiny_book_gan(amp_cpu=True)
    plain = _tiny_book_gan(amp_cpu=False)
    kinds = {type(m) for m in [*fast.G.modules(), *fast.D.modules()]}
    assert {FastConv2d, FastConvTranspose2d} <= kinds
    assert not any(type(m).__name__.startswith("Fast") for m in plain.G.modules())
    assert list(fast.G.state_dict()) == list(plain.G.state_dict())
    assert list(fast.D.state_dict()) == list(plain.D.state_dict())
    stats = gan_step(fast, torch.rand(4, 3, 64, 64), None, torch.Generator().manual_seed(0))
    assert torch.isfinite(stats).all()


def test_cpu_reuses_freed_memory_under_glibc():
    import ctypes.util

    if ctypes.util.find_library("c") is None:
        pytest.skip("no C library to configure")
    assert dev_mod.reuse_freed_memory() is True
