"""Reduce/merge, tree, time and class views as MLflow artifacts; ``topiclab merge``; bad input on the CLI."""

import json
import os
import subprocess
import sys

import pytest
import yaml
from mlflow.tracking import MlflowClient
from topic_corpus import config_dict, subject_rows, write_csv

from topiclab.config import config_from_dict
from topiclab.paths import PROJECT_ROOT
from topiclab.tracking import PARENT_TAG, track_experiment

TOPICLAB = [sys.executable, "-m", "topiclab.cli"]
EXPERIMENT = "topic-views-test"
FRESH_PREDICT = """
import json, sys
import mlflow, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
out = model.predict(pd.DataFrame({"text": ["heavy rain and snow", "bank shares fell"],
                                  "date": ["2024-03-02", "2024-01-20"]}))
print(json.dumps({"columns": list(out.columns), "bins": out.time_bin.tolist()}))
"""


def _cli(*args, uri, timeout=300):
    return subprocess.run([*TOPICLAB, *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=timeout,
                          env={**os.environ, "MLFLOW_TRACKING_URI": uri})


def _one_error_line(done) -> str:
    assert done.returncode == 1, (done.stdout[-1000:], done.stderr[-2000:])
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    return errors[0]


def _statuses(store, experiment: str) -> list[str]:
    found = store.get_experiment_by_name(experiment)
    return [] if found is None else [r.info.status for r in store.search_runs([found.experiment_id])]


@pytest.fixture(scope="module")
def reduced_run(tmp_path_factory, shared_tracking_uri):
    """k = 5 reduced to 3 topics on a dated, labelled corpus, monthly bins."""
    path = write_csv(tmp_path_factory.mktemp("views") / "small.csv")
    config = config_from_dict(config_dict(path, EXPERIMENT, cluster={"k": 5},
                                          topics={"reduce_to": 3, "time_bins": "M"}))
    return track_experiment(config)


def test_run_logs_mapping_tree_and_time_and_class_views(reduced_run, shared_tracking_uri, tmp_path):
    result, run_id = reduced_run
    store = MlflowClient(shared_tracking_uri)
    names = {a.path for a in store.list_artifacts(run_id)}
    assert {"topic_mapping.csv", "topic_tree.json", "topics_over_time.csv", "topics_per_class.csv", "topic_model",
            "report.html"} <= names
    import pandas as pd

    mapping = pd.read_csv(store.download_artifacts(run_id, "topic_mapping.csv", str(tmp_path)))
    assert len(mapping) == 5 and sorted(set(mapping.new_topic)) == [0, 1, 2]
    tree = json.loads(open(store.download_artifacts(run_id, "topic_tree.json", str(tmp_path))).read())
    assert len(tree["nodes"]) == 5 and tree["nodes"][-1]["topics"] == [0, 1, 2]
    over_time = pd.read_csv(store.download_artifacts(run_id, "topics_over_time.csv", str(tmp_path)))
    assert sorted(set(over_time["bin"])) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    html = open(store.download_artifacts(run_id, "report.html", str(tmp_path)), encoding="utf-8").read()
    assert 'src="https:' not in html and len(html) > 1_000_000  # plotly.js embedded
    for view in ("topic_hierarchy", "topics_over_time", "topics_per_class"):
        assert f'<section id="{view}">' in html
    assert result.metrics["n_topics"] == 3


def test_fresh_process_gives_new_dates_the_runs_time_bins(reduced_run, shared_tracking_uri):
    _, run_id = reduced_run
    done = subprocess.run([sys.executable, "-c", FRESH_PREDICT, f"runs:/{run_id}/topic_model"], capture_output=True,
                          text=True, timeout=300, cwd=PROJECT_ROOT,
                          env={**os.environ, "MLFLOW_TRACKING_URI": shared_tracking_uri})
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out == {"columns": ["topic", "topic_label", "score", "time_bin"], "bins": ["2024-03", "2024-01"]}


def test_merge_logs_a_child_run_with_its_own_topic_model(reduced_run, shared_tracking_uri, tmp_path):
    result, parent = reduced_run
    store = MlflowClient(shared_tracking_uri)
    done = _cli("merge", parent, "0,2", uri=shared_tracking_uri)
    assert done.returncode == 0, done.stderr[-2000:]
    new_id = done.stdout.strip().splitlines()[-2].split()[-1]  # "MLflow run id: ID", then the UI hint
    run = store.get_run(new_id)
    assert run.info.status == "FINISHED" and run.data.tags[PARENT_TAG] == parent
    assert run.data.tags["topiclab.merged_topics"] == "0,2" and run.data.metrics["n_topics"] == 2
    assert "0->0, 1->1, 2->0" in done.stderr
    assert {"topic_model", "topic_mapping.csv", "topics.csv"} <= {a.path for a in store.list_artifacts(new_id)}
    import pandas as pd

    before = pd.read_csv(store.download_artifacts(parent, "assignments.csv", str(tmp_path / "a")))
    after = pd.read_csv(store.download_artifacts(new_id, "assignments.csv", str(tmp_path / "b")))
    assert (after.topic == before.topic.map({0: 0, 1: 1, 2: 0})).all()
    from topiclab.tracking import load_topic_model

    model = load_topic_model(f"runs:/{new_id}/topic_model")
    assert model.metadata.metadata["n_topics"] == 2


def test_merge_with_a_topic_the_run_does_not_have_is_refused(reduced_run, shared_tracking_uri):
    _, parent = reduced_run
    store = MlflowClient(shared_tracking_uri)
    n_runs = len(_statuses(store, EXPERIMENT))
    line = _one_error_line(_cli("merge", parent, "1,7", uri=shared_tracking_uri))
    assert "no topic 7 to merge (the topics are 0, 1, 2)" in line
    # the outlier id as the CLI's argument: read as TOPICS, not as an unknown option, and refused with why
    line = _one_error_line(_cli("merge", parent, "-1,0", uri=shared_tracking_uri))
    assert "-1 is the outliers, not a topic" in line and "cluster.outliers: reassign" in line
    assert len(_statuses(store, EXPERIMENT)) == n_runs  # refused before any run started
    assert "no MLflow run" in _one_error_line(_cli("merge", "0" * 32, "0,1", uri=shared_tracking_uri))


def _dated_rows_with_a_bad_one():
    rows = subject_rows()
    rows[6]["date"] = "not a date"
    return rows


BAD_RUNS = {  # name: (rows, config changes, --set overrides, expected message, a run is started)
    "reduce_to above the topics": (None, {}, ["topics.reduce_to=4"],
                                   "reduce_to=4 must be between 1 and the number of topics (3)", True),
    "reduce_to below 1": (None, {}, ["topics.reduce_to=0"], "topics.reduce_to", False),
    "a date that does not parse": (_dated_rows_with_a_bad_one(), {}, [],
                                   "date 'not a date' in row 7", True),
    "auto k on two documents": (subject_rows()[:1] + subject_rows()[8:9], {"cluster": {"k": "auto"}}, [],
                                "cluster.k: auto needs at least 3 documents, got 2", True),
    "auto k on fewer documents than its smallest candidate": (
        subject_rows()[:4], {"cluster": {"k": "auto", "auto": {"candidates": [5, 6]}}}, [],
        "cluster.k: auto needs at least 6 documents, got 4 (more documents than its smallest candidate k=5)", True),
}


@pytest.mark.parametrize("case", sorted(BAD_RUNS))
def test_bad_input_is_one_line_and_leaves_no_run_running(case, tmp_path, shared_tracking_uri):
    rows, changes, overrides, message, started = BAD_RUNS[case]
    experiment = f"bad-{case.replace(' ', '-')}"
    path = write_csv(tmp_path / "data.csv", rows)
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(config_dict(path, experiment, **changes)), encoding="utf-8")
    sets = [arg for item in overrides for arg in ("--set", item)]
    line = _one_error_line(_cli("run", str(config), *sets, uri=shared_tracking_uri))
    assert message in line
    statuses = _statuses(MlflowClient(shared_tracking_uri), experiment)
    assert statuses == (["FAILED"] if started else [])
