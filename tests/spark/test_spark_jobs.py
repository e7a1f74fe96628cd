"""``topiclab spark classify|assign|embed`` on local[2]: the one-process answers, row for row.

Each job is one CLI call (one JVM start, ~10-40 s); the checks of one command share it.
Without Java the jobs skip and say why; under CI=true (where ``make test`` installs
Java) they fail instead, so a lost Java cannot hide a break.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classify_helpers import tiny_config, write_tiny_csv
from toy_runs import topiclab_env
from topiclab.config import classifier_config_from_dict, config_from_dict
from topiclab.paths import PROJECT_ROOT
from topiclab.spark import java_command

N_ROWS = 2000
EMPTY_ROWS = (5, 777)  # an empty text and a missing one: no label, no topic


def _java_or_skip() -> None:
    if java_command() is None:
        if os.environ.get("CI"):  # CI installs Java in `make test`; a skip there hides a break
            pytest.fail("Java is not installed (Spark needs Java 17+) in CI")
        pytest.skip("Java is absent (Spark needs Java 17+; make test installs openjdk-17-jre-headless)")


def spark_cli(args: list[str], uri: str, env: dict | None = None, timeout: float = 600):
    """``topiclab spark ARGS`` in a subprocess: (completed process, seconds it took)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", "spark", *args], capture_output=True, text=True,
                          env=env or topiclab_env(uri), cwd=PROJECT_ROOT, timeout=timeout)
    return done, time.monotonic() - started


def news_texts() -> list[str]:
    """Lines of the seed dump and the check sentences, recombined: distinct texts of every topic."""
    pieces = [line.strip() for line in (PROJECT_ROOT / "data/raw/seed_news.txt").read_text().splitlines()
              if line.strip()]
    for name in ("in_taxonomy.csv", "out_of_taxonomy.csv"):
        pieces += pd.read_csv(PROJECT_ROOT / "data/checks" / name)["text"].tolist()
    n = len(pieces)
    return [f"{pieces[i % n]} {pieces[(7 * i + 3) % n]}" for i in range(N_ROWS)]


@pytest.fixture(scope="module")
def store(module_store):
    return module_store


@pytest.fixture(scope="module")
def corpus(store) -> pd.DataFrame:
    texts = news_texts()
    frame = pd.DataFrame({"id": [f"doc-{i:05d}" for i in range(N_ROWS)], "text": pd.Series(texts, dtype=object)})
    frame.loc[EMPTY_ROWS[0], "text"] = ""
    frame.loc[EMPTY_ROWS[1], "text"] = None
    return frame


@pytest.fixture(scope="module")
def classifier_uri(store) -> str:
    from topiclab import tracking

    _, folder = store
    config = classifier_config_from_dict(tiny_config(write_tiny_csv(folder), [{"kind": "tfidf_logreg"}]))
    tracking.track_training(config)
    return f"models:/{config.registry.model_name}@{config.registry.alias}"


def test_spark_classify_equals_one_process_classify(store, corpus, classifier_uri, tmp_path):
    from topiclab.tracking import classify_texts, load_text_model

    _java_or_skip()
    uri, _ = store
    parts = tmp_path / "articles"  # a folder of two Parquet parts
    parts.mkdir()
    corpus.iloc[:1200].to_parquet(parts / "part-0.parquet")
    corpus.iloc[1200:].to_parquet(parts / "part-1.parquet")
    out = tmp_path / "labels"
    out.mkdir()
    (out / "stale.txt").write_text("an earlier output, replaced whole")
    done, seconds = spark_cli(["classify", str(parts), str(out), "--model", classifier_uri, "--master", "local[2]",
                               "--overwrite"], uri)
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"spark classify, {N_ROWS} rows on local[2]: {seconds:.1f} s;", done.stderr.strip().splitlines()[-1])
    got = pd.read_parquet(out)
    assert not (out / "stale.txt").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".labels")]  # no partial folder left
    texts = ["" if t is None else t for t in corpus["text"]]
    want = classify_texts(load_text_model(classifier_uri), texts)  # what `topiclab classify --file` runs
    want.insert(0, "id", corpus["id"].to_numpy())
    assert list(got.columns) == list(want.columns) == ["id", "label", "probability", "proba_food", "proba_sport",
                                                       "proba_tech"]
    assert len(got) == N_ROWS and got["id"].is_unique
    got = got.set_index("id").loc[want["id"]].reset_index()
    assert [None if pd.isna(v) else v for v in got["label"]] == want["label"].tolist()
    numbers = [c for c in want.columns if c not in ("id", "label")]
    assert np.allclose(got[numbers].to_numpy(float), want[numbers].to_numpy(float), atol=1e-12, rtol=0)
    assert all(pd.isna(got.loc[i, "label"]) and got.loc[i, "probability"] == 0 for i in EMPTY_ROWS)
    assert 200 < got["label"].notna().sum() < N_ROWS - 200  # labels and abstentions (news the tiny model never saw)


