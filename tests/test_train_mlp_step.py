"""gankit.train.mlp_step: the hand-differentiated step equals autograd's, and only runs where it can."""

import pytest
import torch
from torch import nn

from gankit.config import apply_overrides
from gankit.device import autocast_for
from gankit.models import model_args
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import gan_step
from gankit.train.mlp_step import WARM_UP, MLPStep, plan_mlp_step


def _gan(recipe: str, *overrides: str, shape=(1, 28, 28)):
    # fp32 on every CPU (gan-mnist turns bf16 on where the CPU has it); the bf16 test sets it
    overrides = ("train.amp_cpu=false", *overrides)
    cfg = apply_overrides(get_recipe(recipe).config, list(overrides), model_args)
    return build_gan(cfg, shape, 10, "cpu")


def _weights(gan) -> list[torch.Tensor]:
    return [p.detach().clone() for m in (gan.G, gan.D) for p in m.parameters()]


def _run(gan, steps: int, labelled: bool, batch: int = 16) -> torch.Tensor:
    data = torch.Generator().manual_seed(1)
    noise = torch.Generator().manual_seed(0)
    for step in range(steps):
        real = torch.rand(batch, 1, 28, 28, generator=data)
        labels = torch.randint(10, (batch,), generator=data) if labelled else None
        stats = gan_step(gan, real, labels, noise, step)
    return stats


VARIANTS = [
    ("gan-mnist",),  # the book's improved GAN: LeakyReLU, LayerNorm, BCE, Adam
    ("cgan-mnist",),  # conditional: one-hot labels into G and D
    ("gan-mnist", "loss.name=mse", "model.g.activation=sigmoid", "model.d.norm=false"),
    ("gan-mnist", "model.g.activation=tanh", "model.d.activation=relu", "reg.ema=0.9"),
    ("gan-mnist", "model.g.hidden=[64,32]", "model.d.hidden=[48,24]", "train.optimizer=sgd"),
]


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: "+".join(v))
def test_hand_steps_equal_autograd_steps(variant):
    recipe, *overrides = variant
    labelled = recipe.startswith("cgan")
    eager = _gan(recipe, *overrides, "train.compile=off")
    hand = _gan(recipe, *overrides, "train.compile=auto")
    assert eager.fast_step is None and isinstance(hand.fast_step, MLPStep)
    eager_stats, hand_stats = _run(eager, 4, labelled), _run(hand, 4, labelled)
    assert torch.allclose(hand_stats, eager_stats, atol=1e-5, rtol=0)
    for a, b in zip(_weights(hand), _weights(eager), strict=True):
        assert torch.allclose(a, b, atol=1e-5, rtol=0)
    assert not torch.equal(_weights(hand)[0], _weights(_gan(recipe, *overrides))[0])  # it trained
    if eager.ema is not None:
        for a, b in zip(hand.ema.model.parameters(), eager.ema.model.parameters(), strict=True):
            assert torch.allclose(a, b, atol=1e-5, rtol=0)


def test_the_compiled_hand_step_equals_autograd_steps():
    # train.compile=on: the same step with TorchInductor fusing its element-wise kernels, which
    # rounds differently. SGD, so the weights compare gradients (Adam's first steps are
    # lr·g/|g|: a gradient of ~0 flips sign on rounding alone). Two models of other shapes
    # (cgan-mnist's labels widen both) step in turn in one process, past WARM_UP: after it
    # TorchDynamo checks only the guards that tell cached graphs apart, and each must still
    # run its own
    sgd = ("train.optimizer=sgd", "train.lr_g=0.01", "train.lr_d=0.01")
    pairs = [
        (_gan(recipe, *sgd, "train.compile=off"), _gan(recipe, *sgd, "train.compile=on"))
        for recipe in ("gan-mnist", "cgan-mnist")
    ]
    data = torch.Generator().manual_seed(1)
    noise = [torch.Generator().manual_seed(0) for _ in range(4)]
    for step in range(WARM_UP + 3):
        real = torch.rand(16, 1, 28, 28, generator=data)
        labels = torch.randint(10, (16,), generator=data)
        for i, (eager, compiled) in enumerate(pairs):
            y = labels if i else None
            eager_stats = gan_step(eager, real, y, noise[2 * i], step)
            compiled_stats = gan_step(compiled, real, y, noise[2 * i + 1], step)
            assert torch.allclose(compiled_stats, eager_stats, atol=1e-5, rtol=0), (i, step)
    for eager, compiled in pairs:
        assert compiled.fast_step.calls == WARM_UP + 3
        assert compiled.fast_step.skips_guards()
        for a, b in zip(_weights(compiled), _weights(eager), strict=True):
            assert torch.allclose(a, b, atol=1e-5, rtol=0)
    # only within the step: whatever the process compiles next has its guards checked
    assert not torch._dynamo.eval_frame._stance.skip_guard_eval_unsafe


