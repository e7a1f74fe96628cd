"""``topiclab update`` end to end on the check sentences (data/checks), in a temporary store.

A run fits on the Balkans and Russia-China sentences without the election ones; an update
with a batch holding the rest of them and every election sentence finds exactly one new
topic, named "Elections" by the news taxonomy, with the old topics' ids and names unchanged.
Bad inputs are one line, exit 1, no run, and the registered model as it was.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from topiclab import tracking
from topiclab.cli import app
from topiclab.errors import TopiclabError
from topiclab.paths import PROJECT_ROOT

EXPERIMENT = "update-checks"
REGISTERED = f"{EXPERIMENT}-topics"


def _invoke(args: list[str]):
    return CliRunner().invoke(app, args)


def _run_id(output: str) -> str:
    return re.search(r"MLflow run id: ([0-9a-f]{32})", output).group(1)


def _artifact(run_id: str, name: str, folder) -> pd.DataFrame:
    return pd.read_csv(tracking.client().download_artifacts(run_id, name, str(folder)), keep_default_na=False)


@pytest.fixture(scope="module")
def checks(module_store, tmp_path_factory):
    """The fit run and the first update (through the champion), run once for the module's tests."""
    folder = tmp_path_factory.mktemp("checks")
    sentences = pd.read_csv(PROJECT_ROOT / "data/checks/in_taxonomy.csv")
    old = sentences[sentences["label"] != "Elections"]
    fit = old.groupby("label").head(10)
    batch = pd.concat([old.drop(fit.index), sentences[sentences["label"] == "Elections"]])
    batch = batch.sample(frac=1.0, random_state=3)  # elections among the others
    fit[["id", "text"]].to_csv(folder / "fit.csv", index=False)
    batch[["id", "text"]].to_csv(folder / "batch.csv", index=False)
    config = folder / "checks.yaml"
    config.write_text(f"name: checks\nseed: 42\ndata: {{path: {folder / 'fit.csv'}}}\n"
                      "cluster: {method: kmeans, k: 2}\n"
                      f"topics: {{taxonomy: {PROJECT_ROOT / 'experiments/taxonomies/news.yaml'}, coherence: false}}\n"
                      f"figures: summary\ntracking: {{experiment: {EXPERIMENT}}}\n", encoding="utf-8")
    fitted = _invoke(["run", str(config)])
    assert fitted.exit_code == 0, fitted.output
    fit_run = _run_id(fitted.output)
    updated = _invoke(["update", f"models:/{REGISTERED}@champion", "--file", str(folder / "batch.csv")])
    assert updated.exit_code == 0, updated.output
    champion = tracking.client().get_model_version_by_alias(REGISTERED, "champion")
    return {"champion": (champion.run_id, int(champion.version)), "folder": folder, "fit": fit, "batch": batch,
            "fit_run": fit_run, "update_output": updated.output, "update_run": _run_id(updated.output),
            "config": config}


def test_the_election_sentences_become_one_new_topic_named_elections(checks, tmp_path):
    store = tracking.client()
    fit_model = tracking.load_topic_model(f"runs:/{checks['fit_run']}/topic_model").get_raw_model()
    new_model = tracking.load_topic_model(f"runs:/{checks['update_run']}/topic_model").get_raw_model()
    assert sorted(fit_model.labels_.values()) == ["Balkans diplomacy", "Russia-China relations"]
    old_ids = fit_model.topic_ids_.tolist()
    lineage = _artifact(checks["update_run"], "lineage.csv", tmp_path)
    born = lineage[lineage["status"] == "new"]
    assert len(born) == 1  # exactly one new topic
    new_id = int(born["topic"].iloc[0])
    assert new_id == max(old_ids) + 1 and new_model.labels_[new_id] == "Elections"
    assert new_model.topic_ids_.tolist() == [*old_ids, new_id]
    assert {t: new_model.labels_[t] for t in old_ids} == fit_model.labels_  # old ids, old names
    assert set(lineage["status"]) == {"grew", "new"}

    assignments = _artifact(checks["update_run"], "assignments.csv", tmp_path)
    batch = checks["batch"]
    assert list(assignments.columns) == ["id", "topic", "topic_label", "similarity"]
    assert assignments["id"].tolist() == batch["id"].tolist()  # a row per input row, in input order
    elections = assignments[batch["label"].eq("Elections").to_numpy()]
    others = assignments[~batch["label"].eq("Elections").to_numpy()]
    assert (elections["topic"] == new_id).mean() >= 0.8
    assert (others["topic_label"].to_numpy() == batch.loc[batch["label"] != "Elections", "label"].to_numpy()).mean() \
        >= 0.75  # the rest join their old topic (or are outliers of the batch)
    assert not (others["topic"] == new_id).any()

    run = store.get_run(checks["update_run"])
    assert run.info.status == "FINISHED"
    assert run.data.tags["mlflow.parentRunId"] == checks["fit_run"]
    metrics = run.data.metrics
    assert metrics["n_new_topics"] == 1
    assert metrics["assigned_share"] == pytest.approx(assignments["topic"].isin(old_ids).mean())
    assert metrics["outlier_share"] == pytest.approx((assignments["topic"] == -1).mean())
    artifacts = {a.path for a in store.list_artifacts(checks["update_run"])}
    assert {"assignments.csv", "lineage.csv", "topics.csv", "topics_over_time.csv", "report.html", "topic_model",
            "config.yaml"} <= artifacts
    over_time = _artifact(checks["update_run"], "topics_over_time.csv", tmp_path)
    assert list(dict.fromkeys(over_time["bin"])) == ["fit", "batch"]
    assert over_time.groupby("bin")["documents"].sum().to_dict() == {"fit": 20, "batch": len(batch)}
    # the next version of the registered model, and the champion, since the model it updated was
    assert checks["champion"] == (checks["update_run"], 2)

    output = checks["update_output"]
    assert re.search(rf"│ {new_id}\s+│ NEW\s+│ Elections", output)
    assert f"MLflow run id: {checks['update_run']}" in output and "n_new_topics=1" in output


