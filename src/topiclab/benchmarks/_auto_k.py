"""Benchmark section "Choosing the number of topics" (``topiclab bench-k``; ``topiclab bench`` too).

Per labelled corpus (``measure_corpus``): the corpus's configured features
(``experiments/<name>.yaml``, else the bench's generic config, as ``topiclab
bench`` builds them) and plain MiniLM embeddings; on each, every criterion of
``_k_criteria`` over the default candidates; Turftopic's Topeax (which picks
its own number of topics) on the same MiniLM embeddings; our configured
pipeline's NMI at k = number of labels. ``k_section`` then chooses the rule
leave-one-corpus-out (each corpus gets the setting that did best on the
others), runs the configured pipeline at the k that setting picks, and
writes the figures and Targets rows (a) k within [half, twice] the labels,
(b) NMI >= 0.9 of NMI at k = labels, (c) NMI >= Topeax's.

HuffPost's 41 sections include renamed duplicates (``HUFFPOST_MERGED``); they
are merged into one label each before counting and scoring, here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import ExperimentConfig, apply_overrides, config_from_dict
from ..data import load_dataset
from ..evaluation import nmi as nmi_of
from ..paths import EMBEDDING_CACHE_DIR, atomic_file
from ..pipeline import run_experiment
from ..vectorize import make_embedder, vectorize
from ..viz import markdown_table
from . import _k_criteria as criteria

__all__ = ["SECTION", "HUFFPOST_MERGED", "CorpusK", "gold_labels", "measure_corpus", "topeax_labels",
           "k_section", "run_k_benchmark"]

SECTION = "choosing-k"
DATASETS = ("bbc_news", "ag_news_4k", "20newsgroups_6k", "huffpost_6k")
# HuffPost sections renamed over the years -> one name each
HUFFPOST_MERGED = {"THE WORLDPOST": "WORLDPOST", "ARTS & CULTURE": "ARTS", "CULTURE & ARTS": "ARTS",
                   "STYLE & BEAUTY": "STYLE", "PARENTING": "PARENTS", "FOOD & DRINK": "TASTE",
                   "ENVIRONMENT": "GREEN"}


def gold_labels(dataset: str, labels: list[str]) -> list[str]:
    """The corpus's labels, HuffPost's renamed sections merged."""
    if dataset.startswith("huffpost"):
        return [HUFFPOST_MERGED.get(label, label) for label in labels]
    return list(labels)


@dataclass
class CorpusK:
    dataset: str
    n_documents: int
    n_labels: int
    config: ExperimentConfig
    curves: dict[str, pd.DataFrame]  # feature space (configured | minilm) -> criterion_curves
    counts: dict[str, dict[float, int]]  # feature space -> HDBSCAN's counts
    nmi_at_labels: float  # configured pipeline at k = n_labels
    topeax_k: int
    topeax_nmi: float
    gold: list[str] = field(repr=False, default_factory=list)


def _pipeline_nmi(config: ExperimentConfig, k: int, gold: list[str], embedder) -> float:
    raw = apply_overrides(config.model_dump(mode="json", exclude={"sweep"}), [f"cluster.k={k}"])
    raw["name"] = f"{config.name}:k{k}"
    raw["topics"].update(coherence=False, keywords="ctfidf")  # the section scores the clustering only
    result = run_experiment(config_from_dict(raw, source=f"k{k}"), embedder=embedder)
    return nmi_of(gold, result.assignments)


class _Encoder:
    """Our cached embedder behind the ``encode`` that Turftopic calls (nothing downloaded)."""

    def __init__(self, embedder):
        self.embedder = embedder

    def encode(self, texts, **_):
        return self.embedder.embed(list(texts))


def topeax_labels(texts: list[str], embeddings: np.ndarray, embedder, seed: int) -> np.ndarray:
    """Turftopic 0.28's Topeax clustering of precomputed embeddings: its own t-SNE (2-d, cosine,
    perplexity 50) and its density-peak mixture (Peax), as ``Topeax.fit_transform`` runs them; the
    keyword step (which embeds the vocabulary) is skipped: it does not change the topics."""
    import warnings

    with warnings.catch_warnings():  # turftopic says once that the optional JAX is absent: noise, not a problem
        warnings.filterwarnings("ignore", message="JAX not found")
        from turftopic import Topeax

    # Topeax's perplexity (50), lowered only for a corpus too small for it (t-SNE needs 3 x perplexity < n)
    model = Topeax(encoder=_Encoder(embedder), perplexity=min(50, max(2, (len(embeddings) - 1) // 3)),
                   random_state=seed)
    reduced = model.dimensionality_reduction.fit_transform(embeddings)
    mixture = model._init_model(0)
    mixture.fit(reduced)
    return np.asarray(mixture.predict_proba(reduced).argmax(axis=1))


def measure_corpus(dataset: str, config_for, log=print, cache_dir=EMBEDDING_CACHE_DIR) -> CorpusK:
    """Everything the section needs from one corpus; ``config_for(dataset, n_labels)`` is its configured pipeline."""
    corpus = load_dataset(dataset)
    gold = gold_labels(dataset, corpus.labels)
    n_labels = len(set(gold))
    config = config_for(dataset, n_labels)
    embedder = make_embedder(config.vectorize.embedding.model, cache_dir=cache_dir,
                             backend=config.vectorize.embedding.backend)
    minilm = embedder.embed(corpus.texts)
    spaces = {"configured": vectorize(corpus.texts, config.vectorize, config.seed, embedder=embedder).features,
              "minilm": minilm}
    curves, counts = {}, {}
    for space, features in spaces.items():
        log(f"[{dataset}] criteria on {space} features ({len(features)} x {features.shape[1]})")
        if space == "configured":
            curves[space] = criteria.criterion_curves(features, gold, config.seed, log=log)
            counts[space] = criteria.hdbscan_counts(features, config.seed)
        else:  # a lighter look (2 shared cores): the curve criteria, no UMAP + HDBSCAN
            curves[space] = criteria.criterion_curves(features, gold, config.seed, bic_dims=(10,), log=log)
            counts[space] = {}
    log(f"[{dataset}] Topeax")
    topeax = topeax_labels(corpus.texts, minilm, embedder, config.seed)
    log(f"[{dataset}] configured pipeline at k = {n_labels}")
    nmi = _pipeline_nmi(config, n_labels, gold, embedder)
    return CorpusK(dataset, len(corpus.texts), n_labels, config, curves, counts, nmi,
                   int(len(set(topeax.tolist()))), nmi_of(gold, topeax), gold)


def _loco_input(results: list[CorpusK]) -> dict[str, dict]:
    return {r.dataset: {"curves": r.curves, "counts": r.counts, "n_labels": r.n_labels,
                        "nmi_at_labels": criteria.nmi_at(r.curves["configured"], r.n_labels)} for r in results}


def _criteria_table(table: dict, results: list[CorpusK]) -> pd.DataFrame:
    """Every setting's k per corpus (k-means NMI on the configured features in brackets), targets met."""
    settings = list(dict.fromkeys(s for _, s in table))
    rows = []
    for s in settings:
        row = {"setting": s.name}
        for r in results:
            k, nmi, _, _ = table[r.dataset, s]
            row[f"{r.dataset} ({r.n_labels})"] = f"{k} ({nmi:.3f})"
        row["targets met"] = sum(table[r.dataset, s][2] for r in results)
        rows.append(row)
    return pd.DataFrame(rows)


