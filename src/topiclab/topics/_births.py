"""How a batch's new topics are found (``update_topic_model``, step 2): candidate groups among the documents
that joined no topic, then the groups that claim enough of the batch and stand apart from the old topics."""

from __future__ import annotations

import math

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.preprocessing import normalize

from ._history import QUANTILES, centre_cosine, leave_one_out_cosines

__all__ = ["MIN_GROUP", "MAX_CLUSTERED", "leftover_groups", "claim_births"]

MIN_GROUP = 3  # no topic of one or two documents, whatever the batch's size
MAX_CLUSTERED = 4000  # leftovers clustered at once (average linkage needs n^2 memory)


def _centres_and_thresholds(groups: list[np.ndarray], join_quantile: float) -> tuple[np.ndarray, np.ndarray]:
    """Each group's unit centroid and the cosine a document needs to join it (the ``join_quantile`` quantile of
    its members' leave-one-out cosines, read on the ``QUANTILES`` grid as a topic's join threshold is)."""
    centres = np.vstack([normalize(members.mean(axis=0, keepdims=True)) for members in groups])
    thresholds = np.array([np.interp(join_quantile, QUANTILES, np.quantile(leave_one_out_cosines(members), QUANTILES))
                           for members in groups])
    return centres, thresholds


def leftover_groups(unit: np.ndarray, cut_cosine: float, min_size: int, seed: int,
                     join_quantile: float) -> np.ndarray:
    """Group index of each row of ``unit`` (-1: in no group of ``min_size``), average linkage cut at
    cosine ``cut_cosine``; beyond ``MAX_CLUSTERED`` rows a seeded sample is clustered and the rest join."""
    n = len(unit)
    groups = np.full(n, -1)
    if n < min_size or n < 2:
        return groups
    sample = np.arange(n)
    if n > MAX_CLUSTERED:
        sample = np.sort(np.random.default_rng(seed).choice(n, MAX_CLUSTERED, replace=False))
    found = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=max(1.0 - cut_cosine, 1e-9)).fit_predict(unit[sample])
    needed = max(MIN_GROUP, math.ceil(min_size * len(sample) / n))
    ids, sizes = np.unique(found, return_counts=True)
    kept = [g for g, size in sorted(zip(ids, sizes), key=lambda p: (-p[1], p[0])) if size >= needed]
    for new, g in enumerate(kept):
        groups[sample[found == g]] = new
    rest = np.setdiff1d(np.arange(n), sample)
    if len(rest) and kept:  # the unsampled join a group as documents join a topic
        centres, thresholds = _centres_and_thresholds([unit[groups == new] for new in range(len(kept))],
                                                      join_quantile)
        cosine = unit[rest] @ centres.T
        best = cosine.argmax(axis=1)
        joined = cosine[np.arange(len(rest)), best] >= thresholds[best]
        groups[rest[joined]] = best[joined]
    return groups


def claim_births(unit: np.ndarray, current: np.ndarray, best_old: np.ndarray, left: np.ndarray,
                 groups: np.ndarray, needed: int, join_quantile: float, margin: float | None) -> list[np.ndarray]:
    """Members of each candidate group (``groups`` of the rows ``left`` of ``unit``) that becomes a topic,
    largest first. A group's centroid also claims the batch's documents closer to it than to the topic they
    joined (``current``: their cosine to it; -inf for leftovers, +inf for documents that may join nothing)
    when as close as a member of the group (its ``join_quantile`` quantile). A group is a topic when it then
    holds ``needed`` documents and stands apart from the old topics (``best_old``: each document's cosine to
    its nearest old centroid) not significantly less than the model's least distinct topic (``margin``;
    None: no such test)."""
    n_groups = groups.max() + 1 if len(groups) else 0
    if n_groups == 0:
        return []
    centres, thresholds = _centres_and_thresholds([unit[left[groups == g]] for g in range(n_groups)],
                                                  join_quantile)
    to_group = unit @ centres.T
    best = to_group.argmax(axis=1)
    best_cosine = to_group[np.arange(len(unit)), best]
    claim = np.full(len(unit), -1)
    closer = (best_cosine > current) & (best_cosine >= thresholds[best])
    claim[closer] = best[closer]
    claim[left[groups >= 0]] = groups[groups >= 0]
    sizes = np.bincount(claim[claim >= 0], minlength=n_groups)
    kept = []
    for g in sorted(range(n_groups), key=lambda g: (-sizes[g], g)):
        members = np.flatnonzero(claim == g)
        if sizes[g] < needed:
            continue
        gain = centre_cosine(unit[members]) - float(np.mean(best_old[members]))
        centre = normalize(unit[members].mean(axis=0, keepdims=True))[0]  # not significantly less distinct:
        error = float(np.std(unit[members] @ centre - best_old[members])) / math.sqrt(len(members))  # one s.e.
        if margin is None or gain + error >= margin:
            kept.append(members)
    return kept
