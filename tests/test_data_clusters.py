"""gankit.data.clusters: equal-sized k-means clusters that self-conditioned GANs learn."""

import pytest
import torch

from gankit.data import Dataset
from gankit.data.clusters import balanced_assign, balanced_kmeans, cluster_features, with_clusters


def _blobs(sizes, seed=0):
    """Points around well-apart centres, `sizes[i]` of them around centre i, shuffled."""
    g = torch.Generator().manual_seed(seed)
    parts = [torch.randn(n, 5, generator=g) * 0.1 + 10 * i for i, n in enumerate(sizes)]
    truth = torch.cat([torch.full((n,), i) for i, n in enumerate(sizes)])
    order = torch.randperm(len(truth), generator=g)
    return torch.cat(parts)[order], truth[order]


def test_balanced_assign_fills_every_column_evenly_and_nearest_rows_first():
    dist = torch.tensor([[0.0, 5.0], [1.0, 5.0], [2.0, 5.0], [3.0, 0.5], [4.0, 5.0]])
    assign = balanced_assign(dist)
    assert assign.bincount().tolist() == [3, 2]
    # column 0 takes its three nearest rows (0, 1, 2); row 3 prefers column 1, row 4 gets the rest
    assert assign.tolist() == [0, 0, 0, 1, 1]


@pytest.mark.parametrize(("n", "k"), [(100, 4), (101, 4), (37, 5)])
def test_balanced_kmeans_sizes_differ_by_at_most_one(n, k):
    x = torch.randn(n, 3, generator=torch.Generator().manual_seed(1))
    sizes = balanced_kmeans(x, k, seed=0).bincount(minlength=k)
    assert int(sizes.max() - sizes.min()) <= 1
    assert int(sizes.sum()) == n


def test_balanced_kmeans_finds_separate_blobs_and_is_seeded():
    x, truth = _blobs([30, 30, 30])
    a = balanced_kmeans(x, 3, seed=0)
    for j in range(3):  # each cluster is one blob, whatever its number
        assert len(set(truth[a == j].tolist())) == 1
    assert torch.equal(a, balanced_kmeans(x, 3, seed=0))


def test_equal_sizes_split_an_unequal_blob_rather_than_mixing_two():
    # blob sizes 40/20 into 3 clusters of 20: the big blob splits in two, the small one stays whole
    x, truth = _blobs([40, 20])
    a = balanced_kmeans(x, 3, seed=0)
    assert a.bincount().tolist() == [20, 20, 20]
    assert sorted(len(set(truth[a == j].tolist())) for j in range(3)) == [1, 1, 1]


def test_balanced_kmeans_rejects_impossible_k():
    with pytest.raises(ValueError, match="k = 5"):
        balanced_kmeans(torch.randn(4, 2), 5)


def test_cluster_features_scale_pixels_and_shrink_large_images():
    small = Dataset("t", torch.full((2, 1, 28, 28), 255, dtype=torch.uint8))
    assert cluster_features(small).shape == (2, 784)
    assert float(cluster_features(small).max()) == 1.0
    large = Dataset("t", torch.zeros(2, 3, 64, 64, dtype=torch.uint8))
    assert cluster_features(large).shape == (2, 3 * 32 * 32)


def test_with_clusters_replaces_labels_and_keeps_the_rest():
    x = torch.cat([torch.zeros(6, 1, 4, 4), torch.full((6, 1, 4, 4), 255.0)]).to(torch.uint8)
    ds = Dataset("t", x, torch.arange(12) % 3, ("a", "b", "c"), "note")
    out = with_clusters(ds, 2, seed=0)
    assert out.x is ds.x and out.classes == ds.classes and out.note == "note"
    assert out.y[:6].unique().numel() == 1 and out.y[6:].unique().numel() == 1
    assert out.y[0] != out.y[6]
