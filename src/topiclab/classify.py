"""Train and evaluate topic classifiers on labelled texts.

A functional core over plain scikit-learn estimators: every classifier is a
pipeline over a feature frame (``textmodel.feature_frame``), so the fitted
part needs nothing but scikit-learn. Kinds: logistic regression and a linear
SVM (Platt-calibrated, it has no probabilities of its own) on TF-IDF,
logistic regression and k-NN on sentence embeddings, and a soft-voting
ensemble of any of them. Each is scored by stratified k-fold cross-validation
and on a stratified held-out split, then refit on all documents.

No tracking here: ``topiclab.tracking`` logs what ``train_classifier`` returns.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from .classify_config import ClassifierConfig, ClassifierSpec
from .corpus import Corpus, label_from_gold, load_gold
from .errors import TopiclabError
from .textmodel import TEXT_COLUMN, TextClassifier, embedding_columns, feature_frame, label_probabilities
from .vectorize import TOKEN_PATTERN, BaseEmbedder, make_embedder

__all__ = [
    "LabelledTexts",
    "ClassifierReport",
    "labelled_from_corpus",
    "labelled_from_assignments",
    "load_labelled",
    "drop_rare_labels",
    "check_labels",
    "make_estimator",
    "score_probabilities",
    "prepare_features",
    "train_classifier",
    "train_classifiers",
    "select_best",
]

ASSIGNMENT_COLUMNS = ("id", "topic", "topic_label", "text")


@dataclass
class LabelledTexts:
    """Texts with one topic label each, and where they came from."""

    name: str
    source: str
    ids: list[str]
    texts: list[str]
    labels: list[str]
    content_hash: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"id": self.ids, "text": self.texts, "label": self.labels})

    @property
    def label_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.labels).items()))


def labelled_from_corpus(corpus: Corpus) -> LabelledTexts:
    missing = [d.id for d in corpus.documents if d.label is None]
    if missing:
        raise TopiclabError(
            f"{corpus.source}: {len(missing)} of {len(corpus.documents)} documents have no label "
            f"(first: {missing[0]}); give a label column or a gold file covering every line"
        )
    return LabelledTexts(corpus.name, corpus.source, [d.id for d in corpus.documents], corpus.texts,
                         [str(d.label) for d in corpus.documents], corpus.content_hash)


def labelled_from_assignments(frame: pd.DataFrame, source: str,
                              include_outliers: bool = False) -> LabelledTexts:
    """Pseudo-labels: the human topic label of each document of a clustering run."""
    absent = [c for c in ASSIGNMENT_COLUMNS if c not in frame.columns]
    if absent:
        raise TopiclabError(f"{source} is not a clustering assignments table: no column(s) {absent}")
    keep = frame["text"].notna() & (frame["text"].astype(str).str.strip() != "")
    if not include_outliers:
        keep &= pd.to_numeric(frame["topic"], errors="coerce") != -1
    rows = frame[keep]
    if rows.empty:
        raise TopiclabError(f"{source} has no documents with a topic to learn from")
    digest = hashlib.sha256(rows[list(ASSIGNMENT_COLUMNS)].to_csv(index=False).encode()).hexdigest()
    return LabelledTexts("pseudo-labels", source, rows["id"].astype(str).tolist(),
                         rows["text"].astype(str).tolist(), rows["topic_label"].astype(str).tolist(), digest)


def load_labelled(config: ClassifierConfig) -> LabelledTexts:
    """Gold labels of ``config.data``: a label column, or a gold file for a dump."""
    from .datasets import load_data

    corpus = load_data(config.data)
    if config.data.gold:
        if corpus.format != "dump":
            raise TopiclabError("data.gold labels the lines of a dump; a table takes its labels "
                                f"from the {config.data.label_column!r} column")
        corpus = label_from_gold(corpus, load_gold(config.data.gold))
    elif not any(d.label is not None for d in corpus.documents):
        raise TopiclabError(f"{corpus.source} has no labels: give a {config.data.label_column!r} "
                            "column, a data.gold file, or use labels.source: run")
    return labelled_from_corpus(corpus)


def drop_rare_labels(data: LabelledTexts, min_documents: int | None) -> tuple[LabelledTexts, list[str]]:
    """Keep labels with at least ``min_documents`` documents; returns the data and the dropped labels."""
    counts = Counter(data.labels)
    dropped = sorted(label for label, n in counts.items() if min_documents and n < min_documents)
    if not dropped:
        return data, []
    keep = [i for i, label in enumerate(data.labels) if label not in dropped]
    subset = LabelledTexts(data.name, data.source, [data.ids[i] for i in keep], [data.texts[i] for i in keep],
                           [data.labels[i] for i in keep], data.content_hash)
    return subset, dropped


def check_labels(labels: list[str], folds: int, test_size: float) -> None:
    """Refuse label sets that cannot be cross-validated or split, naming the problem."""
    counts = Counter(labels)
    if len(counts) < 2:
        only = next(iter(counts), None)
        raise TopiclabError(f"the training data has a single label ({only!r}, {len(labels)} documents); "
                            "a classifier needs at least two labels")
    label, fewest = min(counts.items(), key=lambda item: (item[1], item[0]))
    if fewest < folds:
        raise TopiclabError(f"label {label!r} has {fewest} document(s), fewer than evaluation.folds={folds}: "
                            "add documents of that label, lower the folds, or drop small labels "
                            "with labels.min_documents")
    held_out = math.ceil(test_size * len(labels))
    if held_out < len(counts) or len(labels) - held_out < len(counts):
        raise TopiclabError(f"evaluation.test_size={test_size} holds out {held_out} of {len(labels)} documents; "
                            f"both sides of the split need one document per label ({len(counts)} labels)")


def _tfidf(config: ClassifierConfig) -> TfidfVectorizer:
    settings = config.tfidf
    return TfidfVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN,
                           ngram_range=(1, settings.ngram_max), max_features=settings.max_features,
                           min_df=settings.min_df, max_df=settings.max_df, sublinear_tf=settings.sublinear_tf)


def make_estimator(spec: ClassifierSpec, config: ClassifierConfig, y_train, dimension: int = 0):
    """An unfitted scikit-learn classifier for ``spec``, sized for the labels ``y_train``."""
    seed = config.seed
    if spec.kind in ("tfidf_logreg", "tfidf_svm"):
        features = ColumnTransformer([("tfidf", _tfidf(config), TEXT_COLUMN)])
    elif spec.kind in ("embedding_logreg", "embedding_knn"):
        if dimension <= 0:
            raise TopiclabError(f"classifier {spec.name!r} needs sentence embeddings")
        features = ColumnTransformer([("embedding", "passthrough", embedding_columns(dimension))])
    else:
        members = [(name, make_estimator(config.spec(name), config, y_train, dimension)) for name in spec.members]
        return VotingClassifier(members, voting="soft", weights=spec.weights)

    if spec.kind in ("tfidf_logreg", "embedding_logreg"):
        model = LogisticRegression(C=spec.C, class_weight=spec.class_weight, max_iter=3000, random_state=seed)
    elif spec.kind == "embedding_knn":
        model = KNeighborsClassifier(n_neighbors=min(spec.n_neighbors, len(y_train)), metric="cosine",
                                     weights="distance")
    else:
        label, fewest = min(Counter(y_train).items(), key=lambda item: (item[1], item[0]))
        folds = min(config.evaluation.calibration_folds, fewest)
        if folds < 2:
            raise TopiclabError(f"classifier {spec.name!r}: calibrating the linear SVM needs 2 documents of "
                                f"each label in every training set, label {label!r} has {fewest}; "
                                "lower evaluation.folds or add documents")
        svm = LinearSVC(C=spec.C, class_weight=spec.class_weight, random_state=seed)
        model = CalibratedClassifierCV(svm, method="sigmoid",
                                       cv=StratifiedKFold(folds, shuffle=True, random_state=seed))
    return Pipeline([("features", features), ("model", model)])


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


def _fit_proba(spec, config, frame, y, train, test, dimension, labels) -> np.ndarray:
    estimator = make_estimator(spec, config, y[train], dimension).fit(frame.iloc[train], y[train])
    return label_probabilities(estimator, frame.iloc[test], labels)


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


def prepare_features(config: ClassifierConfig, data: LabelledTexts, embedder: BaseEmbedder | None = None,
                     progress: bool = False) -> pd.DataFrame:
    """The feature frame of all documents; embeddings only if a classifier uses them."""
    embeddings = None
    if any(config.needs_embeddings(spec) for spec in config.classifiers):
        embedder = embedder or make_embedder(config.embedding.model, config.embedding.batch_size, progress)
        embeddings = embedder.embed(data.texts)
    return feature_frame(data.texts, embeddings)


def train_classifier(spec: ClassifierSpec, config: ClassifierConfig, data: LabelledTexts,
                     features: pd.DataFrame) -> ClassifierReport:
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
    fold_scores = []
    for train, test in folds.split(frame, y):
        oof[test] = _fit_proba(spec, config, frame, y, train, test, dimension, labels)
        fold_scores.append(score_probabilities(y[test], oof[test], labels))
    time_cv = time.perf_counter() - start
    metrics = {f"cv_{k}": float(np.mean([s[k] for s in fold_scores])) for k in ("accuracy", "macro_f1", "log_loss")}
    metrics["cv_accuracy_std"] = float(np.std([s["accuracy"] for s in fold_scores]))
    pooled = score_probabilities(y, oof, labels)
    metrics.update({f"cv_{k}": v for k, v in pooled.items() if k.startswith(("precision_", "recall_", "f1_"))})

    train, test = train_test_split(np.arange(len(y)), test_size=settings.test_size, stratify=y,
                                   random_state=config.seed)
    held_out = _fit_proba(spec, config, frame, y, train, test, dimension, labels)
    metrics.update({f"holdout_{k}": v for k, v in score_probabilities(y[test], held_out, labels).items()})

    start_fit = time.perf_counter()
    estimator = make_estimator(spec, config, y, dimension).fit(frame, y)
    metrics.update({"n_documents": len(y), "n_labels": len(labels), "n_holdout": len(test),
                    "time_cv_s": time_cv, "time_fit_s": time.perf_counter() - start_fit})

    predicted = np.asarray(labels, dtype=object)[oof.argmax(axis=1)]
    held_predicted = np.asarray(labels, dtype=object)[held_out.argmax(axis=1)]
    holdout_confusion = skm.confusion_matrix(y[test], held_predicted, labels=labels)
    report = (f"Cross-validation: {settings.folds} stratified folds, out-of-fold predictions of "
              f"{len(y)} documents\n\n{skm.classification_report(y, predicted, labels=labels, zero_division=0)}\n"
              f"Held-out split: {len(test)} documents ({settings.test_size:.0%}), trained on {len(train)}\n\n"
              f"{skm.classification_report(y[test], held_predicted, labels=labels, zero_division=0)}\n"
              f"Held-out confusion matrix (rows: true, columns: predicted; {', '.join(labels)}):\n"
              f"{holdout_confusion}\n")
    predictions = pd.DataFrame({"id": data.ids, "label": y, "predicted": predicted,
                                "probability": oof.max(axis=1), "text": [t[:200] for t in data.texts]})
    model = TextClassifier(estimator, labels, config.embedding.model if uses_embeddings else None,
                           config.embedding.batch_size, spec.name, spec.kind)
    return ClassifierReport(
        name=spec.name, kind=spec.kind, metrics=metrics, labels=labels,
        cv_confusion=skm.confusion_matrix(y, predicted, labels=labels),
        holdout_confusion=holdout_confusion,
        report=report, predictions=predictions, model=model,
    )


def select_best(reports: list[ClassifierReport], metric: str) -> ClassifierReport:
    """Highest ``metric``; ties go to the lower cross-validated log-loss, then config order."""
    if not reports:
        raise TopiclabError("no classifier was trained")
    return min(reports, key=lambda r: (-round(r.metrics[metric], 12), r.metrics["cv_log_loss"]))


def train_classifiers(config: ClassifierConfig, data: LabelledTexts, embedder: BaseEmbedder | None = None,
                      progress: bool = False) -> list[ClassifierReport]:
    """Every classifier of ``config``, in order (no tracking)."""
    check_labels(data.labels, config.evaluation.folds, config.evaluation.test_size)
    features = prepare_features(config, data, embedder, progress)
    return [train_classifier(spec, config, data, features) for spec in config.classifiers]