@pytest.fixture(scope="module")
def topic_model_uri(store, corpus, tmp_path_factory) -> str:
    """The fit-on-sample workflow: a run fitted on 300 of the 2,000 documents (data.sample)."""
    from topiclab.tracking import track_experiment

    table = tmp_path_factory.mktemp("fit") / "corpus.csv"
    corpus.dropna().query("text != ''").to_csv(table, index=False)
    config = config_from_dict({"name": "spark-fit", "seed": 7, "data": {"path": str(table), "sample": 300},
                               "vectorize": {"representation": "tfidf"}, "cluster": {"k": 4},
                               "topics": {"taxonomy": None}, "tracking": {"experiment": "spark-fit"}})
    result, run_id = track_experiment(config)
    assert len(result.corpus.documents) == 300
    return f"runs:/{run_id}/topic_model"


def test_spark_assign_equals_one_process_assign(store, corpus, topic_model_uri, tmp_path):
    from topiclab.tracking import assign_texts

    _java_or_skip()
    uri, _ = store
    table = tmp_path / "corpus.csv"  # one CSV file: quoted commas and quotes as pandas writes them
    corpus.to_csv(table, index=False)
    out = tmp_path / "topics"
    done, seconds = spark_cli(["assign", str(table), str(out), "--model", topic_model_uri, "--master", "local[2]"],
                              uri)
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"spark assign, {N_ROWS} rows on local[2]: {seconds:.1f} s;", done.stderr.strip().splitlines()[-1])
    got = pd.read_parquet(out)
    assert list(got.columns) == ["id", "topic", "topic_label", "score"] and len(got) == N_ROWS
    got = got.set_index("id")
    filled = corpus[corpus["text"].fillna("").str.strip() != ""]
    want = assign_texts(filled["text"].tolist(), topic_model_uri)  # what `topiclab assign --file` runs
    mine = got.loc[filled["id"]]
    assert mine["topic"].astype(int).tolist() == want["topic"].tolist()
    assert mine["topic_label"].tolist() == want["topic_label"].tolist()
    assert np.allclose(mine["score"].to_numpy(float), want["score"].to_numpy(float), atol=1e-12, rtol=0)
    assert want["topic"].nunique() >= 3
    for i in EMPTY_ROWS:
        assert got.loc[corpus.loc[i, "id"]].isna().all()


