"""Classifiers are saved with skops (no pickle) and a tampered file is refused with one line."""

from __future__ import annotations

import json
import zipfile

import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from topiclab.classify import TextClassifier, feature_frame
from topiclab.data import word_vectorizer
from topiclab.errors import TopiclabError
from classify_helpers import NEW_TEXTS, tiny_frame


def _fitted(tmp_path):
    frame = tiny_frame()
    estimator = Pipeline([("features", ColumnTransformer([("tfidf", word_vectorizer("tfidf"), "text")])),
                          ("model", LogisticRegression(max_iter=500, random_state=7))])
    estimator.fit(feature_frame(frame["text"].tolist()), frame["label"])
    model = TextClassifier(estimator=estimator, labels=list(estimator.classes_), name="tiny", kind="tfidf_logreg")
    return model, model.save(tmp_path / "model")


def test_a_classifier_round_trips_through_skops_without_pickle(tmp_path):
    model, folder = _fitted(tmp_path)
    assert (folder / "estimator.skops").is_file() and not (folder / "estimator.joblib").exists()
    again = TextClassifier.load(folder)
    texts = [t for t in NEW_TEXTS if t]
    assert again.predict(texts)["label"].tolist() == model.predict(texts)["label"].tolist()


def test_a_tampered_skops_file_is_refused_with_one_line(tmp_path):
    _, folder = _fitted(tmp_path)
    path = folder / "estimator.skops"
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members["schema.json"])
    schema["__module__"], schema["__class__"] = "os", "system"  # what a malicious upload would name
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(TopiclabError, match="untrusted type.*os.system") as error:
        TextClassifier.load(folder)
    assert "\n" not in str(error.value)
