"""gankit.models.seed_clusters: G reads its cluster off its seed and stays a function of it."""

import torch

from gankit.models import build_generator
from gankit.models.seed_clusters import SeedClusters, seed_cluster


def test_seed_cluster_cuts_the_normal_quantile_into_equal_slices():
    # quantiles of N(0, 1) at 1/4, 1/2, 3/4: −0.674, 0, 0.674
    z = torch.tensor([[-1.0], [-0.6], [0.1], [0.7], [5.0]])
    assert seed_cluster(z, 4).tolist() == [0, 1, 2, 3, 3]
    assert seed_cluster(torch.tensor([[0.0], [0.49], [0.51], [0.999]]), 2, "uniform").tolist() == [
        0,
        0,
        1,
        1,
    ]


def test_seed_cluster_draws_every_cluster_equally_often():
    z = torch.randn(40_000, 3, generator=torch.Generator().manual_seed(0))
    share = seed_cluster(z, 10).bincount(minlength=10).float() / len(z)
    assert float((share - 0.1).abs().max()) < 0.01


def test_wrapped_generator_is_a_function_of_the_seed_and_agrees_with_explicit_clusters():
    torch.manual_seed(0)
    inner = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=5, width=4)
    for table in (m for m in inner.modules() if isinstance(m, torch.nn.Embedding)):
        torch.nn.init.normal_(table.weight)  # CBN starts as the identity: give clusters a say
    G = SeedClusters(inner, clusters=5).eval()
    z = torch.randn(6, 8)
    with torch.no_grad():
        own = G(z)
        explicit = inner(z, seed_cluster(z, 5))
        other = inner(z, (seed_cluster(z, 5) + 1) % 5)
    assert own.shape == (6, 1, 28, 28)
    assert torch.equal(own, explicit)
    assert not torch.allclose(own, other)  # the cluster does reach G


def test_truncation_narrows_the_seed_when_sampling_only_and_keeps_the_cluster():
    torch.manual_seed(0)
    inner = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=5, width=4)
    G = SeedClusters(inner, clusters=5, truncation=0.5)
    z = torch.randn(6, 8)
    clusters = seed_cluster(z, 5)
    narrow = torch.cat([z[:, :1], z[:, 1:] * 0.5], 1)  # (6, 8): the cluster's number kept
    with torch.no_grad():
        G.eval()  # (G's batch norms use their running statistics: the order below keeps them)
        sampled = G(z)
        expected = inner(narrow, clusters)
        untruncated = inner(z, clusters)
        G.train()
        trained = G(z, clusters)
        as_drawn = inner(z, clusters)
    assert torch.equal(trained, as_drawn)  # a training step sees the seeds as drawn
    assert torch.equal(sampled, expected)
    assert not torch.allclose(sampled, untruncated)  # the narrower seed does reach G


def test_without_clusters_the_wrapper_only_truncates_and_passes_labels_on():
    torch.manual_seed(0)
    inner = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=3, width=4)
    G = SeedClusters(inner, clusters=0, truncation=0.7).eval()
    inner.eval()
    z, y = torch.randn(4, 8), torch.tensor([0, 1, 2, 0])
    with torch.no_grad():
        assert torch.equal(G(z, y), inner(z * 0.7, y))


def test_a_truncating_wrapper_keeps_gs_own_weight_names():
    # a run's weights must load whether or not its config truncates (it may change after training)
    inner = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=0, width=4)
    G = SeedClusters(inner, clusters=0, truncation=0.7)
    assert list(G.state_dict()) == list(inner.state_dict())
    plain = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=0, width=4)
    plain.load_state_dict(G.state_dict())  # wrapped → plain
    other = SeedClusters(
        build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=0, width=4),
        clusters=0,
    )
    other.load_state_dict(plain.state_dict())  # plain → wrapped
    for a, b in zip(inner.state_dict().values(), other.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    # with clusters the wrapper's own names stay (runs already trained so load as they are)
    inner = build_generator("cdcgan", latent_dim=8, out_shape=(1, 28, 28), num_classes=3, width=4)
    clustered = SeedClusters(inner, clusters=3)
    assert all(k.startswith("generator.") for k in clustered.state_dict())
