"""The classifiers as unfitted scikit-learn pipelines over a feature frame.

Kinds: logistic regression and a linear SVM (Platt-calibrated: it has no
probabilities of its own) on TF-IDF, logistic regression and k-NN on sentence
embeddings, and a soft-voting ensemble of any of them.
"""

from __future__ import annotations

from collections import Counter

from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from ..config import ClassifierConfig, ClassifierSpec
from ..data import word_vectorizer
from ..errors import TopiclabError
from ._textmodel import TEXT_COLUMN, embedding_columns
from ._zeroshot import Prototypes, TaxonomyPriorClassifier, ZeroShotClassifier

__all__ = ["make_estimator"]


def _tfidf(config: ClassifierConfig):
    settings = config.tfidf
    return word_vectorizer("tfidf", ngram_range=(1, settings.ngram_max), max_features=settings.max_features,
                           min_df=settings.min_df, max_df=settings.max_df, sublinear_tf=settings.sublinear_tf)


def make_estimator(spec: ClassifierSpec, config: ClassifierConfig, y_train, dimension: int = 0,
                   prototypes: Prototypes | None = None):
    """An unfitted scikit-learn classifier for ``spec``, sized for the labels ``y_train``.

    With ``prototypes`` (the embedded taxonomy): ``zero_shot`` compares with them, and
    under ``config.taxonomy_prior`` every learned classifier is a ``TaxonomyPriorClassifier``.
    """
    seed = config.seed
    if spec.kind == "zero_shot":
        if prototypes is None:
            raise TopiclabError(f"classifier {spec.name!r} needs a taxonomy")
        return ZeroShotClassifier(prototypes.vectors, list(prototypes.labels), spec.temperature)
    if config.taxonomy_prior and prototypes is not None:  # an ensemble is wrapped whole: VotingClassifier
        # hands its members integer-encoded labels, not taxonomy names
        base = make_estimator(spec, config.model_copy(update={"taxonomy_prior": False}), y_train, dimension)
        return TaxonomyPriorClassifier(base, list(prototypes.texts), prototypes.vectors, list(prototypes.labels),
                                       folds=config.evaluation.folds, random_state=seed)
    if spec.kind in ("tfidf_logreg", "tfidf_svm"):
        features = ColumnTransformer([("tfidf", _tfidf(config), TEXT_COLUMN)])
    elif spec.kind in ("embedding_logreg", "embedding_knn"):
        if dimension <= 0:
            raise TopiclabError(f"classifier {spec.name!r} needs sentence embeddings")
        features = ColumnTransformer([("embedding", "passthrough", embedding_columns(dimension))])
    else:
        members = [(name, make_estimator(config.spec(name), config, y_train, dimension, prototypes))
                   for name in spec.members]
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
