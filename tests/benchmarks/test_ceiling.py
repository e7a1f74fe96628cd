"""The supervised ceiling: a cross-validated classifier on the gold labels."""

from __future__ import annotations

import numpy as np
import pytest

from topiclab.benchmarks import supervised_ceiling
from topiclab.errors import TopiclabError


def _blobs(separation: float, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(["a", "b", "c"], 30)
    centres = {"a": 0, "b": 1, "c": 2}
    features = rng.normal(size=(90, 6))
    features[np.arange(90), [centres[label] for label in labels]] += separation
    texts = [f"word{label} filler" for label in labels]
    return features, texts, list(labels)


def test_ceiling_is_high_on_separable_features_and_low_on_noise():
    features, texts, labels = _blobs(separation=8.0)
    clear = supervised_ceiling(features, texts, labels, view="features", seed=1)
    noise, _, _ = _blobs(separation=0.0)
    blurred = supervised_ceiling(noise, texts, labels, view="features", seed=1)
    assert clear["nmi"] > 0.9 and clear["accuracy"] > 0.95
    assert blurred["nmi"] < 0.3
    # the TF-IDF view carries the label word, so it recovers the labels from noise features
    assert supervised_ceiling(noise, texts, labels, view="features+tfidf", seed=1)["accuracy"] > 0.95
    again = supervised_ceiling(features, texts, labels, view="features", seed=1)
    assert {k: v for k, v in again.items() if k != "time_s"} == {k: v for k, v in clear.items() if k != "time_s"}


def test_ceiling_needs_enough_documents_per_label():
    features, texts, labels = _blobs(separation=8.0)
    with pytest.raises(TopiclabError, match="at least 5 documents per label, the smallest label has 3"):
        supervised_ceiling(features, texts, ["rare"] * 3 + labels[3:], folds=5)
    with pytest.raises(TopiclabError, match="gold label for every document"):
        supervised_ceiling(features, texts, labels[:-1] + [None])
