"""Spark workers run the embedding backend the driver resolved: ``auto`` is never timed in a worker."""

from __future__ import annotations

from pathlib import Path

import topiclab.spark._jobs as jobs
import topiclab.vectorize._auto as auto
from topiclab.spark import SparkJob, embed_table, worker_embedder_options


def test_auto_is_resolved_on_the_driver_and_passed_to_the_workers(monkeypatch, tmp_path):
    asked = []

    def drivers_choice(model, backend="auto"):
        asked.append(backend)
        return "onnx" if backend == "auto" else backend

    monkeypatch.setattr(auto, "resolve_backend", lambda model: drivers_choice(model))
    sent = {}

    def no_spark(job, frame_of, fields, batches):  # what mapInPandas would ship to every worker
        sent["options"] = batches(None).args[0]
        return jobs.JobReport(0, 0.0, 0.0)

    monkeypatch.setattr(jobs, "_run", no_spark)
    job = SparkJob(table=None, output=Path(tmp_path / "out"))
    embed_table(job, {"model": "all-MiniLM-L6-v2", "batch_size": 8, "cache_dir": None})  # backend left out: auto
    assert sent["options"]["backend"] == "onnx" and asked == ["auto"]
    embed_table(job, {"model": "all-MiniLM-L6-v2", "backend": "torch-bf16"})
    assert sent["options"]["backend"] == "torch-bf16" and asked == ["auto"]  # a named backend is not timed


def test_the_default_backend_resolves_from_the_record(monkeypatch):
    # conftest's record names torch for this machine: the options say torch, not auto
    assert worker_embedder_options({"model": "all-MiniLM-L6-v2"})["backend"] == "torch"
