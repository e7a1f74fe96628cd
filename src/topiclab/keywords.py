"""Top words of each cluster: c-TF-IDF, lift, or lift re-ranked for co-occurrence.

* ``ctfidf``: class-based TF-IDF (as in BERTopic; ``topics.ctfidf_keywords``).
* ``lift``: document-frequency lift, ``p(w|c) * log(p(w|c) / p(w))`` with
  ``p`` the share of documents containing ``w``: words most cluster members
  use and the rest of the corpus does not. Frequent everyday words ("said",
  "people") score low everywhere, so topics share fewer words.
* ``coherent``: the top ``candidates`` words by lift, chosen greedily so the
  selected words appear together in documents (document-level NPMI among
  them, plus the lift rank): a topic's words should describe the same
  documents.

All use the project's analyzer (``vectorize.count_vectorizer``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .topics import ctfidf_keywords
from .vectorize import count_vectorizer

__all__ = ["KEYWORD_METHODS", "lift_scores", "topic_keywords"]

KEYWORD_METHODS = ("ctfidf", "lift", "coherent")


def lift_scores(occurrences: sparse.csr_matrix, labels: np.ndarray, topics: list[int]) -> np.ndarray:
    """``topics x words`` lift scores from a binary document-word matrix."""
    overall = np.asarray(occurrences.mean(axis=0)).ravel()
    rows = []
    for topic in topics:
        inside = np.asarray(occurrences[labels == topic].mean(axis=0)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            rows.append(np.where(inside > 0, inside * np.log(inside / np.maximum(overall, 1e-12)), 0.0))
    return np.array(rows)


def _document_npmi(occurrences: sparse.csc_matrix, columns: np.ndarray) -> np.ndarray:
    """NPMI of every pair of ``columns`` over documents (-1 for pairs never seen together)."""
    sub = occurrences[:, columns].astype(np.float64)
    n = occurrences.shape[0]
    joint = (sub.T @ sub).toarray() / n
    single = np.diag(joint).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(joint / np.outer(single, single)) / -np.log(joint)
    npmi[joint <= 0] = -1.0
    npmi[joint >= 1] = 0.0  # a word in every document says nothing
    np.fill_diagonal(npmi, 1.0)
    return npmi


def _coherent_choice(occurrences, ranked: np.ndarray, n_keywords: int) -> list[int]:
    npmi = _document_npmi(occurrences, ranked)
    rank_bonus = 1.0 - np.arange(len(ranked)) / max(len(ranked), 1)  # keep the topic's own words first
    chosen = [0]
    while len(chosen) < min(n_keywords, len(ranked)):
        rest = [i for i in range(len(ranked)) if i not in chosen]
        gain = [npmi[i, chosen].mean() + 0.5 * rank_bonus[i] for i in rest]
        chosen.append(rest[int(np.argmax(gain))])
    return [int(ranked[i]) for i in chosen]


def topic_keywords(texts: list[str], labels: np.ndarray, n_keywords: int = 10, method: str = "ctfidf",
                   candidates: int = 30) -> dict[int, list[str]]:
    """The ``n_keywords`` top words of each cluster id in ``labels`` (outliers included)."""
    if method == "ctfidf":
        return ctfidf_keywords(texts, labels, n_keywords)
    labels = np.asarray(labels)
    topics = sorted(set(labels.tolist()))
    vectorizer = count_vectorizer(binary=True)
    try:
        occurrences = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no word survives stop-word removal
        return {topic: [] for topic in topics}
    words = vectorizer.get_feature_names_out()
    scores = lift_scores(occurrences, labels, topics)
    columns = occurrences.tocsc()
    keywords = {}
    for topic, row in zip(topics, scores):
        ranked = np.array([i for i in np.argsort(-row, kind="stable")[:max(candidates, n_keywords)] if row[i] > 0])
        if method == "lift" or len(ranked) <= 1:
            keywords[topic] = [str(words[i]) for i in ranked[:n_keywords]]
        else:
            keywords[topic] = [str(words[i]) for i in _coherent_choice(columns, ranked, n_keywords)]
    return keywords
