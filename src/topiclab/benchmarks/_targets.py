"""The benchmark's targets as data: one row each, read by the report.

A target names what it promises (``name``: ``{dataset}`` and ``{count}`` are
filled in per dataset and per number of topics), how it is measured
(``kind``: a key of ``_MEASURES`` below, and ``how`` in words) and its
threshold. Changing a target is changing a row here; the report and the
Targets table of BENCHMARKS.md follow.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ._frames import best_embedding_vs_nmf, quality_frame, topic_quality_frame
from ._speed import GiB, SpeedResults

__all__ = ["Target", "TARGETS", "targets_frame", "evaluate_targets"]


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    threshold: float
    how: str
    datasets: tuple[str, ...] | None = None  # None: every benchmarked dataset (per-dataset kinds only)
    memory_gib: float | None = None  # a second bound, for the scaling target


TARGETS: tuple[Target, ...] = (
    Target("{dataset}: NMI >= 0.90", "nmi", 0.90,
           "NMI of our configured pipeline (experiments/<dataset>.yaml) against the gold labels",
           datasets=("bbc_news",)),
    Target("{dataset}: NMI >= 0.95 of the supervised ceiling on the same features", "nmi_of_ceiling", 0.95,
           "NMI of our configured pipeline divided by the NMI of a logistic regression trained on the gold "
           "labels and 5-fold cross-validated on the same features (+ sparse TF-IDF)"),
    Target("{dataset}, {count} topics: best embedding-based NPMI and diversity >= NMF's", "npmi_vs_nmf", 1.0,
           "NPMI and topic diversity of the best of our pipeline's variants against NMF at the same number "
           "of topics"),
    Target("warm run <= 1/5 of cold run", "warm_vs_cold", 5.0,
           "seconds of the configured run of the speed dataset on an empty cache against the filled cache"),
    Target("our pipeline over bare BERTopic <= 1.5x", "bertopic_overhead", 1.5,
           "end-to-end seconds of our pipeline with BERTopic inside against bare BERTopic.fit_transform, "
           "best of 2, same embeddings"),
    Target("clustering growth exponent <= 1.3, peak memory < 4 GB at the largest size", "clustering_growth", 1.3,
           "slope of log time over log size of the clustering stage at 2k-128k documents; process peak RSS",
           memory_gib=4.0),
)


def targets_frame(targets: tuple[Target, ...] = TARGETS) -> pd.DataFrame:
    """The targets themselves: what each promises, its threshold, how it is measured."""
    return pd.DataFrame([{"target": t.name, "threshold": t.threshold, "how it is measured": t.how}
                         for t in targets])


def _status(ok: bool) -> str:
    return "met" if ok else "missed"


def _ours_nmi(report) -> float:
    return max(e.metrics["nmi"] for e in report.quality if e.method == "topiclab (config)")


def _nmi_detail(report) -> str:
    best = quality_frame(report.quality).iloc[0]
    ceiling = report.ceilings.get("configured", {}).get("nmi")
    text = f"best of all methods: {best['method']} {best['NMI']:.3f}"
    return text + (f"; supervised ceiling on the same features {ceiling:.3f}" if ceiling is not None else "")


def _nmi(target: Target, report, _speed) -> list[dict]:
    ours = _ours_nmi(report)
    return [{"target": target.name.format(dataset=report.name),
             "measured": f"{ours:.3f} ({_nmi_detail(report)})", "status": _status(ours >= target.threshold)}]


def _nmi_of_ceiling(target: Target, report, _speed) -> list[dict]:
    ceiling = report.ceilings.get("configured", {}).get("nmi")
    if not ceiling:
        return []
    ours = _ours_nmi(report)
    share = ours / ceiling
    return [{"target": target.name.format(dataset=report.name),
             "measured": f"{ours:.3f} ({share:.3f} of the ceiling; {_nmi_detail(report)})",
             "status": _status(share >= target.threshold)}]


def _npmi_vs_nmf(target: Target, report, _speed) -> list[dict]:
    rows = []
    for count, runs in report.topic_quality.items():
        ours, nmf = best_embedding_vs_nmf(topic_quality_frame(runs))
        if ours is None or nmf is None:
            continue
        ok = ours["NPMI"] >= target.threshold * nmf["NPMI"] and ours["diversity"] >= nmf["diversity"]
        rows.append({"target": target.name.format(dataset=report.name, count=count),
                     "measured": f"{ours['method']}: NPMI {ours['NPMI']:.3f} vs {nmf['NPMI']:.3f}, "
                                 f"diversity {ours['diversity']:.3f} vs {nmf['diversity']:.3f}",
                     "status": _status(bool(ok))})
    return rows


def _warm_vs_cold(target: Target, _report, speed: SpeedResults) -> list[dict]:
    cw = speed.cold_warm
    if cw is None:
        return []
    return [{"target": target.name, "measured": f"{cw.warm_s:.1f} s vs {cw.cold_s:.1f} s "
                                                f"(1/{cw.cold_s / cw.warm_s:.1f})",
             "status": _status(cw.warm_s * target.threshold <= cw.cold_s)}]


def _bertopic_overhead(target: Target, _report, speed: SpeedResults) -> list[dict]:
    o = speed.overhead
    if o is None:
        return []
    return [{"target": target.name, "measured": f"{o.ratio:.2f}x end to end; "
                                                f"{o.ours_without_metrics_s / o.bare_s:.2f}x without the "
                                                "evaluation stage",
             "status": _status(o.ratio <= target.threshold)}]


def _clustering_growth(target: Target, _report, speed: SpeedResults) -> list[dict]:
    s = speed.scaling
    if s is None:
        return []
    last = s.points[-1]
    ok = s.exponent <= target.threshold and last.process_peak_rss_bytes < (target.memory_gib or float("inf")) * GiB
    return [{"target": target.name, "measured": f"exponent {s.exponent:.2f}; peak RSS "
                                                f"{last.process_peak_rss_bytes / GiB:.2f} GiB at "
                                                f"{last.n_documents:,} documents",
             "status": _status(ok)}]


_PER_DATASET = {"nmi": _nmi, "nmi_of_ceiling": _nmi_of_ceiling, "npmi_vs_nmf": _npmi_vs_nmf}
_ONCE = {"warm_vs_cold": _warm_vs_cold, "bertopic_overhead": _bertopic_overhead,
         "clustering_growth": _clustering_growth}


def evaluate_targets(reports, speed: SpeedResults, targets: tuple[Target, ...] = TARGETS) -> pd.DataFrame:
    """Each target with what this benchmark run measured: ``target | measured | status``."""
    rows: list[dict] = []
    for report in reports:
        for target in targets:
            if target.kind in _PER_DATASET and (target.datasets is None or report.name in target.datasets):
                rows += _PER_DATASET[target.kind](target, report, speed)
    for target in targets:
        if target.kind in _ONCE:
            rows += _ONCE[target.kind](target, None, speed)
    return pd.DataFrame(rows, columns=["target", "measured", "status"])
