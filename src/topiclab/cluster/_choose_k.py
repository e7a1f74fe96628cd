"""``cluster.k: auto``: try each candidate number of topics and keep one by a documented criterion and rule.

Candidates (``cluster.auto``): ``candidates`` if given, else every k from
``min_k`` (2) to 10, then steps of about 15% up to the smaller of ``max_k``
(50) and sqrt(n): a corpus of 6,000 headlines may hold 40 sections, one of
1,500 articles a handful. Fewer documents than the smallest candidate is an
error.

Space (``space``): ``features`` computes the criterion on the features the
topics are clustered on; ``embedding`` on the sentence embeddings alone, where
the representation has them (the topics are still clustered on the configured
features); ``both`` (default) on each, and each candidate's score is the mean
of its two percentile ranks: a k is kept when documents group well in the
meaning of their sentences and in the features the topics are drawn from.
Neither space alone is right everywhere (benchmarks section ``choosing-k``):
on MiniLM + TF-IDF features the silhouette peaks at the label count on BBC
News and 20 Newsgroups but keeps rising with k on the short texts of AG News
and HuffPost; on the embeddings it peaks at the label count on BBC and AG News
but at k=3 on 20 Newsgroups, where its curve is flat. Where the features are
the embeddings (or there are none), ``both`` is ``features``.

Criteria (``criterion``), computed with the experiment's seed, without labels:

* ``silhouette`` (default): mean cosine silhouette on a seeded sample of at
  most ``sample_size`` documents, averaged over ``restarts`` clusterings with
  seeds ``seed, seed+1, ...``; its standard error combines the documents'
  spread and the restarts'.
* ``stability``: adjusted Rand agreement of clusterings of seeded 80% subsamples.
* ``calinski_harabasz``: between- over within-cluster variance.
* ``eigengap``: the gap after the k-th smallest eigenvalue of the normalised
  Laplacian of the cosine 15-nearest-neighbour graph.
* ``bic``: BIC of a Gaussian mixture on ``bic_dims`` principal components
  (negated, so higher is better throughout).

Rules (``rule``): ``best`` (default), the best score; ``share``, the smallest k
whose score reaches ``share`` of the way from the curve's worst to its best;
``one_se``, the smallest k within one standard error of the best (a consensus
of two spaces has no standard error: ``one_se`` is ``best`` there).

The defaults were chosen leave-one-corpus-out on four labelled corpora
(benchmarks/_auto_k.py, ``topiclab bench-k``): nothing here is tuned per dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, silhouette_samples

from ..config import ClusterConfig
from ..errors import TopiclabError
from ._clusterers import make_clusterer

__all__ = ["AUTO", "k_curve", "consensus_curve", "choose_k", "pick_k", "rule_text", "one_standard_error_k", "candidate_ks", "kmeans_labelings",
           "silhouette_with_error", "gmm_bic", "laplacian_eigenvalues"]

AUTO = "auto"


def candidate_ks(n: int, low: int = 2, high: int = 50) -> list[int]:
    """Default candidates for ``n`` documents: every k from ``low`` to 10, then steps of about 15% up to
    the smaller of ``high`` and sqrt(n) (a topic of fewer than about sqrt(n) documents is rarely a topic)."""
    top = max(low, min(high, int(np.sqrt(n))))
    ks, k = list(range(low, min(10, top) + 1)), 10
    while True:
        k = max(k + 1, int(round(k * 1.15)))
        if k > top:
            return ks
        ks.append(k)


def _fit_predict(features: np.ndarray, config: ClusterConfig, k: int, seed: int) -> np.ndarray:
    return np.asarray(make_clusterer(config.model_copy(update={"k": k}), seed).fit_predict(features))


def kmeans_labelings(features: np.ndarray, config: ClusterConfig, k: int, seed: int,
                     restarts: int) -> list[np.ndarray]:
    """The configured clusterer at ``k``, fitted with seeds ``seed, seed+1, ...``."""
    return [_fit_predict(features, config, k, seed + restart) for restart in range(restarts)]


def gmm_bic(features: np.ndarray, ks: list[int], seed: int, dims: int) -> np.ndarray:
    """BIC of a seeded full-covariance Gaussian mixture per k, on the rows' (L2-normalised) first ``dims``
    principal components: a likelihood criterion, which can say "more topics" where a silhouette is flat."""
    from sklearn.decomposition import PCA
    from sklearn.mixture import GaussianMixture
    from sklearn.preprocessing import normalize

    reduced = PCA(n_components=min(dims, *features.shape), random_state=seed).fit_transform(normalize(features))
    return np.array([GaussianMixture(k, covariance_type="full", random_state=seed, reg_covar=1e-4)
                     .fit(reduced).bic(reduced) for k in ks])


def laplacian_eigenvalues(features: np.ndarray, count: int, neighbors: int = 15) -> np.ndarray:
    """The ``count`` smallest eigenvalues of the normalised Laplacian of the cosine k-nearest-neighbour graph."""
    from scipy.sparse import diags
    from scipy.sparse.linalg import eigsh
    from sklearn.neighbors import kneighbors_graph

    graph = kneighbors_graph(features, min(neighbors, len(features) - 1), metric="cosine", mode="connectivity")
    graph = graph.maximum(graph.T)
    scale = diags(1 / np.sqrt(np.asarray(graph.sum(axis=1)).ravel()))
    count = min(count, len(features) - 2)
    start = np.random.default_rng(0).random(len(features))  # eigsh's start vector, fixed: same graph, same values
    top = eigsh(scale @ graph @ scale, k=count, which="LA", return_eigenvectors=False, v0=start)
    return np.sort(1 - top)


def silhouette_with_error(features: np.ndarray, labelings: list[np.ndarray],
                          rows: np.ndarray) -> tuple[float, float]:
    """Mean cosine silhouette of ``rows`` over ``labelings``, and its standard error (documents' and
    restarts' spread combined)."""
    means, per_document = [], []
    for labels in labelings:
        if len(set(labels[rows].tolist())) < 2:
            means.append(-1.0)
            per_document.append(np.full(len(rows), -1.0))
            continue
        values = silhouette_samples(features[rows], labels[rows], metric="cosine")
        means.append(float(values.mean()))
        per_document.append(values)
    documents = np.mean(per_document, axis=0)
    error = np.hypot(documents.std() / np.sqrt(len(rows)), np.std(means) / np.sqrt(len(labelings)))
    return float(np.mean(means)), float(error)


def _silhouette(features: np.ndarray, config: ClusterConfig, k: int, seed: int, rows: np.ndarray,
                restarts: int) -> tuple[float, float]:
    """Mean silhouette over ``restarts`` seeded clusterings, and its standard error."""
    return silhouette_with_error(features, kmeans_labelings(features, config, k, seed, restarts), rows)


def _stability(features: np.ndarray, config: ClusterConfig, k: int, seed: int,
               resamples: int) -> tuple[float, float]:
    from sklearn.neighbors import NearestCentroid

    rng = np.random.default_rng(seed)
    n = len(features)
    size = max(k + 1, int(0.8 * n))
    scores = []
    for _ in range(resamples):
        predictions = []
        for _ in range(2):
            rows = rng.choice(n, size, replace=False)
            labels = _fit_predict(features[rows], config, k, int(rng.integers(2**31)))
            if len(set(labels.tolist())) < 2:
                predictions.append(np.zeros(n, dtype=int))
                continue
            # every document labelled by the subsample's clusters (nearest centroid)
            predictions.append(NearestCentroid().fit(features[rows], labels).predict(features))
        scores.append(adjusted_rand_score(*predictions))
    return float(np.mean(scores)), float(np.std(scores) / np.sqrt(len(scores)))


def _candidates(settings, n: int) -> list[int]:
    low = settings.candidates[0] if settings.candidates else settings.min_k
    if n <= low:
        raise TopiclabError(f"cluster.k: auto needs at least {low + 1} documents, got {n} (more documents than "
                            f"its smallest candidate k={low})")
    if settings.candidates:
        return [k for k in settings.candidates if k < n]
    return candidate_ks(n, settings.min_k, settings.max_k)


_LOWER_IS_BETTER = ("bic",)


def k_curve(features: np.ndarray, config: ClusterConfig, seed: int) -> pd.DataFrame:
    """One row per candidate k: ``k``, ``silhouette``, ``score`` (the criterion, higher is better: BIC is
    negated) and its standard error ``se`` (0 where the criterion has none)."""
    settings = config.auto
    n = len(features)
    candidates = _candidates(settings, n)
    sample = np.sort(np.random.default_rng(seed).permutation(n)[:min(settings.sample_size, n)])
    whole = {}
    if settings.criterion == "bic":
        whole = dict(zip(candidates, -gmm_bic(features, candidates, seed, settings.bic_dims)))
    elif settings.criterion == "eigengap":
        values = laplacian_eigenvalues(features, max(candidates) + 1)
        whole = {k: float(values[k] - values[k - 1]) if k < len(values) else 0.0 for k in candidates}
    rows = []
    for k in candidates:
        labelings = kmeans_labelings(features, config, k, seed, settings.restarts)
        silhouette, silhouette_se = silhouette_with_error(features, labelings, sample)
        row = {"k": k, "silhouette": silhouette, "se": 0.0}
        if settings.criterion == "silhouette":
            row["se"] = silhouette_se
        elif settings.criterion == "stability":
            row["stability"], row["se"] = _stability(features, config, k, seed, settings.resamples)
        elif settings.criterion == "calinski_harabasz":
            scores = [calinski_harabasz_score(features, labels) for labels in labelings]
            row["calinski_harabasz"], row["se"] = float(np.mean(scores)), float(np.std(scores) / np.sqrt(len(scores)))
        else:
            row[settings.criterion] = whole[k]
        row["score"] = row[settings.criterion]
        rows.append(row)
    return pd.DataFrame(rows)


def consensus_curve(curves: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One curve from the same criterion's curves on several spaces (same candidates): each space's
    score and silhouette kept as ``score_<space>`` and ``silhouette_<space>``; ``score`` is the mean of the
    spaces' percentile ranks (0-1, higher better), so no space's scale outweighs another's; ``se`` is 0."""
    first = next(iter(curves.values()))
    out = pd.DataFrame({"k": first["k"].to_numpy()})
    for space, curve in curves.items():
        out[f"score_{space}"] = curve["score"].to_numpy()
        out[f"silhouette_{space}"] = curve["silhouette"].to_numpy()
    out["score"] = np.mean([curve["score"].rank(pct=True).to_numpy() for curve in curves.values()], axis=0)
    out["silhouette"] = first["silhouette"].to_numpy()
    out["se"] = 0.0
    return out


def choose_k(features: np.ndarray, config: ClusterConfig, seed: int,
             embeddings: np.ndarray | None = None) -> tuple[int, pd.DataFrame]:
    """The candidate that ``config.auto.rule`` picks from the criterion's curve, and the whole curve.

    ``embeddings``: the sentence embeddings, where the representation has them (``space``: embedding, both).
    """
    space = config.auto.space
    separate = embeddings is not None and (hasattr(features, "toarray") or not (
        embeddings.shape == features.shape and np.array_equal(embeddings, features)))  # not the same space
    if space == "embedding" and separate:
        curve = k_curve(embeddings, config, seed)
    elif space == "both" and separate:
        curve = consensus_curve({"features": k_curve(features, config, seed),
                                 "embedding": k_curve(embeddings, config, seed)})
    else:
        curve = k_curve(features, config, seed)
    return pick_k(curve, config.auto.rule, config.auto.share), curve


def pick_k(curve: pd.DataFrame, rule: str, share: float = 0.9) -> int:
    """The ``k`` that ``rule`` picks from ``curve`` (columns ``k``, ``score``, higher better, and ``se``)."""
    if rule == "best":
        return int(curve.loc[curve["score"].idxmax(), "k"])
    if rule == "one_se":
        return one_standard_error_k(curve)  # a curve without errors (se 0): the best
    score = curve["score"]
    floor = score.min() + share * (score.max() - score.min())
    return int(curve.loc[score >= floor, "k"].min())


def rule_text(settings) -> str:
    """The rule in words, for the figure and the run's tag."""
    criterion = "BIC (negated)" if settings.criterion == "bic" else settings.criterion.replace("_", "-")
    if getattr(settings, "space", "features") == "both":
        criterion = f"{criterion} rank, averaged over the features and the sentence embeddings"
    if settings.rule == "best":
        return f"the k with the best {criterion}"
    if settings.rule == "one_se":
        return f"the smallest k within one standard error of the best {criterion}"
    return f"the smallest k whose {criterion} reaches {settings.share:g} of the way from the worst to the best"


def one_standard_error_k(curve: pd.DataFrame) -> int:
    """The smallest ``k`` of ``curve`` whose ``score`` is within one ``se`` of the best score."""
    best = curve.loc[curve["score"].idxmax()]
    return int(curve.loc[curve["score"] >= best["score"] - best["se"], "k"].min())
