"""Outlier policies scored per corpus and chosen leave-one-corpus-out."""

import numpy as np
import pandas as pd

from topiclab.benchmarks import POLICIES, leave_one_out, outliers_section, policy_rows


def _blobs(seed):
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 8) * 5
    truth = np.repeat(["a", "b", "c"], 20)
    vectors = centres[np.repeat([0, 1, 2], 20)] + rng.normal(scale=0.3, size=(60, 8))
    labels = np.repeat([0, 1, 2], 20)
    labels[::4] = -1  # a quarter of the documents are outliers, each close to its own blob
    return vectors, truth, labels


def test_reassigning_near_outliers_restores_their_topics():
    vectors, truth, labels = _blobs(0)
    rows = pd.DataFrame(policy_rows("blobs", vectors, truth, labels)).set_index("policy")
    assert list(rows.index) == [p.name for p in POLICIES]
    assert rows.loc["keep", "outlier_share"] == 0.25 and rows.loc["keep", "reassigned"] == 0
    assert rows.loc["reassign >= -1", "outlier_share"] == 0.0
    assert rows.loc["reassign >= -1", "reassigned_correct"] == 1.0
    assert rows.loc["reassign >= -1", "nmi"] > rows.loc["keep", "nmi"]


def test_each_corpus_gets_the_policy_chosen_on_the_others():
    curves = pd.DataFrame([
        {"corpus": c, "policy": p, "nmi": nmi, "outlier_share": 0.0, "reassigned": 0, "reassigned_correct": 1.0}
        for c, scores in {"x": (0.5, 0.9), "y": (0.5, 0.8), "z": (0.9, 0.1)}.items()
        for p, nmi in zip(("keep", "reassign >= 0"), scores)])
    loo = leave_one_out(curves).set_index("corpus")
    assert loo.loc["z", "policy chosen on the others"] == "reassign >= 0"  # x and y prefer it
    assert loo.loc["z", "NMI"] == 0.1 and loo.loc["z", "best NMI here"] == 0.9
    assert loo.loc["x", "policy chosen on the others"] == "keep"  # y + z: keep 0.7 vs 0.45
    body, targets, default = outliers_section(curves)
    assert default == "keep" and "Leave one corpus out" in body  # mean over all: 0.63 vs 0.60
    assert dict(zip(targets.target.str.extract(r"outliers, (\w)")[0], targets.status)) == {
        "x": "met", "y": "met", "z": "missed"}
