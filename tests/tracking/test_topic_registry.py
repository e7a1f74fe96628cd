"""Topic models in the registry (``<experiment>-topics``, ``@champion``): registered by ``topiclab run``,
moved by ``topiclab promote``, used by ``topiclab assign`` without ``--model``, named by ``topiclab label``.

The toy experiment (12 TF-IDF documents, no MiniLM) keeps every run to seconds."""

from __future__ import annotations

import subprocess
import sys

import mlflow
import pandas as pd
import pytest
from toy_runs import toy_config, topiclab_env
from typer.testing import CliRunner

from topiclab import tracking
from topiclab.cli import app
from topiclab.config import load_config
from topiclab.errors import TopiclabError
from topiclab.sweep import plan_sweep

EXPERIMENT = "toyreg"
NAME = "toyreg-topics"


@pytest.fixture(scope="module")
def store(module_store):
    """The module's store and the toy config, whose experiment is ``toyreg``."""
    uri, folder = module_store
    return uri, toy_config(folder, EXPERIMENT)


@pytest.fixture(scope="module")
def runs(store):
    """Two runs of the toy experiment: k=3 (version 1, the champion), then k=2 (version 2)."""
    _, config_path = store
    config = load_config(config_path)
    _, first = tracking.track_experiment(config)
    _, second = tracking.track_experiment(config.model_copy(update={"cluster": config.cluster.model_copy(
        update={"k": 2})}))
    return first, second


def _champion():
    version = tracking.client().get_model_version_by_alias(NAME, "champion")
    return str(version.version), version.run_id


def _invoke(*args):
    return CliRunner().invoke(app, list(args))


def _refused(result, message: str) -> None:
    assert result.exit_code == 1 and isinstance(result.exception, TopiclabError), result.output
    assert message in str(result.exception) and "\n" not in str(result.exception), str(result.exception)


def _run_statuses() -> list[str]:
    store = tracking.client()
    return [r.info.status for r in store.search_runs([store.get_experiment_by_name(EXPERIMENT).experiment_id])]


def test_each_run_is_a_version_and_the_first_is_the_champion(runs):
    first, second = runs
    store = tracking.client()
    # other tests of the module (in any order) add versions from runs of their own
    versions = {v.run_id: str(v.version) for v in store.search_model_versions(f"name = '{NAME}'")
                if v.run_id in (first, second)}
    assert versions == {first: "1", second: "2"}
    assert _champion() == ("1", first)  # a later run does not move it
    assert store.get_run(second).data.tags["registered_model"] == f"{NAME}/2"
    model = tracking.load_topic_model(f"models:/{NAME}@champion").get_raw_model()
    assert len(model.topic_ids_) == 3  # the k=3 run's
    with pytest.raises(TopiclabError, match=f"registered model '{NAME}' has no version '9'"):
        tracking.load_topic_model(f"models:/{NAME}/9")


def test_assign_without_model_uses_the_champion_and_says_which(runs, store):
    first, second = runs
    _, config_path = store
    result = _invoke("assign", "--config", str(config_path), "goal striker penalty", "rocket orbit crew")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert len(rows) == 2 and rows[0][0] != rows[1][0]  # the k=3 champion tells sport from space
    assert result.stderr.strip().splitlines()[-1] == f"model: {NAME} version 1 (champion), run {first}"


def test_promote_moves_the_topic_models_champion_and_assign_follows(runs, store):
    first, second = runs
    _, config_path = store
    try:
        moved = _invoke("promote", NAME, "2")
        assert moved.exit_code == 0 and f"models:/{NAME}@champion -> version 2 (was version 1)" in moved.stdout
        assert _champion() == ("2", second)
        used = _invoke("assign", "--config", str(config_path), "goal striker penalty")
        assert used.exit_code == 0 and f"version 2 (champion), run {second}" in used.stderr
        by_run = _invoke("promote", first)  # a run id: the version registered from it
        assert by_run.exit_code == 0 and "-> version 1 (was version 2)" in by_run.stdout
        latest = max(int(v.version) for v in tracking.client().search_model_versions(f"name = '{NAME}'"))
        _refused(_invoke("promote", NAME, str(latest + 1)), f"has no version '{latest + 1}' (versions: 1, 2")
        _refused(_invoke("promote", "not-a-version"), "neither a version number nor a run id")
    finally:
        tracking.move_alias(NAME, 1)
    assert _champion() == ("1", first)


def test_sweep_trials_are_not_registered_until_promoted(runs, store, tmp_path):
    _, config_path = store
    before = len(tracking.client().search_model_versions(f"name = '{NAME}'"))
    frame, _ = tracking.track_sweep(plan_sweep(config_path, ["cluster.k=2,3"]))
    store_ = tracking.client()
    assert len(store_.search_model_versions(f"name = '{NAME}'")) == before
    assert _champion()[0] == "1"  # a sweep never changes assign's default on its own
    trial = str(frame.iloc[0]["run_id"])
    try:
        result = _invoke("promote", trial)
        assert result.exit_code == 0, result.output
        assert f"registered run {trial}'s topic model as {NAME} version {before + 1}" in result.stderr
        assert _champion() == (str(before + 1), trial)
    finally:
        tracking.move_alias(NAME, 1)


