"""Fewer topics: merge the most similar ones (``topics.reduce_to``) or the ones a user names (``merge``).

Similarity of two topics is the mean of two cosines: of their centroids (the
documents' vectors) and of their c-TF-IDF rows (their words). ``reduce_topics``
merges the most similar pair of groups, where a group's similarity to another
is the mean over their topics (average linkage), until ``n`` groups are left
(deterministic: ties go to the lowest ids). Keywords, names and the topic model
are then recomputed from the merged documents (``pipeline.run_experiment``).
Either way the topics are renumbered 0..n-1 in the order of their smallest old
id, outliers stay -1, and the old -> new mapping is returned as a table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.preprocessing import normalize

from ..cluster import OUTLIER
from ..data import StopList
from ..errors import TopiclabError
from ._naming import ctfidf_counts, ctfidf_scores

__all__ = ["topic_ids_of", "reduce_topics", "merge_topics", "apply_mapping"]


def topic_ids_of(labels: np.ndarray) -> list[int]:
    """The topic ids in ``labels``, outliers left out, sorted."""
    return sorted(int(t) for t in set(np.asarray(labels).tolist()) if t != OUTLIER)


def _mapping(labels: np.ndarray, groups: list[list[int]]) -> pd.DataFrame:
    """One row per old topic: ``old_topic``, ``new_topic``, ``documents`` (groups renumbered by smallest id)."""
    ordered = sorted((sorted(g) for g in groups), key=lambda g: g[0])
    rows = [{"old_topic": old, "new_topic": new, "documents": int((labels == old).sum())}
            for new, group in enumerate(ordered) for old in group]
    if (labels == OUTLIER).any():
        rows.append({"old_topic": OUTLIER, "new_topic": OUTLIER, "documents": int((labels == OUTLIER).sum())})
    return pd.DataFrame(rows).sort_values("old_topic", kind="stable").reset_index(drop=True)


def apply_mapping(labels: np.ndarray, mapping: pd.DataFrame) -> np.ndarray:
    """``labels`` with each old topic replaced by its new one."""
    lookup = dict(zip(mapping.old_topic.astype(int), mapping.new_topic.astype(int)))
    return np.array([lookup[int(t)] for t in labels], dtype=int)


def _similarity(centres: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean of the cosine of the topics' centroids and of their c-TF-IDF rows; -inf on the diagonal."""
    centres = normalize(centres)
    words = normalize(ctfidf_scores(counts)) if counts.shape[1] else np.zeros((len(counts), 1))
    similarity = 0.5 * (centres @ centres.T + words @ words.T)
    np.fill_diagonal(similarity, -np.inf)
    return similarity


def reduce_topics(labels: np.ndarray, vectors: np.ndarray, texts: list[str], n: int,
                  stop_list: StopList = "english+news") -> tuple[np.ndarray, pd.DataFrame]:
    """Merge the most similar topics until ``n`` are left; returns the new labels and the mapping.

    Average linkage over the topics' similarities: two groups of topics are as
    similar as the mean similarity of their topics, so a merged group does not
    become a catch-all that attracts every later merge.
    """
    labels = np.asarray(labels, dtype=int)
    ids = topic_ids_of(labels)
    if n < 1 or n > len(ids):
        raise TopiclabError(f"topics.reduce_to={n} must be between 1 and the number of topics ({len(ids)})")
    dense = vectors.toarray() if hasattr(vectors, "toarray") else np.asarray(vectors, dtype=float)
    all_ids, all_counts, _ = ctfidf_counts(texts, labels, stop_list)
    counts = np.vstack([all_counts[all_ids.index(t)] for t in ids])
    similarity = _similarity(np.vstack([dense[labels == t].mean(axis=0) for t in ids]), counts)
    groups = [[t] for t in ids]
    while len(groups) > n:
        i, j = divmod(int(np.argmax(similarity)), len(groups))  # the first best pair: ties go to low ids
        i, j = min(i, j), max(i, j)
        a, b = len(groups[i]), len(groups[j])
        merged = (a * similarity[i] + b * similarity[j]) / (a + b)  # average linkage (Lance-Williams)
        similarity[i], similarity[:, i] = merged, merged
        similarity[i, i] = -np.inf
        similarity = np.delete(np.delete(similarity, j, axis=0), j, axis=1)
        groups[i] += groups.pop(j)
    mapping = _mapping(labels, groups)
    return apply_mapping(labels, mapping), mapping


def merge_topics(labels: np.ndarray, merge: list[int]) -> tuple[np.ndarray, pd.DataFrame]:
    """Merge the topics ``merge`` names into one (``topiclab merge RUN_ID 3,7``); the others keep their order."""
    labels = np.asarray(labels, dtype=int)
    ids = topic_ids_of(labels)
    if OUTLIER in merge:  # not a topic: documents no cluster took, with no centre or words of their own
        raise TopiclabError(f"{OUTLIER} is the outliers, not a topic, and cannot be merged; to put outliers into "
                            "topics, run again with cluster.outliers: reassign")
    unknown = [t for t in merge if t not in ids]
    if unknown:
        raise TopiclabError(f"no topic {', '.join(map(str, unknown))} to merge "
                            f"(the topics are {', '.join(map(str, ids))})")
    chosen = sorted(set(merge))
    if len(chosen) < 2:
        raise TopiclabError(f"merge needs at least two different topics, got {', '.join(map(str, merge))}")
    groups = [chosen] + [[t] for t in ids if t not in chosen]
    mapping = _mapping(labels, groups)
    return apply_mapping(labels, mapping), mapping
