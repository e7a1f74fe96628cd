"""Update a fitted topic model with a new batch: old topics keep their ids, new stories become new topics.

``update_topic_model(model, texts, features, seed=...)`` returns a new ``TopicModel``
and a ``TopicUpdate``; ``model`` is not changed. The rules come from the model's own
training documents (``_history``), none is set per corpus:

1. **Join.** Each document's nearest topic is the centroid of highest cosine. It joins
   that topic when the cosine is at least the topic's ``join_quantile`` quantile of its
   own training members' cosines (the global quantile of every member for a topic with
   fewer than ``MIN_OWN_MEMBERS``, and for a topic born in an update, whose members the
   clustering picked from the core of the story): a document as close as all but the
   loosest ``join_quantile`` of the topic's members were to the centroid of the others.
2. **New topics.** The rest are clustered among themselves (average linkage on cosine,
   cut below the ``cohesion_quantile`` quantile of the cosines at which the same linkage
   joins each topic's own members, ``cohesion_``): candidate groups of ``MIN_GROUP`` or more
   (at most ``MAX_CLUSTERED`` leftovers are clustered, a seeded sample; the others join the
   group they would join as a document joins a topic). Each group's centroid then claims
   the batch's documents closer to it than to the topic they joined (a new story's first
   documents mostly join an old topic). A group becomes a new topic (next id, c-TF-IDF
   keywords, a name from the taxonomy or its keywords) when it then holds at least
   ``min_new_topic_size`` documents (default: ``size_ratio`` times the fit's median
   topic's share, times the batch's size) **and** stands apart from the old topics as
   the model's least distinct topic does from its neighbours (``margin_``: its members'
   leave-one-out cosine to it minus their cosine to the nearest old topic, on average, is
   at least that topic's): groups of loose ends of old topics are not stories. Documents
   in no topic are this batch's outliers (``cluster.OUTLIER``).
3. **Grow.** Centroids become size-weighted running means; keywords of topics that
   changed are the c-TF-IDF top words of their accumulated word counts; names and ids stay.
4. **Merge.** Two existing topics, one of which grew, merge only when their centroids are
   now as close (cosine) as two halves of a typical topic of the model (``merge_cosine_``, the median
   split-half cosine of its topics) and, for
   a topic born in an update, than it was to its nearest topic at birth
   (``birth_closeness_``); the smaller one is then ``merged`` into the larger (its id
   retired, its documents of this batch moved). A topic born in this batch does not merge.

The cost grows with the batch (and the vocabulary), not with the number of documents
the model has seen.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.preprocessing import normalize

from ..cluster import OUTLIER
from ..errors import TopiclabError
from ._births import MAX_CLUSTERED, MIN_GROUP, claim_births, leftover_groups
from ._history import MIN_OWN_MEMBERS, QUANTILES, batch_record, check_updatable, count_scores, member_statistics
from ._naming import TaxonomyEntry, ctfidf_counts, name_topics, top_words
from ._over_time import parse_dates

__all__ = ["TopicUpdate", "TaxonomyNaming", "update_topic_model", "join_thresholds", "new_topic_min_size",
           "DEFAULT_JOIN_QUANTILE", "DEFAULT_SIZE_RATIO", "DEFAULT_COHESION_QUANTILE", "MIN_GROUP", "MAX_CLUSTERED"]

DEFAULT_JOIN_QUANTILE = 0.02  # a document joins when as close as 98% of the topic's own training members
DEFAULT_SIZE_RATIO = 0.25  # a new topic: at least a quarter of the fit's median topic's share of the batch
DEFAULT_COHESION_QUANTILE = 0.0  # new topics no looser than the loosest topic of the model
STATUSES = ("kept", "grew", "new", "merged")


@dataclass(frozen=True)
class TopicUpdate:
    """What an update did to one batch (``update_topic_model``)."""

    topics: np.ndarray  # topic id of each batch document, in input order; OUTLIER (-1): an outlier of this batch
    similarity: np.ndarray  # cosine of each batch document to its topic's (updated) centroid; 0.0 for outliers
    lineage: pd.DataFrame  # topic, status (kept|grew|new|merged), parent, size_before, size_after
    assigned_share: float  # share of the batch that joined existing topics
    n_new_topics: int
    outlier_share: float


@dataclass(frozen=True)
class TaxonomyNaming:
    """How new topics are named after a taxonomy: its entries, their vectors (embedded as the batch), the
    share threshold (``topics.label_threshold``) and, when the model's features are not the embeddings
    (TF-IDF, combined), the batch's embeddings."""

    entries: list[TaxonomyEntry]
    vectors: np.ndarray
    threshold: float
    embeddings: np.ndarray | None = None


