"""Top words of each cluster: c-TF-IDF, lift, or lift re-ranked for co-occurrence.

* ``ctfidf``: class-based TF-IDF (as in BERTopic; ``ctfidf_keywords``).
* ``lift``: document-frequency lift, ``p(w|c) * log(p(w|c) / p(w))`` with
  ``p`` the share of documents containing ``w``: words most cluster members
  use and the rest of the corpus does not. Frequent everyday words ("said",
  "people") score low everywhere, so topics share fewer words.
* ``coherent``: each word is a candidate only for the cluster where its lift
  is highest (so topics share no words), and of a cluster's top ``candidates``
  the words are chosen greedily so they occur near each other: NPMI of the
  pair over sliding windows of ``window`` tokens (10, the window of the
  coherence literature), plus a bonus for the word's lift rank. Words that
  are used together in the same sentences describe one subject; document
  co-occurrence alone rewards words of long articles that merely share a page.

All use the project's analyzer (``data.tokenize``, the coherence protocol's tokens less the stop list's extra words).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from sklearn.feature_extraction.text import CountVectorizer

from ..cluster import OUTLIER
from ..data import StopList, tokenize
from ._naming import ctfidf_keywords

__all__ = ["KEYWORD_METHODS", "lift_scores", "window_occurrences", "window_npmi", "topic_keywords"]

KEYWORD_METHODS = ("ctfidf", "lift", "coherent")
RANK_BONUS = 0.25  # weight of a word's own lift rank against its co-occurrence with the words chosen


def _as_tokenised(tokens: list[str]) -> list[str]:
    return tokens


def lift_scores(occurrences: sparse.csr_matrix, labels: np.ndarray, topics: list[int]) -> np.ndarray:
    """``topics x words`` lift scores from a binary document-word matrix."""
    overall = np.asarray(occurrences.mean(axis=0)).ravel()
    rows = []
    for topic in topics:
        inside = np.asarray(occurrences[labels == topic].mean(axis=0)).ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            rows.append(np.where(inside > 0, inside * np.log(inside / np.maximum(overall, 1e-12)), 0.0))
    return np.array(rows)


def window_occurrences(tokens: list[list[str]], vocabulary: dict[str, int], window: int = 10) -> sparse.csr_matrix:
    """Binary ``windows x vocabulary`` matrix over boolean sliding windows of ``window`` tokens.

    As gensim's sliding windows: a document of ``n >= window`` tokens has
    ``n - window + 1`` windows; a shorter one is a single window.
    """
    rows, columns, first_row = [], [], 0
    for doc in tokens:
        n_windows = max(1, len(doc) - window + 1)
        hits = [(p, vocabulary[w]) for p, w in enumerate(doc) if w in vocabulary]
        if hits:
            positions, ids = np.array(hits).T
            lo = np.maximum(0, positions - window + 1)
            hi = np.minimum(positions, n_windows - 1)
            spans = hi - lo + 1  # the windows that contain each position
            starts = np.repeat(lo - np.cumsum(spans) + spans, spans)
            rows.append(first_row + starts + np.arange(spans.sum()))
            columns.append(np.repeat(ids, spans))
        first_row += n_windows
    rows_all = np.concatenate(rows) if rows else np.array([], dtype=int)
    cols_all = np.concatenate(columns) if columns else np.array([], dtype=int)
    matrix = sparse.csr_matrix((np.ones(len(rows_all)), (rows_all, cols_all)),
                               shape=(first_row, len(vocabulary)))
    matrix.data[:] = 1.0  # a word twice in one window counts once
    return matrix


def window_npmi(occurrences: sparse.csr_matrix) -> np.ndarray:
    """NPMI of every pair of columns over the rows (-1 for pairs never seen together)."""
    n = max(occurrences.shape[0], 1)
    joint = (occurrences.T @ occurrences).toarray() / n
    single = np.diag(joint).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = np.log(joint / np.outer(single, single)) / -np.log(joint)
    npmi[joint <= 0] = -1.0
    npmi[joint >= 1] = 0.0  # a word in every window says nothing
    np.fill_diagonal(npmi, 1.0)
    return npmi


def _greedy_coherent(npmi: np.ndarray, n_keywords: int) -> list[int]:
    """Positions (into a lift-ranked list) of words chosen to co-occur with those already chosen."""
    size = len(npmi)
    rank_bonus = 1.0 - np.arange(size) / max(size, 1)
    chosen = [0]  # the topic's best word stays first
    while len(chosen) < min(n_keywords, size):
        gain = npmi[:, chosen].mean(axis=1) + RANK_BONUS * rank_bonus
        gain[chosen] = -np.inf
        chosen.append(int(np.argmax(gain)))
    return chosen


def _ranked_candidates(scores: np.ndarray, topics: list[int], count: int, exclusive: bool) -> dict[int, np.ndarray]:
    """Each topic's top ``count`` word columns by lift; with ``exclusive``, only words it scores highest on."""
    inliers = [i for i, topic in enumerate(topics) if topic != OUTLIER]
    owner = np.full(scores.shape[1], -1)
    if inliers:
        owner = np.array(inliers)[scores[inliers].argmax(axis=0)]
    ranked = {}
    for i, (topic, row) in enumerate(zip(topics, scores)):
        order = np.argsort(-row, kind="stable")
        keep = row[order] > 0
        if exclusive and topic != OUTLIER:
            keep &= owner[order] == i
        ranked[topic] = order[keep][:count]
    return ranked


def topic_keywords(texts: list[str], labels: np.ndarray, n_keywords: int = 10, method: str = "ctfidf",
                   candidates: int = 50, window: int = 10,
                   stop_list: StopList = "english+news") -> dict[int, list[str]]:
    """The ``n_keywords`` top words of each cluster id in ``labels`` (outliers included).

    ``stop_list`` names the words never chosen (``data.stop_words``): by default
    English and news stop words, so reporting verbs and dates do not name topics.
    """
    if method == "ctfidf":
        return ctfidf_keywords(texts, labels, n_keywords, stop_list)
    labels = np.asarray(labels)
    topics = sorted(set(labels.tolist()))
    tokens = tokenize(texts, stop_list)  # tokenised once: for the occurrences and for the windows
    vectorizer = CountVectorizer(analyzer=_as_tokenised, binary=True)
    try:
        occurrences = vectorizer.fit_transform(tokens).tocsr()
    except ValueError:  # no word survives stop-word removal
        return {topic: [] for topic in topics}
    words = vectorizer.get_feature_names_out()
    scores = lift_scores(occurrences, labels, topics)
    count = max(candidates, n_keywords)
    if method == "lift":
        ranked = _ranked_candidates(scores, topics, n_keywords, exclusive=False)
        return {topic: [str(words[i]) for i in columns] for topic, columns in ranked.items()}
    ranked = _ranked_candidates(scores, topics, count, exclusive=True)
    pool = np.unique(np.concatenate([np.asarray(c, dtype=int) for c in ranked.values()]))
    position = {str(words[c]): i for i, c in enumerate(pool)}
    npmi = window_npmi(window_occurrences(tokens, position, window))
    keywords = {}
    for topic, columns in ranked.items():
        local = np.searchsorted(pool, columns)
        chosen = _greedy_coherent(npmi[np.ix_(local, local)], n_keywords) if len(columns) else []
        keywords[topic] = [str(words[columns[i]]) for i in chosen]
    return keywords
