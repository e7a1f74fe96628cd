"""What a topic model keeps so that new batches can update it (``update_topic_model``), saved with it.

``learn_update_rules`` sets these learned attributes on a fitted ``TopicModel``
from its own training documents (the pipeline calls it for every run):

* ``sizes_``: documents per topic (outliers not counted);
* ``member_quantiles_``: per topic, the cosine of each member to the centroid of the
  other members (leave-one-out: what a new document of the topic would score) at the
  quantiles ``QUANTILES`` (0, 0.01, ..., 1), and ``global_quantiles_`` over every member
  of every topic: the **join rule** reads a low quantile of these (a topic with fewer
  than ``MIN_OWN_MEMBERS`` members uses the global one);
* ``cohesion_``: per topic, the cosine at which average linkage joins all its members
  (at most ``MAX_LINKED``) into one group: how loose a group may be and still be a topic
  (new topics are cut by the same linkage, no looser than the loosest topic);
* ``merge_cosine_``: the **merge rule**, the cosine of the two half-centroids of one
  topic (its members at even and at odd positions), the median over the topics of at
  least four members: two topics merge only when their centroids are as close as two
  halves of a typical topic of the model (None when no topic has four: never; the
  lowest, the loosest topic's, merged distinct topics of the fit on 20NG and HuffPost);
* ``margin_``: the **birth rule**, how distinct the least distinct topic is (its members'
  cosine to its centre, ``centre_cosine``, minus their mean cosine to the nearest other
  centroid, ``topic_margin``): a group of a batch becomes a topic only when it stands as far apart
  from the old topics (None in states saved before it: no such test);
* ``word_counts_`` (topics x ``words_``, rows in ``count_topics_`` order, outliers
  included) for c-TF-IDF keywords of topics that grow;
* ``batches_``: each batch's documents per topic (and per time bin when the
  documents had dates), the fit first: topics over time across updates;
* ``naming_``: how topics are named (keywords, stop words, taxonomy, threshold);
* ``merged_``: topics merged away by updates (``{id: {"into": id, "label": name}}``), and
  ``birth_closeness_``: each topic born in an update, its cosine to the nearest centroid at birth.

On disk (``_update_state``): ``update_state.json`` and ``word_counts.npz`` (no pickle)
beside the model's other files. A model saved without them (an older topiclab) loads
and assigns as before; ``check_updatable`` names what it lacks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import linkage
from sklearn.preprocessing import normalize

from ..cluster import OUTLIER
from ..errors import TopiclabError
from ._naming import ctfidf_counts

__all__ = ["QUANTILES", "MIN_OWN_MEMBERS", "FIT_BATCH", "learn_update_rules", "member_statistics", "leave_one_out_cosines", "topic_margin", "centre_cosine", "split_half_cosine",
           "check_updatable", "count_scores", "keyword_weights", "history_over_time", "UPDATE_ATTRIBUTES"]

QUANTILES = np.round(np.linspace(0.0, 1.0, 101), 2)
MIN_OWN_MEMBERS = 10  # below this many training members a topic's own quantile is noise: the global one is used
FIT_BATCH = "fit"
UPDATE_ATTRIBUTES = ("sizes_", "member_quantiles_", "global_quantiles_", "cohesion_", "merge_cosine_", "word_counts_",
           "words_", "count_topics_", "batches_", "naming_")


MAX_LINKED = 400  # members of a topic linked to measure its looseness (an even stride through them)


def leave_one_out_cosines(members: np.ndarray) -> np.ndarray:
    """Each member's cosine to the centroid of the other members: what a new document of the topic would
    score (with the member in, a topic of ten documents looks far tighter than it is)."""
    members = np.asarray(members, dtype=np.float64)
    if len(members) < 2:
        return np.ones(len(members))
    others = normalize(members.sum(axis=0, keepdims=True) - members)
    return (normalize(members) * others).sum(axis=1)


def centre_cosine(members: np.ndarray) -> float:
    """The cosine of a topic's members to its centre, free of the topic's size: the square root of their mean
    pairwise cosine (no member paired with itself), which a centroid of any size only estimates."""
    unit = normalize(np.asarray(members, dtype=np.float64))
    n = len(unit)
    if n < 2:
        return 1.0
    pairwise = (float(np.sum(unit.sum(axis=0) ** 2)) - n) / (n * (n - 1))
    return float(np.sqrt(max(pairwise, 0.0)))


def member_statistics(members: np.ndarray) -> tuple[np.ndarray, float]:
    """(quantiles at ``QUANTILES`` of ``leave_one_out_cosines``, the cosine at which average linkage joins all
    members, at most ``MAX_LINKED`` of them, into one group) of a topic's feature rows."""
    n = len(members)
    if n < 2:
        return np.ones(len(QUANTILES)), 1.0
    linked = normalize(np.asarray(members, dtype=np.float64)[np.linspace(0, n - 1, min(n, MAX_LINKED)).round()
                                                             .astype(int)])
    joined = 1.0 - float(linkage(linked, method="average", metric="cosine")[-1, 2])
    return np.quantile(leave_one_out_cosines(members), QUANTILES), joined


