import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import normalized_mutual_info_score

from topiclab.cluster import cluster_vectors
from topiclab.config import ClusterConfig
from topiclab.errors import TopiclabError


@pytest.fixture(scope="module")
def blobs():
    features, truth = make_blobs(n_samples=90, centers=3, n_features=8, cluster_std=0.4, random_state=3)
    return features.astype(np.float32), truth


@pytest.mark.parametrize("method", ["kmeans", "agglomerative", "umap_hdbscan"])
def test_methods_recover_separated_blobs(blobs, method):
    features, truth = blobs
    config = ClusterConfig(method=method, k=3, hdbscan={"min_cluster_size": 10}, umap={"n_neighbors": 10})
    labels = cluster_vectors(features, config, seed=0)
    assert normalized_mutual_info_score(truth, labels) > 0.9


def test_bertopic_on_precomputed_embeddings(blobs):
    features, truth = blobs
    words = {0: "kosovo serbia talks", 1: "election ballot vote", 2: "china russia summit"}
    texts = [f"{words[t]} item {i}" for i, t in enumerate(truth)]
    config = ClusterConfig(method="bertopic", k=None, hdbscan={"min_cluster_size": 10}, umap={"n_neighbors": 10})
    labels = cluster_vectors(features, config, seed=0, texts=texts)
    assert normalized_mutual_info_score(truth, labels) > 0.9


def test_same_seed_same_labels(blobs):
    features, _ = blobs
    config = ClusterConfig(method="umap_hdbscan", hdbscan={"min_cluster_size": 10})
    np.testing.assert_array_equal(cluster_vectors(features, config, seed=5), cluster_vectors(features, config, seed=5))


def test_seeded_centroids_fix_cluster_order(blobs):
    features, truth = blobs
    centres = np.stack([features[truth == c].mean(axis=0) for c in (2, 0, 1)])
    labels = cluster_vectors(features, ClusterConfig(k=3), seed=0, seeds=centres)
    assert (labels[truth == 2] == 0).all() and (labels[truth == 0] == 1).all()


def test_k_larger_than_documents_is_an_error(blobs):
    features, _ = blobs
    with pytest.raises(TopiclabError, match=r"cluster\.k=500 is larger than the number of documents \(90\)"):
        cluster_vectors(features, ClusterConfig(k=500), seed=0)
