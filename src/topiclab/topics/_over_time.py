"""Topics over time (documents with a ``date``) and per class (documents with a label).

``parse_dates`` reads every date (ISO 8601 and other forms pandas reads,
each on its own; time zones are converted to UTC) and names the first row
that does not parse. ``TimeBins`` cuts time into ``topics.time_bins``: a count
of equal-width bins between the first and the last date, or a pandas period
frequency (``M`` month, ``W`` week, ``D`` day, ``Q``, ``Y``); it is saved with
the topic model, so new dates get the run's bins. Each bin is named by its
start (``2024-01-01`` or, for periods, ``2024-01``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cluster import OUTLIER
from ..errors import TopiclabError

__all__ = ["parse_dates", "TimeBins", "topics_over_time", "topics_per_class"]

_EMPTY = {"", "nan", "none", "nat", "null"}


def parse_dates(dates: list, ids: list[str] | None = None) -> pd.Series:
    """Naive UTC timestamps of ``dates``; a TopicLabError naming the first row (1-based) that does not parse."""
    values = ["" if d is None or d != d else str(d).strip() for d in dates]  # d != d: a table's empty cell (NaN)
    parsed = pd.to_datetime(pd.Series(values, dtype=object), format="mixed", utc=True, errors="coerce")
    bad = [i for i, (value, stamp) in enumerate(zip(values, parsed)) if value.lower() in _EMPTY or pd.isna(stamp)]
    if bad:
        row = bad[0]
        named = f" (id {ids[row]})" if ids is not None else ""
        what = "is missing" if values[row].lower() in _EMPTY else "does not parse"
        shown = "date" if values[row].lower() in _EMPTY else f"date {values[row]!r}"
        raise TopiclabError(f"{shown} in row {row + 1}{named} {what} "
                            f"({len(bad)} of {len(values)} dates are missing or do not parse)")
    return parsed.dt.tz_localize(None)


@dataclass(frozen=True)
class TimeBins:
    """``freq`` (a pandas period) or ``edges`` (count bins: ISO timestamps from first to last date)."""

    freq: str | None = None
    edges: tuple[str, ...] = ()

    @classmethod
    def fit(cls, dates: pd.Series, bins: int | str) -> "TimeBins":
        if isinstance(bins, str):
            return cls(freq=bins)
        first, last = dates.min(), dates.max()
        if first == last:
            return cls(edges=(first.isoformat(), last.isoformat()))
        edges = pd.date_range(first, last, periods=bins + 1)
        return cls(edges=tuple(e.isoformat() for e in edges))

    def to_dict(self) -> dict:
        return {"freq": self.freq, "edges": list(self.edges)}

    @classmethod
    def from_dict(cls, data: dict) -> "TimeBins":
        return cls(freq=data.get("freq"), edges=tuple(data.get("edges") or ()))

    def assign(self, dates: pd.Series) -> list[str | None]:
        """The bin of each date (None for a date outside the count bins' range)."""
        if self.freq is not None:
            return [str(p) for p in dates.dt.to_period(self.freq)]
        edges = pd.to_datetime(pd.Series(self.edges)).to_numpy()
        values = dates.to_numpy()
        index = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, max(len(edges) - 2, 0))
        inside = (values >= edges[0]) & (values <= edges[-1])
        return [_bin_name(edges[i]) if ok else None for i, ok in zip(index, inside)]

    def covering(self, dates: pd.Series, most: int = 1000) -> "TimeBins":
        """These bins, count bins extended by bins of their own width (a day when they have none) until they
        cover ``dates`` (a batch of an update), ``most`` new bins at most on each side; periods as they are."""
        if self.freq is not None or not len(dates) or len(self.edges) < 2:
            return self
        edges = list(pd.to_datetime(pd.Series(self.edges)))
        width = (edges[1] - edges[0]) or pd.Timedelta(days=1)
        before = min(most, max(0, math.ceil((edges[0] - dates.min()) / width)))
        after = min(most, max(0, math.ceil((dates.max() - edges[-1]) / width)))
        if edges[0] == edges[-1] and (before or after):  # one date at fit: a day-wide bin first
            edges = [edges[0], edges[0] + width]
            after = min(most, max(0, math.ceil((dates.max() - edges[-1]) / width)))
        edges = ([edges[0] - width * i for i in range(before, 0, -1)] + edges
                 + [edges[-1] + width * i for i in range(1, after + 1)])
        return TimeBins(edges=tuple(pd.Timestamp(e).isoformat() for e in edges))

    def names(self) -> list[str] | None:
        """Every bin's name in order for count bins (empty bins included); None for periods."""
        if self.freq is not None:
            return None
        edges = pd.to_datetime(pd.Series(self.edges)).to_numpy()
        return [_bin_name(e) for e in edges[:max(len(edges) - 1, 1)]]


def _bin_name(stamp) -> str:
    stamp = pd.Timestamp(stamp)
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat()


def _shares(keys: list, labels: np.ndarray, names: dict[int, str], key: str, order: list | None) -> pd.DataFrame:
    """``key, topic, topic_label, documents, share`` with every (key, topic) pair, share within each key."""
    frame = pd.DataFrame({key: keys, "topic": np.asarray(labels, dtype=int)})
    counts = frame.groupby([key, "topic"]).size()
    keys_in_order = order if order is not None else sorted(set(keys))
    topics = sorted(set(frame.topic.tolist()), key=lambda t: (t == OUTLIER, t))
    index = pd.MultiIndex.from_product([keys_in_order, topics], names=[key, "topic"])
    table = counts.reindex(index, fill_value=0).rename("documents").reset_index()
    totals = table.groupby(key)["documents"].transform("sum")
    table["share"] = np.where(totals > 0, table["documents"] / totals.where(totals > 0, 1), 0.0)
    table.insert(2, "topic_label", [names.get(int(t), "outliers" if t == OUTLIER else f"topic {t}")
                                    for t in table.topic])
    return table


def topics_over_time(dates: pd.Series, labels: np.ndarray, names: dict[int, str], bins: TimeBins) -> pd.DataFrame:
    """One row per time bin and topic: ``bin, topic, topic_label, documents, share`` (share of the bin)."""
    assigned = bins.assign(dates)
    return _shares(assigned, labels, names, "bin", bins.names())


def topics_per_class(classes: list, labels: np.ndarray, names: dict[int, str]) -> pd.DataFrame:
    """One row per class and topic: ``class, topic, topic_label, documents, share`` (share of the class)."""
    return _shares([str(c) for c in classes], labels, names, "class", None)
