"""Research harness for ``cluster.k: auto``: several criteria side by side, chosen leave-one-corpus-out.

For one corpus and one feature space (its configured features, or plain
MiniLM embeddings), ``criterion_curves`` clusters every candidate k once
(k-means, one seeded start) and records, per k, each label-free criterion and,
for research only, the NMI of that clustering against the gold labels.
``SETTINGS`` turn a curve into one k (a criterion, its parameter, the rule,
and the space it is computed on); ``choose`` applies one with the pipeline's
own rules. Whatever the space, a setting is judged by the NMI of the
configured features' clustering at the k it picks: what the pipeline does. ``leave_one_corpus_out`` picks, for each corpus, the setting that does
best on the other corpora only, and reports what the held-out corpus gets.

The criteria (cluster/_choose_k.py holds the ones the pipeline can ship):

* ``silhouette``: mean cosine silhouette on a seeded sample, and its standard error;
* ``calinski_harabasz`` / ``davies_bouldin``: scikit-learn's variance-ratio and
  cluster-similarity indices of the same clustering;
* ``bic@d``: BIC of a Gaussian mixture with k components fitted on the
  features reduced to d principal components (lower is better);
* ``eigengap``: gap between the k-th and (k+1)-th smallest eigenvalues of the
  normalised Laplacian of a cosine k-nearest-neighbour graph;
* ``hdbscan@m``: the number of clusters HDBSCAN finds on a 5-d UMAP of the
  features with ``min_cluster_size = m * n`` (a count, not a curve).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

from sklearn.cluster import KMeans

from ..cluster import candidate_ks, consensus_curve, gmm_bic, laplacian_eigenvalues, pick_k, silhouette_with_error
from ..evaluation import nmi

__all__ = ["Setting", "SETTINGS", "criterion_curves", "hdbscan_counts", "choose", "setting_score",
           "leave_one_corpus_out", "BIC_DIMS", "HDBSCAN_SHARES"]

BIC_DIMS = (5, 10)
HDBSCAN_SHARES = (0.005, 0.01, 0.02)


def criterion_curves(features: np.ndarray, gold, seed: int, candidates: list[int] | None = None,
                     sample_size: int = 2000, bic_dims=BIC_DIMS, log=lambda line: None) -> pd.DataFrame:
    """One row per candidate k: every criterion, its standard error where it has one, and (research) ``nmi``."""
    n = len(features)
    ks = candidates or candidate_ks(n)
    rows = np.sort(np.random.default_rng(seed).permutation(n)[:min(sample_size, n)])
    eigenvalues = laplacian_eigenvalues(features, max(ks) + 1)
    bics = {d: gmm_bic(features, ks, seed, d) for d in bic_dims}
    log("  eigenvalues and BIC done")
    out = []
    for i, k in enumerate(ks):
        # one seeded k-means start, not the configured 10: the research runs on 2 shared cores
        labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(features)
        log(f"  k={k}")
        silhouette, se = silhouette_with_error(features, [labels], rows)
        row = {"k": k, "silhouette": silhouette, "silhouette_se": se,
               "calinski_harabasz": calinski_harabasz_score(features, labels),
               "davies_bouldin": davies_bouldin_score(features, labels),
               "eigengap": float(eigenvalues[k] - eigenvalues[k - 1])}
        row.update({f"bic@{d}": float(bics[d][i]) for d in bic_dims})
        if gold is not None:
            row["nmi"] = nmi(gold, labels)
        out.append(row)
    return pd.DataFrame(out)


def hdbscan_counts(features: np.ndarray, seed: int) -> dict[float, int]:
    """Clusters HDBSCAN finds on a seeded 5-d cosine UMAP, per ``min_cluster_size`` share of the corpus."""
    from hdbscan import HDBSCAN
    from umap import UMAP

    reduced = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed,
                   n_jobs=1).fit_transform(features)
    counts = {}
    for share in HDBSCAN_SHARES:
        labels = HDBSCAN(min_cluster_size=max(5, int(share * len(features)))).fit_predict(reduced)
        counts[share] = int(len(set(labels.tolist()) - {-1}))
    return counts


@dataclass(frozen=True)
class Setting:
    """A criterion, a parameter and a rule: ``max``/``min`` (best), ``one_se`` (smallest k within one
    standard error of the best), ``share`` (smallest k whose score reaches ``param`` of the way from the
    curve's worst to its best), ``count`` (HDBSCAN's count, ``param`` its share)."""

    criterion: str
    rule: str
    param: float | None = None
    space: str = "configured"  # the features the criterion is computed on: configured | minilm | both

    @property
    def name(self) -> str:
        where = {"minilm": " on MiniLM", "both": " on both (rank consensus)"}.get(self.space, "")
        return f"{self.criterion} {self.rule}" + ("" if self.param is None else f" {self.param:g}") + where


SETTINGS: list[Setting] = [
    setting for space in ("minilm", "configured") for setting in (
        [Setting("silhouette", "max", None, space), Setting("silhouette", "one_se", None, space)]
        + [Setting("silhouette", "share", s, space) for s in (0.8, 0.9, 0.95)]
        + [Setting("calinski_harabasz", "max", None, space), Setting("davies_bouldin", "min", None, space),
           Setting("eigengap", "max", None, space)]
        + [Setting(f"bic@{d}", "min", None, space) for d in BIC_DIMS]
        + [Setting(f"bic@{d}", "share", s, space) for d in BIC_DIMS for s in (0.95, 0.99)]
        + [Setting("hdbscan", "count", s, space) for s in HDBSCAN_SHARES])] + [
    # the pipeline's ``space: both``: each candidate's mean percentile rank over the two spaces' curves
    Setting("silhouette", "max", None, "both"), Setting("bic@10", "min", None, "both")]

_LOWER_IS_BETTER = ("davies_bouldin", "bic")


def available(setting: Setting, curves: dict[str, pd.DataFrame], counts: dict[str, dict]) -> bool:
    """Whether ``setting`` was measured (the MiniLM look is lighter: no HDBSCAN, one BIC)."""
    if setting.rule == "count":
        return bool(counts.get(setting.space))
    spaces = ("configured", "minilm") if setting.space == "both" else (setting.space,)
    return all(space in curves and setting.criterion in curves[space] for space in spaces)


def _scored(setting: Setting, curve: pd.DataFrame) -> pd.DataFrame:
    """``curve`` as the pipeline's rules read it: ``k``, ``score`` (higher better) and ``se``."""
    score = curve[setting.criterion].to_numpy(dtype=float)
    se_column = f"{setting.criterion}_se"
    return pd.DataFrame({"k": curve["k"], "score": -score if setting.criterion.startswith(_LOWER_IS_BETTER)
                         else score, "se": curve[se_column] if se_column in curve else 0.0,
                         "silhouette": curve["silhouette"]})


