"""Classifier core without a store: configs, label checks, estimators, the raw-text model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from classify_helpers import NEW_TEXTS, tiny_config, tiny_frame, write_tiny_csv

from topiclab.classify import (check_labels, drop_rare_labels, labelled_from_assignments, load_labelled,
                               prepare_features, train_classifier, train_classifiers)
from topiclab.config import (CLASSIFIER_KINDS, classifier_config_from_dict,
                                      load_classifier_config)
from topiclab.errors import TopiclabError
from topiclab.textmodel import TextClassifier, check_texts, feature_frame, load_estimator

ALL_KINDS = [
    {"kind": "tfidf_logreg"},
    {"kind": "tfidf_svm", "C": 1.0},
    {"kind": "embedding_logreg"},
    {"kind": "embedding_knn", "n_neighbors": 3},
    {"kind": "ensemble", "name": "vote", "members": ["tfidf_logreg", "embedding_logreg"]},
]


@pytest.fixture(scope="module")
def tiny_csv(tmp_path_factory):
    return write_tiny_csv(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def tiny_reports(tiny_csv):
    """Every kind trained once on the tiny corpus (real MiniLM embeddings)."""
    config = classifier_config_from_dict(tiny_config(tiny_csv, ALL_KINDS))
    data = load_labelled(config)
    return config, data, {r.name: r for r in train_classifiers(config, data)}


def test_shipped_configs_validate():
    seed = load_classifier_config("experiments/classify_seed.yaml")
    bbc = load_classifier_config("experiments/classify_bbc.yaml")
    assert seed.registry.model_name == bbc.registry.model_name == "news-topic-classifier"
    assert bbc.evaluation.folds == 5
    assert {s.kind for s in bbc.classifiers} == set(CLASSIFIER_KINDS) - {"zero_shot"}  # zero_shot needs a taxonomy


def test_config_defaults_to_the_four_base_classifiers(tiny_csv):
    config = classifier_config_from_dict({"name": "x", "data": {"path": str(tiny_csv)}})
    assert [s.name for s in config.classifiers] == ["tfidf_logreg", "tfidf_svm", "embedding_logreg",
                                                    "embedding_knn"]
    assert config.registry.alias == "champion"


@pytest.mark.parametrize("change, message", [
    ({"classifers": []}, "classifers: unknown key"),
    ({"classifiers": [{"kind": "tfidf_logreg", "n_neighbors": 3}]}, "n_neighbors does not apply"),
    ({"classifiers": [{"kind": "tfidf_logreg"}, {"kind": "tfidf_logreg"}]}, "repeated: tfidf_logreg"),
    ({"classifiers": [{"kind": "tfidf_logreg"}, {"kind": "ensemble", "members": ["tfidf_logreg", "knn"]}]},
     "members ['knn']"),
    ({"classifiers": [{"kind": "random_forest"}]}, "classifiers.0.kind"),
    ({"labels": {"source": "run"}}, "needs labels.run_id or labels.experiment"),
    ({"evaluation": {"folds": 1}}, "evaluation.folds"),
])
def test_config_errors_name_the_key(tiny_csv, change, message):
    with pytest.raises(TopiclabError, match="invalid config") as error:
        classifier_config_from_dict({**tiny_config(tiny_csv, [{"kind": "tfidf_logreg"}]), **change})
    assert message in str(error.value)


def test_label_checks_name_the_problem():
    with pytest.raises(TopiclabError, match=r"single label \('a', 4 documents\)"):
        check_labels(["a"] * 4, folds=2, test_size=0.5)
    with pytest.raises(TopiclabError, match=r"label 'b' has 2 document\(s\), fewer than evaluation.folds=3"):
        check_labels(["a"] * 5 + ["b"] * 2, folds=3, test_size=0.3)
    with pytest.raises(TopiclabError, match="test_size=0.1 holds out 1 of 10 documents"):
        check_labels(["a"] * 5 + ["b"] * 5, folds=2, test_size=0.1)
    check_labels(["a"] * 5 + ["b"] * 5, folds=5, test_size=0.2)  # fine: no error


def test_training_refuses_single_label_and_thin_labels(tmp_path):
    frame = tiny_frame(4)
    one = tmp_path / "one.csv"
    frame.assign(label="sport").to_csv(one, index=False)
    config = classifier_config_from_dict(tiny_config(one, [{"kind": "tfidf_logreg"}]))
    with pytest.raises(TopiclabError, match="single label"):
        train_classifiers(config, load_labelled(config))
    thin = tmp_path / "thin.csv"
    frame.iloc[:10].to_csv(thin, index=False)  # 4 sport, 4 food, 2 tech
    config = classifier_config_from_dict(tiny_config(thin, [{"kind": "tfidf_logreg"}]))
    with pytest.raises(TopiclabError, match="label 'tech' has 2 document"):
        train_classifiers(config, load_labelled(config))
    dropped, names = drop_rare_labels(load_labelled(config), 3)
    assert names == ["tech"] and set(dropped.labels) == {"sport", "food"}


def test_table_without_labels_is_refused(tmp_path):
    path = tmp_path / "plain.csv"
    tiny_frame(3).drop(columns="label").to_csv(path, index=False)
    config = classifier_config_from_dict(tiny_config(path, [{"kind": "tfidf_logreg"}]))
    with pytest.raises(TopiclabError, match="has no labels"):
        load_labelled(config)


def test_every_kind_learns_the_tiny_topics(tiny_reports):
    _, data, reports = tiny_reports
    assert set(reports) == {"tfidf_logreg", "tfidf_svm", "embedding_logreg", "embedding_knn", "vote"}
    for report in reports.values():
        m = report.metrics
        for key in ("cv_accuracy", "cv_macro_f1", "cv_log_loss", "holdout_accuracy", "holdout_log_loss",
                    "cv_precision_sport", "cv_recall_tech", "holdout_precision_food"):
            assert np.isfinite(m[key]), (report.name, key)
        assert m["cv_accuracy"] >= 0.75, (report.name, m["cv_accuracy"])  # 3 easy topics, chance is 1/3
        assert report.cv_confusion.sum() == len(data.labels)
        assert report.holdout_confusion.sum() == m["n_holdout"]
        assert "Held-out split" in report.report and "macro avg" in report.report
        assert len(report.predictions) == len(data.labels)
    assert reports["vote"].model.needs_embeddings and not reports["tfidf_svm"].model.needs_embeddings


def test_text_model_output_contract(tiny_reports):
    _, _, reports = tiny_reports
    model = reports["vote"].model
    out = model.predict(pd.DataFrame({"text": NEW_TEXTS}))
    assert list(out.columns) == ["label", "probability", "proba_food", "proba_sport", "proba_tech"]
    assert out["label"].tolist()[:3] == ["sport", "food", "tech"]
    assert np.allclose(out.iloc[:3, 2:].sum(axis=1), 1.0)
    assert np.allclose(out["probability"][:3], out.iloc[:3, 2:].max(axis=1))
    empty = out.iloc[3]  # the defined answer for an empty text: no label, no probability
    assert empty["label"] is None and (out.iloc[3, 1:] == 0.0).all()
    assert model.predict(["   "])["label"].tolist() == [None]
    assert model.predict(pd.DataFrame({"text": []})).shape == (0, 5)


@pytest.mark.parametrize("bad, message", [
    (pd.DataFrame({"body": ["a"]}), "input has no 'text' column (columns: body)"),
    (pd.DataFrame({"text": ["ok", 3]}), "row 1 holds int 3"),
    (pd.DataFrame({"text": ["ok", None]}), "row 1 holds a missing value"),
    (["ok", float("nan")], "row 1 holds a missing value"),
    (["ok", 2.5], "row 1 holds float 2.5"),
    (42, "got int"),
])
def test_bad_model_input_is_refused(tiny_reports, bad, message):
    with pytest.raises(TopiclabError) as error:
        tiny_reports[2]["tfidf_logreg"].model.predict(bad)
    assert message in str(error.value)


def test_saved_model_and_bare_estimator_load(tiny_reports, tmp_path):
    _, _, reports = tiny_reports
    for name, report in reports.items():  # every kind, the soft vote included, loads back
        folder = report.model.save(tmp_path / name)
        assert sorted(p.name for p in folder.iterdir()) == ["estimator.skops", "meta.json"]
        again = TextClassifier.load(folder)
        pd.testing.assert_frame_equal(again.predict(NEW_TEXTS), report.model.predict(NEW_TEXTS))
    svm = reports["tfidf_svm"].model  # the scikit-learn part alone: skops and a feature frame
    bare = load_estimator(svm.save(tmp_path / "svm"))
    assert list(bare.predict(feature_frame(NEW_TEXTS[:3]))) == list(svm.predict(NEW_TEXTS[:3])["label"])
    with pytest.raises(TopiclabError, match="not a saved topiclab classifier"):
        TextClassifier.load(tmp_path)


def test_svm_calibration_needs_two_documents_per_label(tmp_path):
    path = tmp_path / "pairs.csv"
    tiny_frame(4).groupby("label").head(2).to_csv(path, index=False)
    config = classifier_config_from_dict(tiny_config(path, [{"kind": "tfidf_svm"}],
                                                     evaluation={"folds": 2, "test_size": 0.5}))
    with pytest.raises(TopiclabError, match="calibrating the linear SVM needs 2 documents"):
        train_classifiers(config, load_labelled(config))


def test_same_config_gives_the_same_numbers(tiny_reports):
    config, data, reports = tiny_reports
    first = reports["tfidf_svm"]  # seeded folds, split, SVM and calibration: same numbers again
    second = train_classifier(config.spec("tfidf_svm"), config, data, feature_frame(data.texts))
    assert first.metrics.keys() == second.metrics.keys()
    assert all(first.metrics[k] == second.metrics[k] for k in first.metrics if not k.startswith("time_"))
    assert (first.predictions == second.predictions).all().all()


def test_seed_dump_lines_take_their_article_topic():
    config = load_classifier_config("experiments/classify_seed.yaml")
    data = load_labelled(config)
    assert data.label_counts == {"Balkans diplomacy": 24, "Elections": 2, "Russia-China relations": 2}
    spec = config.spec("tfidf_logreg")
    report = train_classifier(spec, config, data, prepare_features(
        config.model_copy(update={"classifiers": [spec]}), data))
    assert report.labels == sorted(data.label_counts)
    assert report.cv_confusion.sum() == 28 and 0.0 <= report.metrics["cv_macro_f1"] <= 1.0


def test_pseudo_labels_from_an_assignments_table():
    frame = pd.DataFrame({"id": ["a", "b", "c", "d"], "topic": [0, 1, -1, 0],
                          "topic_label": ["Elections", "Sport", "outliers", "Elections"],
                          "text": ["vote", "goal", "noise", "ballot"], "x": 0.0})
    data = labelled_from_assignments(frame, "runs:/r/assignments.csv")
    assert data.labels == ["Elections", "Sport", "Elections"] and data.ids == ["a", "b", "d"]
    assert len(labelled_from_assignments(frame, "s", include_outliers=True).labels) == 4
    with pytest.raises(TopiclabError, match=r"no column\(s\) \['topic_label'\]"):
        labelled_from_assignments(frame.drop(columns="topic_label"), "runs:/r/assignments.csv")


def test_check_texts_accepts_strings_only():
    assert check_texts(pd.DataFrame({"text": ["a", ""], "other": [1, 2]})) == ["a", ""]
    assert check_texts("one") == ["one"]
    with pytest.raises(TopiclabError, match="row 0 holds bytes"):
        check_texts([b"raw"])


_CLEAN_ENV_SCRIPT = """
import importlib.abc, json, sys
allowed = set(json.loads(sys.argv[1]))

