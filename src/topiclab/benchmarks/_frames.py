"""The benchmark's result tables as frames: quality per method, ceilings, topic quality."""

from __future__ import annotations

import pandas as pd

from ..evaluation import Evaluation

__all__ = ["CEILING_FEATURES", "quality_frame", "ceiling_frame", "topic_quality_frame", "best_embedding_vs_nmf"]

CEILING_FEATURES = {"configured": "our configured features + sparse TF-IDF", "minilm": "MiniLM alone"}


def _fit_seconds(evaluation: Evaluation) -> float:
    """Time to topics, without the evaluation stage (coherence etc.), for every method alike."""
    return float(sum(v for k, v in evaluation.timings.items() if k != "metrics"))


def quality_frame(evaluations: list[Evaluation]) -> pd.DataFrame:
    rows = []
    for e in evaluations:
        m = e.metrics
        rows.append({"method": e.method, "k": e.params.get("k") or "auto", "topics": int(m["n_topics"]),
                     "NMI": m.get("nmi"), "ARI": m.get("ari"), "accuracy": m.get("accuracy"),
                     "NPMI": m.get("npmi"), "C_v": m.get("c_v"), "diversity": m.get("topic_diversity"),
                     "outliers": m.get("outlier_share"), "keywords scored": m.get("keyword_vocab_share"),
                     "time (s)": _fit_seconds(e)})
    frame = pd.DataFrame(rows)
    return frame.sort_values("NMI", ascending=False, kind="stable").reset_index(drop=True)


def ceiling_frame(ceilings: dict[str, dict[str, float]]) -> pd.DataFrame:
    """The supervised ceilings of one dataset (``DatasetReport.ceilings``)."""
    return pd.DataFrame([{"classifier trained on the gold labels": f"logistic regression on {CEILING_FEATURES[key]}",
                          "NMI": scores["nmi"], "ARI": scores["ari"], "accuracy": scores["accuracy"]}
                         for key, scores in ceilings.items()])


def topic_quality_frame(evaluations: list[Evaluation]) -> pd.DataFrame:
    rows = [{"method": e.method, "embedding-based": e.method.startswith("topiclab"),
             "NPMI": e.metrics.get("npmi"), "C_v": e.metrics.get("c_v"),
             "diversity": e.metrics.get("topic_diversity"), "NMI": e.metrics.get("nmi"),
             "time (s)": _fit_seconds(e)} for e in evaluations]
    return pd.DataFrame(rows).sort_values("NPMI", ascending=False, kind="stable").reset_index(drop=True)


def best_embedding_vs_nmf(frame: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    ours = frame[frame["embedding-based"]]
    nmf = frame[frame["method"] == "nmf"]
    return (ours.iloc[0] if len(ours) else None), (nmf.iloc[0] if len(nmf) else None)
