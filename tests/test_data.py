from pathlib import Path

import numpy as np
import pytest
import torch

from gankit.data import Batches, load_data
from gankit.data.mnist import FASHION_DIR, read_idx
from gankit.errors import GankitError
from tests.conftest import write_idx, write_idx_dir, write_mnist_csv


def test_embedded_mnist_split_is_fixed_and_stratified():
    train, test = load_data("mnist", "train"), load_data("mnist", "test")
    assert len(train) == 4000 and len(test) == 1000
    assert train.x.dtype == torch.uint8 and train.shape == (1, 28, 28)
    assert train.y.bincount().tolist() == [400] * 10 and test.y.bincount().tolist() == [100] * 10
    again = load_data("mnist", "test")
    assert torch.equal(again.x, test.x)
    # no test image is also a training image
    train_keys = {bytes(row) for row in train.x.flatten(1).numpy()}
    assert not any(bytes(row) in train_keys for row in test.x.flatten(1).numpy())


def test_book_csv_reads_labels_and_pixels(tmp_path):
    path = write_mnist_csv(tmp_path / "mnist_train.csv", n=12)
    write_mnist_csv(tmp_path / "mnist_test.csv", n=5, seed=3)
    ds = load_data(f"mnist:{path}")
    raw = np.loadtxt(path, delimiter=",")
    assert len(ds) == 12 and ds.y.tolist() == raw[:, 0].astype(int).tolist()
    assert torch.equal(ds.x.flatten(1), torch.from_numpy(raw[:, 1:].astype(np.uint8)))
    assert len(load_data(f"mnist:{path}", "test")) == 5


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda rows: rows.__setitem__(2, rows[2].rsplit(",", 3)[0]),
            "row 3: expected 785 columns",
        ),
        (lambda rows: rows.__setitem__(1, rows[1].replace(",", ",x", 1)), "row 2, column 2: 'x"),
        (
            lambda rows: rows.__setitem__(3, rows[3].rsplit(",", 1)[0] + ",300"),
            "row 4: pixel value 300",
        ),
        (lambda rows: rows.__setitem__(0, "11" + rows[0][1:]), "row 1: label 11 is outside 0–9"),
    ],
)
def test_bad_csv_names_the_row(tmp_path, edit, message):
    path = write_mnist_csv(tmp_path / "bad.csv", n=5)
    rows = path.read_text().splitlines()
    edit(rows)
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(GankitError, match=message):
        load_data(f"mnist:{path}")


def test_missing_file_and_unknown_spec(tmp_path):
    with pytest.raises(GankitError, match="file not found"):
        load_data(f"mnist:{tmp_path / 'nope.csv'}")
    with pytest.raises(GankitError, match="valid: .*fashion-mnist.*mnist"):
        load_data("cifar")


@pytest.mark.parametrize("compress", [True, False])
def test_idx_folder_plain_or_gzipped(tmp_path, compress):
    directory = write_idx_dir(tmp_path / "idx", n=30, compress=compress)
    train, test = load_data(f"mnist:{directory}"), load_data(f"mnist:{directory}", "test")
    assert (len(train), len(test)) == (30, 10)
    assert train.shape == (1, 28, 28) and train.y.tolist()[:3] == [0, 1, 2]


def test_idx_bad_magic_and_truncated_data(tmp_path):
    bad = tmp_path / "bad-idx"
    bad.write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    with pytest.raises(GankitError, match="bad IDX magic number 12340801"):
        read_idx(bad)
    short = write_idx(tmp_path / "short", np.zeros((10, 28, 28)))
    short.write_bytes(short.read_bytes()[:-100])
    with pytest.raises(GankitError, match="truncated IDX data"):
        read_idx(short)


@pytest.mark.skipif(not FASHION_DIR.is_dir(), reason="Debian's dataset-fashion-mnist not installed")
def test_fashion_mnist_from_debian_package():
    test = load_data("fashion-mnist", "test")
    assert len(test) == 10_000 and test.classes[9] == "Ankle boot"


def test_pattern_1010_is_the_books_real_data():
    x = load_data("pattern-1010").x
    assert bool((x[:, 0::2] >= 0.8).all() and (x[:, 1::2] <= 0.2).all())


