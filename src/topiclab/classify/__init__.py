"""Stage 7, classify: labelled texts -> topic classifiers that take raw text.

Labels come from the data or from a clustering run's topics; each classifier
is cross-validated, scored on a held-out split and refit; ``TextClassifier``
is the saved model (an MLflow pyfunc, loaded through ``topiclab.textmodel``).
With a taxonomy, a zero-shot model and a taxonomy prior take part, and every
model can abstain ("none of these") below thresholds chosen out of fold.
"""

from ._abstain import abstention_mask, check_min_probability, coverage_threshold, risk_coverage, smoothed_threshold
from ._estimators import make_estimator
from ._labelled import (ASSIGNMENT_COLUMNS, LabelledTexts, check_labels, drop_rare_labels, labelled_from_assignments,
                        labelled_from_corpus, load_labelled)
from ._textmodel import (FORMAT_VERSION, LABEL_COLUMN, PROBABILITY_COLUMN, TEXT_COLUMN, TextClassifier,
                         as_probabilities, check_texts, embedding_columns, feature_frame, label_probabilities,
                         load_estimator, pip_requirements, probability_column)
from ._train import (ClassifierReport, classifier_embedder, prepare_features, prepare_prototypes, report_text,
                     score_probabilities, select_best, train_classifier, train_classifiers, with_zero_shot)
from ._zeroshot import (DEFAULT_TEMPERATURE, Prototypes, TaxonomyPriorClassifier, ZeroShotClassifier, blend_gain,
                        check_taxonomy_labels, fit_blend_weights, taxonomy_prototypes)

__all__ = [
    "make_estimator",
    "ASSIGNMENT_COLUMNS", "LabelledTexts", "labelled_from_corpus", "labelled_from_assignments", "load_labelled",
    "drop_rare_labels", "check_labels",
    "TEXT_COLUMN", "LABEL_COLUMN", "PROBABILITY_COLUMN", "FORMAT_VERSION", "embedding_columns", "feature_frame",
    "as_probabilities", "label_probabilities", "probability_column", "check_texts", "TextClassifier",
    "load_estimator", "pip_requirements",
    "ClassifierReport", "score_probabilities", "report_text", "classifier_embedder", "prepare_features",
    "train_classifier",
    "train_classifiers", "select_best", "prepare_prototypes", "with_zero_shot",
    "check_min_probability", "coverage_threshold", "smoothed_threshold", "risk_coverage", "abstention_mask",
    "DEFAULT_TEMPERATURE", "Prototypes", "taxonomy_prototypes", "check_taxonomy_labels", "ZeroShotClassifier",
    "fit_blend_weights", "blend_gain", "TaxonomyPriorClassifier",
]
