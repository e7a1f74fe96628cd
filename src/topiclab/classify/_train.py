"""Train and evaluate topic classifiers on labelled texts.

Each classifier (``_estimators.make_estimator``) is scored by stratified k-fold
cross-validation and on a stratified held-out split, then refit on all
documents and wrapped as a ``TextClassifier`` that takes raw text.

No tracking here: ``topiclab.tracking`` logs what ``train_classifier`` returns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.model_selection import StratifiedKFold, train_test_split

from ..config import ClassifierConfig, ClassifierSpec
from ..errors import TopiclabError
from ..vectorize import BaseEmbedder, ChunkedEmbedder, concrete_backend, make_embedder
from ..topics import load_taxonomy
from ._abstain import coverage_threshold, risk_coverage, smoothed_threshold
from ._estimators import make_estimator
from ._zeroshot import Prototypes, check_taxonomy_labels, taxonomy_prototypes
from ._labelled import LabelledTexts, check_labels
from ._textmodel import TEXT_COLUMN, TextClassifier, feature_frame, label_probabilities

__all__ = ["ClassifierReport", "score_probabilities", "report_text", "classifier_embedder", "prepare_features",
           "prepare_prototypes",
           "with_zero_shot", "train_classifier", "train_classifiers", "select_best"]


def _metric_key(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in label)


def score_probabilities(y_true, proba: np.ndarray, labels: list[str]) -> dict[str, float]:
    """Accuracy, macro-F1, log-loss and per-label precision/recall/F1 of probabilities."""
    predicted = np.asarray(labels, dtype=object)[proba.argmax(axis=1)]
    scores = {
        "accuracy": float(skm.accuracy_score(y_true, predicted)),
        "macro_f1": float(skm.f1_score(y_true, predicted, labels=labels, average="macro", zero_division=0)),
        "log_loss": float(skm.log_loss(y_true, proba, labels=labels)),
    }
    precision, recall, f1, _ = skm.precision_recall_fscore_support(y_true, predicted, labels=labels,
                                                                   zero_division=0)
    for label, p, r, f in zip(labels, precision, recall, f1):
        key = _metric_key(label)
        scores.update({f"precision_{key}": float(p), f"recall_{key}": float(r), f"f1_{key}": float(f)})
    return scores


def _fit_proba(spec, config, frame, y, train, test, dimension, labels, prototypes) -> tuple[np.ndarray, np.ndarray]:
    estimator = make_estimator(spec, config, y[train], dimension, prototypes).fit(frame.iloc[train], y[train])
    similar = getattr(estimator, "max_similarity", None)
    test_frame = frame.iloc[test]
    similarity = similar(test_frame) if similar is not None else np.full(len(test), np.nan)
    return label_probabilities(estimator, test_frame, labels), similarity


@dataclass
class ClassifierReport:
    """What one classifier scored, and the classifier refit on all documents."""

    name: str
    kind: str
    metrics: dict[str, float]
    labels: list[str]
    cv_confusion: np.ndarray
    holdout_confusion: np.ndarray
    report: str  # scikit-learn classification reports, cross-validation and held-out
    predictions: pd.DataFrame  # out-of-fold prediction of every document
    model: TextClassifier
    risk_coverage: pd.DataFrame | None = None  # out-of-fold accuracy against the share labelled


def report_text(settings, y, predicted, y_test, test_predicted, labels: list[str],
                holdout_confusion: np.ndarray, n_train: int) -> str:
    """scikit-learn's classification reports of the out-of-fold and held-out predictions, as text."""
    return (f"Cross-validation: {settings.folds} stratified folds, out-of-fold predictions of "
            f"{len(y)} documents\n\n{skm.classification_report(y, predicted, labels=labels, zero_division=0)}\n"
            f"Held-out split: {len(y_test)} documents ({settings.test_size:.0%}), trained on {n_train}\n\n"
            f"{skm.classification_report(y_test, test_predicted, labels=labels, zero_division=0)}\n"
            f"Held-out confusion matrix (rows: true, columns: predicted; {', '.join(labels)}):\n"
            f"{holdout_confusion}\n")


