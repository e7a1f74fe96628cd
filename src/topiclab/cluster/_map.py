"""The document map's 2-D positions (``map_coords``), computed once per run by the pipeline.

UMAP of the document vectors, the clustering's own UMAP reused where it fitted
one, a seeded sample laid out and the rest placed among their neighbours on
large corpora, PCA on a handful of documents.
"""

from __future__ import annotations

import numpy as np
from sklearn.decomposition import PCA

__all__ = ["MAP_NEIGHBOURS", "MAP_SAMPLE", "UMAP_MIN_DOCUMENTS", "map_coords", "place_by_neighbours", "umap_coords"]

UMAP_MIN_DOCUMENTS = 40  # below this, UMAP's neighbour graph is too thin to trust; PCA is exact
MAP_SAMPLE = 1_000  # above this, UMAP lays out a seeded sample and the rest are placed by their neighbours
MAP_NEIGHBOURS = 15
_PLACE_ROWS = 4_096  # documents placed per block: a block's similarities stay a few tens of MB


def umap_coords(features, seed: int) -> np.ndarray:
    import warnings

    from sklearn.neighbors import NearestNeighbors

    from ._umap_loader import umap_class

    UMAP = umap_class()  # its numba functions compiled once per machine, not per process
    n = features.shape[0]
    k = min(MAP_NEIGHBOURS, n - 1)
    # The exact cosine neighbours, by BLAS: below 4,096 rows UMAP computes them one Python call per pair
    # (seconds for a thousand documents), above it by NN-descent.
    distances, indices = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(
        features).kneighbors(features)
    with warnings.catch_warnings():  # "n_jobs overridden by random_state": seeded UMAP runs on one thread
        warnings.simplefilter("ignore", UserWarning)
        reducer = UMAP(n_components=2, n_neighbors=k, min_dist=0.1, metric="cosine", random_state=seed,
                       precomputed_knn=(indices, distances, None))
        return np.asarray(reducer.fit_transform(features), dtype=float)


def place_by_neighbours(features, anchors: np.ndarray, anchor_coords: np.ndarray) -> np.ndarray:
    """Each row at the similarity-weighted mean of its ``MAP_NEIGHBOURS`` most cosine-similar anchors."""
    from sklearn.preprocessing import normalize

    dense = features.toarray() if hasattr(features, "toarray") else np.asarray(features)
    reference = normalize(dense[anchors]).astype(np.float32)
    coords = np.empty((dense.shape[0], 2))
    k = min(MAP_NEIGHBOURS, len(anchors))
    for start in range(0, dense.shape[0], _PLACE_ROWS):
        similarity = normalize(dense[start:start + _PLACE_ROWS]).astype(np.float32) @ reference.T
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        weights = np.maximum(np.take_along_axis(similarity, nearest, axis=1), 1e-6)
        coords[start:start + _PLACE_ROWS] = ((weights[:, :, None] * anchor_coords[nearest]).sum(axis=1)
                                             / weights.sum(axis=1, keepdims=True))
    coords[anchors] = anchor_coords  # the sample keeps its own layout
    return coords


def map_coords(features, seed: int, reduced: np.ndarray | None = None) -> np.ndarray:
    """2-D positions for the document map, computed once per run (kept in ``Result.coords``).

    Where clustering fitted a UMAP (``reduced``, one row per document), the map
    is that embedding itself (2-D) or its PCA to 2-D: no second UMAP. Otherwise
    UMAP of the document vectors (cosine, seeded), as BERTopic draws this view:
    it keeps neighbourhoods, so well-separated topics stay apart where PCA's two
    directions of largest variance overlap most of them. Below
    ``UMAP_MIN_DOCUMENTS`` documents, PCA. Above ``MAP_SAMPLE``, UMAP of a
    sample drawn with ``seed``, every other document placed among its nearest
    sampled neighbours: UMAP's cost grows faster than the corpus, and a map
    of a hundred thousand points shows no more than one of a thousand. (A
    full UMAP of AG's 4,000 texts took a third of a cold run.)
    """
    n = features.shape[0]
    if n < 3:
        return np.zeros((n, 2))
    if reduced is not None and len(reduced) == n and reduced.shape[1] >= 2 and n >= UMAP_MIN_DOCUMENTS:
        return reduced.copy() if reduced.shape[1] == 2 else PCA(2, random_state=seed).fit_transform(reduced)
    if n < UMAP_MIN_DOCUMENTS:
        dense = features.toarray() if hasattr(features, "toarray") else np.asarray(features)
        return PCA(n_components=2, random_state=seed).fit_transform(dense)
    if n <= MAP_SAMPLE:
        return umap_coords(features, seed)
    anchors = np.sort(np.random.default_rng(seed).choice(n, MAP_SAMPLE, replace=False))
    return place_by_neighbours(features, anchors, umap_coords(features[anchors], seed))
