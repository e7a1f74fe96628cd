"""Few-shot classifier benchmark: accuracy against labelled articles per label, with a taxonomy.

On BBC News (5 labels) and AG News 4k (4 labels), each with a taxonomy of its
labels (``experiments/taxonomies/bbc.yaml``, ``ag_news.yaml``): ``shots``
articles per label drawn at random (``draws`` seeded draws), scored on all
the others. Side by side: the zero-shot model (temperature fitted on the
shots), plain logistic regression on MiniLM embeddings, and ours (the same
logistic regression with the taxonomy prior). Plus the targets: full BBC
training of ``experiments/classify_bbc.yaml`` and the seed champion of
``experiments/classify_seed.yaml`` on the check sets in ``data/checks``.
Writes section ``classifiers`` of BENCHMARKS.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from ..classify import (ZeroShotClassifier, classifier_embedder, embedding_columns, feature_frame, load_labelled,
                        make_estimator, prepare_prototypes, select_best, train_classifiers)
from ..config import ClassifierConfig, classifier_config_from_dict, load_classifier_config
from ..data import load_dataset
from ..paths import resolve
from ..vectorize import make_embedder
from ..viz import markdown_table
from ._sections import write_section

__all__ = ["FEWSHOT_DATASETS", "SHOTS", "ours_config", "few_shot_scores", "score_check_sets", "seed_champion_checks",
           "full_bbc_accuracy", "classifier_targets", "run_classifier_benchmark"]

SECTION = "classifiers"
SHOTS = (0, 5, 10, 20)
FEWSHOT_DATASETS = {"bbc_news": "experiments/taxonomies/bbc.yaml", "ag_news_4k": "experiments/taxonomies/ag_news.yaml"}
OURS = "ours (TF-IDF + MiniLM, taxonomy prior)"
PLAIN = "logistic regression (MiniLM)"
CHUNKED = "logistic regression (MiniLM, chunked)"
ZERO = "zero-shot"
UNBLENDED = "ours without the prior blend (plain soft vote)"


def ours_config(dataset: str, taxonomy: str, seed: int = 42) -> ClassifierConfig:
    """What the few-shot benchmark trains as ``ours``: the product's own config, nothing tuned per dataset.

    A soft vote of logistic regression on TF-IDF and on (chunked) MiniLM embeddings, trained on the
    labelled texts plus the taxonomy's texts, each member's log-probabilities stacked with the zero-shot
    prior's by weights fitted in inner cross-validation (``TaxonomyPriorClassifier``); the defaults of
    ``ClassifierConfig`` for everything else.
    """
    return classifier_config_from_dict({
        "name": f"fewshot-{dataset}", "seed": seed, "data": {"dataset": dataset},
        "taxonomy": taxonomy, "taxonomy_prior": True,
        "classifiers": [{"kind": "tfidf_logreg"}, {"kind": "embedding_logreg"},
                        {"kind": "ensemble", "name": "ours", "members": ["tfidf_logreg", "embedding_logreg"]}],
    })


def _logreg(dimension: int, seed: int) -> Pipeline:
    features = ColumnTransformer([("embedding", "passthrough", embedding_columns(dimension))])
    return Pipeline([("features", features), ("model", LogisticRegression(C=10.0, max_iter=3000, random_state=seed))])


def _draw(labels: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    return np.concatenate([rng.choice(np.flatnonzero(labels == label), shots, replace=False)
                           for label in sorted(set(labels.tolist()))]) if shots else np.array([], dtype=int)


def few_shot_scores(dataset: str, taxonomy: str, shots=SHOTS, draws: int = 5, seed: int = 42,
                    limit: int | None = None, embedder=None) -> pd.DataFrame:
    """One row per (shots, draw, method): accuracy on every article not drawn.

    Zero-shot and ours read the embeddings the product uses (long texts as the mean of their
    chunks); plain logistic regression reads MiniLM's embedding of each text's start, as before.
    """
    corpus = load_dataset(dataset, limit=limit)
    texts, labels = corpus.texts, np.asarray([str(label) for label in corpus.labels], dtype=object)
    config = ours_config(dataset, taxonomy, seed)
    embedder = embedder or make_embedder()
    plain = feature_frame(texts, embedder.embed(texts))
    frame = feature_frame(texts, classifier_embedder(config, embedder).embed(texts))
    prototypes = prepare_prototypes(config, labels.tolist(), embedder)
    dimension = frame.shape[1] - 1
    rows = []
    for k in shots:
        for draw in range(draws if k else 1):
            train = _draw(labels, k, np.random.default_rng([seed, k, draw]))
            test = np.setdiff1d(np.arange(len(labels)), train)
            models = {ZERO: (ZeroShotClassifier(prototypes.vectors, prototypes.labels), frame)}
            if k:
                models[PLAIN] = (_logreg(dimension, seed), plain)
                models[CHUNKED] = (_logreg(dimension, seed), frame)
                models[OURS] = (make_estimator(config.spec("ours"), config, labels[train], dimension, prototypes),
                                frame)
                models[UNBLENDED] = (make_estimator(config.spec("ours"), config, labels[train], dimension,
                                                    prototypes).set_params(blend=False), frame)
            for method, (model, features) in models.items():
                start = time.perf_counter()
                model.fit(features.iloc[train] if k else None, labels[train] if k else None)
                accuracy = float(np.mean(model.predict(features.iloc[test]) == labels[test]))
                rows.append({"dataset": dataset, "shots": k, "draw": draw, "method": method, "accuracy": accuracy,
                             "prior_weight": getattr(model, "weight_", np.nan),
                             "seconds": time.perf_counter() - start})
    return pd.DataFrame(rows)


def _shots_table(scores: pd.DataFrame) -> pd.DataFrame:
    summary = scores.groupby(["dataset", "shots", "method"])["accuracy"].agg(["mean", "std", "count"]).reset_index()
    summary["accuracy"] = [f"{m:.3f} ± {0 if np.isnan(s) else s:.3f} (n={n})"
                           for m, s, n in zip(summary["mean"], summary["std"], summary["count"])]
    return summary.pivot_table(index=["dataset", "shots"], columns="method", values="accuracy",
                               aggfunc="first").reset_index()


@dataclass
class CheckScores:
    champion: str
    accuracy: float  # of the labelled in-taxonomy sentences
    coverage: float  # share of in-taxonomy sentences labelled
    abstained: float  # share of out-of-taxonomy sentences abstained on


def score_check_sets(model, checks: str = "data/checks") -> CheckScores:
    """A ``TextClassifier``-like model (``predict`` of texts) on the in- and out-of-taxonomy check sentences."""
    inside = pd.read_csv(resolve(f"{checks}/in_taxonomy.csv"))
    outside = pd.read_csv(resolve(f"{checks}/out_of_taxonomy.csv"))
    got = model.predict(pd.DataFrame({"text": inside["text"]}))
    labelled = got["label"].notna().to_numpy()
    accuracy = float(np.mean(got["label"].to_numpy()[labelled] == inside["label"].to_numpy()[labelled]))
    away = model.predict(pd.DataFrame({"text": outside["text"]}))
    return CheckScores(getattr(model, "name", ""), accuracy, float(labelled.mean()),
                       float(away["label"].isna().mean()))


def seed_champion_checks(embedder=None) -> CheckScores:
    """Train ``experiments/classify_seed.yaml`` (no tracking) and score its champion on the check sets."""
    config = load_classifier_config("experiments/classify_seed.yaml")
    reports = train_classifiers(config, load_labelled(config), embedder)
    return score_check_sets(select_best(reports, config.registry.select_by).model)


def full_bbc_accuracy(embedder=None) -> tuple[str, float, float]:
    """The best classifier of ``experiments/classify_bbc.yaml``: its name, CV and held-out accuracy."""
    config = load_classifier_config("experiments/classify_bbc.yaml")
    best = select_best(train_classifiers(config, load_labelled(config), embedder), config.registry.select_by)
    return best.name, best.metrics["cv_accuracy"], best.metrics["holdout_accuracy"]


def classifier_targets(scores: pd.DataFrame, checks: CheckScores, bbc_name: str, bbc_cv: float) -> pd.DataFrame:
    """Every target of the classifiers section, one row each, ``met`` or ``missed``."""
    bbc = scores[scores["dataset"] == "bbc_news"]
    bbc10 = float(bbc[(bbc["method"] == OURS) & (bbc["shots"] == 10)]["accuracy"].mean())
    bbc0 = float(bbc[bbc["shots"] == 0]["accuracy"].mean())
    rows = [
        ("seed champion, in-taxonomy check sentences: accuracy >= 0.95", checks.accuracy, checks.accuracy >= 0.95),
        ("seed champion, in-taxonomy check sentences: labelled >= 0.95", checks.coverage, checks.coverage >= 0.95),
        ("seed champion, out-of-taxonomy check sentences: abstains >= 0.75", checks.abstained,
         checks.abstained >= 0.75),
        ("BBC News, 10 articles per label (ours): accuracy >= 0.95", bbc10, bbc10 >= 0.95),
        ("BBC News, zero shots: well above chance (0.2), >= 0.6", bbc0, bbc0 >= 0.6),
        (f"BBC News, full training (classify_bbc.yaml, best {bbc_name}): CV accuracy >= 0.98", bbc_cv,
         bbc_cv >= 0.98),
    ]
    return pd.DataFrame([{"target": t, "measured": "n/a" if np.isnan(m) else f"{m:.4f}",
                          "status": "met" if ok else "missed"} for t, m, ok in rows])


def run_classifier_benchmark(out: str = "BENCHMARKS.md", draws: int = 5, seed: int = 42) -> pd.DataFrame:
    """Everything above, written as section ``classifiers`` of ``out``; returns the targets (all rows, met or missed)."""
    start = time.perf_counter()
    embedder = make_embedder()
    scores = pd.concat([few_shot_scores(name, taxonomy, draws=draws, seed=seed, embedder=embedder)
                        for name, taxonomy in FEWSHOT_DATASETS.items()], ignore_index=True)
    checks = seed_champion_checks(embedder)
    bbc_name, bbc_cv, bbc_holdout = full_bbc_accuracy(embedder)
    targets = classifier_targets(scores, checks, bbc_name, bbc_cv)
    body = "\n".join([
        "## Classifiers: zero-shot, few-shot and abstention", "",
        f"`make bench-classifiers`. Accuracy (mean ± std over {draws} seeded draws) on every article not drawn, "
        "against labelled articles per label; the taxonomies are `experiments/taxonomies/bbc.yaml` and "
        "`ag_news.yaml` (one sentence per label, written once, not tuned). Logistic regression C=10 throughout. "
        f"*{PLAIN}*: MiniLM's embedding of each text (it reads the first 256 word pieces); *{CHUNKED}*: "
        "a text longer than 150 words embedded as the mean of its chunks of whole sentences "
        "(`embedding.chunk_words`, the classifiers' default); *zero-shot*: nearest taxonomy entry, chunked "
        f"embeddings; *{OURS}*: `ours_config` in `benchmarks/_fewshot.py`, the product's soft vote of TF-IDF "
        "and chunked-MiniLM logistic regressions trained on the labelled texts plus the taxonomy's texts, "
        "stacked with the zero-shot prior: each member's and the prior's log-probabilities weighted by inner "
        "5-fold cross-validation (class-balanced log-loss, pulled towards the prior alone; the prior alone when "
        "the blend's gain over it is within one standard error; the prior's mean share of the weights below); "
        f"*{UNBLENDED}*: the same members and training texts, their probabilities averaged, no prior. "
        "Nothing is set per dataset.", "",
        markdown_table(_shots_table(scores)), "",
        "Mean share of the prior in ours's blend weights: " + ", ".join(
            f"{name} {k} shots {w:.2f}" for (name, k), w in
            scores[scores["method"] == OURS].groupby(["dataset", "shots"])["prior_weight"].mean().items()) + ".", "",
        f"Seed champion ({checks.champion}, trained by `experiments/classify_seed.yaml`) on `data/checks`: "
        f"accuracy {checks.accuracy:.3f} of the labelled in-taxonomy sentences, {checks.coverage:.1%} labelled; "
        f"abstains on {checks.abstained:.1%} of the out-of-taxonomy sentences.", "",
        f"Full BBC (`experiments/classify_bbc.yaml`): best {bbc_name}, CV accuracy {bbc_cv:.4f}, "
        f"held-out {bbc_holdout:.4f}.", "",
        f"Wall time {time.perf_counter() - start:.0f} s.",
    ])
    write_section(out, SECTION, body, targets)
    return targets
