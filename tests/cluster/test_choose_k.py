"""``cluster.k: auto``: the one-standard-error rule and the averaged silhouette curve."""

import numpy as np
import pandas as pd

from topiclab.cluster import choose_k, k_curve, one_standard_error_k
from topiclab.config import ClusterConfig


def test_a_better_score_within_one_standard_error_loses_to_fewer_topics():
    curve = pd.DataFrame({"k": [3, 4, 5, 6, 7], "score": [0.08, 0.11, 0.124, 0.119, 0.126],
                          "se": [0.002, 0.002, 0.002, 0.002, 0.002]})
    assert one_standard_error_k(curve) == 5  # 0.124 is within 0.002 of 0.126
    assert one_standard_error_k(curve.assign(se=0.0005)) == 7  # a clear winner is kept


def _blobs(centres: int, per_centre: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    axes = np.eye(16)[:centres] * 4.0
    return np.vstack([axis + rng.normal(0, 0.3, (per_centre, 16)) for axis in axes])


def test_auto_k_finds_separated_groups_and_reports_each_candidate_with_its_error():
    features = _blobs(4, 40)
    config = ClusterConfig(k="auto", auto={"candidates": [2, 3, 4, 5, 6, 7], "restarts": 2})
    k, curve = choose_k(features, config, seed=7)
    assert k == 4
    assert curve["k"].tolist() == [2, 3, 4, 5, 6, 7]
    assert (curve["se"] > 0).all() and curve["score"].equals(curve["silhouette"])
    again = k_curve(features, config, seed=7)
    pd.testing.assert_frame_equal(curve, again)  # the seed fixes every restart and the sample
