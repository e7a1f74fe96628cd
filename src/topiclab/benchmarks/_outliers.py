"""Benchmark section "Outliers": how a density clusterer's outliers are handled, chosen leave-one-corpus-out.

``umap_hdbscan`` (and ``bertopic``) leave documents in no topic (-1). Each
policy is scored on every corpus of the suite from one clustering per corpus
(MiniLM embeddings, the default UMAP and HDBSCAN settings, the seed):

* ``keep``: outliers stay -1 (scored as one group of their own);
* ``reassign >= t``: each outlier joins its nearest topic centroid when the
  cosine is at least ``t`` (``cluster/_outliers.py``); ``t = -1`` reassigns all.

For each corpus the policy is chosen on the other corpora only (the best mean
NMI there) and that corpus's figure under it is reported; the shipped default
(``cluster.outliers``, ``cluster.outlier_min_similarity``) is the policy chosen
on all of them. Beside NMI, the share of reassigned documents whose gold label is
their new topic's majority label says how often a reassignment is right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..cluster import OUTLIER, cluster_vectors, reassign_outliers
from ..config import ClusterConfig
from ..data import load_dataset
from ..evaluation import external_metrics
from ..viz import markdown_table

__all__ = ["SECTION", "POLICIES", "OutlierPolicy", "policy_rows", "outlier_curves", "leave_one_out",
           "outliers_section"]

SECTION = "outliers"


@dataclass(frozen=True)
class OutlierPolicy:
    outliers: str  # keep | reassign
    min_similarity: float = 0.0

    @property
    def name(self) -> str:
        return "keep" if self.outliers == "keep" else f"reassign >= {self.min_similarity:g}"


POLICIES = (OutlierPolicy("keep"),) + tuple(OutlierPolicy("reassign", t)
                                            for t in (-1.0, 0.0, 0.2, 0.3, 0.4, 0.5, 0.6))


def _majority_correct(truth: np.ndarray, labels: np.ndarray, rows: np.ndarray) -> float:
    """Share of ``rows`` whose gold label is the majority gold label of their topic."""
    if not len(rows):
        return float("nan")
    frame = pd.DataFrame({"truth": truth, "topic": labels})
    majority = frame[frame.topic != OUTLIER].groupby("topic")["truth"].agg(lambda s: s.value_counts().index[0])
    return float(np.mean(majority.reindex(labels[rows]).to_numpy() == truth[rows]))


def policy_rows(corpus: str, embeddings: np.ndarray, truth: list, labels: np.ndarray) -> list[dict]:
    """One row per policy of ``POLICIES`` for one clustering of one corpus."""
    truth = np.asarray(truth)
    outliers = labels == OUTLIER
    rows = []
    for policy in POLICIES:
        after = labels if policy.outliers == "keep" else reassign_outliers(embeddings, labels,
                                                                           policy.min_similarity)
        moved = np.flatnonzero(outliers & (after != OUTLIER))
        rows.append({"corpus": corpus, "policy": policy.name, "nmi": external_metrics(truth, after)["nmi"],
                     "outlier_share": float(np.mean(after == OUTLIER)), "reassigned": len(moved),
                     "reassigned_correct": _majority_correct(truth, after, moved)})
    return rows


def outlier_curves(datasets: list[str], embedder, seed: int, log=print) -> pd.DataFrame:
    """Every policy on every corpus: one UMAP+HDBSCAN clustering of its MiniLM embeddings each."""
    config = ClusterConfig(method="umap_hdbscan", k=None)
    rows = []
    for name in datasets:
        corpus = load_dataset(name)
        log(f"[outliers] {name}: UMAP + HDBSCAN on {len(corpus.documents)} documents")
        embeddings = embedder.embed(corpus.texts)
        labels = cluster_vectors(embeddings, config, seed)
        rows += policy_rows(name, embeddings, corpus.labels, labels)
    return pd.DataFrame(rows)


def leave_one_out(curves: pd.DataFrame) -> pd.DataFrame:
    """Per corpus: the policy with the best mean NMI on the other corpora, and this corpus's figures under it."""
    rows = []
    for corpus in curves["corpus"].unique():
        others = curves[curves.corpus != corpus].groupby("policy", sort=False)["nmi"].mean()
        chosen = others.idxmax()
        here = curves[curves.corpus == corpus].set_index("policy")
        rows.append({"corpus": corpus, "policy chosen on the others": chosen,
                     "NMI": here.loc[chosen, "nmi"], "NMI (keep)": here.loc["keep", "nmi"],
                     "best NMI here": here["nmi"].max(), "outlier share": here.loc[chosen, "outlier_share"],
                     "reassigned correct": here.loc[chosen, "reassigned_correct"]})
    return pd.DataFrame(rows)


def outliers_section(curves: pd.DataFrame) -> tuple[str, pd.DataFrame, str]:
    """Markdown body, Targets rows, and the policy chosen on every corpus (the shipped default)."""
    loo = leave_one_out(curves)
    default = curves.groupby("policy", sort=False)["nmi"].mean().idxmax()
    parts = ["## Outliers of density clusters", "",
             "`cluster.method: umap_hdbscan` leaves outliers (-1). Policies (`benchmarks/_outliers.py`): keep them, "
             "or reassign each to its nearest topic centroid when the cosine clears a threshold. One UMAP+HDBSCAN "
             "clustering per corpus (MiniLM, default settings, seed 42); each corpus's policy is chosen on the "
             "other corpora (best mean NMI there). 'reassigned correct': share of reassigned documents whose gold "
             "label is their new topic's majority label.", "",
             "Leave one corpus out:", "", markdown_table(loo.round(4)), "",
             f"Chosen on all corpora, the shipped default: **{default}**.", "",
             "Every policy on every corpus:", "", markdown_table(curves.round(4)), ""]
    rows = [{"target": f"outliers, {r['corpus']}: the policy chosen on the other corpora is no worse than keeping "
                       "them (NMI)",
             "measured": f"{r['policy chosen on the others']}: NMI {r['NMI']:.3f} vs keep {r['NMI (keep)']:.3f}",
             "status": "met" if r["NMI"] >= r["NMI (keep)"] else "missed"} for r in loo.to_dict("records")]
    return "\n".join(parts), pd.DataFrame(rows, columns=["target", "measured", "status"]), default
