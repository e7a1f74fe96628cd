"""Bad input to ``topiclab spark``: one line, exit 1, before any Spark work (no JVM starts).

Each refusal must come in seconds: a Spark start alone takes ten or more.
"""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from test_spark_jobs import spark_cli
from topiclab.errors import TopiclabError
from topiclab.spark import InputTable, check_input, check_master, replacing_folder, split_bytes

FAST = 60  # seconds: Python's imports and MLflow's, never a Spark job


@pytest.fixture
def texts_csv(tmp_path):
    path = tmp_path / "texts.csv"
    pd.DataFrame({"id": ["a", "b"], "text": ["one text", "another"]}).to_csv(path, index=False)
    return path


def _refused(done, *words: str) -> None:
    # MLflow may log creating a fresh store first: the error is the one line that says error
    lines = [line for line in done.stderr.strip().splitlines() if " INFO mlflow" not in line]
    assert done.returncode == 1, done.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-2000:]
    assert all(word in lines[0] for word in words), lines[0]
    assert "Traceback" not in done.stderr and not done.stdout


def test_input_without_the_text_column(tmp_path, shared_tracking_uri):
    table = tmp_path / "t.parquet"
    pd.DataFrame({"id": ["a"], "body": ["x"]}).to_parquet(table)
    done, seconds = spark_cli(["classify", str(table), str(tmp_path / "out")], shared_tracking_uri)
    _refused(done, "no 'text' column", "body", "--text-column")
    assert seconds < FAST and not (tmp_path / "out").exists()


def test_empty_inputs(tmp_path, shared_tracking_uri):
    (tmp_path / "header.csv").write_text("id,text\n")
    pd.DataFrame({"id": pd.Series(dtype=str), "text": pd.Series(dtype=str)}).to_parquet(tmp_path / "none.parquet")
    (tmp_path / "blank.jsonl").write_text("\n\n")
    (tmp_path / "folder").mkdir()
    for name in ("header.csv", "none.parquet", "blank.jsonl", "folder"):
        done, seconds = spark_cli(["embed", str(tmp_path / name), str(tmp_path / "out")], shared_tracking_uri)
        _refused(done, "empty")
        assert seconds < FAST


def test_existing_output_needs_overwrite(tmp_path, texts_csv, shared_tracking_uri):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    done, seconds = spark_cli(["assign", str(texts_csv), str(out), "--model", "runs:/x/topic_model"],
                              shared_tracking_uri)
    _refused(done, "exists", "--overwrite")
    assert (out / "keep.txt").read_text() == "mine" and seconds < FAST


def test_no_java_on_the_machine(tmp_path, texts_csv, shared_tracking_uri):
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=str(tmp_path), MLFLOW_TRACKING_URI=shared_tracking_uri,  # a PATH with no java on it
               PYTHONPATH=os.pathsep.join(filter(None, [str(__import__("toy_runs").SRC), env.get("PYTHONPATH")])))
    done, seconds = spark_cli(["embed", str(texts_csv), str(tmp_path / "out")], shared_tracking_uri, env=env)
    _refused(done, "Java 17", "no java on PATH")
    assert seconds < FAST
    env["JAVA_HOME"] = str(tmp_path)  # a JAVA_HOME without bin/java
    done, _ = spark_cli(["embed", str(texts_csv), str(tmp_path / "out")], shared_tracking_uri, env=env)
    _refused(done, "Java 17", "JAVA_HOME")


@pytest.mark.skipif(shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
                    reason="Java is absent: the Java check refuses first")
