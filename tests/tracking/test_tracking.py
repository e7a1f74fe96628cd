import pytest
from mlflow.tracking import MlflowClient

from topiclab import load_config
from topiclab.errors import TopiclabError
from topiclab.tracking import track_experiment


def test_seed_experiment_is_logged_and_readable(tracking_uri):
    config = load_config("experiments/seed_news.yaml")
    result, run_id = track_experiment(config, config_path="experiments/seed_news.yaml")
    run = MlflowClient(tracking_uri).get_run(run_id)
    assert run.info.status == "FINISHED"
    assert run.data.params["cluster.method"] == config.cluster.method
    assert run.data.params["data.path"] == "data/raw/seed_news.txt"
    # the default, auto, resolved through the machine's record (conftest's names torch) and logged with its
    # cosine to torch, so `backend: torch` reproduces the run
    assert run.data.params["vectorize.embedding.backend"] == "auto"
    assert run.data.params["vectorize.embedding.backend_resolved"] == "torch"
    assert float(run.data.params["vectorize.embedding.backend_cosine"]) == 1.0
    assert run.data.params["vectorize.embedding.cpu"]
    assert run.data.metrics["time_logging_s"] > 0 and "time_startup_s" not in run.data.metrics  # not a CLI run
    assert run.data.metrics["line_accuracy"] == pytest.approx(result.metrics["line_accuracy"])
    assert 0.0 <= run.data.metrics["nmi"] <= 1.0
    assert run.data.tags["data_hash"] == result.corpus.content_hash
    assert run.data.tags["topiclab.version"]
    assert run.data.tags["git_commit"]
    artifacts = {a.path for a in MlflowClient(tracking_uri).list_artifacts(run_id)}
    assert {"topics.csv", "assignments.csv", "report.html", "topic_sizes.png", "config.yaml"} <= artifacts
    assert not any(name.endswith(".html") and name != "report.html" for name in artifacts)  # one page, one plotly.js
    datasets = run.inputs.dataset_inputs
    assert datasets and datasets[0].dataset.name == "seed_news"
    local = MlflowClient(tracking_uri).download_artifacts(run_id, "topics.csv")
    with open(local, encoding="utf-8") as handle:
        assert "Balkans diplomacy" in handle.read()


def test_a_run_records_its_backend_and_its_topic_model_assigns_with_it(tracking_uri):
    config = load_config("experiments/seed_news.yaml", ["vectorize.embedding.backend=onnx-int8",
                                                        "tracking.experiment=backends"])
    result, run_id = track_experiment(config)
    params = MlflowClient(tracking_uri).get_run(run_id).data.params
    assert params["vectorize.embedding.backend"] == params["vectorize.embedding.backend_resolved"] == "onnx-int8"
    assert result.topic_model.embedding_backend == "onnx-int8"


def test_auto_logs_the_recorded_choice_and_its_cosine(tracking_uri, tmp_path, monkeypatch):
    import json

    from topiclab.vectorize import AGREEMENT, CANDIDATES, machine

    record = tmp_path / "embedding_backend.json"  # a machine where auto chose onnx, 0.99999 to torch
    record.write_text(json.dumps({"all-MiniLM-L6-v2": {
        "backend": "onnx", "cosine": 0.99999, "cpu": machine(), "agreement_needed": AGREEMENT,
        "candidates": list(CANDIDATES)}}))
    monkeypatch.setenv("TOPICLAB_AUTO_RECORD", str(record))
    config = load_config("experiments/seed_news.yaml", ["tracking.experiment=backends", "figures=none"])
    result, run_id = track_experiment(config)
    params = MlflowClient(tracking_uri).get_run(run_id).data.params
    assert params["vectorize.embedding.backend"] == "auto"
    assert params["vectorize.embedding.backend_resolved"] == "onnx" == result.topic_model.embedding_backend
    assert float(params["vectorize.embedding.backend_cosine"]) == 0.99999


def test_failing_run_is_ended_failed_with_its_error(tracking_uri):
    config = load_config("experiments/seed_news.yaml", ["cluster.k=99", "tracking.experiment=failing"])
    with pytest.raises(TopiclabError, match="larger than the number of documents"):
        track_experiment(config)
    client = MlflowClient(tracking_uri)
    experiment = client.get_experiment_by_name("failing")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FAILED"
    assert "larger than the number of documents" in run.data.tags["error"]