def split_half_cosine(members: np.ndarray) -> float | None:
    """The cosine of the centroids of ``members``' even and odd rows (None under four rows): how close two
    samples of one topic are."""
    if len(members) < 4:
        return None
    halves = normalize(np.vstack([members[0::2].mean(axis=0), members[1::2].mean(axis=0)]))
    return float(halves[0] @ halves[1])


def topic_margin(centroids: np.ndarray, features: np.ndarray, labels: np.ndarray, topic_ids) -> float | None:
    """How distinct the model's least distinct topic is: its members' cosine to its centre (``centre_cosine``)
    minus their mean cosine to the nearest other topic's centroid; the lowest over topics of at least two
    members (None with fewer than two topics)."""
    if len(topic_ids) < 2:
        return None
    unit_centroids = normalize(np.asarray(centroids, dtype=np.float64))
    margins = []
    for i, t in enumerate(topic_ids):
        members = np.asarray(features)[labels == t]
        if len(members) < 2:
            continue
        other = np.delete(normalize(members.astype(np.float64)) @ unit_centroids.T, i, axis=1).max(axis=1)
        margins.append(centre_cosine(members) - float(np.mean(other)))
    return min(margins) if margins else None


def learn_update_rules(model, features: np.ndarray, labels: np.ndarray, texts: list[str], *,
                       stop_words: str = "english+news", n_keywords: int = 10, keywords: str = "ctfidf",
                       taxonomy: str | None = None, label_threshold: float | None = None,
                       time_bins: list | None = None, batch_name: str = FIT_BATCH):
    """Set the update attributes on ``model`` (fitted on ``features``/``labels``) from its training documents;
    ``time_bins``: each document's time bin (``TimeBins.assign``), when they had dates. Returns ``model``."""
    labels = np.asarray(labels, dtype=int)
    model.sizes_ = {int(t): int((labels == t).sum()) for t in model.topic_ids_}
    model.member_quantiles_, model.cohesion_ = {}, {}
    for t in model.topic_ids_:
        quantiles, cohesion = member_statistics(features[labels == t])
        model.member_quantiles_[int(t)], model.cohesion_[int(t)] = quantiles, cohesion
    every = np.concatenate([leave_one_out_cosines(features[labels == t]) for t in model.topic_ids_])
    model.global_quantiles_ = np.quantile(every, QUANTILES)
    halves = [split_half_cosine(np.asarray(features)[labels == t]) for t in model.topic_ids_]
    halves = [h for h in halves if h is not None]
    model.merge_cosine_ = float(np.median(halves)) if halves else None
    model.margin_ = topic_margin(model.centroids_, features, labels, model.topic_ids_)
    model.count_topics_, counts, words = ctfidf_counts(texts, labels, stop_words)
    model.word_counts_ = sparse.csr_matrix(counts)
    model.words_ = np.asarray(words, dtype=object)
    model.naming_ = {"n_keywords": int(n_keywords), "stop_words": stop_words, "keywords": keywords,
                     "taxonomy": taxonomy, "label_threshold": label_threshold}
    model.batches_ = [batch_record(batch_name, labels, time_bins)]
    model.merged_, model.birth_closeness_ = {}, {}
    return model


