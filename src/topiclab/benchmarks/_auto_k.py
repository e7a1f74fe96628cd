"""Benchmark section "Choosing the number of topics": ``cluster.k: auto`` beside the fixed k, per corpus.

For each benchmarked corpus its configured pipeline runs once more with
``cluster.k: auto`` (same embeddings, same seed, the default candidates and
criterion: nothing set per corpus); the chosen k and its NMI are shown beside
the configured fixed-k NMI. Targets: the chosen k within a range around the
corpus's number of labels and an NMI floor, for the two corpora the issue names.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import ExperimentConfig, apply_overrides, config_from_dict
from ..pipeline import run_experiment
from ..viz import markdown_table

__all__ = ["SECTION", "AUTO_K_TARGETS", "AutoKResult", "auto_k_result", "auto_k_section"]

SECTION = "choosing-k"
# dataset -> (lowest k, highest k, NMI floor)
AUTO_K_TARGETS = {"bbc_news": (4, 8, 0.85), "ag_news_4k": (3, 8, 0.50)}


@dataclass
class AutoKResult:
    dataset: str
    n_labels: int
    fixed_k: int
    fixed_nmi: float
    chosen_k: int
    auto_nmi: float
    criterion: str
    curve: pd.DataFrame


def auto_k_result(config: ExperimentConfig, n_labels: int, fixed_nmi: float, embedder) -> AutoKResult:
    raw = apply_overrides(config.model_dump(mode="json", exclude={"sweep"}), ["cluster.k=auto"])
    raw["name"] = f"{config.name}:k-auto"
    auto = config_from_dict(raw, source="k-auto")
    result = run_experiment(auto, embedder=embedder)
    return AutoKResult(config.name if config.data.dataset is None else config.data.dataset, n_labels,
                       int(config.cluster.k or n_labels), fixed_nmi, int(result.config.cluster.k),
                       float(result.metrics["nmi"]), auto.cluster.auto.criterion, result.k_curve)


def auto_k_section(results: list[AutoKResult]) -> tuple[str, pd.DataFrame]:
    """Markdown body and the Targets rows (``target, measured, status``)."""
    table = pd.DataFrame([{"corpus": r.dataset, "labels": r.n_labels, "fixed k": r.fixed_k,
                           "NMI (fixed k)": round(r.fixed_nmi, 4), "chosen k (auto)": r.chosen_k,
                           "NMI (auto)": round(r.auto_nmi, 4), "criterion": r.criterion} for r in results])
    parts = ["## Choosing the number of topics", "",
             "`cluster.k: auto` (cluster/_choose_k.py): each candidate k in 3..12 is clustered with the corpus's "
             "configured features, scored by the mean cosine silhouette averaged over 3 seeded clusterings, and "
             "the smallest k within one standard error of the best score is kept (the one-standard-error rule; "
             "`se` below); the configured pipeline then runs at that k. The same settings for every corpus.", "",
             markdown_table(table), ""]
    for r in results:
        curve = r.curve.round(4)
        parts += [f"Curve on {r.dataset}:", "", markdown_table(curve), ""]
    rows = []
    for r in results:
        if r.dataset not in AUTO_K_TARGETS:
            continue
        low, high, floor = AUTO_K_TARGETS[r.dataset]
        ok = low <= r.chosen_k <= high and r.auto_nmi >= floor
        rows.append({"target": f"{r.dataset}, k: auto: {low}-{high} topics and NMI >= {floor}",
                     "measured": f"k={r.chosen_k}, NMI={r.auto_nmi:.3f}", "status": "met" if ok else "missed"})
    return "\n".join(parts), pd.DataFrame(rows, columns=["target", "measured", "status"])
