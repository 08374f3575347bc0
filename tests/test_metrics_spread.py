"""gankit.metrics.spread: disjoint draws and how their scores combine into one eval dict."""

import statistics

import pytest

from gankit.errors import GankitError
from gankit.metrics.spread import combine, draw_seeds


def test_draws_use_disjoint_blocks_of_sample_seeds():
    # 2,500 samples take three chunks of 1,000: seeds 5-7, 8-10, 11-13
    assert draw_seeds(5, 2500, 3, 1000) == [5, 8, 11]
    assert draw_seeds(0, 300, 4, 1000) == [0, 1, 2, 3]
    assert draw_seeds(7, 300, 1, 1000) == [7]
    with pytest.raises(GankitError, match="--repeats 0: expected at least 1"):
        draw_seeds(0, 300, 0, 1000)


def test_one_draw_is_returned_as_it_is():
    doc = {"fid": 30.0, "classes_covered": 10, "floor": {"fid": 25.0}}
    assert combine([doc], [0]) is doc


def test_scores_are_averaged_and_the_spread_kept():
    docs = [
        {"fid": 30.0, "recall": 0.80, "classes_covered": 10, "n": 100, "truncation": 0.9,
         "class_histogram": [0.5, 0.5], "floor": {"fid": 25.0, "classes_covered": 10}},
        {"fid": 42.0, "recall": 0.78, "classes_covered": 9, "n": 100, "truncation": 0.9,
         "class_histogram": [0.4, 0.6], "floor": {"fid": 27.0, "classes_covered": 10}},
        {"fid": 36.0, "recall": 0.82, "classes_covered": 10, "n": 100, "truncation": 0.9,
         "class_histogram": [0.6, 0.4], "floor": {"fid": 23.0, "classes_covered": 10}},
    ]  # fmt: skip
    doc = combine(docs, [0, 1, 2])
    assert doc["fid"] == pytest.approx(36.0) and doc["recall"] == pytest.approx(0.80)
    assert doc["floor"]["fid"] == pytest.approx(25.0)
    # a class missed in one draw is missed: the worst draw's count, not a fractional mean
    assert doc["classes_covered"] == 9 and doc["floor"]["classes_covered"] == 10
    # settings and lists are the first draw's, not averaged
    assert doc["n"] == 100 and doc["truncation"] == 0.9 and doc["class_histogram"] == [0.5, 0.5]
    spread = doc["repeats"]
    assert spread["count"] == 3 and spread["seeds"] == [0, 1, 2]
    assert spread["std"]["fid"] == pytest.approx(6.0)  # sample sd of 30, 42, 36
    assert spread["std"]["recall"] == pytest.approx(statistics.stdev([0.80, 0.78, 0.82]))
    assert spread["min"]["fid"] == 30.0 and spread["max"]["fid"] == 42.0
    assert spread["floor_std"]["fid"] == pytest.approx(2.0)
    assert spread["floor_draws"]["fid"] == [25.0, 27.0, 23.0]
    assert spread["draws"]["fid"] == [30.0, 42.0, 36.0]
    assert "truncation" not in spread["std"]
