"""Device handling: autocast choice, channels_last, data placement; the GAN step under bf16 on the CPU."""

import json

import pytest
import torch

from gankit import device as dev_mod
from gankit.config import apply_overrides
from gankit.data import load_data
from gankit.device import amp_dtype, autocast_for, memory_format_for, place_data, resolve_device
from gankit.models import build_discriminator, build_generator, model_args
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import gan_step
from tests.faces_util import face_env  # noqa: F401  (autouse)

CPU = torch.device("cpu")


def test_amp_is_off_on_the_cpu_unless_asked_and_measured_faster(monkeypatch):
    assert amp_dtype(CPU, amp=True) is None
    monkeypatch.setattr(dev_mod, "cpu_bf16_fast", lambda: True)
    assert amp_dtype(CPU, amp=True, amp_cpu=True) == torch.bfloat16
    assert amp_dtype(CPU, amp=False, amp_cpu=True) is None
    monkeypatch.setattr(dev_mod, "cpu_bf16_fast", lambda: False)
    assert amp_dtype(CPU, amp=True, amp_cpu=True) is None


@pytest.fixture
def probe_env(tmp_path, monkeypatch):
    """A CPU with the bf16 flag, an empty cache folder, a probe that returns set timings."""
    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path))
    monkeypatch.setattr(dev_mod, "cpu_has_native_bf16", lambda: True)
    calls = []

    def set_timings(fp32_ms, bf16_ms):
        dev_mod.cpu_bf16_fast.cache_clear()
        monkeypatch.setattr(
            dev_mod, "cpu_bf16_probe", lambda: calls.append(1) or (fp32_ms, bf16_ms)
        )

    yield set_timings, calls, tmp_path / "cpu-bf16.json"
    dev_mod.cpu_bf16_fast.cache_clear()


@pytest.mark.parametrize(
    ("fp32_ms", "bf16_ms", "chosen"), [(20.0, 10.0, True), (10.0, 20.0, False)]
)
def test_bf16_is_chosen_by_the_probe_not_by_the_flag(probe_env, fp32_ms, bf16_ms, chosen):
    set_timings, calls, saved = probe_env
    set_timings(fp32_ms, bf16_ms)
    assert dev_mod.cpu_bf16_fast() is chosen
    assert (amp_dtype(CPU, amp=True, amp_cpu=True) == torch.bfloat16) is chosen
    (entry,) = json.loads(saved.read_text()).values()
    assert entry == {"fp32_ms": fp32_ms, "bf16_ms": bf16_ms, "bf16": chosen}


def test_a_gain_within_the_probes_noise_keeps_fp32(probe_env):
    set_timings, _, _ = probe_env
    set_timings(10.5, 10.0)  # 1.05x: below BF16_GAIN
    assert dev_mod.cpu_bf16_fast() is False


def test_the_probes_answer_is_kept_so_every_later_run_chooses_the_same(probe_env):
    set_timings, calls, _ = probe_env
    set_timings(20.0, 10.0)
    assert dev_mod.cpu_bf16_fast() is True
    set_timings(10.0, 20.0)  # a new process on the same machine, on a slow moment
    assert dev_mod.cpu_bf16_fast() is True
    assert len(calls) == 1


def test_the_probe_measures_both_precisions_and_leaves_the_rng_alone():
    before = torch.get_rng_state()
    fp32_ms, bf16_ms = dev_mod.cpu_bf16_probe(rounds=1)
    assert fp32_ms > 0 and bf16_ms > 0
    assert torch.equal(torch.get_rng_state(), before)


def test_amp_is_on_by_default_on_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert amp_dtype(torch.device("cuda"), amp=True) == torch.bfloat16
    assert amp_dtype(torch.device("cuda"), amp=False) is None


def test_channels_last_only_for_conv_models_on_images():
    conv = build_generator("dcgan", latent_dim=4, out_shape=(3, 16, 16), width=2)
    mlp = build_generator("mlp", latent_dim=4, out_shape=(1, 28, 28))
    assert memory_format_for([conv], image_data=True) == torch.channels_last
    assert memory_format_for([mlp], image_data=True) == torch.contiguous_format
    assert memory_format_for([conv], image_data=False) == torch.contiguous_format


def test_data_stays_put_on_the_cpu_and_cuda_auto_falls_back():
    data = load_data("pattern-1010")
    assert place_data(data, CPU).x.device.type == "cpu"
    if not torch.cuda.is_available():
        assert resolve_device("auto") == CPU


def _tiny_faces_gan(amp_cpu: bool):
    cfg = apply_overrides(
        get_recipe("dcgan-faces64").config,
        ["model.g.width=4", "model.d.width=4", "model.latent_dim=8", f"train.amp_cpu={amp_cpu}"],
        model_args,
    )
    return build_gan(cfg, (3, 16, 16), 0, "cpu")


def test_gan_step_runs_under_bf16_autocast_with_channels_last():
    gan = _tiny_faces_gan(amp_cpu=False)
    assert gan.memory_format == torch.channels_last
    gan.autocast = autocast_for(CPU, torch.bfloat16)  # forced: this CPU may lack native bf16
    seen = []
    gan.d_penalties.append(lambda D, real, fake, *_: seen.append(fake.dtype) or real.sum() * 0)
    real = torch.rand(4, 3, 16, 16)
    stats = gan_step(gan, real, None, torch.Generator().manual_seed(0))
    assert stats.dtype == torch.float32 and torch.isfinite(stats).all()
    assert seen == [torch.float32]  # penalties see fp32 fakes, outside autocast
    with gan.autocast():
        assert gan.G(torch.randn(2, 8)).dtype == torch.bfloat16


def test_channels_last_does_not_change_the_step():
    results = []
    for fmt in (torch.contiguous_format, torch.channels_last):
        gan = _tiny_faces_gan(amp_cpu=False)
        gan.G.to(memory_format=fmt)
        gan.D.to(memory_format=fmt)
        gan.memory_format = fmt
        real = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(1))
        results.append(gan_step(gan, real, None, torch.Generator().manual_seed(0)))
    assert torch.allclose(results[0], results[1], atol=1e-4)


@pytest.mark.parametrize("value,expected", [("false", False), ("true", True)])
def test_train_amp_is_a_set_option(value, expected):
    cfg = apply_overrides(get_recipe("dcgan-faces64").config, [f"train.amp={value}"], model_args)
    assert cfg.train.amp is expected


def test_discriminator_builds_in_channels_last():
    D = build_discriminator("dcgan", in_shape=(3, 16, 16), width=2).to(
        memory_format=torch.channels_last
    )
    assert D(torch.rand(2, 3, 16, 16).contiguous(memory_format=torch.channels_last)).shape == (2,)


def test_data_too_large_for_the_gpu_stays_in_cpu_memory(monkeypatch):
    monkeypatch.setattr(dev_mod, "fits_on", lambda device, nbytes, share=0.5: False)
    data = load_data("toy-faces:4", size=16)
    placed = place_data(data, torch.device("cuda"))  # nothing is copied, so no GPU is needed
    assert placed is data and placed.x.device.type == "cpu"