def test_vectors_and_the_books_sgd_run_by_hand_too():
    # ch. 6's 1010 GAN: 4-vectors, sigmoid activations, MSE, SGD
    eager = _gan("gan-1010", "train.compile=off", shape=(4,))
    hand = _gan("gan-1010", shape=(4,))
    assert hand.fast_step is not None
    noise_a, noise_b = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    real = torch.tensor([[1.0, 0.0, 1.0, 0.0]] * 8)
    for step in range(10):
        a = gan_step(eager, real, None, noise_a, step)
        b = gan_step(hand, real, None, noise_b, step)
    assert torch.allclose(a, b, atol=1e-6, rtol=0)


def test_dropped_gradient_buffers_leave_the_hand_step_working():
    # an eager step, or any code, may zero gradients by dropping them (set_to_none)
    gan = _gan("gan-mnist")
    real = torch.rand(8, 1, 28, 28)
    noise = torch.Generator().manual_seed(0)
    gan_step(gan, real, None, noise)
    gan.opt_g.zero_grad(set_to_none=True)
    gan.opt_d.zero_grad(set_to_none=True)
    assert gan.G.head.weight.grad is None
    stats = gan_step(gan, real, None, noise)
    assert torch.isfinite(stats).all() and gan.G.head.weight.grad is not None


@pytest.mark.parametrize(
    "overrides",
    [
        ("reg.r1=1",),  # a penalty differentiates D twice: autograd's business
        ("reg.spectral_norm=true",),  # parametrised weights
        ("loss.name=hinge",),  # a loss this step has no gradient for
        ("train.d_update=joint",),
        ("train.d_steps=2",),
        ("train.reuse_fake=true",),
        ("model.d.norm=batch",),
        ("model.g.activation=gelu",),
        ("train.compile=off",),
    ],
    ids=lambda o: o[0],
)
def test_what_the_hand_step_does_not_know_keeps_the_eager_step(overrides):
    assert _gan("gan-mnist", *overrides).fast_step is None


def test_convolutional_models_keep_the_eager_step():
    gan = _gan("mnist", "train.compile=auto")
    assert gan.fast_step is None and plan_mlp_step(gan) is None


class _Fp32(nn.Module):
    """A Linear that keeps fp32 products under autocast, as the hand step runs narrow ones."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        self.linear = linear

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cpu", enabled=False):
            return self.linear(x.float())


def test_under_bf16_autocast_the_hand_step_matches_autograds_bf16_step():
    # train.amp_cpu on a CPU with native bf16: the matrix products take bf16 operands, as
    # autocast's addmm does, all but D's narrow 200 → 1 head (in fp32 on both sides here); set
    # here by hand so that the test runs on any CPU
    sgd = ("train.optimizer=sgd", "train.lr_g=0.01", "train.lr_d=0.01")
    bf16 = autocast_for(torch.device("cpu"), torch.bfloat16)
    eager, hand, fp32 = (
        _gan("gan-mnist", *sgd, f"train.compile={c}") for c in ("off", "auto", "auto")
    )
    eager.autocast = hand.autocast = bf16
    eager.D.head = _Fp32(eager.D.head)
    hand.fast_step = plan_mlp_step(hand)
    assert hand.fast_step.G.dtype == torch.bfloat16 and fp32.fast_step.G.dtype == torch.float32
    eager_stats, hand_stats = (_run(g, 4, False, 64) for g in (eager, hand))
    _run(fp32, 4, False, 64)
    assert (hand_stats - eager_stats).abs().max() < 1e-3

    def gap(gan) -> float:  # the largest weight difference from the eager bf16 step
        pairs = zip(_weights(gan), _weights(eager), strict=True)
        return max((a - b).abs().max().item() for a, b in pairs)

    # measured: 5e-5 apart, against 3e-4 between fp32 products and the bf16 step, so the bound
    # tells the two apart
    assert gap(hand) < 1e-4 < 2e-4 < gap(fp32)


def test_narrow_products_stay_fp32_under_bf16_autocast():
    # below BF16_MIN_WIDTH rows or features, fp32 products are the faster ones: D's 200 → 1 head
    # at every batch, every layer at batch 16
    gan = _gan("gan-mnist", "train.compile=auto")
    gan.autocast = autocast_for(torch.device("cpu"), torch.bfloat16)
    D = plan_mlp_step(gan).D
    dtypes = {}
    for batch in (16, 64):
        _, saved = D.forward(torch.rand(batch, 784))
        linears = [s for s, layer in zip(saved, D.layers, strict=True) if type(layer) is nn.Linear]
        dtypes[batch] = [s.x.dtype for s in linears]
    assert dtypes == {16: [torch.float32] * 2, 64: [torch.bfloat16, torch.float32]}


def test_an_autocast_other_than_the_cpus_bf16_keeps_the_eager_step():
    gan = _gan("gan-mnist")
    gan.autocast = lambda: torch.autocast("cpu", dtype=torch.float16)
    assert plan_mlp_step(gan) is None
    gan.autocast = autocast_for(torch.device("cpu"), torch.bfloat16)
    assert plan_mlp_step(gan).D.dtype == torch.bfloat16
