"""Group vectors into clusters: k-means, agglomerative, UMAP + HDBSCAN, BERTopic.

A functional core, ``cluster_vectors``, over tiny plug-in estimators. Every
random choice takes the experiment's seed. Label -1 marks outliers.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans, kmeans_plusplus

from ..config import ClusterConfig
from ..data import word_vectorizer
from ..errors import TopiclabError
from ._refine import OUTLIER, refine_labels

__all__ = ["OUTLIER", "BaseCluster", "KMeansCluster", "AgglomerativeCluster", "UmapHdbscanCluster",
           "BERTopicCluster", "make_clusterer", "cluster_vectors"]


class BaseCluster:
    """Plug-in point for clusterers: one topic id per document.

    A subclass takes its settings in ``__init__`` (stored unchanged, no work
    done there) and implements ``fit_predict(features, texts=None)``:
    ``features`` is an ``(n, d)`` float array, ``texts`` the ``n`` documents for
    clusterers that also read words (BERTopic); it returns ``n`` integer labels,
    ``OUTLIER`` (-1) for documents in no cluster. Every random choice takes
    the ``random_state`` it was given. Fitted state goes in attributes ending
    in ``_`` (scikit-learn's convention).
    """

    def fit_predict(self, features: np.ndarray, texts: list[str] | None = None) -> np.ndarray:
        raise NotImplementedError


class KMeansCluster(BaseCluster):
    """k-means; ``seeds`` (e.g. taxonomy embeddings) become the first centroids."""

    def __init__(self, k: int, random_state: int = 0, seeds: np.ndarray | None = None):
        self.k = k
        self.random_state = random_state
        self.seeds = seeds

    def fit_predict(self, features, texts=None):
        if self.seeds is None or len(self.seeds) == 0:
            model = KMeans(n_clusters=self.k, random_state=self.random_state, n_init=10)
            return model.fit_predict(features)
        seeds = np.asarray(self.seeds, dtype=features.dtype)[: self.k]
        init = seeds
        if len(seeds) < self.k:  # the rest chosen by k-means++, seeded
            extra, _ = kmeans_plusplus(features, self.k - len(seeds), random_state=self.random_state)
            init = np.vstack([seeds, extra])
        self.model_ = KMeans(n_clusters=self.k, init=init, n_init=1, random_state=self.random_state)
        return self.model_.fit_predict(features)


class AgglomerativeCluster(BaseCluster):
    def __init__(self, k: int, linkage: str = "ward"):
        self.k = k
        self.linkage = linkage

    def fit_predict(self, features, texts=None):
        metric = "euclidean" if self.linkage == "ward" else "cosine"
        return AgglomerativeClustering(n_clusters=self.k, linkage=self.linkage, metric=metric).fit_predict(features)


def _umap(config: ClusterConfig, n: int, seed: int):
    from ._umap_loader import umap_class

    return umap_class()(
        n_neighbors=max(2, min(config.umap.n_neighbors, n - 1)),
        n_components=max(1, min(config.umap.n_components, n - 2)),
        min_dist=config.umap.min_dist,
        metric=config.umap.metric,
        random_state=seed,
        n_jobs=1,  # what a seeded UMAP runs on anyway; said, so it does not warn that it overrode it
        init="spectral" if n > config.umap.n_components + 2 else "random",
    )


def _hdbscan(config: ClusterConfig, n: int):
    from hdbscan import HDBSCAN

    return HDBSCAN(
        min_cluster_size=max(2, min(config.hdbscan.min_cluster_size, n)),
        min_samples=config.hdbscan.min_samples,
        cluster_selection_method=config.hdbscan.cluster_selection_method,
        metric="euclidean",
        prediction_data=True,
    )


class UmapHdbscanCluster(BaseCluster):
    def __init__(self, config: ClusterConfig, random_state: int = 0):
        self.config = config
        self.random_state = random_state

    def fit_predict(self, features, texts=None):
        n = len(features)
        self.reduced_ = reduced = _umap(self.config, n, self.random_state).fit_transform(features)
        return _hdbscan(self.config, n).fit_predict(reduced)


class BERTopicCluster(BaseCluster):
    """BERTopic with our own seeded UMAP, HDBSCAN and vectoriser, on given embeddings."""

    def __init__(self, config: ClusterConfig, random_state: int = 0):
        self.config = config
        self.random_state = random_state

    def fit_predict(self, features, texts=None):
        from bertopic import BERTopic

        if texts is None:
            raise TopiclabError("the bertopic method needs the documents' texts")
        n = len(features)
        self.model_ = BERTopic(
            umap_model=_umap(self.config, n, self.random_state),
            hdbscan_model=_hdbscan(self.config, n),
            vectorizer_model=word_vectorizer(),
            nr_topics=self.config.k,
            calculate_probabilities=False,
        )
        topics, _ = self.model_.fit_transform(texts, features)
        self.reduced_ = self.model_.umap_model.embedding_
        return np.asarray(topics)


def make_clusterer(config: ClusterConfig, seed: int, seeds: np.ndarray | None = None) -> BaseCluster:
    if config.method == "kmeans":
        return KMeansCluster(config.k, seed, seeds)
    if config.method == "agglomerative":
        return AgglomerativeCluster(config.k, config.linkage)
    if config.method == "umap_hdbscan":
        return UmapHdbscanCluster(config, seed)
    return BERTopicCluster(config, seed)


def cluster_vectors(features: np.ndarray, config: ClusterConfig, seed: int,
                    texts: list[str] | None = None, seeds: np.ndarray | None = None,
                    layout: dict | None = None) -> np.ndarray:
    """Cluster labels for each row of ``features`` (-1 = outlier).

    ``layout``, a dict, receives ``"reduced"``: the rows' UMAP embedding where the
    method fitted one (the document map reuses it instead of fitting a second UMAP).
    """
    n = len(features)
    if config.k == "auto":  # resolved before clustering (pipeline.run_experiment), which keeps the curve
        raise TopiclabError("cluster.k: auto must be resolved with cluster.choose_k before cluster_vectors")
    needs_k = config.method in ("kmeans", "agglomerative")
    if needs_k and config.k is None:
        raise TopiclabError(f"cluster.k must be set for method {config.method!r}")
    if needs_k and config.k > n:
        raise TopiclabError(f"cluster.k={config.k} is larger than the number of documents ({n})")
    if n < 3 and not needs_k:
        raise TopiclabError(f"method {config.method!r} needs at least 3 documents, got {n}")
    clusterer = make_clusterer(config, seed, seeds)
    labels = clusterer.fit_predict(features, texts)
    if layout is not None and getattr(clusterer, "reduced_", None) is not None:
        layout["reduced"] = np.asarray(clusterer.reduced_, dtype=float)
    if config.refine.method != "none":  # self-training on confident members (_refine.py)
        labels = refine_labels(features, labels, config.refine, seed, texts)
    return np.asarray(labels, dtype=int)