class OnlyRequired(importlib.abc.MetaPathFinder):
    # Stands in for a clean environment: a package outside the model's requirements is absent.
    def find_spec(self, name, path, target=None):
        top = name.partition(".")[0]
        if top in sys.stdlib_module_names or top in allowed or top.startswith("_"):
            return None
        raise ModuleNotFoundError(f"No module named {name!r} (not among the model's requirements)")

sys.meta_path.insert(0, OnlyRequired())
from topiclab.textmodel import TextClassifier
print(json.dumps(TextClassifier.load(sys.argv[2]).predict(json.loads(sys.argv[3]))["label"].tolist()))
"""


def _requirement_closure(names: list[str]) -> set[str]:
    """The distributions pip installs for ``names`` (dependencies without extras, markers evaluated)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    todo, seen = [Requirement(n).name for n in names], set()
    while todo:
        name = canonicalize_name(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def test_model_code_imports_only_its_pinned_requirements(tiny_reports, tmp_path):
    """What ``import topiclab.textmodel`` needs is within ``pip_requirements`` (+ topiclab's own code)."""
    import json
    import subprocess
    import sys
    from importlib import metadata

    from packaging.utils import canonicalize_name

    from topiclab.textmodel import pip_requirements

    closure = _requirement_closure(pip_requirements(needs_embeddings=False))
    modules = {"topiclab"} | {module for module, dists in metadata.packages_distributions().items()
                              if any(canonicalize_name(d) in closure for d in dists)}
    model = tiny_reports[2]["tfidf_logreg"].model
    folder = model.save(tmp_path / "tfidf")
    done = subprocess.run([sys.executable, "-c", _CLEAN_ENV_SCRIPT, json.dumps(sorted(modules)), str(folder),
                           json.dumps(NEW_TEXTS)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    assert json.loads(done.stdout) == model.predict(NEW_TEXTS)["label"].tolist()


def test_bbc_config_on_a_subset(shared_dir):
    """The shipped BBC config reads ../shared; 150 articles and one TF-IDF model keep it quick."""
    config = load_classifier_config("experiments/classify_bbc.yaml", [
        "data.limit=150", "classifiers=[{kind: tfidf_svm, C: 1.0}]", "evaluation.folds=3"])
    data = load_labelled(config)
    assert set(data.labels) == {"business", "entertainment", "politics", "sport", "tech"}
    report = train_classifier(config.classifiers[0], config, data, prepare_features(config, data))
    assert report.metrics["n_documents"] == 150
    assert report.metrics["cv_accuracy"] > 0.85  # five far-apart topics; the full run scores ~0.98
