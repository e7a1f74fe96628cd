"""Outliers of density clusterers: kept, or reassigned to the nearest topic centroid above a similarity."""

import numpy as np
import pytest
from topic_corpus import config_dict, write_csv

from topiclab.cluster import outlier_shares, reassign_outliers
from topiclab.config import config_from_dict
from topiclab.pipeline import run_experiment

VECTORS = np.array([[1, 0], [1, 0.1], [0, 1], [0.1, 1], [0.9, 0.3], [-1, -1]], dtype=float)
LABELS = np.array([0, 0, 1, 1, -1, -1])


def test_outliers_go_to_the_nearest_centroid_above_the_minimum_similarity():
    assert reassign_outliers(VECTORS, LABELS, -1.0).tolist() == [0, 0, 1, 1, 0, 0]
    kept = reassign_outliers(VECTORS, LABELS, 0.5)  # [-1, -1] is far from both topics
    assert kept.tolist() == [0, 0, 1, 1, 0, -1]
    assert outlier_shares(LABELS, kept) == {"outlier_share_before": pytest.approx(2 / 6),
                                            "outlier_share_after": pytest.approx(1 / 6)}
    assert reassign_outliers(VECTORS, np.full(6, -1), 0.0).tolist() == [-1] * 6  # no topic: nothing to join


def test_kept_outliers_are_counted_before_and_after(tmp_path):
    path = write_csv(tmp_path / "small.csv")
    config = config_from_dict(config_dict(path, cluster={"method": "umap_hdbscan", "k": None, "outliers": "keep",
                                                          "hdbscan": {"min_cluster_size": 5},
                                                          "umap": {"n_neighbors": 5}}))
    result = run_experiment(config)
    before, after = result.metrics["outlier_share_before"], result.metrics["outlier_share_after"]
    assert before == after == pytest.approx(float(np.mean(result.assignments == -1)))


def test_reassigned_outliers_on_bbc_leave_fewer_outliers(shared_dir):
    """200 BBC articles on TF-IDF: HDBSCAN leaves some outliers; those similar enough to a topic join it."""
    config = config_from_dict({"name": "outliers", "data": {"dataset": "bbc_news", "limit": 200},
                               "vectorize": {"representation": "tfidf"},
                               "cluster": {"method": "umap_hdbscan", "k": None, "outliers": "reassign",
                                           "outlier_min_similarity": 0.05},
                               "topics": {"taxonomy": None, "coherence": False}})
    result = run_experiment(config)
    before, after = result.metrics["outlier_share_before"], result.metrics["outlier_share_after"]
    assert before > 0.02 and after < before
    assert after == pytest.approx(float(np.mean(result.assignments == -1)))


def test_density_clusters_reassign_every_outlier_by_default(tmp_path):
    """The default chosen leave-one-corpus-out (bench-outliers): no document is left without a topic."""
    path = write_csv(tmp_path / "small.csv")
    config = config_from_dict(config_dict(path, cluster={"method": "umap_hdbscan", "k": None,
                                                          "hdbscan": {"min_cluster_size": 5},
                                                          "umap": {"n_neighbors": 5}}))
    assert (config.cluster.outliers, config.cluster.outlier_min_similarity) == ("reassign", -1.0)
    result = run_experiment(config)
    assert result.metrics["outlier_share_after"] == 0.0 == float(np.mean(result.assignments == -1))
    kmeans = config_from_dict(config_dict(path, cluster={"k": 3}))  # a method without outliers ignores it
    assert -1 not in run_experiment(kmeans).assignments
