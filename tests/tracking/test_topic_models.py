"""The run's topic model in MLflow: logged as ``topic_model``, loaded in a fresh process, used by ``assign``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from topiclab.config import config_from_dict, load_config
from topiclab.data import load_gold
from topiclab.errors import TopiclabError
from topiclab.paths import PROJECT_ROOT
from topiclab.tracking import move_alias, track_experiment, version_of_run

TOPICLAB = [sys.executable, "-m", "topiclab.cli"]
FRESH_LOAD = """
import json, sys
import mlflow, pandas as pd
model = mlflow.pyfunc.load_model(sys.argv[1])
lines = open(sys.argv[2], encoding="utf-8").read().splitlines()
out = model.predict(pd.DataFrame({"text": lines + ["", None, "  "]}, dtype=object))
print(json.dumps({"columns": list(out.columns), "labels": out.topic_label.tolist()[:-3],
                  "empty_rows_null": out.iloc[-3:].isna().all(axis=1).tolist()}))
"""


def _env(uri):
    return {**os.environ, "MLFLOW_TRACKING_URI": uri}


@pytest.fixture(scope="module")
def seed_run(shared_tracking_uri):
    result, run_id = track_experiment(load_config(PROJECT_ROOT / "experiments" / "seed_news.yaml"))
    return result, run_id


def test_seed_run_logs_topic_model_and_views(seed_run, shared_tracking_uri):
    _, run_id = seed_run
    names = {a.path for a in MlflowClient(shared_tracking_uri).list_artifacts(run_id)}
    assert {"topic_model", "report.html"} <= names
    html = (MlflowClient(shared_tracking_uri).download_artifacts(run_id, "report.html"))
    text = open(html, encoding="utf-8").read()
    assert 'src="https:' not in text and len(text) > 1_000_000  # plotly.js embedded: renders offline
    for view in ("document_map", "intertopic_distance_map", "top_words", "topic_similarity"):
        assert f'<section id="{view}">' in text


def test_seed_run_logs_at_most_six_megabytes_with_one_plotly_copy(seed_run, shared_tracking_uri, tmp_path):
    from plotly.offline import get_plotlyjs

    _, run_id = seed_run
    folder = Path(MlflowClient(shared_tracking_uri).download_artifacts(run_id, "", str(tmp_path)))
    files = [f for f in folder.rglob("*") if f.is_file()]
    assert "topic_model/MLmodel" in {f.relative_to(folder).as_posix() for f in files}  # model files counted
    assert sum(f.stat().st_size for f in files) <= 6_000_000
    marker = get_plotlyjs()[:200]
    assert sum(f.read_text(encoding="utf-8", errors="ignore").count(marker) for f in files) == 1


def test_fresh_process_assigns_seed_lines_to_their_gold_topic(seed_run, shared_tracking_uri, seed_path,
                                                              seed_gold_path):
    _, run_id = seed_run
    done = subprocess.run([sys.executable, "-c", FRESH_LOAD, f"runs:/{run_id}/topic_model", str(seed_path)],
                          capture_output=True, text=True, env=_env(shared_tracking_uri), timeout=300,
                          cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["columns"] == ["topic", "topic_label", "score"]
    assert out["empty_rows_null"] == [True, True, True]  # no text, no topic: as assign and spark assign
    gold = load_gold(seed_gold_path)
    accepted = [gold.topics_of_line(i) for i in range(1, len(out["labels"]) + 1)]
    hits = sum(label in ok for label, ok in zip(out["labels"], accepted))
    assert len(out["labels"]) == 28 and hits >= 26, (hits, out["labels"])


def test_assign_cli_prints_topic_per_text_with_default_model(seed_run, shared_tracking_uri):
    result, run_id = seed_run
    name, version, _ = version_of_run(run_id)  # registered by the run; the session's champion may be older
    assert name == "seed_news-topics"
    move_alias(name, version)
    done = subprocess.run([*TOPICLAB, "assign", "Kosovo status talks in Belgrade and Pristina",
                           "Voters went to the polls in the mid-term elections"],
                          capture_output=True, text=True, env=_env(shared_tracking_uri), cwd=PROJECT_ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split("\t") for line in done.stdout.strip().splitlines()]
    assert len(rows) == 2
    labels = {t.label for t in result.topics}
    assert all(row[1] in labels for row in rows)
    assert rows[0][1] == "Balkans diplomacy"
    assert done.stderr.strip().splitlines()[-1] == f"model: {name} version {version} (champion), run {run_id}"


def test_assign_cli_answers_every_row_of_a_table_an_empty_one_with_dashes(seed_run, shared_tracking_uri,
                                                                         tmp_path):
    _, run_id = seed_run
    table = tmp_path / "rows.csv"
    table.write_text("id,text\n1,Kosovo status talks in Belgrade\n2,\n3,Putin and Xi met in Moscow\n",
                     encoding="utf-8")
    done = subprocess.run([*TOPICLAB, "assign", "--file", str(table), "--model", f"runs:/{run_id}/topic_model"],
                          capture_output=True, text=True, env=_env(shared_tracking_uri), cwd=PROJECT_ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split("\t") for line in done.stdout.strip().splitlines()]
    assert len(rows) == 3 and rows[1][:3] == ["-", "-", "-"], rows  # row 2 of the table, in its place
    assert rows[0][1] == "Balkans diplomacy" and rows[2][3].startswith("Putin"), rows


def test_assign_cli_refuses_a_uri_without_topic_model(seed_run, shared_tracking_uri):
    _, run_id = seed_run
    done = subprocess.run([*TOPICLAB, "assign", "some text", "--model", f"runs:/{run_id}/config.yaml"],
                          capture_output=True, text=True, env=_env(shared_tracking_uri), cwd=PROJECT_ROOT,
                          timeout=300)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "holds no topic model" in errors[0], done.stderr
    assert "Traceback" not in done.stderr


def test_auto_k_logs_candidates_as_nested_runs(tmp_path, shared_tracking_uri):
    from topiclab.pipeline import run_experiment  # noqa: F401  (the tracked path is what is checked)

    rows = []
    for subject, words in (("sport", "goal match striker keeper league cup"),
                           ("money", "bank rates inflation shares bonds markets"),
                           ("weather", "rain storm snow wind forecast flood")):
        vocab = words.split()
        for i in range(6):
            rows.append((" ".join(vocab[(i + j) % len(vocab)] for j in range(4)), subject))
    path = tmp_path / "three.csv"
    path.write_text("text,label\n" + "\n".join(f"{t},{l}" for t, l in rows) + "\n", encoding="utf-8")
    config = config_from_dict({"name": "auto", "data": {"path": str(path)}, "vectorize": {"representation": "tfidf"},
                               "cluster": {"k": "auto", "auto": {"candidates": [2, 3, 4, 5]}},
                               "topics": {"taxonomy": None, "coherence": False},
                               "tracking": {"experiment": "auto-k-test"}})
    result, run_id = track_experiment(config)
    assert result.config.cluster.k == result.metrics["chosen_k"] == 3
    assert list(result.k_curve.k) == [2, 3, 4, 5]
    store = MlflowClient(shared_tracking_uri)
    children = store.search_runs([store.get_run(run_id).info.experiment_id],
                                 f"tags.mlflow.parentRunId = '{run_id}'")
    assert sorted(int(r.data.params["cluster.k"]) for r in children) == [2, 3, 4, 5]
    assert {"report.html", "k_curve.csv"} <= {a.path for a in store.list_artifacts(run_id)}
    page = open(store.download_artifacts(run_id, "report.html"), encoding="utf-8").read()
    assert '<section id="k_curve">' in page and "chosen k = 3" in page


def test_auto_k_on_two_documents_fails_the_run(tmp_path, shared_tracking_uri):
    path = tmp_path / "two.csv"
    path.write_text("text,label\nthe match ended in a goal,a\nthe bank raised its rates,b\n", encoding="utf-8")
    config = config_from_dict({"name": "two", "data": {"path": str(path)}, "vectorize": {"representation": "tfidf"},
                               "cluster": {"k": "auto"}, "topics": {"taxonomy": None, "coherence": False},
                               "tracking": {"experiment": "auto-k-test"}})
    with pytest.raises(TopiclabError, match="at least 3 documents"):
        track_experiment(config)
    store = MlflowClient(shared_tracking_uri)
    experiment = store.get_experiment_by_name("auto-k-test")
    assert not store.search_runs([experiment.experiment_id], "attributes.status = 'RUNNING'")
