"""Bad input: one-line errors, non-zero exit, no traceback, no MLflow run left RUNNING.

Every bad input is checked through the tracked pipeline in-process; the
command line's formatting and exit codes are checked in subprocesses.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from mlflow.tracking import MlflowClient

from topiclab import load_config
from topiclab.errors import TopiclabError
from topiclab.paths import PROJECT_ROOT
from topiclab.tracking import track_experiment

TOPICLAB = [sys.executable, "-m", "topiclab.cli"]


def run_cli(args, tracking_uri):
    env = {**os.environ, "MLFLOW_TRACKING_URI": tracking_uri}
    return subprocess.run(TOPICLAB + args, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT,
                          timeout=300)


def error_line(completed):
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, completed.stderr
    return lines[0]


def runs_of(tracking_uri, experiment):
    client = MlflowClient(tracking_uri)
    found = client.get_experiment_by_name(experiment)
    return client.search_runs([found.experiment_id]) if found else []


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make_input, message",
    [
        (lambda d: d / "missing.txt", "input file not found"),
        (lambda d: write(d / "empty.txt", b"\n  \n"), "corpus is empty"),
        (lambda d: write(d / "latin1.txt", b"na\xefve caf\xe9\n"), "is not UTF-8 text"),
        (lambda d: write(d / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "is not UTF-8 text"),
    ],
)
def test_bad_input_ends_run_failed(tmp_path, shared_tracking_uri, make_input, message):
    experiment = f"bad-{uuid.uuid4().hex[:8]}"
    config = load_config("experiments/seed_news.yaml", [f"data.path={make_input(tmp_path)}", "data.gold=null",
                                                        f"tracking.experiment={experiment}"])
    with pytest.raises(TopiclabError, match=message) as error:
        track_experiment(config)
    assert "\n" not in str(error.value)
    (run,) = runs_of(shared_tracking_uri, experiment)
    assert run.info.status == "FAILED" and message in run.data.tags["error"]


def test_k_larger_than_corpus_ends_run_failed(shared_tracking_uri):
    experiment = f"bad-{uuid.uuid4().hex[:8]}"
    config = load_config("experiments/seed_news.yaml", ["cluster.k=500", f"tracking.experiment={experiment}"])
    with pytest.raises(TopiclabError, match=r"cluster\.k=500 is larger than the number of documents"):
        track_experiment(config)
    (run,) = runs_of(shared_tracking_uri, experiment)
    assert run.info.status == "FAILED"


def test_cli_bad_input_file_is_one_line_and_exit_1(tmp_path, shared_tracking_uri):
    experiment = f"cli-{uuid.uuid4().hex[:8]}"
    latin1 = write(tmp_path / "latin1.txt", b"caf\xe9\n")
    completed = run_cli(["run", "experiments/seed_news.yaml", "--set", f"data.path={latin1}",
                         "--set", f"tracking.experiment={experiment}"], shared_tracking_uri)
    assert "is not UTF-8 text" in error_line(completed)
    assert [run.info.status for run in runs_of(shared_tracking_uri, experiment)] == ["FAILED"]


@pytest.mark.parametrize(
    "override, message",
    [
        ("cluster.kk=3", "cluster.kk: unknown key"),
        ("cluster.k=three", "cluster.k: Input should be a valid integer"),
    ],
)
def test_cli_bad_config_starts_no_run(shared_tracking_uri, override, message):
    experiment = f"cli-{uuid.uuid4().hex[:8]}"
    completed = run_cli(["run", "experiments/seed_news.yaml", "--set", override,
                         "--set", f"tracking.experiment={experiment}"], shared_tracking_uri)
    assert message in error_line(completed)
    assert runs_of(shared_tracking_uri, experiment) == []


def test_traceback_flag_shows_the_stack(shared_tracking_uri):
    completed = run_cli(["--traceback", "run", "experiments/nope.yaml"], shared_tracking_uri)
    assert completed.returncode != 0
    assert "Traceback" in completed.stderr and "config file not found" in completed.stderr


def test_run_prints_topic_table_and_run_id(shared_tracking_uri):
    completed = run_cli(["run", "experiments/seed_news.yaml"], shared_tracking_uri)
    assert completed.returncode == 0, completed.stderr
    for text in ("Balkans diplomacy", "Elections", "Russia-China relations", "MLflow run id:", "topiclab ui"):
        assert text in completed.stdout
    run_id = completed.stdout.split("MLflow run id:")[1].split()[0]
    run = MlflowClient(shared_tracking_uri).get_run(run_id)
    assert run.info.status == "FINISHED"
    assert "warning" not in completed.stderr
    # what is not the pipeline's work is measured too: the process's start-up and the tracking
    assert run.data.metrics["time_startup_s"] > 0 and run.data.metrics["time_logging_s"] > 0


def test_a_run_where_every_document_is_an_outlier_says_so_and_why(shared_tracking_uri):
    """5 articles, HDBSCAN's default smallest cluster of 10: a finished run with no topic, and a warning."""
    completed = run_cli(["run", "experiments/seed_news.yaml", "--set", "cluster.method=umap_hdbscan",
                         "--set", "cluster.umap.n_neighbors=2"], shared_tracking_uri)
    assert completed.returncode == 0, completed.stderr
    assert "n_topics=0" in completed.stdout
    warnings = [line for line in completed.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: every document is an outlier (no topic): umap_hdbscan found no group of "
                        "cluster.hdbscan.min_cluster_size=10 among 5 documents, and accuracy scores the outliers "
                        "as one group; lower min_cluster_size, or use cluster.method: kmeans"]