def classifier_embedder(config: ClassifierConfig, embedder: BaseEmbedder | None = None,
                        progress: bool = False) -> BaseEmbedder:
    """The embedder a classifier of ``config`` sees: ``embedder`` (or the config's model, cached), over
    the chunks of long texts when ``embedding.chunk_words`` is set, as ``TextClassifier`` embeds at predict time."""
    words = config.embedding.chunk_words
    if embedder is None:
        return make_embedder(config.embedding.model, config.embedding.batch_size, progress, chunk_words=words,
                             backend=config.embedding.backend)
    if isinstance(embedder, ChunkedEmbedder):
        if embedder.words == words:
            return embedder
        embedder = embedder.embedder
    return ChunkedEmbedder(embedder, words) if words else embedder


def prepare_features(config: ClassifierConfig, data: LabelledTexts, embedder: BaseEmbedder | None = None,
                     progress: bool = False) -> pd.DataFrame:
    """The feature frame of all documents; embeddings only if a classifier uses them."""
    embeddings = None
    if any(config.needs_embeddings(spec) for spec in config.classifiers):
        embeddings = classifier_embedder(config, embedder, progress).embed(data.texts)
    return feature_frame(data.texts, embeddings)


def prepare_prototypes(config: ClassifierConfig, labels: list[str] | None = None,
                       embedder: BaseEmbedder | None = None) -> Prototypes | None:
    """The config's taxonomy, embedded; its names checked against ``labels`` when a prior is asked for.

    With ``labels`` that are taxonomy names, only their entries: a classifier gives the labels it is
    trained and scored on, so an entry without labelled texts would take probability from them."""
    if config.taxonomy is None:
        return None
    entries = load_taxonomy(config.taxonomy)
    if labels is not None:
        names, known = [e.name for e in entries], set(labels)
        if config.taxonomy_prior or any(s.kind == "zero_shot" for s in config.classifiers):
            check_taxonomy_labels(labels, names, config.taxonomy)
        if known <= set(names):
            entries = [e for e in entries if e.name in known]
    return taxonomy_prototypes(entries, classifier_embedder(config, embedder))


def with_zero_shot(config: ClassifierConfig, labels: list[str]) -> ClassifierConfig:
    """The zero-shot model always takes part when a taxonomy's names are the labels."""
    if config.taxonomy is None or any(spec.kind == "zero_shot" for spec in config.classifiers):
        return config
    names = {e.name for e in load_taxonomy(config.taxonomy)}
    if not set(labels) <= names:
        return config
    return config.model_copy(update={"classifiers": [*config.classifiers, ClassifierSpec(kind="zero_shot")]})


def _thresholds(config: ClassifierConfig, confidence: np.ndarray, similarity: np.ndarray) -> tuple[float, float | None]:
    """``min_probability`` and ``min_similarity`` keeping ``target_coverage`` of the out-of-fold texts."""
    settings = config.abstention
    if not settings.enabled:
        return 0.0, None
    has_similarity = not np.isnan(similarity).any()
    coverage = 1.0 - (1.0 - settings.target_coverage) / (2 if has_similarity else 1)
    min_similarity = smoothed_threshold(similarity, coverage) if has_similarity else None
    return coverage_threshold(confidence, coverage), min_similarity


