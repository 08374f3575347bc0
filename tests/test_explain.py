"""`gankit explain`: the book's numbers, every topic's figures, the CLI's options and errors."""

from __future__ import annotations

import io
import math

import pytest
import torch
from PIL import Image
from rich.console import Console
from torch import nn

from gankit.cli import main
from gankit.errors import GankitError
from gankit.explain import TOPICS, explain
from gankit.explain import conv_size as cs
from gankit.explain import convergence as cv
from gankit.explain.cuda import python_matmul, timings
from gankit.explain.layers import layer_shapes, model_layers, recipe_layers
from gankit.explain.probability import COUNTS, sample_images, training_images


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """Every topic run once with its defaults: (result, folder, printed text)."""
    runs = {}
    for topic in TOPICS:
        out = tmp_path_factory.mktemp(topic)
        text = io.StringIO()
        options = {"python_n": 20} if topic == "cuda" else {}  # the n³ scaling is tested below
        result = explain(topic, out, Console(file=text, width=120), **options)
        runs[topic] = (result, out, text.getvalue())
    return runs


@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_topic_writes_its_pngs(ran, topic):
    result, out, text = ran[topic]
    assert result.figures, f"{topic} wrote no figure"
    assert sorted(result.figures) == sorted(out.glob("*.png"))
    for path in result.figures:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert min(image.size) >= 150
            # not a blank canvas: a drawn figure has many distinct colours
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 20
    assert topic in text and len(text.splitlines()) >= 5


def test_autograd_gives_the_books_gradients(ran):
    numbers = ran["autograd"][0].numbers
    assert numbers["y"] == pytest.approx(1.875)
    assert numbers["dy/dx"] == pytest.approx(5.75)
    assert numbers["dz/dx"] == pytest.approx(14.0)
    assert numbers["dz/da"] == pytest.approx(64.0)
    assert numbers["dz/db"] == pytest.approx(33.0)
    assert "NO" not in ran["autograd"][2]  # every autograd value agrees with its formula


def test_ideal_losses_are_quarter_and_ln2(ran):
    numbers = ran["ideal-loss"][0].numbers
    assert numbers["mse"] == pytest.approx(0.25) and numbers["mse_fake"] == pytest.approx(0.25)
    assert round(numbers["bce"], 3) == 0.693 and numbers["bce_fake"] == pytest.approx(math.log(2))


def test_probability_counts_and_samples(ran):
    numbers = ran["probability"][0].numbers
    assert [[numbers[f"p{r}{c}"] * 8 for c in range(3)] for r in range(3)] == COUNTS.tolist()
    assert numbers["max_frequency_error"] < 0.02  # 10,000 samples follow the probabilities
    assert training_images(3).sum(0).tolist() == COUNTS.tolist()
    samples = sample_images(COUNTS / 8, 500, seed=1)
    assert samples[:, 0, 1].sum() == 0 and samples[:, 1, 1].sum() > 400  # p = 0 and p = 7/8


def test_conv_sizes_of_the_book(ran):
    numbers = ran["conv-size"][0].numbers
    assert [numbers[f"D{i}"] for i in range(4)] == [128, 61, 27, 10]
    assert [numbers[f"G{i}"] for i in range(4)] == [11, 28, 62, 128]
    for _, case in cs.EXAMPLES:  # the formula agrees with PyTorch's layers
        assert cs.out_size(case) == cs.torch_size(case)
    assert cs.reads(cs.Conv(8, 2, 3)) == [[0, 1], [3, 4], [6, 7]]  # pixels 2 and 5 left out
    assert cs.reads(cs.Conv(3, 3, 2, transposed=True))[2] == [0, 1]  # overlap: sums two inputs


def _book_ch9(width: int = 4) -> tuple[nn.Module, nn.Module]:
    """The book's ch. 9 CelebA models with `width` channels instead of 256 (sizes are the same)."""
    act = nn.LeakyReLU(0.2)
    D = nn.Sequential(
        *(nn.Conv2d(3, width, 8, 2), nn.BatchNorm2d(width), act),
        *(nn.Conv2d(width, width, 8, 2), nn.BatchNorm2d(width), act),
        *(nn.Conv2d(width, 3, 8, 2), act, nn.Flatten(), nn.Linear(300, 1)),
    )
    G = nn.Sequential(
        *(nn.Linear(100, 3 * 11 * 11), act, nn.Unflatten(1, (3, 11, 11))),
        *(nn.ConvTranspose2d(3, width, 8, 2), nn.BatchNorm2d(width), act),
        *(nn.ConvTranspose2d(width, width, 8, 2), nn.BatchNorm2d(width), act),
        *(nn.ConvTranspose2d(width, 3, 8, 2, 1), nn.BatchNorm2d(3), nn.Sigmoid()),
    )
    return D, G


