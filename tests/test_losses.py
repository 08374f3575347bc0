import math

import pytest
import torch

from gankit.errors import GankitError
from gankit.losses import LOSSES, get_loss


def test_equilibrium_values_match_appendix_a():
    undecided = torch.zeros(8)  # logits 0: D says 0.5 to everything
    for name in ("bce", "mse", "non-saturating", "hinge"):
        loss = LOSSES[name]
        d = (loss.d_real(undecided) + loss.d_fake(undecided)).item() / 2
        assert d == pytest.approx(loss.ideal_d, abs=1e-6), name
        assert loss.g(undecided).item() == pytest.approx(loss.ideal_g, abs=1e-6), name
    assert LOSSES["mse"].ideal_d == 0.25 and LOSSES["bce"].ideal_d == pytest.approx(math.log(2))


def test_book_losses_are_bce_and_mse_on_sigmoid_outputs():
    out = torch.tensor([2.0, -1.0])
    p = torch.sigmoid(out)
    assert LOSSES["bce"].d_real(out).item() == pytest.approx(-torch.log(p).mean().item(), rel=1e-6)
    assert LOSSES["bce"].d_fake(out).item() == pytest.approx(
        -torch.log(1 - p).mean().item(), rel=1e-6
    )
    assert LOSSES["mse"].d_fake(out).item() == pytest.approx((p**2).mean().item(), rel=1e-6)


def test_non_saturating_equals_bce_on_logits_and_hinge_by_hand():
    out = torch.tensor([3.0, -0.5, 0.2])
    assert LOSSES["non-saturating"].g(out).item() == pytest.approx(
        LOSSES["bce"].g(out).item(), rel=1e-5
    )
    # hinge: mean(relu(1 - x)) on real, mean(relu(1 + x)) on fake, -mean(x) for G
    assert LOSSES["hinge"].d_real(out).item() == pytest.approx((0 + 1.5 + 0.8) / 3)
    assert LOSSES["hinge"].d_fake(out).item() == pytest.approx((4 + 0.5 + 1.2) / 3)
    assert LOSSES["hinge"].g(out).item() == pytest.approx(-(3 - 0.5 + 0.2) / 3)


def test_unknown_loss_lists_valid_ones():
    with pytest.raises(GankitError, match="valid: bce"):
        get_loss("wgan")


def test_wasserstein_by_hand_and_its_equilibrium_is_zero():
    out = torch.tensor([1.0, -2.0, 4.0])  # mean 1
    w = LOSSES["wasserstein"]
    assert (w.d_real(out).item(), w.d_fake(out).item(), w.g(out).item()) == (-1.0, 1.0, -1.0)
    undecided = torch.full((5,), 0.3)  # any constant critic: the two D parts cancel
    assert (w.d_real(undecided) + w.d_fake(undecided)).item() == pytest.approx(w.ideal_d)


def test_lsgan_by_hand_with_codes_zero_and_one():
    out = torch.tensor([0.5, 2.0])
    ls = LOSSES["lsgan"]
    assert ls.d_real(out).item() == pytest.approx((0.25 + 1.0) / 2)  # (0.5-1)², (2-1)²
    assert ls.d_fake(out).item() == pytest.approx((0.25 + 4.0) / 2)  # 0.5², 2²
    assert ls.g(out).item() == pytest.approx(0.625)
    half = torch.full((3,), 0.5)  # the optimal D of a perfect G
    assert (ls.d_real(half) + ls.d_fake(half)).item() / 2 == pytest.approx(ls.ideal_d)
    assert ls.g(half).item() == pytest.approx(ls.ideal_g)


def test_rpgan_pairs_each_real_logit_with_a_fake_one_by_hand():
    rp = LOSSES["rpgan"]
    real, fake = torch.tensor([2.0, 0.0]), torch.tensor([1.0, 0.5])
    # D: mean softplus(fake − real) = (log(1 + e⁻¹) + log(1 + e^0.5)) / 2
    by_hand = (math.log1p(math.exp(-1.0)) + math.log1p(math.exp(0.5))) / 2
    assert rp.d_pair(real, fake).item() == pytest.approx(by_hand, rel=1e-6)
    # G sees the same pairs the other way round: softplus(real − fake)
    by_hand_g = (math.log1p(math.exp(1.0)) + math.log1p(math.exp(-0.5))) / 2
    assert rp.g_pair(fake, real).item() == pytest.approx(by_hand_g, rel=1e-6)
    # ties score log 2 on both sides, whatever the common value: only differences count
    tie = torch.full((3,), 7.0)
    assert rp.d_pair(tie, tie).item() == pytest.approx(rp.ideal_d)
    assert rp.g_pair(tie - 4, tie - 4).item() == pytest.approx(rp.ideal_g)
    assert rp.paired and not LOSSES["non-saturating"].paired


def test_rpgan_gradients_by_hand():
    real = torch.tensor([1.0, -1.0], requires_grad=True)
    fake = torch.tensor([0.0, 2.0], requires_grad=True)
    LOSSES["rpgan"].d_pair(real, fake).backward()
    # d/dr softplus(f − r) / n = −sigmoid(f − r) / n; d/df = +sigmoid(f − r) / n
    s = torch.sigmoid(torch.tensor([-1.0, 3.0])) / 2
    assert torch.allclose(real.grad, -s) and torch.allclose(fake.grad, s)
    # shifting every logit by the same amount changes nothing (a relativistic loss)
    shifted = LOSSES["rpgan"].d_pair(real.detach() + 5, fake.detach() + 5)
    assert shifted.item() == pytest.approx(LOSSES["rpgan"].d_pair(real, fake).item())