def test_help_says_what_topiclab_does_and_every_command_shows_an_example():
    from typer.main import get_command

    from topiclab.cli import app

    group = get_command(app)
    assert "news topic clustering and classification" in group.help
    assert "segments raw news dumps" in group.help
    for name, command in group.commands.items():
        last = command.help.strip().splitlines()[-1]
        assert last.startswith("Example: topiclab "), (name, last)
        assert f"topiclab {name}" in last, (name, last)
    completed = subprocess.run([*TOPICLAB, "run", "--help"], capture_output=True, text=True)
    assert completed.returncode == 0 and "Example: topiclab run experiments/seed_news.yaml" in completed.stdout


NEWS_ROWS = [
    "The oil company raised its profit forecast as crude prices climbed.",
    "Shares in the airline fell after it cut its summer flight schedule.",
    "The refinery group and the carrier both blamed higher fuel costs for weaker results.",
    "Investors sold airline stocks when jet fuel prices jumped again.",
    "The striker scored twice as the home side won the cup final.",
    "The coach praised his defenders after a goalless draw away from home.",
    "The club signed a young midfielder before the transfer window closed.",
    "The champions lost their first league match of the season.",
    "Voters queued outside polling stations as the presidential election began.",
    "The opposition candidate conceded defeat once the ballots were counted.",
    "Turnout in the regional election was the lowest in twenty years.",
    "Campaign officials said the polls showed a tight race for the mayor's office.",
]
SEED_NAMES = ("Balkans diplomacy", "Elections", "Russia-China relations")


def test_a_users_minimal_config_names_no_topic_after_the_seeds_taxonomy(tmp_path, shared_tracking_uri):
    """name and data.path only, on news of the user's own: no taxonomy, topics named by their keywords."""
    import csv

    from topiclab import run_experiment
    from topiclab.config import config_from_dict

    table = tmp_path / "news.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text"], *[[row] for row in NEWS_ROWS]])
    (tmp_path / "mine.yaml").write_text(f"name: mine\ndata:\n  path: {table}\n", encoding="utf-8")
    completed = run_cli(["run", str(tmp_path / "mine.yaml")], shared_tracking_uri)
    assert completed.returncode == 0, completed.stderr
    assert not [name for name in SEED_NAMES if name in completed.stdout], completed.stdout
    run_id = completed.stdout.split("MLflow run id:")[1].split()[0]
    # its runs go to an experiment of its own name, as README's `runs list --experiment my_news` says
    assert run_id in [run.info.run_id for run in runs_of(shared_tracking_uri, "mine")]
    assert "topic model: mine-topics version" in completed.stderr
    params = MlflowClient(shared_tracking_uri).get_run(run_id).data.params
    # a run logs the settings its method reads: with no taxonomy, guided seeding is not among them
    assert params.get("topics.taxonomy", "None") in ("None", "") and params.get("topics.guided", "False") == "False"
    # The control: the seed's taxonomy named on the same news does name topics after it (the old default).
    seeded = run_experiment(config_from_dict({"name": "mine", "data": {"path": str(table)},
                                              "topics": {"taxonomy": "experiments/taxonomies/news.yaml",
                                                         "guided": True, "label_threshold": 0.3}}))
    assert {t.label.split(" (")[0] for t in seeded.topics} & set(SEED_NAMES)


@pytest.mark.parametrize("content, message", [
    ("topics: []\n", "lists no topics"),
    ("topics:\n  - {name: sport, description: games}\n  - {name: sport, description: matches}\n",
     "repeats topic name(s): sport"),
])
def test_cli_bad_taxonomy_is_one_line_and_leaves_no_run_running(tmp_path, shared_tracking_uri, content, message):
    experiment = f"cli-{uuid.uuid4().hex[:8]}"
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(content, encoding="utf-8")
    completed = run_cli(["run", "experiments/seed_news.yaml", "--set", f"topics.taxonomy={taxonomy}",
                         "--set", f"tracking.experiment={experiment}"], shared_tracking_uri)
    assert message in error_line(completed)
    assert [run.info.status for run in runs_of(shared_tracking_uri, experiment)] in ([], ["FAILED"])
