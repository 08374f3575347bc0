"""Quality that takes minutes to show: the book's collapse and its cure (slow; CI runs these)."""

import pytest
import torch

import gankit
from gankit.data import load_data


def mean_pairwise_distance(x: torch.Tensor) -> float:
    flat = x.flatten(1)  # (N, 784)
    return torch.cdist(flat, flat).sum().item() / (len(flat) * (len(flat) - 1))


@pytest.mark.slow
def test_first_attempt_collapses_and_the_improved_gans_do_not(trained_runs):
    real = load_data("mnist", "test")
    real_spread = mean_pairwise_distance(real.batch(torch.arange(300)))
    spread = {
        name: mean_pairwise_distance(gankit.load_run(path).sample(300, seed=11))
        for name, path in trained_runs.items()
    }
    assert spread["gan-mnist-first"] < real_spread / 3, spread
    assert spread["gan-mnist"] > 2 * real_spread / 3, spread
    assert spread["mnist"] > 2 * real_spread / 3, spread


@pytest.mark.slow
def test_main_job_writes_its_grids_and_plots(trained_runs):
    run = trained_runs["mnist"]
    grids = sorted((run / "samples").glob("step-*.png"))
    assert len(grids) == 10 and (run / "plots" / "losses.png").stat().st_size > 10_000
