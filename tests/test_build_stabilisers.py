import pytest
import torch
from torch.nn.utils import parametrize

from gankit.config import Config, apply_overrides
from gankit.errors import GankitError
from gankit.models import model_args
from gankit.recipes import get_recipe
from gankit.train.build import build_gan
from gankit.train.gan import gan_step
from gankit.train.regularizers import GradientPenalty, ZeroCentredPenalty
from gankit.validate import validate


def _cfg(**sets) -> Config:
    base = {"model.g.hidden": [8], "model.d.hidden": [8], **sets}
    return apply_overrides(get_recipe("gan-mnist").config, base, model_args)


def test_defaults_add_nothing_and_the_book_step_is_unchanged():
    gan = build_gan(_cfg(), (4,), 0, "cpu")
    assert gan.d_penalties == [] and gan.after_g_step == [] and gan.ema is None
    assert gan.sampler is gan.G and gan.d_steps == 1 and gan.stateful == {}


def test_config_wires_each_stabiliser_into_the_step():
    cfg = _cfg(**{
        "loss.name": "wasserstein", "reg.gradient_penalty": 10.0, "reg.r1": 1.0,
        "reg.r1_every": 4, "reg.spectral_norm": True, "reg.ema": 0.99,
        "reg.augment": "translation", "train.lr_d": 4e-4, "train.lr_g": 1e-4, "train.d_steps": 3,
        "train.d_update": "joint",
    })  # fmt: skip
    gan = build_gan(cfg, (1, 28, 28), 10, "cpu")
    assert [type(p) for p in gan.d_penalties] == [GradientPenalty, ZeroCentredPenalty]
    assert (gan.d_penalties[1].r1, gan.d_penalties[1].r2, gan.d_penalties[1].every) == (1.0, 0, 4)
    assert parametrize.is_parametrized(gan.D.body[0], "weight")
    assert gan.sampler is gan.ema.model and gan.after_g_step == [gan.ema.update]
    assert set(gan.stateful) == {"gp_rng", "augment_rng", "G_ema"}
    # TTUR: two learning rates
    assert (gan.opt_d.param_groups[0]["lr"], gan.opt_g.param_groups[0]["lr"]) == (4e-4, 1e-4)
    stats = gan_step(gan, torch.rand(3 * 4, 1, 28, 28), None, torch.Generator().manual_seed(0))
    assert stats.shape == (4,) and torch.isfinite(stats).all()
    assert gan.opt_d.state[next(iter(gan.D.parameters()))]["step"].item() == 3
    assert gan.opt_g.state[next(iter(gan.G.parameters()))]["step"].item() == 1


def test_bad_stabiliser_settings_are_clear_errors():
    with pytest.raises(GankitError, match="needs a Lipschitz critic"):
        validate(_cfg(**{"loss.name": "wasserstein"}))
    with pytest.raises(GankitError, match="DiffAugment needs images"):
        build_gan(_cfg(**{"reg.augment": "color"}), (2,), 0, "cpu")
    with pytest.raises(GankitError, match="reg.ema"):
        validate(_cfg(**{"reg.ema": 1.5}))
    with pytest.raises(GankitError, match="at least 1"):
        validate(_cfg(**{"train.d_steps": 0}))
    with pytest.raises(GankitError, match="valid keys"):
        _cfg(**{"reg.dropout": 0.5})


def test_rpgan_with_r1_and_r2_trains_one_step_and_auto_augment_follows_the_set_size():
    cfg = _cfg(**{
        "loss.name": "rpgan", "reg.r1": 0.1, "reg.r2": 0.1, "reg.augment": "auto",
        "train.d_update": "joint",
    })  # fmt: skip
    small = build_gan(cfg, (1, 28, 28), 10, "cpu", n_train=900)
    assert small.augment.names == ("color", "translation", "cutout")
    large = build_gan(cfg, (1, 28, 28), 10, "cpu", n_train=60_000)
    assert "augment_rng" not in large.stateful
    pen = small.d_penalties[0]
    assert (pen.r1, pen.r2) == (0.1, 0.1)
    stats = gan_step(small, torch.rand(4, 1, 28, 28), None, torch.Generator().manual_seed(0))
    assert torch.isfinite(stats).all()


def test_a_pairing_loss_needs_one_joint_d_step():
    with pytest.raises(GankitError, match="train.d_update=joint"):
        validate(_cfg(**{"loss.name": "rpgan"}))