def test_layer_shapes_from_a_forward_pass_match_the_book():
    D, G = _book_ch9()
    d_rows = layer_shapes(D, torch.rand(2, 3, 128, 128))
    convs = [r.shape_out[-1] for r in d_rows if r.kind.startswith("Conv2d")]
    assert convs == [61, 27, 10]
    assert d_rows[-1].shape_out == (1,)
    g_rows = layer_shapes(G, torch.randn(2, 100))
    sizes = [r.shape_out[-1] for r in g_rows if r.kind.startswith(("Unflatten", "ConvTranspose2d"))]
    assert sizes == [11, 28, 62, 128]
    assert g_rows[-1].shape_out == (3, 128, 128) and G.training  # mode restored after the pass


def test_recipe_layers_for_every_registered_recipe():
    from gankit.data import load_data
    from gankit.recipes import all_recipes

    shown, loaded = 0, {}
    for recipe in all_recipes():
        spec = recipe.config.data.spec
        try:
            ds = loaded[spec] if spec in loaded else loaded.setdefault(spec, load_data(spec))
        except GankitError:  # its default data is not on this machine
            continue
        layers = model_layers(recipe.config, ds)
        assert layers["G"][-1].shape_out == ds.shape, recipe.name
        assert layers["D"][-1].shape_in == ds.shape and layers["D"][-1].shape_out == ()
        assert len(layers["G"]) > 2 and len(layers["D"]) > 2
        shown += 1
    assert shown >= 4


def test_model_layers_of_a_conditional_model_get_labels():
    from dataclasses import replace

    from gankit.data import Dataset
    from gankit.recipes import get_recipe

    cfg = get_recipe("gan-mnist").config
    cfg = replace(cfg, model=replace(cfg.model, conditional=True))
    x = torch.zeros(4, 1, 8, 8, dtype=torch.uint8)
    ds = Dataset("tiny", x, torch.tensor([0, 1, 2, 0]), ("a", "b", "c"))
    layers = model_layers(cfg, ds)
    assert layers["G"][0].shape_in == (100 + 3,)  # seed + one-hot label (ch. 10)
    assert layers["D"][0].shape_in == (64 + 3,) and layers["G"][-1].shape_out == (1, 8, 8)


def test_recipe_layers_by_name_with_another_data_spec():
    layers = recipe_layers("gan-1010", data="pattern-1010")
    assert layers["G"][0].shape_in == (1,) and layers["G"][-1].shape_out == (4,)


def test_convergence_plain_orbit_grows_stable_methods_shrink(ran):
    numbers = ran["convergence"][0].numbers
    start = numbers["start"]
    assert start == pytest.approx(math.hypot(0.6, 0.7))
    # each simultaneous step multiplies the radius by √(1 + lr²): ×12 over 500 steps
    assert numbers["simultaneous (book)"] == pytest.approx(start * 1.01**250, rel=1e-6)
    assert numbers["extra-gradient"] < start / 10 and numbers["optimistic"] < start / 10
    assert 0.8 * start < numbers["alternating"] < 1.25 * start
    radii = [cv.radius(p) for p in cv.trajectory(cv.simultaneous)]
    assert all(b > a for a, b in zip(radii, radii[1:], strict=False))  # grows at every step


def test_cuda_timings_and_the_python_loop(ran):
    assert python_matmul([[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]) == [
        [19.0, 22.0],
        [43.0, 50.0],
    ]
    t = timings(n=64, python_n=16, repeats=1)
    assert set(t) >= {"pure Python", "NumPy", "PyTorch CPU"}
    assert ("PyTorch CUDA" in t) == torch.cuda.is_available()
    assert t["pure Python"] > t["NumPy"] > 0  # the interpreter loop is the slow one
    assert "(600/20)³ = 27000" in ran["cuda"][2]  # the printout says the time was scaled


def test_cli_explain_writes_figures(tmp_path, capsys):
    assert main(["explain", "ideal-loss", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "ideal-loss.png").is_file()
    assert "wrote" in capsys.readouterr().out


def test_cli_conv_size_one_case_and_recipe(tmp_path, capsys):
    args = ["explain", "conv-size", "--in", "62", "--kernel", "8", "--stride", "2"]
    assert main([*args, "--padding", "1", "--transposed", "--out", str(tmp_path)]) == 0
    assert "out 128 (PyTorch agrees: 128)" in capsys.readouterr().out
    assert (tmp_path / "conv-size.png").is_file()
    assert main(["explain", "conv-size", "--recipe", "gan-1010", "--out", str(tmp_path)]) == 0
    assert "MLPGenerator" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "nope"], "error: topic 'nope'"),
        (["explain", "cuda", "--in", "3"], "error: --in: not an option of topic 'cuda'"),
        (["explain", "conv-size", "--in", "3", "--kernel", "5"], "the kernel does not fit"),
        (["explain", "conv-size", "--in", "3"], "--in and --kernel"),
        (["explain", "conv-size", "--in", "3", "--kernel", "2", "--stride", "0"], "expected ≥ 1"),
        (["explain", "conv-size", "--recipe", "nope"], "unknown recipe 'nope'"),
    ],
)
def test_cli_explain_bad_input(tmp_path, capsys, args, message):
    assert main([*args, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()  # nothing written on bad input
