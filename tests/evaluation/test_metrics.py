import numpy as np
import pytest

from topiclab import evaluation as metrics


def test_hungarian_accuracy_ignores_cluster_numbering():
    truth = ["a", "a", "b", "b", "c"]
    assert metrics.hungarian_accuracy(truth, np.array([2, 2, 0, 0, 1])) == 1.0
    assert metrics.hungarian_accuracy(truth, np.array([0, 0, 0, 0, 1])) == pytest.approx(0.6)


def test_external_metrics_perfect_and_random():
    truth = ["a"] * 5 + ["b"] * 5
    perfect = metrics.external_metrics(truth, np.array([1] * 5 + [0] * 5))
    assert perfect == {"nmi": 1.0, "ari": 1.0, "v_measure": 1.0, "accuracy": 1.0}
    mixed = metrics.external_metrics(truth, np.array([0, 1] * 5))
    assert mixed["nmi"] < 0.2 and mixed["ari"] <= 0.0


def test_internal_metrics_skip_outliers_and_degenerate_cases():
    features = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9], [5, 5]], dtype=float)
    scores = metrics.internal_metrics(features, np.array([0, 0, 1, 1, -1]))
    assert scores["silhouette"] > 0.8
    assert metrics.internal_metrics(features, np.zeros(5, dtype=int)) == {}


def test_silhouette_of_a_big_corpus_is_a_seeded_sample_close_to_the_exact_one(monkeypatch):
    from sklearn.datasets import make_blobs
    from sklearn.metrics import silhouette_score

    import topiclab.evaluation._metrics as module

    features, labels = make_blobs(n_samples=3_000, centers=3, n_features=8, cluster_std=4.0, random_state=0)
    exact = metrics.internal_metrics(features, labels)["silhouette"]
    assert exact == pytest.approx(silhouette_score(features, labels, metric="cosine"))  # below the cap: exact
    monkeypatch.setattr(module, "SILHOUETTE_SAMPLE", 1_000)
    sampled = metrics.internal_metrics(features, labels, seed=4)["silhouette"]
    assert sampled == metrics.internal_metrics(features, labels, seed=4)["silhouette"] != exact
    assert sampled == pytest.approx(exact, abs=0.03)


def test_topic_diversity_counts_unique_top_words_without_outliers():
    assert metrics.topic_diversity({0: ["a", "b"], 1: ["c", "d"], -1: ["a"]}) == 1.0
    assert metrics.topic_diversity({0: ["a", "b"], 1: ["a", "c"]}) == 0.75


def test_outlier_share():
    assert metrics.outlier_share(np.array([-1, 0, 1, -1])) == 0.5


def test_label_accuracy_normalises_dashes_and_case():
    predicted = ["Russia\u2013China relations", "elections", "Balkans diplomacy"]
    accepted = [{"Russia-China relations"}, {"Elections"}, {"Elections"}]
    assert metrics.label_accuracy(predicted, accepted) == pytest.approx(2 / 3)
