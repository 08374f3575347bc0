import pytest
import torch
from torch import nn
from torch.nn.utils import parametrize

from gankit.train.ema import EMA
from gankit.train.regularizers import GradientPenalty, R1Penalty, spectral_normalise


class Linear2D(nn.Module):
    """D(x) = x·w, whose input gradient is w everywhere."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(torch.tensor(w))

    def forward(self, x, labels=None):
        return x.flatten(1) @ self.w


def _rng(seed=0):
    return torch.Generator().manual_seed(seed)


def test_gradient_penalty_is_zero_for_a_unit_slope_critic_and_hand_value_otherwise():
    real, fake = torch.randn(6, 2), torch.randn(6, 2)
    unit = Linear2D([0.6, 0.8])  # ‖w‖ = 1
    assert GradientPenalty(10.0, _rng())(unit, real, fake, None, None).item() == pytest.approx(0)
    steep = Linear2D([3.0, 4.0])  # ‖w‖ = 5: λ(5 − 1)² = 16λ
    gp = GradientPenalty(10.0, _rng())(steep, real, fake, None, None)
    assert gp.item() == pytest.approx(160.0)
    gp.backward()  # the penalty trains D: d/dw 10(‖w‖−1)² = 20(‖w‖−1)·w/‖w‖ = 16·w/5·… = (48, 64)
    assert steep.w.grad.tolist() == pytest.approx([48.0, 64.0])


def test_gradient_penalty_mixes_real_and_fake_per_sample_from_its_own_seed():
    seen = []

    def D(x, labels):
        seen.append(x.detach().clone())
        return (x**2).sum(1)

    real, fake = torch.zeros(4, 2), torch.ones(4, 2)
    GradientPenalty(1.0, _rng(3))(D, real, fake, None, None)
    eps = torch.rand(4, 1, generator=_rng(3))
    assert torch.allclose(seen[0], (1 - eps).expand(4, 2))  # ε·0 + (1 − ε)·1


def test_r1_is_zero_at_a_maximum_of_d_and_hand_value_elsewhere():
    def peak(x, labels):
        return -(x**2).sum(1)  # ∇ = −2x: zero at 0

    r1 = R1Penalty(5.0, every=1, now=lambda: 0)
    assert r1(peak, torch.zeros(3, 2), None, None, None).item() == 0.0
    # at x = 1 per coordinate: ‖∇‖² = 4 + 4 = 8; γ/2·8 = 20
    assert r1(peak, torch.ones(3, 2), None, None, None).item() == pytest.approx(20.0)


def test_lazy_r1_runs_every_k_steps_weighted_by_k():
    step = {"now": 1}
    D = Linear2D([1.0, 2.0])  # ‖∇‖² = 5
    r1 = R1Penalty(2.0, every=4, now=lambda: step["now"])
    real = torch.randn(5, 2)
    assert r1(D, real, None, None, None) == 0.0
    step["now"] = 8
    assert r1(D, real, None, None, None).item() == pytest.approx(4 * 2.0 / 2 * 5)


def test_spectral_norm_bounds_linear_and_conv_layers_of_any_d():
    torch.manual_seed(0)
    D = nn.Sequential(
        nn.Conv2d(3, 8, 3, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(8, 8, 3, 2, 1),
        nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(8 * 2 * 2, 1),
    )  # fmt: skip
    spectral_normalise(D)
    for _ in range(30):  # power iterations run in training-mode forward passes
        D(torch.randn(4, 3, 8, 8))
    D.eval()
    layers = [m for m in D if isinstance(m, nn.Conv2d | nn.Linear)]
    assert all(parametrize.is_parametrized(m, "weight") for m in layers)
    for m in layers:
        sigma = torch.linalg.matrix_norm(m.weight.flatten(1), ord=2).item()
        assert sigma == pytest.approx(1.0, abs=0.02)
    before = sum(1 for _ in D.parameters())
    spectral_normalise(D)  # a second call leaves normalised layers alone
    assert sum(1 for _ in D.parameters()) == before


def test_spectral_normalised_mlp_is_one_lipschitz():
    torch.manual_seed(1)
    D = spectral_normalise(
        nn.Sequential(
            nn.Linear(2, 64), nn.LeakyReLU(0.2), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
        )
    )
    for _ in range(50):
        D(torch.randn(8, 2))
    D.eval()
    x, y = torch.randn(500, 2) * 3, torch.randn(500, 2) * 3
    with torch.no_grad():
        ratio = (D(x) - D(y)).abs().squeeze(1) / (x - y).norm(dim=1)
    assert ratio.max().item() <= 1.0 + 1e-3


def test_ema_follows_its_update_rule_and_copies_buffers():
    G = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = EMA(G, decay=0.9)
    assert ema.beta() == pytest.approx(0.1)  # warm-up: (1 + 0)/(10 + 0)
    ema.updates = 1000  # past the warm-up: β = decay
    old = [p.clone() for p in ema.model.parameters()]
    with torch.no_grad():
        for p in G.parameters():
            p.add_(1.0)
    G(torch.randn(4, 2))  # moves BatchNorm's running statistics
    ema.update()
    for avg, before, new in zip(ema.model.parameters(), old, G.parameters(), strict=True):
        assert torch.allclose(avg, 0.9 * before + 0.1 * new)
        assert not avg.requires_grad
    assert torch.equal(ema.model[1].running_mean, G[1].running_mean)
    state = ema.state_dict()
    again = EMA(G, decay=0.9)
    again.load_state_dict(state)
    assert again.updates == 1001 and torch.equal(again.model[0].weight, ema.model[0].weight)


def test_r2_is_zero_where_d_is_flat_on_the_fakes_and_hand_value_elsewhere():
    from gankit.train.regularizers import ZeroCentredPenalty

    def bowl(x, labels):
        return (x**2).sum(1)  # ∇ = 2x: flat only at 0

    r2 = ZeroCentredPenalty(0.0, 3.0, every=1, now=lambda: 0)
    real = torch.ones(4, 2)  # R2 ignores the real side entirely
    assert r2(bowl, real, torch.zeros(4, 2), None, None).item() == 0.0
    # fakes at 2 per coordinate: ‖∇‖² = 16 + 16 = 32; γ/2·32 = 48
    assert r2(bowl, real, torch.full((4, 2), 2.0), None, None).item() == pytest.approx(48.0)


def test_r1_and_r2_together_equal_their_sum_computed_apart():
    from gankit.train.regularizers import ZeroCentredPenalty

    torch.manual_seed(0)
    D = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1), nn.Flatten(0))
    real, fake = torch.randn(5, 3), torch.randn(5, 3)

    def pen(r1, r2):
        return ZeroCentredPenalty(r1, r2, every=2, now=lambda: 4)(
            lambda x, y: D(x), real, fake, None, None
        )

    both, apart = pen(0.5, 2.0), pen(0.5, 0.0) + pen(0.0, 2.0)
    assert both.item() == pytest.approx(apart.item(), rel=1e-5)
    both.backward()  # the penalty trains D
    assert D[0].weight.grad.abs().sum() > 0