def test_unreachable_master_and_missing_model(tmp_path, texts_csv, shared_tracking_uri):
    done, seconds = spark_cli(["embed", str(texts_csv), str(tmp_path / "out"), "--master", "spark://127.0.0.1:1"],
                              shared_tracking_uri)
    _refused(done, "cannot reach Spark master 127.0.0.1:1")
    assert seconds < FAST
    done, seconds = spark_cli(["assign", str(texts_csv), str(tmp_path / "out"), "--model",
                               "runs:/0123456789abcdef0123456789abcdef/topic_model"], shared_tracking_uri)
    _refused(done, "holds no topic model")
    done, _ = spark_cli(["classify", str(texts_csv), str(tmp_path / "out"), "--model",
                         "models:/no-such-classifier@champion"], shared_tracking_uri)
    _refused(done, "model")  # no such name, or an empty registry: either says so in one line
    assert not (tmp_path / "out").exists()


def test_input_checks_read_only_headers(tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    pd.DataFrame({"doc": [1, 2], "body": ["a", "b"]}).to_parquet(parts / "part-0.snappy.parquet")
    (parts / "_SUCCESS").write_text("")  # Spark's markers are not parts
    table = check_input(parts, "body", "doc")
    assert (table.format, table.columns, len(table.files)) == ("parquet", ("doc", "body"), 1)
    (parts / "part-1.csv").write_text("doc,body\n3,c\n")
    with pytest.raises(TopiclabError, match="cannot tell its format"):
        check_input(parts, "body", "doc")
    with pytest.raises(TopiclabError, match="not found"):
        check_input(tmp_path / "nothing.parquet", "text", "id")
    (tmp_path / "bad.jsonl").write_text("{not json\n")
    with pytest.raises(TopiclabError, match="line 1 is not JSON"):
        check_input(tmp_path / "bad.jsonl", "text", "id")


def test_masters_are_checked_without_spark():
    assert check_master("local[2]") == "local[2]"
    assert check_master("local[*]") == "local[*]"
    with pytest.raises(TopiclabError, match="not local"):
        check_master("local[two]")
    with pytest.raises(TopiclabError, match="HOST:PORT"):
        check_master("spark://nohost")
    assert check_master("yarn") == "yarn" and check_master("k8s://https://k:443") == "k8s://https://k:443"
    with pytest.raises(TopiclabError, match="'bogus' is none of local"):
        check_master("bogus")  # Spark's answer would be a Java stack trace


def test_a_failed_write_leaves_no_output_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with replacing_folder(target) as partial:
            partial.mkdir()
            (partial / "part-0.parquet").write_text("half")
            raise RuntimeError("the job died")
    assert list(tmp_path.iterdir()) == []
    target.mkdir()
    (target / "old.parquet").write_text("old")
    with pytest.raises(RuntimeError):
        with replacing_folder(target) as partial:
            partial.mkdir()
            raise RuntimeError("the job died")
    assert [p.name for p in tmp_path.iterdir()] == ["out"] and (target / "old.parquet").read_text() == "old"
    with replacing_folder(target) as partial:
        partial.mkdir()
        (partial / "new.parquet").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.parquet"] and len(list(tmp_path.iterdir())) == 1


def test_input_is_split_into_a_few_tasks_per_slot(tmp_path):
    # 10 parts of 45 MB: Spark's 128 MB default packs them into 5 tasks, 3 waves on 2 slots
    parts = tmp_path / "big"
    parts.mkdir()
    for i in range(10):
        with open(parts / f"part-{i}.parquet", "wb") as handle:
            handle.truncate(45 << 20)  # sparse: the size is what counts
    big = InputTable(parts, "parquet", tuple(sorted(parts.iterdir())), ("id", "text"))
    assert split_bytes(big, 2) == (450 << 20) // 8  # 56 MB: one part per task, 10 tasks, 5 waves of 2
    assert split_bytes(big, 1) == (450 << 20) // 4
    huge = InputTable(parts, "parquet", tuple(sorted(parts.iterdir())) * 3, ("id", "text"))
    assert split_bytes(huge, 1) == 128 << 20  # never above Spark's default
    small = InputTable(parts, "parquet", tuple(sorted(parts.iterdir()))[:1], ("id", "text"))
    assert split_bytes(small, 64) == 1 << 20  # never below 1 MB
