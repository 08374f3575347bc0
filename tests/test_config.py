import pytest

from gankit.config import Config, apply_overrides, from_dict, to_dict
from gankit.errors import GankitError
from gankit.models import model_args
from gankit.recipes import get_recipe


def test_round_trip_through_json_data():
    cfg = get_recipe("mnist").config
    assert from_dict(to_dict(cfg)) == cfg


def test_overrides_are_typed():
    cfg = apply_overrides(
        Config(), ["train.lr_g=2e-4", "train.batch_size=8", "train.betas=0.5,0.9"]
    )
    assert cfg.train.lr_g == 2e-4 and cfg.train.batch_size == 8 and cfg.train.betas == (0.5, 0.9)
    cfg = apply_overrides(cfg, ["model.conditional=true"])
    assert cfg.model.conditional is True


def test_one_override_may_come_as_a_plain_string():
    # gankit.train(..., set="train.lr_g=2e-4") from Python: not read as 15 one-letter items
    assert apply_overrides(Config(), "train.lr_g=2e-4").train.lr_g == 2e-4


def test_model_argument_overrides_are_checked_against_the_constructor():
    cfg = apply_overrides(
        Config(), ["model.d.spectral_norm=true", "model.g.hidden=[64,32]"], model_args
    )
    assert cfg.model.d["spectral_norm"] is True and cfg.model.g["hidden"] == [64, 32]
    with pytest.raises(GankitError, match="unknown argument 'widht'"):
        apply_overrides(Config(), ["model.g.widht=3"], model_args)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("train.nope=1", "unknown key"),
        ("nope=1", "unknown key"),
        ("train.batch_size=eight", "expected a value of type int"),
        ("train.lr_g=fast", "expected a value of type float"),
        ("model.conditional=maybe", "expected a value of type bool"),
        ("train.lr_g", "expected key=value"),
    ],
)
def test_bad_overrides_name_the_key(item, message):
    with pytest.raises(GankitError, match=message):
        apply_overrides(Config(), [item])


def test_a_mistyped_key_gets_the_closest_one_suggested():
    with pytest.raises(GankitError, match=r"unknown key \(did you mean train\.lr_g\?\); valid"):
        apply_overrides(Config(), ["train.lr_gg=1"])
    with pytest.raises(GankitError, match=r"unknown key \(did you mean model\.clusters\?\)"):
        apply_overrides(Config(), ["model.cluster=30"])
    with pytest.raises(GankitError) as nothing_close:
        apply_overrides(Config(), ["warp.speed=9"])
    assert "did you mean" not in str(nothing_close.value)
    with pytest.raises(GankitError, match=r"unknown argument 'hiden' \(did you mean hidden\?\)"):
        apply_overrides(Config(), ["model.g.hiden=[8]"], model_args)


def test_python_api_overrides_refuse_wrong_types():
    with pytest.raises(GankitError, match="type int"):
        apply_overrides(Config(), {"train.batch_size": "eight"})