def test_spark_assign_of_an_updated_model_equals_one_process_assign(store, corpus, topic_model_uri, tmp_path):
    """``topiclab update`` makes a new model version; Spark assigns with it exactly as one process does."""
    from topiclab.tracking import assign_texts, track_update

    _java_or_skip()
    uri, _ = store
    batch = tmp_path / "batch.csv"
    corpus.iloc[1000:1400].dropna().query("text != ''").to_csv(batch, index=False)
    result, run_id = track_update(topic_model_uri, str(batch))
    assert "grew" in set(result.update.lineage["status"])
    updated = f"runs:/{run_id}/topic_model"
    table = tmp_path / "corpus.parquet"
    corpus.iloc[:600].to_parquet(table)
    out = tmp_path / "topics"
    done, seconds = spark_cli(["assign", str(table), str(out), "--model", updated, "--master", "local[2]"], uri)
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"spark assign with an updated model, 600 rows on local[2]: {seconds:.1f} s")
    got = pd.read_parquet(out).set_index("id")
    filled = corpus.iloc[:600][corpus["text"].iloc[:600].fillna("").str.strip() != ""]
    want = assign_texts(filled["text"].tolist(), updated)
    mine = got.loc[filled["id"]]
    assert mine["topic"].astype(int).tolist() == want["topic"].tolist()
    assert mine["topic_label"].tolist() == want["topic_label"].tolist()
    assert np.allclose(mine["score"].to_numpy(float), want["score"].to_numpy(float), atol=1e-12, rtol=0)
    assert set(want["topic"]) <= set(result.model.topic_ids_.tolist())


def test_spark_embed_equals_make_embedder(store, corpus, tmp_path):
    from topiclab.vectorize import make_embedder

    _java_or_skip()
    uri, _ = store
    rows = corpus.iloc[:300].assign(id=range(300), text=lambda f: f["text"].fillna(""))
    table = tmp_path / "texts.jsonl"
    rows.to_json(table, orient="records", lines=True)
    out = tmp_path / "vectors"
    # --no-cache: the workers compute every vector (the reference below fills the session's cache)
    done, seconds = spark_cli(["embed", str(table), str(out), "--master", "local[2]", "--no-cache"], uri)
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"spark embed, 300 rows on local[2]: {seconds:.1f} s;", done.stderr.strip().splitlines()[-1])
    got = pd.read_parquet(out).set_index("id").loc[rows["id"]]
    assert got.index.dtype.kind == "i"  # JSON integers stay integers
    empty = rows["text"].str.strip().eq("").to_numpy()
    assert empty.sum() == 1 and got["embedding"][empty].isna().all()  # no text, no embedding (as classify)
    vectors = np.stack(got["embedding"][~empty].to_numpy())
    want = make_embedder().embed(rows["text"][~empty].tolist())
    assert vectors.dtype == np.float32 and vectors.shape == want.shape == (299, 384)
    assert np.allclose(vectors, want, atol=1e-5, rtol=0)


def test_a_stop_mid_job_keeps_the_old_output_and_leaves_nothing_behind(store, corpus, tmp_path):
    """SIGTERM while the workers write: exit 143 with one line, the job cancelled (no Java traces),
    no partial folder, the OUTPUT it was replacing untouched, no JVM or Python worker left."""
    import psutil

    _java_or_skip()
    uri, _ = store
    table = tmp_path / "texts.parquet"
    corpus.assign(text=corpus["text"].fillna("")).to_parquet(table)
    out = tmp_path / "vectors"
    out.mkdir()
    (out / "earlier.txt").write_text("the output of an earlier job")
    process = subprocess.Popen([sys.executable, "-m", "topiclab.cli", "spark", "embed", str(table), str(out),
                                "--master", "local[2]", "--no-cache", "--overwrite"],
                               env=topiclab_env(uri), cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not list(tmp_path.glob(".vectors.*.partial")):
        assert process.poll() is None, process.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "the job never started writing"
        time.sleep(0.2)
    time.sleep(3)  # the workers are embedding
    assert process.poll() is None, "the job ended before it could be stopped: give it more rows"
    children = psutil.Process(process.pid).children(recursive=True)
    assert any(child.name() == "java" for child in children)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 143
    stderr = process.stderr.read()
    assert stderr.strip().splitlines()[-1] == "error: terminated by SIGTERM"
    assert "Exception" not in stderr and "\tat " not in stderr, stderr[-3000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["texts.parquet", "vectors"]
    assert [p.name for p in out.iterdir()] == ["earlier.txt"]
    psutil.wait_procs(children, timeout=30)
    assert not [child for child in children if child.is_running() and child.status() != psutil.STATUS_ZOMBIE]