def choose(setting: Setting, curves: dict[str, pd.DataFrame], counts: dict[str, dict]) -> int:
    """The k that ``setting`` picks from its space's curve (``counts``: HDBSCAN's, for the ``count`` rule),
    by the pipeline's own rules (``cluster.pick_k``)."""
    if setting.rule == "count":
        return int(counts[setting.space][setting.param])
    if setting.space == "both":
        frame = consensus_curve({space: _scored(setting, curves[space]) for space in ("configured", "minilm")})
    else:
        frame = _scored(setting, curves[setting.space])
    rule = "best" if setting.rule in ("max", "min") else setting.rule
    return pick_k(frame, rule, setting.param or 0.9)


def nmi_at(curve: pd.DataFrame, k: int) -> float:
    """NMI of the candidate clustering nearest to ``k`` (HDBSCAN's count can fall between candidates)."""
    row = curve.iloc[int(np.argmin(np.abs(curve["k"].to_numpy() - k)))]
    return float(row["nmi"])


def setting_score(k: int, n_labels: int, nmi: float, nmi_at_labels: float) -> tuple[int, float]:
    """How a chosen k does on a labelled corpus: (targets met of k-range and NMI ratio, NMI ratio)."""
    ratio = nmi / nmi_at_labels if nmi_at_labels > 0 else 0.0
    return int(n_labels / 2 <= k <= 2 * n_labels) + int(ratio >= 0.9), ratio


def leave_one_corpus_out(corpora: dict[str, dict], settings: list[Setting] = SETTINGS):
    """Per held-out corpus: the setting best on the others (sum of targets met, then mean NMI ratio, capped
    at 1) and what the held-out corpus gets with it; the last row (``all``) is the setting chosen on every
    corpus. NMI is always that of the configured features' k-means at the chosen k.

    ``corpora``: name -> {"curves", "counts", "n_labels", "nmi_at_labels"}. Returns (table, per-setting
    results ``{(corpus, setting): (k, nmi, targets met, ratio)}``).
    """
    settings = [s for s in settings if all(available(s, c["curves"], c["counts"]) for c in corpora.values())]
    table = {}
    for name, c in corpora.items():
        for s in settings:
            k = choose(s, c["curves"], c["counts"])
            nmi = nmi_at(c["curves"]["configured"], k)
            table[name, s] = (k, nmi) + setting_score(k, c["n_labels"], nmi, c["nmi_at_labels"])

    def pick(names):
        return max(settings, key=lambda s: (sum(table[n, s][2] for n in names),
                                            np.mean([min(table[n, s][3], 1.0) for n in names])))
    rows = []
    for held in corpora:
        s = pick([n for n in corpora if n != held])
        k, nmi, _, ratio = table[held, s]
        rows.append({"held out": held, "setting (chosen on the others)": s.name, "k": k, "NMI (k-means)": nmi,
                     "ratio": ratio})
    s = pick(list(corpora))
    rows.append({"held out": "all", "setting (chosen on the others)": s.name, "k": None, "NMI (k-means)": None,
                 "ratio": None})
    return pd.DataFrame(rows), table
