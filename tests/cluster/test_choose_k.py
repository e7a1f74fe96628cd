"""``cluster.k: auto``: candidates from the corpus size, each criterion on separated blobs, the rules."""

import numpy as np
import pandas as pd
import pytest

from topiclab.cluster import candidate_ks, choose_k, consensus_curve, k_curve, one_standard_error_k, pick_k, rule_text
from topiclab.config import AutoKConfig, ClusterConfig
from topiclab.errors import TopiclabError


def test_a_better_score_within_one_standard_error_loses_to_fewer_topics():
    curve = pd.DataFrame({"k": [3, 4, 5, 6, 7], "score": [0.08, 0.11, 0.124, 0.119, 0.126],
                          "se": [0.002, 0.002, 0.002, 0.002, 0.002]})
    assert one_standard_error_k(curve) == 5  # 0.124 is within 0.002 of 0.126
    assert one_standard_error_k(curve.assign(se=0.0005)) == 7  # a clear winner is kept
    assert pick_k(curve, "best") == 7
    assert pick_k(curve, "share", 0.9) == 5  # 0.08 + 0.9 * 0.046 = 0.1214
    assert pick_k(curve, "share", 0.5) == 4


def test_default_candidates_reach_sqrt_n_capped_at_fifty():
    assert candidate_ks(50) == [2, 3, 4, 5, 6, 7]  # sqrt(50) = 7
    ks = candidate_ks(1490)
    assert ks[:9] == list(range(2, 11)) and ks[-1] <= 38 < ks[-1] * 1.2
    assert all(b / a <= 1.2 for a, b in zip(ks[8:], ks[9:]))  # steps of about 15% past 10
    big = candidate_ks(100_000)
    assert big[-1] <= 50 and big[-1] > 40


def _blobs(centres: int, per_centre: int, seed: int = 0, spread: float = 0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    axes = np.eye(16)[:centres] * 4.0
    return np.vstack([axis + rng.normal(0, spread, (per_centre, 16)) for axis in axes])


@pytest.mark.parametrize("criterion, rule", [("silhouette", "one_se"), ("silhouette", "best"),
                                             ("calinski_harabasz", "best"), ("eigengap", "best"), ("bic", "best")])
def test_every_criterion_finds_separated_groups(criterion, rule):
    features = _blobs(6, 40)
    config = ClusterConfig(k="auto", auto={"criterion": criterion, "rule": rule, "restarts": 1, "bic_dims": 5})
    k, curve = choose_k(features, config, seed=7)
    assert k == 6, curve
    assert curve["k"].tolist() == candidate_ks(len(features))  # the default range, derived from n = 240


def test_the_curve_reports_each_candidate_with_its_error_and_is_seeded():
    features = _blobs(4, 40)
    config = ClusterConfig(k="auto", auto={"candidates": [2, 3, 4, 5, 6, 7], "restarts": 2})
    k, curve = choose_k(features, config, seed=7)
    assert k == 4
    assert curve["k"].tolist() == [2, 3, 4, 5, 6, 7]
    assert (curve["se"] > 0).all() and curve["score"].equals(curve["silhouette"])
    pd.testing.assert_frame_equal(curve, k_curve(features, config, seed=7))  # the seed fixes restarts and sample


def test_fewer_documents_than_the_smallest_candidate_is_an_error():
    config = ClusterConfig(k="auto", auto={"candidates": [5, 6]})
    with pytest.raises(TopiclabError, match=r"needs at least 6 documents, got 4 .*smallest candidate k=5"):
        k_curve(_blobs(2, 2), config, seed=0)


def test_the_rule_is_said_in_words_and_bad_settings_are_refused():
    assert rule_text(AutoKConfig()) .startswith("the ")
    assert "one standard error" in rule_text(AutoKConfig(rule="one_se"))
    with pytest.raises(ValueError):
        AutoKConfig(candidates=[])
    with pytest.raises(ValueError):
        AutoKConfig(min_k=10, max_k=5)


def test_a_consensus_of_two_spaces_keeps_the_k_both_rank_high():
    features = pd.DataFrame({"k": [2, 3, 4, 5, 6], "score": [0.1, 0.2, 0.35, 0.3, 0.9], "silhouette": 0.0})
    embedding = pd.DataFrame({"k": [2, 3, 4, 5, 6], "score": [0.5, 0.9, 0.8, 0.7, 0.1], "silhouette": 0.0})
    curve = consensus_curve({"features": features, "embedding": embedding})
    assert pick_k(curve, "best") == 4  # ranks 0.8 + 0.8: neither space's own best (6, 3)
    assert curve["score_features"].tolist() == features["score"].tolist() and (curve["se"] == 0).all()
    assert pick_k(curve, "one_se") == 4


def test_both_spaces_are_scored_where_the_features_are_not_the_embeddings():
    groups = _blobs(4, 30, seed=1)
    embeddings = np.hstack([groups, np.zeros((len(groups), 4))])
    features = np.hstack([groups, np.random.default_rng(2).normal(0, 0.3, (len(groups), 4))])
    config = ClusterConfig(k="auto", auto={"candidates": [2, 3, 4, 5, 6], "restarts": 1})
    assert config.auto.space == "both" and config.auto.rule == "best"
    k, curve = choose_k(features, config, seed=3, embeddings=embeddings)
    assert k == 4 and {"score_features", "score_embedding"} <= set(curve.columns)
    _, alone = choose_k(embeddings, config, seed=3, embeddings=embeddings)  # the same space: scored once
    assert "score_features" not in alone.columns
    assert "rank" in rule_text(config.auto)