def join_thresholds(model, join_quantile: float = DEFAULT_JOIN_QUANTILE) -> np.ndarray:
    """The cosine a document needs to join each topic (``model.topic_ids_`` order)."""
    if not 0.0 <= join_quantile <= 1.0:
        raise TopiclabError(f"join_quantile must lie in [0, 1], got {join_quantile}")
    out = []
    for t in model.topic_ids_:
        own = model.member_quantiles_.get(int(t))
        quantiles = own if own is not None and model.sizes_.get(int(t), 0) >= MIN_OWN_MEMBERS \
            else model.global_quantiles_
        out.append(float(np.interp(join_quantile, QUANTILES, quantiles)))
    return np.array(out)


def new_topic_min_size(model, n_documents: int, size_ratio: float = DEFAULT_SIZE_RATIO) -> int:
    """Documents a group of a batch of ``n_documents`` needs to become a topic: ``size_ratio`` times the share
    of the fit's median topic (outliers not counted) of the batch, at least ``MIN_GROUP`` (the smallest
    topic's share let noise groups of three headlines be born on HuffPost)."""
    fit = {}
    for _, topic, count in model.batches_[0]["rows"]:
        if topic != OUTLIER:
            fit[topic] = fit.get(topic, 0) + count
    share = float(np.median(list(fit.values()))) / max(sum(fit.values()), 1) if fit else 0.0
    return max(MIN_GROUP, math.ceil(size_ratio * share * n_documents))


def _check(model, texts: list[str], features: np.ndarray, dates) -> np.ndarray:
    check_updatable(model)
    if len(texts) == 0:
        raise TopiclabError("the batch is empty: no document to update the topic model with")
    features = np.asarray(features)
    if features.ndim != 2 or len(features) != len(texts):
        raise TopiclabError(f"{len(features)} feature rows for {len(texts)} documents")
    if features.shape[1] != model.centroids_.shape[1]:
        raise TopiclabError(f"the batch's vectors have {features.shape[1]} dimensions, the topic model's "
                            f"{model.centroids_.shape[1]}: it was embedded with another model or backend than the "
                            f"topic model's ({model.embedding_model}, {model.embedding_backend})")
    if dates is not None and len(dates) != len(texts):
        raise TopiclabError(f"{len(dates)} dates for {len(texts)} documents")
    return features.astype(np.float64)


def _merged_counts(model, texts: list[str], topics: np.ndarray, rows: list[int]):
    """The model's word counts plus the batch's (``topics``), over the union of the vocabularies;
    rows in ``rows`` order (every topic id that has counts, outliers included)."""
    batch_topics, batch_counts, batch_words = ctfidf_counts(texts, topics, model.naming_["stop_words"])
    words = list(model.words_)
    column = {w: i for i, w in enumerate(words)}
    for w in batch_words:
        if w not in column:
            column[w] = len(words)
            words.append(str(w))
    old = model.word_counts_.tocoo()
    row_of = {t: i for i, t in enumerate(rows)}
    old_rows = np.array([row_of[t] for t in model.count_topics_], dtype=int)[old.row]
    batch = sparse.coo_matrix(batch_counts)
    batch_cols = np.array([column[str(w)] for w in batch_words], dtype=int)
    batch_rows = np.array([row_of[t] for t in batch_topics], dtype=int)
    data = np.concatenate([old.data, batch.data])
    r = np.concatenate([old_rows, batch_rows[batch.row] if batch.nnz else np.array([], dtype=int)])
    c = np.concatenate([old.col, batch_cols[batch.col] if batch.nnz else np.array([], dtype=int)])
    counts = sparse.csr_matrix((data, (r, c)), shape=(len(rows), len(words)))
    return counts, np.asarray(words, dtype=object)


def _keywords(counts: sparse.csr_matrix, words: np.ndarray, rows: list[int], n_keywords: int) -> list[list[str]]:
    """c-TF-IDF top words of each of ``rows`` against every row of the word counts."""
    return [top_words(scores, words, n_keywords) for scores in count_scores(counts, rows)]


