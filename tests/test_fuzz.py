"""Property-based fuzzing: any input to the loaders, --set overrides, taxonomy and gold files and
classify gives a result or a one-line TopiclabError (what the CLI prints as `error: ...`), never
another exception; and through the real CLI, never a traceback nor a run left RUNNING."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topiclab.config import apply_overrides, config_from_dict
from topiclab.data import load_corpus, load_gold
from topiclab.errors import TopiclabError
from topiclab.topics import load_taxonomy

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
# Structured-looking noise: fragments of the formats themselves, shuffled.
TOKENS = st.sampled_from(["id,text,label\n", "text\n", ",", "\n", "\"", "{", "}", "[", "]", ":", "articles",
                          "\"articles\"", "\"start\"", "\"end\"", "\"label\"", "1", "-3", "name: x\n", "- ",
                          "topics:\n", "  description: y\n", "\t", "\x00", "é", "null"])
CONTENT = st.one_of(TEXT, st.lists(TOKENS, max_size=40).map("".join), st.binary(max_size=200))


def _expect_result_or_one_line(action):
    try:
        return action()
    except TopiclabError as error:
        assert str(error).strip() and "\n" not in str(error).strip()
        return None


def _file(content, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="topiclab-fuzz-"))
    path = folder / f"input{suffix}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


@FUZZ
@given(content=CONTENT, suffix=st.sampled_from([".txt", ".csv", ".jsonl", ".json", ".tsv"]))
def test_corpus_loaders_take_any_file(content, suffix):
    _expect_result_or_one_line(lambda: load_corpus(_file(content, suffix)))


@FUZZ
@given(content=CONTENT)
def test_gold_files_take_any_content(content):
    _expect_result_or_one_line(lambda: load_gold(_file(content, ".json")))


@FUZZ
@given(content=CONTENT)
def test_taxonomy_files_take_any_content(content):
    _expect_result_or_one_line(lambda: load_taxonomy(_file(content, ".yaml")))


KEYS = st.sampled_from(["cluster.k", "cluster.method", "seed", "vectorize.representation", "topics.taxonomy",
                        "data.path", "cluster", "cluster.refine.C", "nope.key", "", "cluster.k.deeper"])


@FUZZ
@given(items=st.lists(st.tuples(KEYS, st.sampled_from(["=", "", "=="]), TEXT.filter(lambda t: len(t) < 40)),
                      max_size=4))
def test_set_overrides_take_any_key_and_value(items):
    raw = {"name": "fuzz", "data": {"path": "data/raw/seed_news.txt"}}
    overrides = [f"{k}{sep}{v}" for k, sep, v in items]
    _expect_result_or_one_line(lambda: config_from_dict(apply_overrides(raw, overrides)))


@pytest.fixture(scope="module")
def tiny_classifier():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from classify_helpers import tiny_frame
    from topiclab.classify import TextClassifier, feature_frame
    from topiclab.data import word_vectorizer

    frame = tiny_frame()
    estimator = Pipeline([("features", ColumnTransformer([("tfidf", word_vectorizer("tfidf"), "text")])),
                          ("model", LogisticRegression(max_iter=500, random_state=7))])
    estimator.fit(feature_frame(frame["text"].tolist()), frame["label"])
    return TextClassifier(estimator=estimator, labels=list(estimator.classes_))


@FUZZ
@given(texts=st.lists(st.one_of(TEXT, st.none(), st.integers(), st.floats()), max_size=6))
def test_classify_takes_any_input(tiny_classifier, texts):
    import pandas as pd

    result = _expect_result_or_one_line(lambda: tiny_classifier.predict(pd.DataFrame({"text": texts})))
    if result is not None:
        assert len(result) == len(texts)


@settings(max_examples=3, deadline=None)
@given(override=st.tuples(st.sampled_from(["cluster.k", "data.path", "seed", "topics.taxonomy"]),
                          TEXT.filter(lambda t: 0 < len(t) < 20 and "\x00" not in t)))
def test_the_cli_answers_bad_overrides_with_one_line_and_leaves_no_run_running(override):
    import os

    from mlflow.tracking import MlflowClient

    from toy_runs import toy_config, topiclab_env

    folder = Path(tempfile.mkdtemp(prefix="topiclab-fuzz-cli-"))
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", "run", str(toy_config(folder, "fuzz")),
                           "--set", f"{override[0]}={override[1]}"], capture_output=True, text=True,
                          env=topiclab_env(uri), timeout=600)
    assert "Traceback" not in done.stderr
    if done.returncode != 0:
        assert done.stderr.strip().splitlines()[-1].startswith("error: ")
    if os.path.exists(folder / "mlflow.db"):
        client = MlflowClient(uri)
        ids = [e.experiment_id for e in client.search_experiments()]
        assert not client.search_runs(ids, "attributes.status = 'RUNNING'")
