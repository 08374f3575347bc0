"""`--features fid-inception:FILE`: the same FID and KID as torch-fidelity, and wrong files refused.

No real FID Inception file can be had offline, so a file of random weights in its exact layout
stands in: both paths load it, resize, run the network and compute the metrics on it.
An Inception forward at 299×299 is slow on a CPU, so the sets are small (16 images).
"""

import hashlib
import sys

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.utils import save_image

import gankit
from gankit.cli import main
from gankit.errors import GankitError
from gankit.metrics.evaluate import evaluate
from gankit.metrics.features import get_extractor
from gankit.metrics.fid import fid, kid
from gankit.metrics.fid_inception import quantise
from tests.inception_util import random_fid_inception, shapes_only, torchvision_inception_layout

torch_fidelity = pytest.importorskip("torch_fidelity")
N = 16


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Nothing here may train or read the feature CNN in the user's cache."""
    monkeypatch.setenv("GANKIT_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return random_fid_inception(tmp_path_factory.mktemp("w") / "random-fid-inception.pth")


@pytest.fixture(scope="module")
def gan_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("gan") / "run"
    return gankit.train("gan-mnist", out=out, steps=5, progress=False)


def _images(seed: int, power: float) -> torch.Tensor:
    """(N, 1, 28, 28) grey images in [0, 1]; the power shifts the two sets apart."""
    return torch.rand(N, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) ** power


def _png_folder(x: torch.Tensor, folder):
    folder.mkdir()
    for i, image in enumerate(x):
        save_image(image, folder / f"{i:03d}.png")
    return folder


@pytest.mark.filterwarnings("ignore:This DataLoader will create")
def test_fid_and_kid_equal_torch_fidelity(weights, tmp_path):
    """Must-show 1: gankit's path (tensors → uint8 → torch-fidelity's network → gankit's FID/KID)
    against torch-fidelity's own: PNG files on disk, its loader, its metrics."""
    a, b = _images(1, 1.0), _images(2, 2.0)
    extractor = get_extractor(f"fid-inception:{weights}", "mnist")
    fa, fb = extractor.features(a), extractor.features(b)  # (N, 2048) each
    ours_fid = fid(fa, fb)
    ours_kid, _ = kid(fa, fb, subsets=2, subset_size=N)  # subsets of all N: no sampling noise
    theirs = torch_fidelity.calculate_metrics(
        input1=str(_png_folder(a, tmp_path / "a")),
        input2=str(_png_folder(b, tmp_path / "b")),
        feature_extractor_weights_path=str(weights),
        fid=True,
        kid=True,
        kid_subsets=2,
        kid_subset_size=N,
        cuda=False,
        cache=False,
        verbose=False,
        batch_size=N,
    )
    their_fid = theirs["frechet_inception_distance"]
    their_kid = theirs["kernel_inception_distance_mean"]
    print(f"FID {ours_fid:.9g} vs {their_fid:.9g}; KID {ours_kid:.9g} vs {their_kid:.9g}")
    assert ours_fid > 1.0  # the two sets differ: a real comparison, not 0 against 0
    assert ours_fid == pytest.approx(their_fid, rel=1e-3)
    assert ours_kid == pytest.approx(their_kid, rel=1e-3)


def test_quantise_matches_a_saved_png(tmp_path):
    x = _images(3, 1.0)[:2]
    save_image(x[0], tmp_path / "x.png")
    loaded = torch.from_numpy(np.array(Image.open(tmp_path / "x.png").convert("RGB")))
    assert torch.equal(quantise(x)[0], loaded.permute(2, 0, 1))  # (3, 28, 28) uint8


def test_eval_json_names_the_weights_and_splits(weights, gan_run, monkeypatch):
    """Must-show 3 for this extractor (the others: test_metrics_evaluate.py). No mode coverage:
    it would train the digit CNN, which has nothing to do with these keys."""
    monkeypatch.setattr(sys.modules["gankit.metrics.evaluate"], "_classifier_for", lambda *a: None)
    doc = evaluate(gan_run.path, n=12, features=f"fid-inception:{weights}", progress=False)
    assert doc["features"] == f"fid-inception:{weights}" and doc["n"] == 12
    assert doc["weights_sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert doc["split"] == "test" and doc["floor_split"] == "train"


def test_a_file_without_batch_norm_counters_is_accepted(weights, tmp_path):
    state = torch.load(weights, weights_only=True)
    path = tmp_path / "pt_inception-like.pth"
    torch.save({k: v for k, v in state.items() if "num_batches_tracked" not in k}, path)
    assert get_extractor(f"fid-inception:{path}", "mnist").sha256 is not None


def _torchscript(path):
    # torch.jit is deprecated, but such archives are still found on disk
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), path)


def _whole_model(path):
    torch.save(torch.nn.Linear(2, 2), path)


@pytest.mark.filterwarnings("ignore:`torch.jit.:FutureWarning")
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (None, "file not found"),
        (lambda p: shapes_only(torchvision_inception_layout(), p), "torchvision's ImageNet"),
        (lambda p: torch.save({"weight": torch.randn(3, 2)}, p), "another network"),
        (_torchscript, "TorchScript"),
        (lambda p: p.write_text("weights go here\n"), "a text file"),
        (_whole_model, "other than a state dict"),
        (lambda p: torch.save([torch.zeros(1)], p), "a list, not a state dict"),
    ],
    ids=["missing", "torchvision", "random-pth", "torchscript", "text", "pickled-model", "list"],
)
def test_wrong_files_exit_2_with_one_line(gan_run, tmp_path, capsys, make, message):
    """Must-show 2: each wrong file is named for what it looks like, before any work."""
    path = tmp_path / "inception.pth"
    if make is not None:
        make(path)
    code = main(["evaluate", str(gan_run.path), "--features", f"fid-inception:{path}"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_without_torch_fidelity_the_error_says_what_to_install(weights, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch_fidelity.feature_extractor_inceptionv3", None)
    with pytest.raises(GankitError, match=r"pip install 'gankit\[fid\]'"):
        get_extractor(f"fid-inception:{weights}", "mnist")