def k_section(results: list[CorpusK], log=print) -> tuple[str, pd.DataFrame]:
    """Leave-one-corpus-out choice, the configured pipeline at each chosen k; markdown body and Targets rows."""
    from ..config import AutoKConfig

    loco, table = criteria.leave_one_corpus_out(_loco_input(results))
    rows, targets = [], []
    for r, pick in zip(results, loco.to_dict("records")):
        k = int(pick["k"])
        if k == r.n_labels:
            nmi = r.nmi_at_labels
        else:
            log(f"[{r.dataset}] configured pipeline at the chosen k = {k}")
            nmi = _pipeline_nmi(r.config, k, r.gold, make_embedder(r.config.vectorize.embedding.model,
                                                                   backend=r.config.vectorize.embedding.backend))
        ratio = nmi / r.nmi_at_labels
        rows.append({"corpus": r.dataset, "documents": r.n_documents, "labels": r.n_labels,
                     "NMI at k = labels": r.nmi_at_labels, "setting (LOCO)": pick["setting (chosen on the others)"],
                     "chosen k": k, "NMI at chosen k": nmi, "ratio": ratio, "Topeax k": r.topeax_k,
                     "Topeax NMI": r.topeax_nmi})
        low, high = r.n_labels / 2, 2 * r.n_labels
        targets.append({"target": f"{r.dataset}, k: auto (LOCO): k within [{low:g}, {high:g}]", "measured": f"k={k}",
                        "status": "met" if low <= k <= high else "missed"})
        targets.append({"target": f"{r.dataset}, k: auto (LOCO): NMI >= 0.90 x NMI at k={r.n_labels}",
                        "measured": f"{nmi:.3f} / {r.nmi_at_labels:.3f} = {ratio:.2f}",
                        "status": "met" if ratio >= 0.9 else "missed"})
        if not r.dataset.startswith("huffpost"):
            targets.append({"target": f"{r.dataset}, k: auto (LOCO): NMI >= Topeax's",
                            "measured": f"{nmi:.3f} vs {r.topeax_nmi:.3f} (Topeax k={r.topeax_k})",
                            "status": "met" if nmi >= r.topeax_nmi else "missed"})
    shipped = AutoKConfig()
    chosen_all = loco.iloc[-1]["setting (chosen on the others)"]
    parts = [
        "## Choosing the number of topics", "",
        "`cluster.k: auto` (cluster/_choose_k.py) on four labelled corpora, run by `topiclab bench-k` "
        "(benchmarks/_auto_k.py; criteria in benchmarks/_k_criteria.py). Each corpus is clustered by k-means "
        "(one seeded start, for the 2 shared cores this ran on) at every default candidate k (2..10, then steps "
        "of ~15% up to min(50, sqrt(n))), on its configured features (experiments/<name>.yaml, else the "
        "bench's generic config: MiniLM + TF-IDF LSA) and on its plain MiniLM embeddings; each setting "
        "(a criterion, the space it is computed on, its rule) turns a curve into one k. The setting is chosen "
        "**leave-one-corpus-out**: for each corpus, the one that met the most targets (k within [half, twice] "
        "the labels; k-means NMI on the configured features >= 0.9 of that at k = labels) on the *other "
        "three* corpora, ties broken by their mean NMI ratio; the first table shows what the held-out corpus "
        "gets with it: the NMI of our full configured pipeline (refinement included) at that k. HuffPost's "
        f"renamed sections are merged ({len(HUFFPOST_MERGED)} renames) before counting labels and scoring.", "",
        f"Chosen on all four corpora, and shipped as the default: **{chosen_all}** (`cluster.auto`: criterion "
        f"`{shipped.criterion}`, rule `{shipped.rule}`, space `{shipped.space}`).", "",
        "How far to trust it: the rank consensus of the two spaces (`space: both`) was added as a setting "
        "after the single-space settings had been measured on all four corpora (each space's silhouette "
        "failed on one corpus the other got right); the leave-one-corpus-out choice then picked it for every "
        "held-out corpus, but the idea itself was not held out. The held-out corpora of the issue will tell.", "",
        "Turftopic's Topeax (0.28.0) runs on the same MiniLM embeddings (its own t-SNE and density-peak "
        "mixture; its keyword step skipped), scored against the same labels.", "",
        markdown_table(pd.DataFrame(rows)), "",
        "### Every setting side by side", "",
        "k chosen per corpus (labels in the header), and in brackets the NMI of the configured features' "
        "k-means at that k; `targets met` counts (a) and (b) over the corpora.", "",
        markdown_table(_criteria_table(table, results)), "",
        "Leave-one-corpus-out (k-means NMI on the configured features):", "",
        markdown_table(loco), "",
    ]
    return "\n".join(parts), pd.DataFrame(targets, columns=["target", "measured", "status"])


def run_k_benchmark(out, config_for, datasets=DATASETS, log=print, measurements: Path | None = None) -> pd.DataFrame:
    """``topiclab bench-k``: measure ``datasets``, write the section to ``out``; returns its Targets rows.
    ``config_for(dataset, n_labels)``: the corpus's configured pipeline (``_run.dataset_config``).

    ``measurements``: a folder where each corpus's measurements are kept (``<dataset>.pkl``) and reused
    when present, so the section can be rewritten without measuring again (the rule is still chosen
    leave-one-corpus-out each time)."""
    import pickle

    from ._sections import write_section

    results = []
    for dataset in datasets:
        kept = None if measurements is None else Path(measurements) / f"{dataset}.pkl"
        if kept is not None and kept.is_file():
            log(f"[{dataset}] measurements reused from {kept}")
            results.append(pickle.loads(kept.read_bytes()))
            continue
        results.append(measure_corpus(dataset, config_for, log))
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(kept) as handle:
                pickle.dump(results[-1], handle)
    body, targets = k_section(results, log)
    if out is not None:
        write_section(out, SECTION, body, targets)
    return targets