def train_classifier(spec: ClassifierSpec, config: ClassifierConfig, data: LabelledTexts,
                     features: pd.DataFrame, prototypes: Prototypes | None = None) -> ClassifierReport:
    """Cross-validate, score on the held-out split, then refit ``spec`` on all documents."""
    settings = config.evaluation
    check_labels(data.labels, settings.folds, settings.test_size)
    uses_embeddings = config.needs_embeddings(spec)
    frame = features if uses_embeddings else features[[TEXT_COLUMN]]
    dimension = frame.shape[1] - 1
    y = np.asarray(data.labels, dtype=object)
    labels = sorted(set(data.labels))
    start = time.perf_counter()

    folds = StratifiedKFold(settings.folds, shuffle=True, random_state=config.seed)
    oof = np.zeros((len(y), len(labels)))
    similarity = np.full(len(y), np.nan)
    fold_scores = []
    for train, test in folds.split(frame, y):
        oof[test], similarity[test] = _fit_proba(spec, config, frame, y, train, test, dimension, labels, prototypes)
        fold_scores.append(score_probabilities(y[test], oof[test], labels))
    time_cv = time.perf_counter() - start
    metrics = {f"cv_{k}": float(np.mean([s[k] for s in fold_scores])) for k in ("accuracy", "macro_f1", "log_loss")}
    metrics["cv_accuracy_std"] = float(np.std([s["accuracy"] for s in fold_scores]))
    metrics["cv_macro_f1_std"] = float(np.std([s["macro_f1"] for s in fold_scores]))
    pooled = score_probabilities(y, oof, labels)
    metrics.update({f"cv_{k}": v for k, v in pooled.items() if k.startswith(("precision_", "recall_", "f1_"))})

    train, test = train_test_split(np.arange(len(y)), test_size=settings.test_size, stratify=y,
                                   random_state=config.seed)
    held_out, _ = _fit_proba(spec, config, frame, y, train, test, dimension, labels, prototypes)
    metrics.update({f"holdout_{k}": v for k, v in score_probabilities(y[test], held_out, labels).items()})

    start_fit = time.perf_counter()
    estimator = make_estimator(spec, config, y, dimension, prototypes).fit(frame, y)
    min_probability, min_similarity = _thresholds(config, oof.max(axis=1), similarity)
    metrics.update({"min_probability": min_probability, "target_coverage": config.abstention.target_coverage})
    if min_similarity is not None:
        metrics["min_similarity"] = min_similarity
    if hasattr(estimator, "weight_"):
        metrics["prior_weight"] = float(estimator.weight_)
        if not np.isnan(estimator.blend_gain_):  # the blend's out-of-fold log-loss gain over the prior, and its noise
            metrics.update({"blend_gain": estimator.blend_gain_, "blend_gain_se": estimator.blend_gain_se_})
    metrics.update({"n_documents": len(y), "n_labels": len(labels), "n_holdout": len(test),
                    "time_cv_s": time_cv, "time_fit_s": time.perf_counter() - start_fit})

    predicted = np.asarray(labels, dtype=object)[oof.argmax(axis=1)]
    held_predicted = np.asarray(labels, dtype=object)[held_out.argmax(axis=1)]
    holdout_confusion = skm.confusion_matrix(y[test], held_predicted, labels=labels)
    report = report_text(settings, y, predicted, y[test], held_predicted, labels, holdout_confusion, len(train))
    predictions = pd.DataFrame({"id": data.ids, "label": y, "predicted": predicted,
                                "probability": oof.max(axis=1), "text": [t[:200] for t in data.texts]})
    model = TextClassifier(estimator, labels, config.embedding.model if uses_embeddings else None,
                           config.embedding.batch_size, spec.name, spec.kind, min_probability, min_similarity,
                           config.abstention.target_coverage if config.abstention.enabled else None,
                           config.embedding.chunk_words if uses_embeddings else None,
                           concrete_backend(config.embedding.model, config.embedding.backend))
    return ClassifierReport(
        name=spec.name, kind=spec.kind, metrics=metrics, labels=labels,
        cv_confusion=skm.confusion_matrix(y, predicted, labels=labels),
        holdout_confusion=holdout_confusion,
        report=report, predictions=predictions, model=model,
        risk_coverage=risk_coverage(predicted == y, oof.max(axis=1)),
    )


def select_best(reports: list[ClassifierReport], metric: str) -> ClassifierReport:
    """Highest ``metric``; ties go to the lower cross-validated log-loss, then config order.

    The zero-shot model (if it took part) wins unless the best beats it by more than the
    spread of the best's cross-validation folds (``<metric>_std``): on a tiny corpus
    the prior is preferred to a difference that is noise.
    """
    if not reports:
        raise TopiclabError("no classifier was trained")
    best = min(reports, key=lambda r: (-round(r.metrics[metric], 12), r.metrics["cv_log_loss"]))
    prior = next((r for r in reports if r.kind == "zero_shot"), None)
    spread = best.metrics.get(f"{metric}_std", 0.0)
    if prior is not None and best.metrics[metric] - prior.metrics[metric] <= spread:
        return prior
    return best


def train_classifiers(config: ClassifierConfig, data: LabelledTexts, embedder: BaseEmbedder | None = None,
                      progress: bool = False) -> list[ClassifierReport]:
    """Every classifier of ``config``, in order (no tracking)."""
    check_labels(data.labels, config.evaluation.folds, config.evaluation.test_size)
    config = with_zero_shot(config, data.labels)
    features = prepare_features(config, data, embedder, progress)
    prototypes = prepare_prototypes(config, data.labels, embedder)
    return [train_classifier(spec, config, data, features, prototypes) for spec in config.classifiers]