def batch_record(name: str, labels: np.ndarray, time_bins: list | None = None) -> dict:
    """``{"name", "rows": [[bin or None, topic, documents], ...]}``: one batch's documents per topic (and bin)."""
    frame = pd.DataFrame({"bin": time_bins if time_bins is not None else [None] * len(labels),
                          "topic": np.asarray(labels, dtype=int)})
    counts = frame.groupby(["bin", "topic"], dropna=False).size()
    return {"name": str(name), "rows": [[None if pd.isna(b) else str(b), int(t), int(n)]
                                        for (b, t), n in counts.items()]}


def check_updatable(model) -> None:
    """A one-line error when ``model`` lacks what an update needs (saved by an older topiclab)."""
    missing = [name for name in UPDATE_ATTRIBUTES if not hasattr(model, name)]
    if missing:
        raise TopiclabError("this topic model was saved by an older topiclab without what update needs (topic "
                            "sizes, join rule, word counts, batch history): fit it again with topiclab run")


def count_scores(counts: sparse.csr_matrix, rows: list[int]) -> list[np.ndarray]:
    """c-TF-IDF of each of ``rows`` of the word counts against every row (``ctfidf_scores``' formula, sparse)."""
    totals = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(1 + totals.sum() / max(counts.shape[0], 1) / np.maximum(totals, 1))
    out = []
    for row in rows:
        own = counts[row].toarray().ravel()
        out.append(own / max(own.sum(), 1) * idf)
    return out


def keyword_weights(model) -> dict[int, list[float]]:
    """The c-TF-IDF weight of each topic's keywords from the model's word counts (the top-words bars)."""
    check_updatable(model)
    column = {str(w): i for i, w in enumerate(model.words_)}
    ids = [int(t) for t in model.topic_ids_]
    scores = count_scores(model.word_counts_, [model.count_topics_.index(t) for t in ids])
    return {t: [float(row[column[w]]) if w in column else 0.0 for w in model.keywords_.get(t, [])]
            for t, row in zip(ids, scores)}


def history_over_time(model) -> pd.DataFrame:
    """Documents per topic across the fit and every update: ``bin, topic, topic_label, documents, share`` (as
    ``topics_over_time``), by time bin when every batch's documents had dates, else by batch."""
    check_updatable(model)
    dated = all(row[0] is not None for batch in model.batches_ for row in batch["rows"])
    rows = [(bin_ if dated else batch["name"], int(topic), int(count))
            for batch in model.batches_ for bin_, topic, count in batch["rows"]]
    frame = pd.DataFrame(rows, columns=["bin", "topic", "documents"])
    order = sorted(set(frame["bin"])) if dated else list(dict.fromkeys(b["name"] for b in model.batches_))
    topics = sorted(set(frame["topic"].tolist()), key=lambda t: (t == OUTLIER, t))
    index = pd.MultiIndex.from_product([order, topics], names=["bin", "topic"])
    table = frame.groupby(["bin", "topic"])["documents"].sum().reindex(index, fill_value=0).reset_index()
    totals = table.groupby("bin")["documents"].transform("sum")
    table["share"] = np.where(totals > 0, table["documents"] / totals.where(totals > 0, 1), 0.0)
    names = {int(t): m["label"] for t, m in getattr(model, "merged_", {}).items()}
    names.update(model.labels_)
    table.insert(2, "topic_label", [names.get(int(t), "outliers" if t == OUTLIER else f"topic {t}")
                                    for t in table["topic"]])
    return table.astype({"documents": int})
