"""Self-training refinement of a clustering (cluster.refine)."""

from __future__ import annotations

import numpy as np
import pytest

from topiclab.cluster import cluster_vectors
from topiclab.config import ClusterConfig, RefineConfig, config_from_dict
from topiclab.errors import TopiclabError
from topiclab.cluster import SelfTrainingRefiner, confident_members, refine_labels


def _blobs(seed=0, n=60, dim=8):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim)) * 3
    truth = np.repeat(np.arange(3), n // 3)
    features = centres[truth] + rng.normal(size=(n, dim))
    return features, truth


def _noisy(truth, share, seed=1):
    rng = np.random.default_rng(seed)
    labels = truth.copy()
    flip = rng.choice(len(truth), int(share * len(truth)), replace=False)
    labels[flip] = (labels[flip] + 1) % 3
    return labels


def test_self_training_repairs_flipped_border_labels():
    features, truth = _blobs()
    noisy = _noisy(truth, 0.2)
    refiner = SelfTrainingRefiner(iterations=5, confident_share=0.5, random_state=0)
    refined = refiner.fit_predict(features, noisy)
    assert (refined == truth).mean() > (noisy == truth).mean()
    assert (refined == truth).mean() > 0.95
    assert refiner.changed_ > 0 and 1 <= refiner.n_iter_ <= 5


def test_refinement_is_seeded_and_keeps_outliers():
    features, truth = _blobs()
    noisy = _noisy(truth, 0.2)
    noisy[:5] = -1
    config = RefineConfig(method="self_train", iterations=3)
    first = refine_labels(features, noisy, config, seed=7)
    assert np.array_equal(first, refine_labels(features, noisy, config, seed=7))
    assert (first[:5] == -1).all() and (first[5:] != -1).all()


def test_above_the_training_cap_a_seeded_sample_trains_and_still_repairs(monkeypatch):
    import topiclab.cluster._refine as module

    features, truth = _blobs(n=600)
    noisy = _noisy(truth, 0.2)
    exact = SelfTrainingRefiner(iterations=2, confident_share=1.0, folds=3, random_state=0).fit_predict(features, noisy)
    monkeypatch.setattr(module, "MAX_TRAIN_ROWS", 150)  # the folds train on 400 rows: capped to 150
    capped = SelfTrainingRefiner(iterations=2, confident_share=1.0, folds=3, random_state=0)
    refined = capped.fit_predict(features, noisy)
    assert np.array_equal(refined, SelfTrainingRefiner(iterations=2, confident_share=1.0, folds=3,
                                                       random_state=0).fit_predict(features, noisy))
    assert (refined == truth).mean() > 0.95 and (refined == exact).mean() > 0.97


def test_method_none_and_single_cluster_leave_labels_unchanged():
    features, truth = _blobs()
    noisy = _noisy(truth, 0.2)
    assert np.array_equal(refine_labels(features, noisy, RefineConfig(), seed=0), noisy)
    one = np.zeros(len(truth), dtype=int)
    assert np.array_equal(SelfTrainingRefiner().fit_predict(features, one), one)


def test_confident_members_takes_a_share_of_each_cluster():
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, -1])
    confidence = np.array([0.1, 0.9, 0.8, 0.2, 0.5, 0.6, 0.7, 0.1, 0.2, 0.3, 1.0])
    chosen = confident_members(labels, confidence, 0.5)
    assert chosen.tolist() == [1, 2, 4, 5, 6]


def test_word_view_uses_the_texts():
    # Features carry no signal; the words do: only the TF-IDF view can repair the labels.
    rng = np.random.default_rng(0)
    truth = np.repeat([0, 1], 20)
    vocab = [["goal", "match", "striker", "league"], ["shares", "market", "profit", "investor"]]
    texts = [" ".join(rng.choice(vocab[t], 6)) for t in truth]
    features = rng.normal(size=(40, 4))
    noisy = truth.copy()
    noisy[[0, 3, 21, 25]] = 1 - noisy[[0, 3, 21, 25]]
    words = SelfTrainingRefiner(view="features+tfidf", tfidf_weight=3.0, random_state=0)
    assert (words.fit_predict(features, noisy, texts) == truth).all()


def test_cluster_vectors_applies_the_configured_refinement():
    features, truth = _blobs(seed=3)
    plain = cluster_vectors(features, ClusterConfig(k=3), seed=0)
    refined = cluster_vectors(features, ClusterConfig(k=3, refine=RefineConfig(method="self_train")), seed=0)
    assert refined.shape == plain.shape and set(refined.tolist()) <= set(plain.tolist())


def test_refine_config_rejects_bad_values():
    for bad in ({"method": "magic"}, {"confident_share": 0}, {"iterations": 0}, {"view": "pixels"}):
        with pytest.raises(TopiclabError, match="cluster.refine"):
            config_from_dict({"name": "x", "data": {"path": "a.csv"}, "cluster": {"refine": bad}})



def test_the_float32_design_gives_the_labels_a_float64_one_gives(monkeypatch):
    from topiclab.cluster import _refine, design_matrix

    features, truth = _blobs(seed=3, n=90)
    texts = [f"word{t} common filler" for t in truth]
    for view in ("features", "features+tfidf"):
        assert design_matrix(features, texts, view).dtype == np.float32
    noisy = _noisy(truth, 0.2, seed=4)

    def refine():
        return SelfTrainingRefiner(view="features+tfidf", folds=3, random_state=0).fit_predict(features, noisy, texts)

    labels32 = refine()
    monkeypatch.setattr(_refine, "design_matrix", lambda *args, **kwargs: design_matrix(*args, **kwargs).astype(float))
    labels64 = refine()
    assert (labels32 == labels64).mean() >= 0.98
    assert (labels32 == truth).mean() > (noisy == truth).mean()
