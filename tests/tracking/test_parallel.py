"""8 `topiclab run` processes started together on a fresh SQLite store: 8 FINISHED runs, a readable store."""

from __future__ import annotations

from mlflow.tracking import MlflowClient

from toy_runs import start_topiclab, toy_config

N_PARALLEL = 8


def run_in_parallel(config, uri: str, experiment: str) -> list:
    processes = [start_topiclab(["run", str(config)], uri) for _ in range(N_PARALLEL)]
    outcomes = [(p.wait(timeout=900), p.stderr.read()) for p in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    failed = [err[-2000:] for code, err in outcomes if code != 0]
    assert not failed, f"{len(failed)} of {N_PARALLEL} runs failed; first: {failed[0]}"
    client = MlflowClient(uri)
    experiment_id = client.get_experiment_by_name(experiment).experiment_id
    return client.search_runs([experiment_id])


def test_eight_runs_on_a_fresh_sqlite_store_all_finish(tmp_path):
    uri = f"sqlite:///{tmp_path / 'fresh' / 'mlflow.db'}"
    (tmp_path / "fresh").mkdir()
    runs = run_in_parallel(toy_config(tmp_path, "parallel"), uri, "parallel")
    assert len(runs) == N_PARALLEL
    assert {r.info.status for r in runs} == {"FINISHED"}
    assert all(r.data.metrics.get("nmi") is not None for r in runs)
    assert len({r.data.tags["topiclab.pid"] for r in runs}) == N_PARALLEL


def test_sweep_jobs_runs_trials_in_worker_processes_nested_under_one_parent(tmp_path, tracking_uri):
    import subprocess
    import sys

    from toy_runs import topiclab_env

    config = toy_config(tmp_path, "parallel-sweep")
    done = subprocess.run([sys.executable, "-m", "topiclab.cli", "sweep", str(config), "--grid", "cluster.k=2,3,4",
                           "--jobs", "2"], capture_output=True, text=True, env=topiclab_env(tracking_uri),
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    client = MlflowClient(tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("parallel-sweep").experiment_id])
    parent = [r for r in runs if r.data.tags.get("topiclab.sweep") == "parent"]
    trials = [r for r in runs if r.data.tags.get("topiclab.sweep") == "trial"]
    assert len(parent) == 1 and len(trials) == 3
    assert {r.info.status for r in runs} == {"FINISHED"}
    assert {r.data.tags["mlflow.parentRunId"] for r in trials} == {parent[0].info.run_id}
    worker_pids = {r.data.tags["topiclab.pid"] for r in trials}
    assert parent[0].data.tags["topiclab.pid"] not in worker_pids and 1 <= len(worker_pids) <= 2
    assert sorted(r.data.params["cluster.k"] for r in trials) == ["2", "3", "4"]
