"""The targets of issue 12: the champion of experiments/classify_seed.yaml, trained into a temporary
store and loaded in a fresh process, on the project's check sentences (data/checks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from topiclab import tracking
from topiclab.cli import app
from topiclab.config import load_classifier_config
from topiclab.paths import resolve

CHAMPION = "models:/news-topic-classifier@champion"


def test_seed_champion_meets_the_check_set_targets_in_a_fresh_process(tracking_uri, tmp_path):
    config = load_classifier_config("experiments/classify_seed.yaml")
    training = tracking.track_training(config)
    best = training.best.report
    assert any(t.report.kind == "zero_shot" for t in training.classifiers)  # always compared
    assert 0 < best.model.min_probability < 1 and best.metrics["target_coverage"] == 0.95
    inside = pd.read_csv(resolve("data/checks/in_taxonomy.csv"))
    outside = pd.read_csv(resolve("data/checks/out_of_taxonomy.csv"))
    script = (
        "import json, sys, mlflow.pyfunc, pandas as pd\n"
        f"model = mlflow.pyfunc.load_model({CHAMPION!r})\n"
        "texts = json.loads(sys.stdin.read())\n"
        "out = model.predict(pd.DataFrame({'text': texts}))\n"
        "print(json.dumps(out['label'].tolist()))\n"
    )
    env = {"MLFLOW_TRACKING_URI": tracking_uri, "PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    texts = inside["text"].tolist() + outside["text"].tolist()
    done = subprocess.run([sys.executable, "-c", script], input=json.dumps(texts), cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    labels = json.loads(done.stdout.strip().splitlines()[-1])
    ins, outs = labels[: len(inside)], labels[len(inside):]
    labelled = [(got, want) for got, want in zip(ins, inside["label"]) if got is not None]
    assert len(labelled) / len(inside) >= 0.95
    assert sum(got == want for got, want in labelled) / len(labelled) >= 0.95
    assert sum(got is None for got in outs) / len(outs) >= 0.75

    runner = CliRunner()
    printed = runner.invoke(app, ["classify", outside["text"][0], inside["text"][0]])
    assert printed.exit_code == 0, printed.output
    lines = printed.output.strip().splitlines()
    assert lines[0].startswith("(none)\t") and lines[1].startswith(f"{inside['label'][0]}\t")
    everything = runner.invoke(app, ["classify", "--min-probability", "0", outside["text"][0]])
    assert everything.exit_code == 0 and not everything.output.startswith("(none)")
    refused = runner.invoke(app, ["classify", "--min-probability", "1.5", "anything"])
    assert refused.exit_code == 1 and "min_probability must lie in [0, 1]" in str(refused.exception)


def test_zero_shot_only_training_needs_no_data(tracking_uri, tmp_path):
    config = tmp_path / "zero.yaml"
    config.write_text("name: zero\ntaxonomy: experiments/taxonomies/news.yaml\n"
                      "tracking: {experiment: zero}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["train", str(config)])
    assert result.exit_code == 0, result.output
    model = tracking.load_text_model(CHAMPION)
    out = tracking.classify_texts(model, ["Xi Jinping welcomed Vladimir Putin to Beijing for a state visit."])
    assert out["label"].tolist() == ["Russia-China relations"]