def test_an_update_of_an_update_is_its_child_and_topics_over_time_span_every_batch(checks, tmp_path):
    update_run = checks["update_run"]
    again = _invoke(["update", f"runs:/{update_run}/topic_model", "--file", str(checks["folder"] / "batch.csv"),
                     "--batch-name", "again"])
    assert again.exit_code == 0, again.output
    run_id = _run_id(again.output)
    assert "no new topic: every document joined an old topic" in again.output
    run = tracking.client().get_run(run_id)
    assert run.data.tags["mlflow.parentRunId"] == update_run and run.data.metrics["n_new_topics"] == 0
    over_time = _artifact(run_id, "topics_over_time.csv", tmp_path)
    assert list(dict.fromkeys(over_time["bin"])) == ["fit", "batch", "again"]
    assert set(_artifact(run_id, "lineage.csv", tmp_path)["status"]) <= {"kept", "grew"}
    report = tracking.client().download_artifacts(run_id, "report.html", str(tmp_path))
    assert 'id="topics_over_time"' in open(report, encoding="utf-8").read()


def _older_model_run(checks) -> str:
    """A run whose topic model lacks the update state, as topiclab before updates logged it."""
    import mlflow

    model = tracking.load_topic_model(f"runs:/{checks['fit_run']}/topic_model").get_raw_model()
    for name in ("sizes_", "member_quantiles_", "word_counts_", "batches_"):
        delattr(model, name)
    with tracking.tracked_run(EXPERIMENT, "older") as run:
        mlflow.log_artifact(str(checks["config"]), "config")
        tracking.log_topic_model(model, checks["fit"]["text"].tolist())
        return run.info.run_id


@pytest.mark.parametrize("case", ["no text column", "empty batch", "older model", "another backend"])
def test_bad_inputs_are_one_line_with_no_run_and_the_registry_unchanged(checks, case):
    folder, store = checks["folder"], tracking.client()
    model, extra = f"models:/{REGISTERED}@champion", []
    if case == "no text column":
        checks["batch"].rename(columns={"text": "body"}).to_csv(folder / "bad.csv", index=False)
        expected = "has no 'text' column"
    elif case == "empty batch":
        (folder / "bad.csv").write_text("id,text\n", encoding="utf-8")
        expected = "corpus is empty"
    elif case == "older model":
        checks["batch"].to_csv(folder / "bad.csv", index=False)
        model, expected = f"runs:/{_older_model_run(checks)}/topic_model", "older topiclab"
    else:
        checks["batch"].to_csv(folder / "bad.csv", index=False)
        extra, expected = ["--set", "vectorize.embedding.backend=onnx"], "embedded with"
    experiment = store.get_experiment_by_name(EXPERIMENT).experiment_id
    runs_before = {r.info.run_id for r in store.search_runs([experiment])}
    versions_before = {v.version for v in store.search_model_versions(f"name = '{REGISTERED}'")}
    champion_before = store.get_model_version_by_alias(REGISTERED, "champion").version
    refused = _invoke(["update", model, "--file", str(folder / "bad.csv"), *extra])
    assert refused.exit_code == 1 and isinstance(refused.exception, TopiclabError), refused.output
    assert expected in str(refused.exception) and "\n" not in str(refused.exception)
    assert {r.info.run_id for r in store.search_runs([experiment])} == runs_before
    assert not store.search_runs([experiment], "attributes.status = 'RUNNING'")
    assert {v.version for v in store.search_model_versions(f"name = '{REGISTERED}'")} == versions_before
    assert store.get_model_version_by_alias(REGISTERED, "champion").version == champion_before
