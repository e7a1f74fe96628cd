"""The benchmark end to end on a tiny corpus: measured tables, speed, MLflow runs, report file."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import yaml

from topiclab.benchmarks import BenchmarkSettings, run_benchmark
from topiclab.errors import TopiclabError
from topiclab.benchmarks import ScalingPoint, growth_exponent, resample_embeddings

WORDS = {
    "sport": "goal striker league match coach stadium referee penalty season club",
    "markets": "shares investors profit market stocks bank earnings prices trading economy",
    "space": "rocket orbit astronaut launch satellite mission planet telescope lunar crew",
}


@pytest.fixture
def tiny(tmp_path):
    rng = np.random.default_rng(0)
    rows = [f"{label}{i},{' '.join(rng.choice(words.split(), 8))},{label}"
            for label, words in WORDS.items() for i in range(10)]
    csv = tmp_path / "tiny.csv"
    csv.write_text("id,text,label\n" + "\n".join(rows) + "\n")
    config = {"name": "tiny", "data": {"path": str(csv)}, "cluster": {"k": 3},
              "vectorize": {"representation": "combined", "tfidf_weight": 0.4},
              "topics": {"taxonomy": None, "keywords": "coherent"}, "tracking": {"experiment": "tiny-bench"}}
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(config))
    return csv, path


def test_growth_exponent_and_resampling():
    points = [ScalingPoint(n, 2e-6 * n ** 1.5, 0, 0) for n in (100, 1000, 10000)]
    assert growth_exponent(points) == pytest.approx(1.5, abs=1e-6)
    base = np.eye(4, dtype=np.float32)
    sample = resample_embeddings(base, 50, noise=0.01, seed=1)
    assert sample.shape == (50, 4)
    assert np.allclose(np.linalg.norm(sample, axis=1), 1.0, atol=1e-5)
    assert (sample.max(axis=1) > 0.99).all()  # each row stays next to a real one


def test_benchmark_writes_a_report_of_measured_runs(tiny, tmp_path, shared_tracking_uri):
    from topiclab import tracking

    csv, config = tiny
    settings = BenchmarkSettings(datasets=[str(csv)], configs={str(csv): str(config)}, topic_counts=(4,),
                                 baselines=("nmf",), speed_dataset=str(csv), overhead=False,
                                 scaling_sizes=(60, 120), experiment="tiny-bench")
    out = run_benchmark(tmp_path / "BENCH.md", settings=settings, log=lambda _: None)
    text = out.read_text()
    for heading in ("## Targets", "## Quality: ", "## Topic quality", "### tiny, 4 topics",
                    "## Speed", "cold vs warm", "Clustering stage at growing sizes", "## Machine and versions"):
        assert heading in text
    for method in ("topiclab (config)", "topiclab k-means on MiniLM", "nmf",
                   "topiclab config, c-TF-IDF keywords"):
        assert f"| {method} |" in text
    assert "logical cores" in text and "scikit-learn" in text
    assert "Fitted growth exponent" in text and "| 120 |" in text
    assert "Supervised ceiling" in text and "logistic regression on MiniLM alone" in text

    store = tracking.client()
    experiment = store.get_experiment_by_name("tiny-bench")
    parents = store.search_runs([experiment.experiment_id], "tags.`topiclab.benchmark` = 'parent'")
    assert len(parents) == 1 and parents[0].info.status == "FINISHED"
    parent = parents[0]
    assert "warm_run_s" in parent.data.metrics and "clustering_growth_exponent" in parent.data.metrics
    ceiling = parent.data.metrics["ceiling_tiny_configured_nmi"]
    row = next(line for line in text.splitlines() if "logistic regression on our configured features" in line)
    assert 0.0 <= ceiling <= 1.0 and f"| {ceiling:.3f} |" in row
    children = store.search_runs([experiment.experiment_id], f"tags.mlflow.parentRunId = '{parent.info.run_id}'")
    assert len(children) == 3 + 4  # k = labels: 2 ours + nmf; 4 topics: 3 ours + nmf
    nmi = {c.info.run_name: c.data.metrics["nmi"] for c in children}
    assert f"{nmi['tiny:nmf']:.3f}" in text  # the table shows the logged, measured numbers
    assert {c.data.tags["data_hash"] for c in children} == {hashlib.sha256(csv.read_bytes()).hexdigest()}
    assert "BENCH.md" in {a.path for a in store.list_artifacts(parent.info.run_id)}


def test_benchmark_rejects_an_unknown_dataset_before_any_work(tmp_path):
    with pytest.raises(TopiclabError, match="unknown dataset 'nonesuch'"):
        run_benchmark(tmp_path / "B.md", datasets=["nonesuch"], settings=BenchmarkSettings(track=False))
    assert not (tmp_path / "B.md").exists()
