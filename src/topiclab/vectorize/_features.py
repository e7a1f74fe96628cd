"""Document vectors for clustering: sentence embeddings, TF-IDF (LSA), or both combined."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

from ..config import VectorizeConfig
from ..data import word_vectorizer
from ..errors import TopiclabError
from ._embedders import BaseEmbedder
from ._cache import make_embedder

__all__ = ["fit_lsa", "lsa_vectors", "tfidf_vectors", "smooth_in_context", "Vectors", "vectorize"]


def fit_lsa(texts: list[str], config: VectorizeConfig, seed: int):
    """The fitted TF-IDF vectoriser and LSA (``TruncatedSVD``, or None when too few words) of ``texts``.

    Kept apart from ``tfidf_vectors`` so a saved topic model can put new text
    in the same space the clusterer saw.
    """
    settings = config.tfidf
    vectorizer = word_vectorizer(
        "tfidf",
        max_features=settings.max_features,
        min_df=settings.min_df,
        max_df=settings.max_df,
        sublinear_tf=settings.sublinear_tf,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError as error:
        raise TopiclabError(f"TF-IDF found no usable words: {error}") from None
    components = min(settings.svd_components or 100, matrix.shape[1] - 1, matrix.shape[0] - 1)
    svd = TruncatedSVD(n_components=components, random_state=seed).fit(matrix) if components >= 2 else None
    return vectorizer, svd


def lsa_vectors(texts: list[str], vectorizer, svd) -> np.ndarray:
    """L2-normalised LSA vectors of ``texts`` by fitted parts (``fit_lsa``)."""
    matrix = vectorizer.transform(texts)
    if svd is None:
        dense = matrix.toarray() if sparse.issparse(matrix) else matrix
        return normalize(dense).astype(np.float32)
    return normalize(svd.transform(matrix)).astype(np.float32)


def tfidf_vectors(texts: list[str], config: VectorizeConfig, seed: int) -> np.ndarray:
    """L2-normalised LSA vectors of the TF-IDF matrix (dense, for any clusterer)."""
    return lsa_vectors(texts, *fit_lsa(texts, config, seed))


def smooth_in_context(vectors: np.ndarray, window: int, groups: list[str] | None = None) -> np.ndarray:
    """Mix each row with its neighbours within ``window`` rows of the same group.

    For dumps, a passage's neighbours are usually about the same story; the
    weights fall off linearly so the passage itself counts most.
    """
    if window <= 0:
        return vectors
    n = len(vectors)
    groups = groups or [""] * n
    out = np.zeros_like(vectors)
    for i in range(n):
        for j in range(max(0, i - window), min(n, i + window + 1)):
            if groups[j] == groups[i]:
                out[i] += (1.0 - abs(i - j) / (window + 1)) * vectors[j]
    return normalize(out).astype(np.float32)


@dataclass
class Vectors:
    """What clustering and topic naming need from vectorisation."""

    features: np.ndarray  # what the clusterer sees
    embeddings: np.ndarray | None  # sentence embeddings, if computed
    cache_hits: int = 0
    cache_misses: int = 0
    lsa: tuple | None = None  # fitted (TfidfVectorizer, TruncatedSVD | None), for new text


def vectorize(texts: list[str], config: VectorizeConfig, seed: int, groups: list[str] | None = None,
              embedder: BaseEmbedder | None = None, progress: bool = False) -> Vectors:
    embeddings = lsa_parts = None
    hits = misses = 0
    parts = []
    if config.representation in ("embedding", "combined"):
        embedder = embedder or make_embedder(config.embedding.model, config.embedding.batch_size, progress,
                                             backend=config.embedding.backend)
        # The counters of a cached embedder add up over its life: count this call's share.
        hits_before, misses_before = getattr(embedder, "hits", 0), getattr(embedder, "misses", 0)
        embeddings = embedder.embed(texts)
        hits = getattr(embedder, "hits", 0) - hits_before
        misses = getattr(embedder, "misses", misses_before + len(texts)) - misses_before
        weight = 1.0 - config.tfidf_weight if config.representation == "combined" else 1.0
        parts.append(np.sqrt(weight) * smooth_in_context(embeddings, config.context_window, groups))
    if config.representation in ("tfidf", "combined"):
        weight = config.tfidf_weight if config.representation == "combined" else 1.0
        lsa_parts = fit_lsa(texts, config, seed)
        lsa = lsa_vectors(texts, *lsa_parts)
        parts.append(np.sqrt(weight) * smooth_in_context(lsa, config.context_window, groups))
    features = np.hstack(parts).astype(np.float32)
    return Vectors(features=features, embeddings=embeddings, cache_hits=hits, cache_misses=misses,
                   lsa=lsa_parts)
