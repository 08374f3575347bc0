"""The seed experiments (ch. 7) and conditional sampling (ch. 10): gankit.seeds and its commands."""

import pytest
import torch
from PIL import Image

import gankit
from gankit.errors import GankitError
from gankit.seeds import SEED_MATH, arithmetic, per_label, seed_math, walk, walk_fractions
from gankit.train.latent import MAX_SEED, check_seed

TINY_MLP = {
    "model.g.hidden": [16],
    "model.d.hidden": [16],
    "train.log_every": 2,
    "train.sample_every": 100,
}
TINY_CONV = {
    "model.g.width": 4,
    "model.d.width": 4,
    "train.log_every": 2,
    "train.sample_every": 100,
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Tiny trained runs: unconditional MLP, the book's conditional MLP, the conditional CNN."""
    root = tmp_path_factory.mktemp("runs")
    plain = gankit.train("gan-mnist", out=root / "u", steps=4, set=TINY_MLP, progress=False)
    cgan = gankit.train("cgan-mnist", out=root / "c", steps=4, set=TINY_MLP, progress=False)
    conv = gankit.train("cdcgan-mnist", out=root / "d", steps=4, set=TINY_CONV, progress=False)
    return {"plain": plain.path, "cgan": cgan.path, "conv": conv.path}


def test_walk_fractions_are_the_books_k_over_11():
    f = walk_fractions(12)
    assert f[0] == 0 and f[-1] == 1 and len(f) == 12
    torch.testing.assert_close(f[3], torch.tensor(3 / 11))
    with pytest.raises(GankitError, match="--steps 1"):
        walk_fractions(1)


def test_seed_math_is_elementwise_in_the_books_order():
    a, b = torch.tensor([1.0, -2.0]), torch.tensor([3.0, 0.5])
    out = seed_math(a, b)
    assert tuple(out) == SEED_MATH
    assert out["s1 + s2"].tolist() == [4.0, -1.5]
    assert out["s1 − s2"].tolist() == [-2.0, -2.5]
    assert out["s1 · s2"].tolist() == [3.0, -1.0]
    with pytest.raises(GankitError, match="shapes"):
        seed_math(a, torch.zeros(3))


def test_seeds_must_be_integers_in_range():
    assert check_seed(MAX_SEED) == MAX_SEED
    for bad in (-1, MAX_SEED + 1, 1.5, True):
        with pytest.raises(GankitError, match="expected an integer from 0"):
            check_seed(bad)


@pytest.mark.parametrize("kind", ["plain", "cgan", "conv"])
def test_the_walk_ends_at_the_two_seeds_images(runs, kind):
    run = gankit.load_run(runs[kind])
    label = 3 if run.conditional else None
    for mode in ("linear", "slerp"):
        x = walk(run, 5, 6, steps=12, mode=mode, label=label)
        assert x.shape == (12, 1, 28, 28)
        torch.testing.assert_close(x[0], run.sample(1, seed=5, label=label)[0])
        torch.testing.assert_close(x[-1], run.sample(1, seed=6, label=label)[0])
    s = arithmetic(run, 5, 6, label=label)
    assert tuple(s) == SEED_MATH
    torch.testing.assert_close(s["s1"], x[0])


@pytest.mark.parametrize("kind", ["cgan", "conv"])
def test_same_seed_same_image_and_labels_change_it(runs, kind):
    run = gankit.load_run(runs[kind])
    a, again = run.sample(4, seed=7, label=2), run.sample(4, seed=7, label=2)
    assert torch.equal(a, again)
    other = run.sample(4, seed=7, label=8)
    assert (a - other).abs().max() > 1e-4
    rows = per_label(run, per_class=3, seed=7)  # (10 · 3, 1, 28, 28), the same seeds in each row
    assert rows.shape == (30, 1, 28, 28)
    torch.testing.assert_close(rows[6:9], run.sample(3, seed=7, label=2))


def test_cli_sample_figures_and_walks_for_a_conditional_run(runs, cli):
    run = runs["conv"]
    out = run / "figs"
    cases = [
        (["sample", run, "--label", "3", "--n", "8", "--out", out / "s.png"], (None, None)),
        (["sample", run, "--per-label", "--out", out / "rows.png"], None),
        (["sample", run, "--book", "--label", "2", "--out", out / "book.png"], None),
        (["interpolate", run, "--label", "4", "--out", out / "walk.png"], None),
        (["interpolate", run, "--mode", "slerp", "--out", out / "slerp.png"], None),
        (["seed-math", run, "--label", "1", "--seed-a", "3", "--out", out / "math.png"], None),
    ]
    for args, _ in cases:
        code, stdout, err = cli(*args)
        assert code == 0, err
        assert "wrote" in stdout
    rows, book = Image.open(out / "rows.png"), Image.open(out / "book.png")
    assert rows.height > rows.width  # ten rows of eight
    assert book.width > book.height  # two rows of three
    for name in ("s", "walk", "slerp", "math"):
        assert (out / f"{name}.png").stat().st_size > 1000


def test_cli_walks_for_an_unconditional_run_default_paths(runs, cli):
    run = runs["plain"]
    for args in (
        ["interpolate", run],
        ["seed-math", run, "--seed-b", "9"],
        ["sample", run, "--book"],
    ):
        code, _, err = cli(*args)
        assert code == 0, err
    names = {p.name for p in (run / "samples").iterdir()}
    assert {"walk-linear-0-1.png", "seed-math-0-9.png", "book-seed0.png"} <= names


def test_truncation_is_chosen_when_sampling(runs, cli):
    run = runs["plain"]
    as_trained = gankit.load_run(run).sample(4, seed=1)
    narrow = gankit.load_run(run, truncation=0.5)
    assert narrow.config.model.truncation == 0.5
    assert not torch.allclose(narrow.sample(4, seed=1), as_trained)
    assert torch.equal(gankit.load_run(run, truncation=1.0).sample(4, seed=1), as_trained)
    code, _, err = cli("sample", run, "--n", "4", "--truncation", "0.5")
    assert code == 0, err
    assert (run / "samples" / "sample-seed0-psi0.5.png").exists()


@pytest.mark.parametrize(
    ("kind", "args", "message"),
    [
        (
            "plain",
            ["sample", "--truncation", "1.5"],
            "--truncation 1.5: expected a factor in (0, 1]",
        ),
        ("plain", ["sample", "--truncation", "0"], "--truncation 0.0: expected a factor"),
        ("conv", ["sample", "--label", "10"], "--label 10: expected 0–9"),
        ("conv", ["interpolate", "--label", "-1"], "--label -1: expected 0–9"),
        ("plain", ["sample", "--label", "1"], "is not conditional"),
        ("plain", ["seed-math", "--label", "0"], "is not conditional"),
        ("plain", ["sample", "--per-label"], "is not conditional"),
        ("plain", ["sample", "--seed", "-3"], "--seed -3: expected an integer"),
        ("plain", ["interpolate", "--seed-b", str(2**63)], "--seed-b 9223372036854775808"),
        ("conv", ["seed-math", "--seed-a", "-1"], "--seed-a -1"),
        ("plain", ["interpolate", "--mode", "cubic"], "mode 'cubic'"),
        ("plain", ["interpolate", "--steps", "1"], "--steps 1"),
        ("conv", ["sample", "--per-label", "--label", "2"], "--per-label draws every class"),
    ],
)
def test_cli_bad_input_exits_2_with_one_line(runs, cli, kind, args, message):
    code, _, err = cli(args[0], runs[kind], *args[1:])
    assert code == 2
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1
