"""Zero-shot and taxonomy-prior classifiers, abstention, and the taxonomy file's bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from topiclab import persist
from topiclab.classify import (TaxonomyPriorClassifier, TextClassifier, ZeroShotClassifier, blend_gain,
                               check_taxonomy_labels, coverage_threshold, feature_frame, fit_blend_weights,
                               prepare_prototypes, risk_coverage, smoothed_threshold)
from topiclab.classify._zeroshot import _log_probabilities
from topiclab.config import classifier_config_from_dict
from topiclab.errors import TopiclabError
from topiclab.topics import load_taxonomy
from topiclab.vectorize import make_embedder

from sklearn.linear_model import LogisticRegression
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline


def _clouds(seed: int, per_label: int, labels=("a", "b", "c"), dimension: int = 8):
    """Points around one axis per label; the prototypes are the axes."""
    rng = np.random.default_rng(seed)
    axes = np.eye(dimension)[: len(labels)]
    X = np.vstack([axes[i] + 0.35 * rng.standard_normal((per_label, dimension)) for i in range(len(labels))])
    y = np.repeat(np.asarray(labels, dtype=object), per_label)
    texts = [f"text {i}" for i in range(len(y))]
    return feature_frame(texts, X), y, axes


def _taxonomy(tmp_path, body: str):
    path = tmp_path / "taxonomy.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_taxonomy_reads_examples_and_refuses_duplicates_and_empty_descriptions(tmp_path):
    good = _taxonomy(tmp_path, "topics:\n  - name: A\n    description: about a\n    examples: [one, two]\n"
                               "  - name: B\n    description: about b\n")
    entries = load_taxonomy(good)
    assert [e.examples for e in entries] == [("one", "two"), ()]
    twice = _taxonomy(tmp_path, "topics:\n  - {name: A, description: x}\n  - {name: A, description: y}\n")
    with pytest.raises(TopiclabError, match="repeats topic name.*A") as error:
        load_taxonomy(twice)
    assert "\n" not in str(error.value)
    empty = _taxonomy(tmp_path, "topics:\n  - {name: A, description: x}\n  - {name: B, description: ' '}\n")
    with pytest.raises(TopiclabError, match="B have an empty description"):
        load_taxonomy(empty)


def test_zero_shot_fits_its_temperature_and_round_trips_through_skops(tmp_path):
    X, y, axes = _clouds(3, 20)
    model = ZeroShotClassifier(axes, ["a", "b", "c"]).fit(X, y)
    assert list(model.classes_) == ["a", "b", "c"]
    assert (model.predict(X) == y).mean() > 0.9
    untrained = ZeroShotClassifier(axes, ["a", "b", "c"]).fit(None)
    # a fitted temperature fits the labels at least as well as the default one
    def loss(m):
        return -np.log(m.predict_proba(X)[np.arange(len(y)), [list(m.classes_).index(v) for v in y]]).mean()
    assert loss(model) <= loss(untrained) + 1e-9
    path = persist.save_fitted(model, tmp_path / "zero.skops")
    assert persist.untrusted_types(path) == []
    again = persist.load_fitted(path)
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X))


def test_a_confidently_wrong_text_counts_in_full_when_the_temperature_is_fitted():
    # 49 texts a little nearer their own entry, one far nearer a wrong one: at the smallest
    # temperatures that one text's log-loss is in the hundreds, and the fit must see all of it
    # (a probability floored at 1e-12 caps it at 28 and picks the smallest temperature)
    axes = np.eye(3)
    similar = np.tile([0.6, 0.5, 0.5], (50, 1))
    similar[-1] = [0.0, 1.0, 0.0]
    X = feature_frame([f"text {i}" for i in range(50)], similar)
    y = np.array(["a"] * 50, dtype=object)
    fitted = ZeroShotClassifier(axes, ["a", "b", "c"]).fit(X, y).temperature_
    scores = X.filter(like="emb_").to_numpy()
    scores = scores / np.linalg.norm(scores, axis=1, keepdims=True)
    def exact_loss(t):
        return np.mean(np.log(np.exp(scores / t).sum(axis=1)) - scores[:, 0] / t)
    grid = np.geomspace(0.005, 1.0, 48)
    assert fitted == pytest.approx(grid[int(np.argmin([exact_loss(t) for t in grid]))])
    assert fitted > grid[0]


def _prior_model(axes, seed=0):
    base = Pipeline([("features", ColumnTransformer([("e", "passthrough", [f"emb_{i:03d}" for i in range(8)])])),
                     ("model", LogisticRegression(C=10.0, max_iter=2000))])
    return TaxonomyPriorClassifier(base, ["a", "b", "c"], axes, ["a", "b", "c"], folds=3, random_state=seed)


def test_the_prior_keeps_a_lopsided_corpus_from_forgetting_small_labels(tmp_path):
    X, y, axes = _clouds(5, 30)
    lopsided = np.r_[np.arange(30), [30, 31, 60, 61]]  # 30 of a, 2 of b, 2 of c
    model = _prior_model(axes).fit(X.iloc[lopsided], y[lopsided])
    test = np.setdiff1d(np.arange(len(y)), lopsided)
    plain = _prior_model(axes).base.fit(X.iloc[lopsided], y[lopsided])
    assert 0.0 <= model.weight_ <= 1.0 and model.blend_weights_.shape == (2,) and (model.blend_weights_ >= 0).all()
    if model.blend_gain_ <= model.blend_gain_se_:  # a gain within its noise keeps the prior alone
        assert model.blend_weights_.tolist() == [0.0, 1.0]
    assert (model.predict(X.iloc[test]) == y[test]).mean() >= (plain.predict(X.iloc[test]) == y[test]).mean()
    zero_shot = ZeroShotClassifier(axes, ["a", "b", "c"]).fit(X.iloc[lopsided], y[lopsided])
    assert (model.predict(X.iloc[test]) == y[test]).mean() >= (zero_shot.predict(X.iloc[test]) == y[test]).mean() - 0.05
    path = persist.save_fitted(model, tmp_path / "prior.skops")
    assert persist.untrusted_types(path) == []
    np.testing.assert_allclose(persist.load_fitted(path).predict_proba(X), model.predict_proba(X))
    # a model saved before the stacking (a linear blend by weight_) still predicts as it did
    del model.blend_weights_
    model.weight_ = 0.5
    linear = 0.5 * model.prior_.predict_proba(X) + 0.5 * model.base_.predict_proba(X)
    np.testing.assert_allclose(model.predict_proba(X), linear, rtol=1e-6)


def test_a_model_that_kept_the_prior_alone_predicts_without_its_learned_parts():
    X, y, axes = _clouds(5, 30)
    model = _prior_model(axes).fit(X.iloc[::3], y[::3])
    model.blend_weights_ = np.array([0.0, 1.0])  # what a gain within its noise leaves
    stacked = np.exp(_log_probabilities(model._parts(model.prior_, model.base_, X), model.blend_weights_))
    model.base_ = None  # never consulted: the prior's own probabilities, clipped as in the stack
    np.testing.assert_allclose(model.predict_proba(X), stacked, rtol=1e-12)


def test_thresholds_keep_the_target_coverage_and_the_curve_ends_at_all_texts():
    scores = np.linspace(0.0, 1.0, 101)
    threshold = coverage_threshold(scores, 0.9)
    assert (scores >= threshold).mean() >= 0.9 > (scores >= threshold + 0.011).mean()
    rng = np.random.default_rng(1)
    normal = rng.normal(0.5, 0.1, 4000)
    assert abs(smoothed_threshold(normal, 0.95) - np.quantile(normal, 0.05)) < 0.01
    with_outlier = np.r_[np.full(20, 0.5) + rng.normal(0, 0.05, 20), [0.0]]
    assert smoothed_threshold(with_outlier, 0.975) > coverage_threshold(with_outlier, 0.975)
    curve = risk_coverage(np.array([1, 1, 0, 1]), np.array([0.9, 0.8, 0.7, 0.6]))
    assert curve["coverage"].iloc[-1] == 1.0 and curve["accuracy"].tolist() == [1.0, 1.0, 2 / 3, 0.75]


def test_text_classifier_abstains_below_its_threshold_and_the_override():
    X, y, axes = _clouds(2, 10)
    estimator = ZeroShotClassifier(axes, ["a", "b", "c"]).fit(X, y)

    class Vectors:  # texts here are keys of fixed vectors: the abstention logic is what is tested
        def embed(self, texts):
            return np.vstack([axes[0] if t == "clear" else np.full(8, 0.01) for t in texts])

    model = TextClassifier(estimator, ["a", "b", "c"], "fixed", min_probability=0.6, min_similarity=0.5,
                           _embedder=Vectors())
    out = model.predict(["clear", "vague", ""])
    assert out["label"].tolist() == ["a", None, None]
    assert out["probability"].iloc[1] > 0  # an abstained text keeps its probabilities
    assert model.predict(["clear", "vague"], params={"min_probability": 0.0})["label"].tolist() == ["a", "a"]
    assert model.predict(["clear"], params={"min_probability": 1.0})["label"].tolist() == [None]
    with pytest.raises(TopiclabError, match=r"min_probability must lie in \[0, 1\]"):
        model.predict(["clear"], params={"min_probability": 1.5})


def test_config_and_labels_that_do_not_fit_the_taxonomy_are_refused(tmp_path):
    taxonomy = "experiments/taxonomies/news.yaml"
    with pytest.raises(TopiclabError, match="taxonomy_prior needs a taxonomy"):
        classifier_config_from_dict({"name": "x", "data": {"path": "a.csv"}, "taxonomy_prior": True})
    config = classifier_config_from_dict({"name": "x", "taxonomy": taxonomy})
    assert [s.kind for s in config.classifiers] == ["zero_shot"] and not config.has_training_data
    with pytest.raises(TopiclabError, match="only zero_shot"):
        classifier_config_from_dict({"name": "x", "taxonomy": taxonomy, "classifiers": [{"kind": "tfidf_logreg"}]})
    with pytest.raises(TopiclabError, match="not in it: 'sport'"):
        check_taxonomy_labels(["Elections", "sport"], ["Elections"], taxonomy)
    prior = classifier_config_from_dict({"name": "x", "data": {"path": "a.csv"}, "taxonomy": taxonomy,
                                         "taxonomy_prior": True})
    with pytest.raises(TopiclabError, match="taxonomy_prior needs training labels"):
        prepare_prototypes(prior, ["Elections", "football"])


def test_zero_shot_labels_new_sentences_of_another_taxonomy():
    """Held out: the BBC taxonomy and sentences written for this test, nothing fitted."""
    config = classifier_config_from_dict({"name": "x", "taxonomy": "experiments/taxonomies/bbc.yaml"})
    embedder = make_embedder()
    prototypes = prepare_prototypes(config, None, embedder)
    model = ZeroShotClassifier(prototypes.vectors, prototypes.labels).fit(None)
    texts = {"The midfielder signed a four-year contract with the Premier League side.": "sport",
             "The chancellor set out spending cuts in the budget statement to MPs.": "politics",
             "The retailer's quarterly profit beat analysts' forecasts.": "business",
             "The singer's new album went straight to number one.": "entertainment",
             "The console maker released an update for its online gaming network.": "tech"}
    predicted = model.predict(feature_frame(list(texts), embedder.embed(list(texts))))
    assert np.mean(predicted == np.asarray(list(texts.values()), dtype=object)) >= 0.8  # chance: 0.2


def test_blend_weights_follow_the_informative_part_and_the_penalty_keeps_the_prior():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 300)
    informative = np.log(np.where(np.eye(3)[truth] == 1, 0.6, 0.2))  # right 60% of the mass
    noise = np.log(rng.dirichlet(np.ones(3), 300))
    parts = np.stack([informative, noise, noise])  # the last part plays the prior
    start = np.array([0.0, 0.0, 1.0])
    weights = fit_blend_weights(parts, truth, start, penalty=0.0)
    assert weights[0] > 1.0 and weights[1] < 0.1 and weights[2] < 0.1
    assert np.allclose(fit_blend_weights(parts, truth, start, penalty=1e6), start, atol=1e-3)
    gain, se = blend_gain(parts, truth, weights, start)
    assert gain > 3 * se > 0  # the informative part is a real gain over the "prior" (noise)
    few = np.arange(12)  # on 12 texts, a blend fitted to noise gains nothing beyond its standard error
    noisy = fit_blend_weights(parts[1:, few], truth[few], start[1:], penalty=0.0)
    gain, se = blend_gain(parts[1:, few], truth[few], noisy, start[1:])
    assert gain <= 2 * se


def test_labels_that_are_some_of_the_taxonomy_give_probabilities_over_those_labels(tmp_path):
    """Pseudo-labels often name a few of the taxonomy's entries: the models give those labels only,
    each row of probabilities summing to one (a fourth entry used to take mass from them)."""
    from classify_helpers import NEW_TEXTS, tiny_config, write_tiny_csv
    from topiclab.classify import load_labelled, train_classifiers

    taxonomy = _taxonomy(tmp_path, "topics:\n"
                         "  - {name: sport, description: Sport news about football matches and tennis.}\n"
                         "  - {name: food, description: Cooking, recipes, chefs and restaurants.}\n"
                         "  - {name: tech, description: Technology news about software and computers.}\n"
                         "  - {name: weather, description: Weather forecasts, storms, rain and heatwaves.}\n")
    config = classifier_config_from_dict(tiny_config(
        write_tiny_csv(tmp_path), [{"kind": "embedding_logreg"}], taxonomy=str(taxonomy), taxonomy_prior=True))
    reports = train_classifiers(config, load_labelled(config))
    assert [r.kind for r in reports] == ["embedding_logreg", "zero_shot"]
    texts = [*NEW_TEXTS[:3], "Heavy rain and storms are forecast for the weekend."]
    for report in reports:
        assert report.labels == ["food", "sport", "tech"] == list(report.model.estimator.classes_)
        proba = report.model.predict_proba(texts)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        assert (report.model.predict(texts[:3])["label"] == ["sport", "food", "tech"]).all()