def _unique_name(name: str, keywords: list[str], taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    return f"{name} ({', '.join(keywords[:2])})"


def update_topic_model(model, texts: list[str], features: np.ndarray, *, seed: int, dates: list | None = None,
                       taxonomy: TaxonomyNaming | None = None, batch_name: str | None = None,
                       join_quantile: float = DEFAULT_JOIN_QUANTILE, size_ratio: float = DEFAULT_SIZE_RATIO,
                       min_new_topic_size: int | None = None,
                       cohesion_quantile: float = DEFAULT_COHESION_QUANTILE):
    """``features`` = ``model.features_of(texts)`` (the clusterer's space). Returns a NEW model and the
    ``TopicUpdate``; ``model`` is not changed. ``dates`` (one per text) put the batch in the model's time
    bins, extended as needed; ``batch_name`` names the batch in topics over time (default ``update N``)."""
    features = _check(model, texts, features, dates)
    texts = [str(t) for t in texts]
    n = len(texts)
    ids = np.asarray(model.topic_ids_, dtype=int)
    unit = normalize(features)
    cosine = unit @ normalize(model.centroids_).T
    nearest = cosine.argmax(axis=1)
    has_direction = np.linalg.norm(features, axis=1) > 0  # a zero vector (no word the model knows): an outlier
    joined = has_direction & (cosine[np.arange(n), nearest] >= join_thresholds(model, join_quantile)[nearest])
    topics = np.full(n, OUTLIER)
    topics[joined] = ids[nearest[joined]]

    left = np.flatnonzero(~joined & has_direction)
    needed = min_new_topic_size if min_new_topic_size is not None else new_topic_min_size(model, n, size_ratio)
    cut = float(np.quantile(list(model.cohesion_.values()), cohesion_quantile))
    groups = leftover_groups(unit[left], cut, MIN_GROUP, seed, join_quantile)  # candidates, judged by claim_births
    current = np.where(joined, cosine[np.arange(n), nearest], np.where(has_direction, -np.inf, np.inf))
    found = claim_births(unit, current, cosine.max(axis=1), left, groups, needed, join_quantile,
                         getattr(model, "margin_", None))
    next_id = max([*ids.tolist(), *getattr(model, "merged_", {}), *model.count_topics_, OUTLIER]) + 1
    sizes = {int(t): int(model.sizes_[int(t)]) for t in ids}
    sums = {int(t): c * sizes[int(t)] for t, c in zip(ids, model.centroids_.astype(np.float64))}
    counts = dict(sizes)
    new_ids = []
    for members in found:
        topics[members] = next_id
        sums[next_id], counts[next_id] = features[members].sum(axis=0), len(members)
        new_ids.append(next_id)
        next_id += 1
    for t in ids:
        members = topics == t
        if members.any():
            sums[int(t)] = sums[int(t)] + features[members].sum(axis=0)
            counts[int(t)] += int(members.sum())

    new = copy.copy(model)
    all_ids = [*map(int, ids), *new_ids]
    new.sizes_ = {t: counts[t] for t in all_ids}
    new.member_quantiles_, new.cohesion_ = dict(model.member_quantiles_), dict(model.cohesion_)
    for t in new_ids:  # no quantiles of its own: its members were picked by the clustering, the tight core
        _, new.cohesion_[t] = member_statistics(features[topics == t])
    centroid = {t: sums[t] / counts[t] for t in all_ids}
    rows = list(dict.fromkeys([*model.count_topics_, *all_ids, *sorted(set(topics.tolist()))]))
    new.word_counts_, new.words_ = _merged_counts(model, texts, topics, rows)
    new.count_topics_ = rows
    new.merged_ = dict(getattr(model, "merged_", {}))
    new.labels_, new.keywords_ = dict(model.labels_), dict(model.keywords_)
    grown = {int(t) for t in ids if counts[int(t)] > sizes[int(t)]}
    merged_into = _apply_merge_rule(new, centroid, [int(t) for t in ids], grown)
    for gone, survivor in merged_into.items():
        topics[topics == gone] = survivor
        grown.add(survivor)
    after = dict(new.sizes_)
    for gone in merged_into:
        for table in (new.sizes_, new.member_quantiles_, new.cohesion_):
            table.pop(gone, None)
    alive = [t for t in all_ids if t not in merged_into]
    new.topic_ids_ = np.array(sorted(alive), dtype=int)
    new.centroids_ = np.vstack([centroid[t] for t in new.topic_ids_])
    n_keywords = int(model.naming_["n_keywords"])
    changed = sorted((grown | set(new_ids)) - set(merged_into))  # c-TF-IDF, whatever the run's keyword method
    for t, words in zip(changed, _keywords(new.word_counts_, new.words_, [rows.index(t) for t in changed],
                                           n_keywords)):
        new.keywords_[t] = words
    born = new_ids  # topics born in this batch never merge in it
    new.birth_closeness_ = dict(getattr(model, "birth_closeness_", {}))
    if born and len(new.topic_ids_) > 1:  # how close each new topic is born to another: it merges later only
        unit_all = normalize(new.centroids_)  # if they get closer still
        closeness = unit_all @ unit_all.T
        np.fill_diagonal(closeness, -np.inf)
        where = {int(t): i for i, t in enumerate(new.topic_ids_)}
        new.birth_closeness_.update({t: float(closeness[where[t]].max()) for t in born})
    _name_new_topics(new, born, topics, features, taxonomy)
    bins = None
    if dates is not None and getattr(model, "time_bins_", None) is not None:
        stamps = parse_dates(list(dates))
        new.time_bins_ = model.time_bins_.covering(stamps)
        bins = new.time_bins_.assign(stamps)
    name = batch_name or f"update {len(model.batches_)}"
    new.batches_ = [*model.batches_, batch_record(name, topics, bins)]
    lineage = _lineage(ids, sizes, after, grown, born, merged_into)
    similarity = np.zeros(n)
    inside = topics != OUTLIER
    if inside.any():
        row = np.searchsorted(new.topic_ids_, topics[inside])
        similarity[inside] = (unit[inside] * normalize(new.centroids_)[row]).sum(axis=1)
    assigned = float(np.isin(topics, ids).sum()) / n
    return new, TopicUpdate(topics.astype(int), similarity, lineage, assigned, len(born),
                            float((topics == OUTLIER).sum()) / n)


def _apply_merge_rule(new, centroid: dict, old: list[int], grown: set[int]) -> dict[int, int]:
    """Merge, closest pair first, topics of the model before this batch whose centroids are now closer than
    ``merge_cosine_`` (one of the pair grew in this batch); the smaller into the larger. Updates ``new`` and
    ``centroid``; returns gone -> survivor. Topics born in this batch never merge at birth."""
    merged_into: dict[int, int] = {}
    if new.merge_cosine_ is None:
        return merged_into
    while True:
        alive = [t for t in old if t not in merged_into]
        if len(alive) < 2:
            return merged_into
        unit = normalize(np.array([centroid[t] for t in alive]))
        similarity = unit @ unit.T
        born = getattr(new, "birth_closeness_", {})
        floor = np.array([max(new.merge_cosine_, born.get(t) or -1.0) for t in alive])
        similarity[similarity <= np.maximum(floor[:, None], floor[None, :])] = -np.inf
        changed = np.array([t in grown for t in alive])
        similarity[~(changed[:, None] | changed[None, :])] = -np.inf
        np.fill_diagonal(similarity, -np.inf)
        i, j = np.unravel_index(np.argmax(similarity), similarity.shape)
        if similarity[i, j] == -np.inf:
            return merged_into
        a, b = alive[i], alive[j]
        survivor, gone = (a, b) if (new.sizes_[a], -a) >= (new.sizes_[b], -b) else (b, a)
        total = new.sizes_[a] + new.sizes_[b]
        centroid[survivor] = (centroid[a] * new.sizes_[a] + centroid[b] * new.sizes_[b]) / total
        new.sizes_[survivor], new.sizes_[gone] = total, 0
        rows = new.count_topics_
        move = sparse.identity(len(rows), format="lil")
        move[rows.index(survivor), rows.index(gone)], move[rows.index(gone), rows.index(gone)] = 1.0, 0.0
        new.word_counts_ = (move.tocsr() @ new.word_counts_).tocsr()
        new.merged_[gone] = {"into": survivor, "label": new.labels_[gone]}
        merged_into[gone] = survivor
        grown.add(survivor)
        for survivor_of, target in list(merged_into.items()):  # a survivor merged later: follow it
            if target == gone:
                merged_into[survivor_of] = survivor
        new.labels_.pop(gone, None)
        new.keywords_.pop(gone, None)


def _name_new_topics(new, born: list[int], topics: np.ndarray, features: np.ndarray,
                     taxonomy: TaxonomyNaming | None) -> None:
    if not born:
        return
    space = features if taxonomy is None or taxonomy.embeddings is None else np.asarray(taxonomy.embeddings)
    members = {t: space[topics == t] for t in born}
    keywords = {t: new.keywords_[t] for t in born}
    names = name_topics(members, keywords, taxonomy.entries if taxonomy else None,
                        taxonomy.vectors if taxonomy else None, taxonomy.threshold if taxonomy else 0.0)
    taken = {label.casefold() for label in new.labels_.values()}
    for t in born:
        new.labels_[t] = _unique_name(names[t][0], keywords[t], taken)
        taken.add(new.labels_[t].casefold())


def _lineage(ids, before: dict, after: dict, grown: set[int], born: list[int], merged_into: dict) -> pd.DataFrame:
    rows = []
    for t in map(int, ids):
        status = "merged" if t in merged_into else "grew" if t in grown else "kept"
        rows.append((t, status, merged_into.get(t), before[t], after[t]))
    rows += [(t, "new", None, 0, after[t]) for t in born]
    frame = pd.DataFrame(rows, columns=["topic", "status", "parent", "size_before", "size_after"])
    frame["parent"] = frame["parent"].astype("Int64")
    return frame.sort_values("topic", kind="stable").reset_index(drop=True)
