"""Sweeps: grids from the CLI and the YAML, validated before any work, nested MLflow runs."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from topiclab.errors import TopiclabError
from topiclab.sweep import check_key, grid_params, parse_grid, plan_sweep, run_sweep
from toy_runs import ROWS


@pytest.fixture
def config_file(tmp_path):
    csv = tmp_path / "toy.csv"
    csv.write_text("id,text,label\n" + "\n".join(f"{i},{t},{l}" for i, (t, l) in enumerate(ROWS)) + "\n")
    config = {"name": "toy", "data": {"path": str(csv)}, "vectorize": {"representation": "tfidf"},
              "cluster": {"k": 3}, "topics": {"taxonomy": None}, "tracking": {"experiment": "sweep-test"},
              "sweep": {"grid": {"cluster.k": [2, 3]}}}
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_parse_grid_reads_yaml_scalars():
    assert parse_grid(["cluster.k=2,3", "vectorize.representation=tfidf,combined", "cluster.refine.C=0.5"]) == {
        "cluster.k": [2, 3], "vectorize.representation": ["tfidf", "combined"], "cluster.refine.C": [0.5]}
    with pytest.raises(TopiclabError, match="not of the form key=value1,value2"):
        parse_grid(["cluster.k"])


def test_check_key_knows_the_config_schema():
    assert check_key("cluster.refine.confident_share") == "cluster.refine.confident_share"
    assert check_key("data.dataset") == "data.dataset"
    with pytest.raises(TopiclabError, match="'cluster.kk' is not in the config"):
        check_key("cluster.kk")
    with pytest.raises(TopiclabError, match="names a section"):
        check_key("cluster.umap")
    with pytest.raises(TopiclabError, match="cannot be swept"):
        check_key("sweep.n_trials")


def test_plan_combines_the_yaml_block_and_the_cli_grid(config_file):
    plan = plan_sweep(config_file, ["vectorize.tfidf.sublinear_tf=true,false"])
    assert len(plan.trials) == 4
    combos = {(t.config.cluster.k, t.config.vectorize.tfidf.sublinear_tf) for t in plan.trials}
    assert combos == {(2, True), (2, False), (3, True), (3, False)}
    assert all(t.config.sweep is None for t in plan.trials)
    assert len({t.config.name for t in plan.trials}) == 4
    override = plan_sweep(config_file, ["cluster.k=4"])  # the CLI wins over the YAML for a key
    assert [t.config.cluster.k for t in override.trials] == [4]


def test_bad_sweeps_fail_before_any_trial(config_file, tmp_path):
    calls = []
    for grid, message in ((["cluster.nope=1,2"], "'cluster.nope' is not in the config"),
                          (["cluster.method=kmeans,magic"], "cluster.method"),
                          (["data.path=missing.csv"], "input file not found")):
        with pytest.raises(TopiclabError, match=message):
            run_sweep(plan_sweep(config_file, grid), lambda c, v: calls.append(c))
    assert calls == []
    nolabels = tmp_path / "nolabels.csv"
    nolabels.write_text("text\nfirst text here\nsecond text there\nthird one\n")
    with pytest.raises(TopiclabError, match="needs gold labels"):
        plan_sweep(config_file, [f"data.path={nolabels}", "cluster.k=2"])


def test_a_dump_labelled_by_its_gold_file_can_sweep_a_label_metric(project_root):
    # The README's example: seed_news's dump has its labels from data.gold, as `topiclab run` gives them.
    config = project_root / "experiments" / "seed_news.yaml"
    plan = plan_sweep(config, ["cluster.k=3,4"])
    assert plan.spec.objective == "nmi" and [t.config.cluster.k for t in plan.trials] == [3, 4]
    with pytest.raises(TopiclabError, match="needs gold labels, which seed_news lacks"):
        plan_sweep(config, ["cluster.k=3,4"], ["data.gold=null"])


def test_grid_params_write_each_swept_key_as_the_sweep_tries_it(config_file):
    plan = plan_sweep(config_file, ["vectorize.representation=tfidf,combined"], n_trials=2)
    plan.spec.grid["vectorize.tfidf_weight"] = {"low": 0.2, "high": 0.6}
    assert grid_params(plan.spec) == {"cluster.k": "2,3", "vectorize.representation": "tfidf,combined",
                                      "vectorize.tfidf_weight": "{high: 0.6, low: 0.2}"}


def test_run_sweep_sorts_the_summary_best_first(config_file):
    plan = plan_sweep(config_file, [])
    seen = []

    def runner(config, values):
        seen.append(values["cluster.k"])
        return {"nmi": 0.1 * config.cluster.k, "time_cluster_s": 1.0}, f"run-{config.cluster.k}"

    frame = run_sweep(plan, runner)
    assert seen == [2, 3]
    assert frame["run_id"].tolist() == ["run-3", "run-2"]
    assert frame["nmi"].tolist() == pytest.approx([0.3, 0.2])


def test_a_trial_without_the_objective_is_ranked_last_not_the_end_of_the_sweep(config_file):
    plan = plan_sweep(config_file, [], objective="silhouette")  # k=2, 3

    def runner(config, values):  # silhouette is undefined with one document per topic
        return ({"silhouette": 0.4} if config.cluster.k == 2 else {"nmi": 1.0}), f"run-{config.cluster.k}"

    frame = run_sweep(plan, runner)
    assert frame["run_id"].tolist() == ["run-2", "run-3"] and frame["silhouette"].isna().tolist() == [False, True]
    with pytest.raises(TopiclabError, match="'silhouette' is undefined in every trial"):
        run_sweep(plan, lambda config, values: ({"nmi": 1.0}, None))


def test_optuna_search_draws_from_the_ranges(config_file):
    plan = plan_sweep(config_file, ["cluster.refine.C=0.1,1.0"], n_trials=3)
    plan.spec.grid["vectorize.tfidf_weight"] = {"low": 0.2, "high": 0.6}
    values = []

    def runner(config, trial_values):
        values.append(trial_values)
        return {"nmi": config.vectorize.tfidf_weight}, None

    frame = run_sweep(plan, runner)
    assert len(frame) == 3 and plan.trials == []
    assert all(0.2 <= v["vectorize.tfidf_weight"] <= 0.6 and v["cluster.refine.C"] in (0.1, 1.0) for v in values)
    assert frame["nmi"].is_monotonic_decreasing
    with pytest.raises(TopiclabError, match="needs sweep.method: optuna"):
        from topiclab.sweep import _check_spec

        spec = plan.spec.model_copy(update={"method": "grid"})
        _check_spec(spec)


def test_tracked_sweep_nests_trials_under_a_parent_with_the_summary(config_file, shared_tracking_uri):
    from topiclab import tracking

    plan = plan_sweep(config_file, ["vectorize.representation=embedding"])  # x cluster.k: 2, 3
    frame, parent_id = tracking.track_sweep(plan)
    store = tracking.client()
    parent = store.get_run(parent_id)
    assert parent.info.status == "FINISHED" and parent.data.tags["topiclab.sweep"] == "parent"
    assert parent.data.metrics["best_nmi"] == pytest.approx(frame["nmi"].max())
    children = store.search_runs([parent.info.experiment_id], f"tags.mlflow.parentRunId = '{parent_id}'")
    assert len(children) == 2 == len(frame)
    assert {c.info.status for c in children} == {"FINISHED"}
    assert {c.info.run_id for c in children} == set(frame["run_id"])
    # The parent logs the swept keys as the grid, not the base config's values (cluster.k: 3, one more trial).
    assert parent.data.params["cluster.k"] == "2,3" and {c.data.params["cluster.k"] for c in children} == {"2", "3"}
    assert parent.data.params["vectorize.representation"] == "embedding"
    artifacts = {a.path for a in store.list_artifacts(parent_id)}
    assert {"sweep_summary.csv", "sweep_summary.md", "sweep_summary.json", "sweep.yaml"} <= artifacts
    # Trials log tables and metrics, no figures; the parent draws the best trial's.
    for child in children:
        names = {a.path for a in store.list_artifacts(child.info.run_id)}
        assert {"topics.csv", "assignments.csv"} <= names and not {n for n in names if n.endswith((".html", ".png"))}
        assert child.data.params["figures"] == "none" and "time_map_s" not in child.data.metrics
    assert "report.html" in artifacts and parent.data.tags["figures_of"] == frame.iloc[0]["run_id"]
    # The second trial reused the first one's cached embeddings.
    misses = {c.data.params["cluster.k"]: c.data.metrics["embedding_cache_misses"] for c in children}
    assert misses == {"2": len(ROWS), "3": 0}
    found = tracking.latest_sweep_summary("sweep-test", "toy")
    assert found is not None and found[0] == parent_id and len(found[1]) == 2


def test_cli_reports_a_bad_grid_key_in_one_line(config_file):
    completed = subprocess.run([sys.executable, "-m", "topiclab.cli", "sweep", str(config_file),
                                "--grid", "cluster.kk=1,2"], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 1
    assert completed.stderr.strip() == ("error: sweep grid key 'cluster.kk' is not in the config (no 'cluster.kk'); "
                                       "did you mean 'k'?")


def test_zero_optuna_trials_are_refused_before_any_run(config_file, tracking_uri):
    from mlflow.tracking import MlflowClient

    from toy_runs import topiclab_env

    with pytest.raises(TopiclabError, match="--optuna needs at least 1 trial, not 0"):
        plan_sweep(config_file, n_trials=0)
    completed = subprocess.run([sys.executable, "-m", "topiclab.cli", "sweep", str(config_file), "--objective",
                                "silhouette", "--optuna", "0"], capture_output=True, text=True,
                               env=topiclab_env(tracking_uri), timeout=120)
    assert completed.returncode == 1
    assert completed.stderr.strip() == "error: Invalid value for '--optuna': Input should be greater than or equal to 1"
    assert MlflowClient(tracking_uri).get_experiment_by_name("sweep-test") is None  # no parent run was opened


def test_an_unknown_objective_is_refused_before_any_trial_listing_the_metrics(config_file, tracking_uri):
    from mlflow.tracking import MlflowClient

    from toy_runs import topiclab_env

    with pytest.raises(TopiclabError, match=r"sweep objective 'nope' is not a metric a run logs; one of: nmi, "):
        plan_sweep(config_file, objective="nope")
    completed = subprocess.run([sys.executable, "-m", "topiclab.cli", "sweep", str(config_file), "--objective",
                                "nope"], capture_output=True, text=True, env=topiclab_env(tracking_uri), timeout=120)
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: sweep objective 'nope'") and "davies_bouldin" in lines[0]
    assert MlflowClient(tracking_uri).get_experiment_by_name("sweep-test") is None  # no trial, no parent run


def test_a_run_logs_only_metrics_a_sweep_knows(config_file):
    from topiclab.config import load_config
    from topiclab.pipeline import RUN_METRICS, run_experiment

    metrics = run_experiment(load_config(config_file, ["cluster.k=auto"])).metrics
    assert {"nmi", "silhouette", "davies_bouldin", "npmi", "chosen_k", "time_cluster_s"} <= set(metrics)
    assert set(metrics) <= set(RUN_METRICS)


def test_the_default_direction_follows_the_objective(config_file, tmp_path):
    plan = plan_sweep(config_file, objective="davies_bouldin")  # lower is better
    assert plan.spec.direction == "minimize"
    frame = run_sweep(plan, lambda config, values: ({"davies_bouldin": float(config.cluster.k)}, None))
    assert frame["davies_bouldin"].tolist() == [2.0, 3.0]  # the best, lowest, first
    assert plan_sweep(config_file).spec.direction == "maximize"  # nmi
    raw = yaml.safe_load(config_file.read_text())
    raw["sweep"].update(objective="davies_bouldin", direction="maximize")  # said explicitly: kept
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text(yaml.safe_dump(raw))
    assert plan_sweep(explicit).spec.direction == "maximize"


def test_trials_are_named_by_the_overrides_and_the_values_they_try(config_file):
    plan = plan_sweep(config_file, ["cluster.linkage=ward"], ["seed=7", "tracking.experiment=elsewhere"])
    assert plan.name == "toy[seed=7]"
    assert [t.config.name for t in plan.trials] == ["toy[seed=7,cluster.k=2,cluster.linkage=ward]",
                                                    "toy[seed=7,cluster.k=3,cluster.linkage=ward]"]
