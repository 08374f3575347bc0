"""model.clusters: a self-conditioned run trains, saves, resumes and samples as an unconditional one."""

import pytest
import torch

import gankit
from gankit.errors import GankitError

# the main job's pair, narrow, a few steps of batch 16 on the embedded digits
TINY = [
    "model.clusters=4",
    "model.g.width=4",
    "model.d.width=4",
    "train.batch_size=16",
    "train.log_every=2",
    "train.sample_every=5",
]


def test_a_clustered_run_is_unconditional_outside_and_uses_its_clusters(tmp_path):
    run = gankit.train("mnist", out=tmp_path / "r", steps=10, set=TINY, progress=False)
    loaded = gankit.load_run(run.path)
    assert not loaded.conditional
    x = loaded.sample(8, seed=3)
    assert x.shape == (8, 1, 28, 28) and torch.equal(x, loaded.sample(8, seed=3))
    assert loaded.G.clusters == 4  # the wrapper that reads the cluster off the seed
    # D learned a table per cluster: its projection has one row each
    state = torch.load(run.path / "checkpoints" / "last.pt", weights_only=False)
    assert state["D"]["embed.weight"].shape[0] == 4


def test_a_clustered_run_resumes_to_the_same_weights(tmp_path):
    straight, split = tmp_path / "a", tmp_path / "b"
    gankit.train("mnist", out=straight, steps=12, set=TINY, progress=False)
    gankit.train("mnist", out=split, steps=6, set=TINY, progress=False)
    gankit.train("mnist", out=split, steps=12, resume=True, progress=False)
    a = torch.load(straight / "checkpoints" / "last.pt", weights_only=False)["G"]
    b = torch.load(split / "checkpoints" / "last.pt", weights_only=False)["G"]
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["model.clusters=1"], "model.clusters"),
        (["model.clusters=3", "model.conditional=true"], "takes no data labels"),
        (["model.clusters=5000"], "holds only 4,000"),
    ],
)
def test_bad_cluster_settings_name_the_field(tmp_path, extra, message):
    with pytest.raises(GankitError, match=message):
        gankit.train("mnist", out=tmp_path / "r", steps=2, set=TINY + extra, progress=False)