def test_label_names_topics_in_a_nested_run_and_registers_it(runs):
    first, _ = runs
    store = tracking.client()
    names = tracking.load_topic_model(f"runs:/{first}/topic_model").get_raw_model().labels_
    sport = next(t for t, name in names.items() if "goal" in name or "striker" in name)
    other = next(t for t in names if t != sport)
    before = _children(first)  # other tests of the module (in any order) label this run too
    try:
        _label_and_check(store, first, names, sport, other, before)
    finally:  # the label took the champion: hand it back, whatever failed
        tracking.move_alias(NAME, 1)


def _children(parent: str) -> dict:
    store = tracking.client()
    experiment_id = store.get_experiment_by_name(EXPERIMENT).experiment_id
    return {r.info.run_id: r for r in store.search_runs([experiment_id], f"tags.mlflow.parentRunId = '{parent}'")}


def _label_and_check(store, first, names, sport, other, before):
    result = _invoke("label", first, f"{sport}=Football", f"{other}=  Something   else ")
    assert result.exit_code == 0, result.output
    child = [run for run_id, run in _children(first).items() if run_id not in before]
    assert len(child) == 1 and child[0].info.status == "FINISHED"
    child_id = child[0].info.run_id
    topics = pd.read_csv(store.download_artifacts(child_id, "topics.csv"))
    labels = dict(zip(topics["topic"], topics["label"]))
    assert labels[sport] == "Football" and labels[other] == "Something else"
    untouched = next(t for t in names if t not in (sport, other))
    assert labels[untouched] == names[untouched]
    assignments = pd.read_csv(store.download_artifacts(child_id, "assignments.csv"))
    assert "Football" in set(assignments["topic_label"])
    registered = [v for v in store.search_model_versions(f"name = '{NAME}'") if v.run_id == child_id]
    assert len(registered) == 1
    model = tracking.load_topic_model(f"models:/{NAME}/{registered[0].version}").get_raw_model()
    assert model.labels_[sport] == "Football"
    assert _champion() == (str(registered[0].version), child_id)  # it renamed the champion: it takes over
    assert f"{NAME} version {registered[0].version}, the champion" in result.stderr
    again = _invoke("label", child_id, f"{untouched}=Markets")  # names given before are kept
    assert again.exit_code == 0, again.output
    grandchild = store.search_runs([child[0].info.experiment_id], f"tags.mlflow.parentRunId = '{child_id}'")
    topics = pd.read_csv(store.download_artifacts(grandchild[0].info.run_id, "topics.csv"))
    assert {"Football", "Something else", "Markets"} <= set(topics["label"])


def test_label_of_a_run_that_is_not_the_champion_leaves_the_champion(runs):
    _, second = runs
    result = _invoke("label", second, "0=Zero")
    assert result.exit_code == 0, result.output
    assert _champion()[0] == "1" and "makes it the champion" in result.stderr


def test_label_bad_input_is_one_line_and_starts_no_run(runs, tmp_path):
    first, _ = runs
    store = tracking.client()
    before = _run_statuses()
    _refused(_invoke("label", first, "9=Nine"), "no topic 9 to name (the topics are 0, 1, 2)")
    _refused(_invoke("label", first, "1=  "), "'1=  ': the name of topic 1 is empty")
    _refused(_invoke("label", first, "-1=Noise"), "-1 is the outliers, not a topic")
    _refused(_invoke("label", first, "one=Noise"), "give TOPIC=NAME")
    _refused(_invoke("label", "feed" * 8, "1=One"), "no MLflow run with id 'feedfeed")
    names = tracking.load_topic_model(f"runs:/{first}/topic_model").get_raw_model().labels_
    _refused(_invoke("label", first, f"0={names[1]}"), "topics 0 and 1 would both be named")
    # a run with config.yaml and assignments.csv but no topic model (every document an outlier)
    with tracking.tracked_run(EXPERIMENT, "no-topic-model") as bare:
        for name in ("config.yaml", "assignments.csv"):
            mlflow.log_artifact(store.download_artifacts(first, name, str(tmp_path)))
    _refused(_invoke("label", bare.info.run_id, "0=Zero"), f"run {bare.info.run_id} has no topic model")
    _refused(_invoke("promote", bare.info.run_id), "has no registered model and no topic model to register")
    after = _run_statuses()
    assert "RUNNING" not in after and len(after) == len(before) + 1  # the bare run alone


def test_assign_without_a_champion_is_one_line_saying_how_to_make_one(tmp_path):
    config = toy_config(tmp_path, "no-champion")
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", "assign", "--config", str(config), "text"],
                          capture_output=True, text=True, timeout=300,
                          env=topiclab_env(f"sqlite:///{tmp_path / 'mlflow.db'}"))
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "no champion topic model for experiment 'no-champion'" in errors[0]
    assert "topiclab promote no-champion-topics VERSION" in errors[0]


def test_a_champion_uri_is_copied_for_spark_workers(runs, tmp_path):
    first, _ = runs
    path = tracking.local_topic_model(f"models:/{NAME}@champion", tmp_path)
    predict = tracking.topic_model_predictor(str(path))
    assert predict(["rocket orbit crew launch"])["topic"].notna().all()


def test_merge_of_a_labelled_run_moves_each_name_with_its_topic(runs):
    first, _ = runs
    try:
        _, child = tracking.track_label(first, {0: "Zero", 2: "Two"})
        result, _ = tracking.track_merge(child, [0, 1])  # [0, 1] -> 0, 2 -> 1
    finally:
        tracking.move_alias(NAME, 1)
    labels = {t.id: t.label for t in result.topics}
    assert labels[1] == "Two" and labels[0] != "Zero"  # the merged topic is named anew
    assert result.config.topics.names == {1: "Two"}