def test_batches_cover_each_epoch_once_and_are_seeded():
    b = Batches(n=10, batch_size=3, seed=5)
    epoch0 = torch.cat([b.indices(s) for s in range(b.steps_per_epoch)])
    assert len(set(epoch0.tolist())) == 9  # 3 steps × 3, the last partial batch dropped
    assert torch.equal(b.indices(4), Batches(n=10, batch_size=3, seed=5).indices(4))
    assert not torch.equal(b.indices(0), b.indices(3))  # a new order each epoch


def test_batches_shard_between_processes():
    whole = Batches(n=16, batch_size=4, seed=0)
    ranks = [Batches(n=16, batch_size=2, seed=0, rank=r, world=2) for r in range(2)]
    assert torch.equal(torch.cat([r.indices(1) for r in ranks]), whole.indices(1))


def test_data_show_writes_a_picture(cli, tmp_path):
    code, out, _ = cli("data", "show", "mnist", "--out", tmp_path / "m.png")
    assert code == 0 and "4000 samples" in out and (tmp_path / "m.png").stat().st_size > 1000


def test_data_show_grid_draws_real_images_at_random_as_a_run_draws_samples(cli, tmp_path):
    from PIL import Image

    from gankit.cli_data import real_grid
    from gankit.viz.plots import grid_image

    path = tmp_path / "g.png"
    code, out, _ = cli("data", "show", "mnist", "--split", "test", "--grid", "--out", path)
    assert code == 0 and "1000 samples" in out
    drawn = torch.from_numpy(np.array(Image.open(path).convert("RGB"))).permute(2, 0, 1)

    def pixels(x):  # a grid as its PNG stores it: (3, H', W') bytes
        return grid_image(x, 10, 2).mul(255).add(0.5).clamp(0, 255).to(torch.uint8)

    ds = load_data("mnist", "test")  # sorted by digit: its first 100 are all 0s
    picked = torch.randperm(1000, generator=torch.Generator().manual_seed(0))[:100]
    # a run's samples/step-*.png layout for 28-px images: 100 cells, rows of 10, enlarged 2×
    assert torch.equal(drawn, pixels(ds.batch(picked)))
    assert not torch.equal(drawn, pixels(ds.batch(torch.arange(100))))
    assert drawn.shape == pixels(torch.zeros(100, 1, 28, 28)).shape
    real_grid(ds, tmp_path / "other.png", seed=1)
    assert (tmp_path / "other.png").read_bytes() != path.read_bytes()


def test_data_show_grid_refuses_vector_data(cli):
    code, _, err = cli("data", "show", "ring-8", "--grid")
    assert code == 2 and "ring-8" in err and "not images" in err


def _with_header(path: Path, names: list[str]) -> Path:
    path.write_text(",".join(names) + "\n" + path.read_text())
    return path


@pytest.mark.parametrize("style", ["kaggle", "pjreddie"])
def test_a_header_row_is_detected_skipped_and_noted_once(tmp_path, capsys, style):
    plain = write_mnist_csv(tmp_path / "plain.csv", n=6)
    pixels = [f"pixel{i}" for i in range(784)] if style == "kaggle" else None
    pixels = pixels or [f"{r}x{c}" for r in range(1, 29) for c in range(1, 29)]
    headed = write_mnist_csv(tmp_path / "headed.csv", n=6)
    _with_header(headed, ["label", *pixels])
    ds, ref = load_data(f"mnist:{headed}"), load_data(f"mnist:{plain}")
    assert torch.equal(ds.x, ref.x) and torch.equal(ds.y, ref.y)
    err = capsys.readouterr().err
    assert err.count("note: ") == 1 and "headed.csv: row 1 is a header row" in err


def test_after_a_header_row_errors_still_name_the_file_row(tmp_path):
    path = write_mnist_csv(tmp_path / "bad.csv", n=3)
    rows = path.read_text().splitlines()
    rows[1] = rows[1].rsplit(",", 1)[0] + ",300"
    path.write_text("\n".join(rows) + "\n")
    _with_header(path, ["label", *(f"pixel{i}" for i in range(784))])
    with pytest.raises(GankitError, match="row 3: pixel value 300"):
        load_data(f"mnist:{path}")


def test_a_first_row_with_some_numbers_is_not_taken_for_a_header(tmp_path):
    path = write_mnist_csv(tmp_path / "bad.csv", n=3)
    path.write_text("label," + path.read_text().split(",", 1)[1])
    with pytest.raises(GankitError, match="row 1, column 1: 'label' is not a number"):
        load_data(f"mnist:{path}")
