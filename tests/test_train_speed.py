"""gankit.train.speed: the compiled step equals the eager one; fused Adam is Adam; the field behaves."""

import json
import sys

import pytest
import torch

from gankit.config import apply_overrides
from gankit.errors import GankitError
from gankit.models import model_args
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import gan_step
from gankit.train.speed import adam, compile_plan


def _gan(recipe: str, *overrides: str):
    cfg = apply_overrides(get_recipe(recipe).config, list(overrides), model_args)
    return build_gan(cfg, (1, 28, 28), 10, "cpu")


def _one_step(gan) -> tuple[torch.Tensor, list[torch.Tensor]]:
    real = torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    # the main job's D wants each image's cluster
    clusters = torch.arange(16) % gan.clusters if gan.clusters else None
    stats = gan_step(gan, real, clusters, torch.Generator().manual_seed(0))
    return stats, [p.detach().clone() for m in (gan.G, gan.D) for p in m.parameters()]


def _assert_same_step(recipe: str, *overrides: str) -> None:
    """train.compile=on against off: for models the hand-differentiated step cannot run
    (gankit.train.mlp_step, tested in tests/test_train_mlp_step.py), torch.compile."""
    # SGD: the weights move by lr·gradient, so they compare the compiled and eager gradients.
    # (Adam's first step is lr·g/|g|: a gradient of ~0 flips sign on rounding alone.)
    overrides = (*overrides, "train.optimizer=sgd", "train.lr_g=0.01", "train.lr_d=0.01")
    eager_stats, eager_w = _one_step(_gan(recipe, *overrides, "train.compile=off"))
    compiled = _gan(recipe, *overrides, "train.compile=on")
    compiled_stats, compiled_w = _one_step(compiled)
    assert torch.allclose(compiled_stats, eager_stats, atol=1e-5, rtol=0)
    assert len(compiled_w) == len(eager_w)
    for a, b in zip(compiled_w, eager_w, strict=True):
        assert torch.allclose(a, b, atol=1e-5, rtol=0)
    # the compiled module really runs compiled code, and keeps its plain state_dict names
    assert compiled.G._compiled_call_impl is not None
    assert not any(k.startswith("_orig_mod") for k in compiled.G.state_dict())


def test_one_compiled_step_equals_one_eager_step_on_the_book_mlps():
    # under a gradient penalty the MLPs go to torch.compile (G only; D stays eager); fp32, as
    # the recipe runs on CPUs without bf16 (bf16 rounds differently once fused)
    _assert_same_step("gan-mnist", "reg.r1=0.1", "train.amp_cpu=false")


@pytest.mark.slow
def test_one_compiled_step_equals_one_eager_step_on_the_main_jobs_conv_pair():
    # fp32 (bf16 rounds differently once fused); R1 keeps D eager, G is compiled
    _assert_same_step("mnist", "train.amp_cpu=false")


def test_a_discriminator_under_a_gradient_penalty_stays_eager():
    gan = _gan("gan-mnist", "train.compile=on", "reg.r1=0.1")
    assert gan.G._compiled_call_impl is not None
    assert gan.D._compiled_call_impl is None


def test_compile_setting():
    assert compile_plan("auto", "cpu", hand_step=True) == "hand"
    assert compile_plan("on", "cpu", hand_step=True) == "hand+compile"
    assert compile_plan("auto", "cpu", hand_step=False) == "off"
    assert compile_plan("on", "cpu", hand_step=False) == "torch"
    assert compile_plan("auto", "cuda", hand_step=True) == "torch"
    assert compile_plan("off", "cpu", hand_step=True) == "off"
    assert compile_plan("graphs", "cuda", hand_step=False) == "graphs"
    with pytest.raises(GankitError, match="train.compile graphs: CUDA graphs need a CUDA device"):
        compile_plan("graphs", "cpu", hand_step=True)


def test_the_cuda_graph_path_runs_the_same_step(monkeypatch):
    """train.compile=graphs compiles G and D in "reduce-overhead" mode and starts every step
    with cudagraph_mark_step_begin. CUDA graphs themselves need a GPU; on the CPU torch.compile
    runs the same graphs without them, so this checks the path and its result, not the replay."""
    eager_stats, eager_w = _one_step(_gan("gan-mnist", "train.compile=off", "train.amp_cpu=false"))
    # gankit.train (the function) shadows the package in dotted paths: patch the module itself
    monkeypatch.setattr(sys.modules["gankit.train.build"], "compile_plan", lambda *a: "graphs")
    marks = []
    real_mark = torch.compiler.cudagraph_mark_step_begin
    monkeypatch.setattr(
        torch.compiler, "cudagraph_mark_step_begin", lambda: marks.append(1) or real_mark()
    )
    gan = _gan("gan-mnist", "train.compile=on", "train.amp_cpu=false")  # fp32: see above
    assert gan.graphs and gan.fast_step is None
    assert gan.G._compiled_call_impl is not None and gan.D._compiled_call_impl is not None
    stats, weights = _one_step(gan)
    assert marks == [1]
    assert torch.allclose(stats, eager_stats, atol=1e-5, rtol=0)
    for a, b in zip(weights, eager_w, strict=True):
        assert torch.allclose(a, b, atol=1e-5, rtol=0)


def test_fused_adam_takes_the_same_steps_as_adam_to_rounding():
    torch.manual_seed(0)
    nets = [torch.nn.Linear(20, 3) for _ in range(2)]
    nets[1].load_state_dict(nets[0].state_dict())
    plain = torch.optim.Adam(nets[0].parameters(), lr=1e-2, betas=(0.5, 0.999))
    fused = adam(nets[1].parameters(), 1e-2, (0.5, 0.999), "cpu")
    assert fused.param_groups[0]["fused"]
    x = torch.randn(64, 20)
    for _ in range(20):
        for net, opt in zip(nets, (plain, fused), strict=True):
            opt.zero_grad()
            net(x).square().mean().backward()
            opt.step()
    for a, b in zip(nets[0].parameters(), nets[1].parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)


def test_bad_compile_value_and_resume_with_compile_switched(cli, tmp_path):
    code, _, err = cli("train", "gan-1010", "--set", "train.compile=maybe", "--out", tmp_path / "a")
    assert code == 2 and "train.compile" in err and not (tmp_path / "a").exists()
    code, _, err = cli(
        "train", "gan-1010", "--set", "train.compile=graphs", "--out", tmp_path / "a"
    )
    assert code == 2 and "CUDA graphs need a CUDA device" in err and not (tmp_path / "a").exists()
    out = tmp_path / "r"
    assert cli("train", "gan-1010", "--steps", "20", "--out", out, "--quiet")[0] == 0
    code, _, err = cli(
        "train", "gan-1010", "--steps", "40", "--out", out, "--resume", "--quiet",
        "--set", "train.compile=on",
    )  # fmt: skip
    assert code == 0, err
    saved = json.loads((out / "config.json").read_text())
    assert saved["config"]["train"]["steps"] == 40
    assert saved["config"]["train"]["compile"] == "on"
