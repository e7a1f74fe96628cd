"""The segmentation harness: synthetic dumps, scores, boundary model, CLI and MLflow runs."""

import itertools
import json
import sys

import numpy as np
import pytest
from mlflow.tracking import MlflowClient

from topiclab.data import Document
from topiclab.errors import TopiclabError
from topiclab.segment import Dump, FixedSegmenter, LearnedSegmenter, LineSegmenter
from topiclab.segment import (build_dump, build_dumps, evaluate_segmenter, load_articles,
                                   score_segmentation, tune_threshold)
from topiclab.data import split_of
from topiclab.segment import FEATURE_NAMES, gap_features
from topiclab.segment import (decode_boundaries, fit_boundary_model, load_boundary_model,
                                    save_boundary_model)

TOPICS = {
    "sport": "The striker scored twice in the cup final. The home fans sang until the whistle. "
             "Their coach praised the defence after the match. The club now leads the league.",
    "markets": "Shares fell sharply on the stock exchange. Investors sold bank stocks all day. "
               "The central bank kept interest rates unchanged. Bond yields rose again.",
    "weather": "Heavy rain flooded the valley overnight. Rivers burst their banks near the town. "
               "Forecasters expect more storms this week. Farmers lost their crops to the water.",
    "space": "The rocket carried a new satellite into orbit. Engineers tracked the launch from the "
             "control room. The probe will study the moon. Its telescope sends images daily.",
}


def articles(copies=3):
    return [Document(id=f"{topic}-{i}", text=text, label=topic)
            for i in range(copies) for topic, text in TOPICS.items()]


def test_synthetic_dump_boundaries_are_the_article_starts():
    dump = build_dump(articles(1), seed=3)
    assert dump.n_articles == 4 and len(dump.lines) == 16  # four sentences per article
    starts = [0] + list(np.flatnonzero(dump.boundaries) + 1)
    assert len(starts) == 4
    for start, article_id in zip(starts, dump.article_ids):
        assert dump.lines[start] == TOPICS[article_id.split("-")[0]].split(". ")[0] + "."
    assert build_dump(articles(1), seed=3).lines == dump.lines  # same seed, same dump
    assert any(build_dump(articles(1), seed=s).article_ids != dump.article_ids for s in range(4, 10))


def test_paragraph_dumps_and_truncation():
    dump = build_dump(articles(2), seed=1, unit="paragraph", max_sentences=3, truncate_share=1.0)
    ends = [len(dump.lines) - 1] + list(np.flatnonzero(dump.boundaries))
    assert all(not dump.lines[i].endswith(".") for i in ends)  # every article cut mid-sentence
    with pytest.raises(TopiclabError, match="unknown dump unit"):
        build_dump(articles(1), seed=1, unit="word")


def test_dumps_split_articles_and_refuse_too_few():
    dumps = build_dumps(articles(3), n_dumps=3, articles_per_dump=4, seed=0)
    ids = [i for d in dumps for i in d.article_ids]
    assert len(ids) == len(set(ids)) == 12
    with pytest.raises(TopiclabError, match="articles per dump"):
        build_dumps(articles(1), n_dumps=1, articles_per_dump=10, seed=0)


def test_split_of_is_stable_and_balanced():
    halves = [split_of(str(i)) for i in range(2000)]
    assert halves == [split_of(str(i)) for i in range(2000)]
    assert 0.45 < halves.count("eval") / 2000 < 0.55


def test_evaluate_baselines_on_a_synthetic_dump():
    dumps = build_dumps(articles(3), n_dumps=2, articles_per_dump=6, seed=0)
    every_line = evaluate_segmenter(LineSegmenter(), dumps)
    assert every_line["recall"] == 1.0 and every_line["precision"] == pytest.approx(10 / 46)
    assert every_line["pk"] > 0 and every_line["n_articles"] == 12
    exact = evaluate_segmenter(FixedSegmenter(4), dumps)  # every article has four sentences
    assert exact["pk"] == 0 and exact["f1"] == 1.0


def test_boundary_model_learns_and_round_trips(tmp_path):
    train = build_dumps(articles(3), n_dumps=3, articles_per_dump=4, seed=0)
    features = np.vstack([gap_features(d.lines, None) for d in train])
    model = fit_boundary_model(features, np.concatenate([d.boundaries for d in train]), seed=0)
    held = build_dumps(articles(3), n_dumps=2, articles_per_dump=6, seed=50)
    probabilities = [model.probabilities(gap_features(d.lines, None)) for d in held]
    model.threshold, pk = tune_threshold(probabilities, held)
    assert pk < evaluate_segmenter(LineSegmenter(), held)["pk"]
    path = save_boundary_model(model, tmp_path / "model.json")
    again = load_boundary_model(path)
    assert again.members == model.members and again.threshold == model.threshold
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    with pytest.raises(TopiclabError, match="expects"):
        again.probabilities(np.zeros((2, 3)))


def _brute_force(probabilities, complete, threshold, penalty):
    """Best score over all 2^n boundary sets (the objective decode_boundaries maximises)."""
    gain = np.log(probabilities / (1 - probabilities)) - np.log(threshold / (1 - threshold))
    best = -np.inf
    for bits in itertools.product([False, True], repeat=len(probabilities)):
        flags = np.array(bits)
        starts = np.concatenate([[0], np.flatnonzero(flags) + 1, [len(complete)]])
        score = gain[flags].sum() - penalty * sum(complete[a] for a, b in zip(starts[:-1], starts[1:])
                                                   if b - a == 1)
        best = max(best, score)
    return best


def test_decoding_is_the_threshold_rule_plus_a_one_line_prior():
    p = np.array([0.9, 0.2, 0.8, 0.95])
    complete = np.array([1, 1, 0, 1, 1])
    assert list(decode_boundaries(p, complete, 0.5)) == [True, False, True, True]
    # Line 1 alone would be a complete one-line article: the prior removes that boundary,
    # but line 3 (cut off mid-sentence) may stand alone; line 4 cannot.
    assert list(decode_boundaries(p, complete, 0.5, 10.0)) == [False, False, True, False]
    rng = np.random.default_rng(0)
    for _ in range(30):
        p, complete = rng.uniform(0.01, 0.99, 6), rng.integers(0, 2, 7)
        threshold, penalty = rng.uniform(0.1, 0.9), rng.uniform(0, 5)
        flags = decode_boundaries(p, complete, threshold, penalty)
        gain = np.log(p / (1 - p)) - np.log(threshold / (1 - threshold))
        starts = np.concatenate([[0], np.flatnonzero(flags) + 1, [7]])
        score = gain[flags].sum() - penalty * sum(complete[a] for a, b in zip(starts[:-1], starts[1:])
                                                   if b - a == 1)
        assert score == pytest.approx(_brute_force(p, complete, threshold, penalty))


def test_shipped_model_matches_the_features_and_records_its_training():
    model = load_boundary_model()
    assert model.feature_names == FEATURE_NAMES and 0 < model.threshold < 1
    assert model.info["split"] == "train" and "validation_pk" in model.info


def test_bad_model_files_are_one_line_errors(tmp_path):
    with pytest.raises(TopiclabError, match="not found"):
        load_boundary_model(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(TopiclabError, match="unreadable"):
        LearnedSegmenter(load_boundary_model(broken))


def test_only_the_default_segmentation_benchmark_as_committed_is_the_default(tmp_path, project_root):
    from topiclab.cli._segmentation import is_default_benchmark

    assert is_default_benchmark("experiments/segmentation.yaml", [])
    assert is_default_benchmark(str(project_root / "experiments" / "segmentation.yaml"), [])
    assert not is_default_benchmark("experiments/segmentation.yaml", ["data.articles_per_dump=20"])
    (tmp_path / "mine.yaml").write_text("name: mine\n")
    assert not is_default_benchmark(str(tmp_path / "mine.yaml"), [])


def test_a_segmentation_report_without_the_learned_segmenter_is_refused_in_one_line(project_root):
    from topiclab.config import load_segment_eval_config

    with pytest.raises(TopiclabError, match="pages: the report needs a segmenter named 'learned'"):
        load_segment_eval_config(project_root / "experiments" / "segmentation.yaml",
                                 ["segmenters={fixed: {method: fixed}}", "baseline=fixed"])


def test_cli_segment_eval_of_a_changed_benchmark_writes_no_report_unless_told(tmp_path, tracking_uri,
                                                                              monkeypatch, capsys):
    table = tmp_path / "news.csv"
    table.write_text("id,text,label\n" + "\n".join(f'"{a.id}{i}","{a.text}",{a.label}'
                                                   for i in range(3) for a in articles(1)) + "\n")
    pages = tmp_path / "pages.jsonl"
    pages.write_text("".join(json.dumps({"id": f"{a.id}{i}", "label": a.label, "title": f"{a.label} news {i}",
                                         "text": a.text.replace(". ", ".\n")}) + "\n"
                             for i in range(3) for a in articles(1)))
    report = tmp_path / "REPORT.md"
    config = tmp_path / "segmentation.yaml"
    config.write_text(f"""name: tiny
data: {{path: {table}, split: all, articles_per_dump: 6}}
pages: {{path: {pages}, split: all, articles_per_dump: 6}}
scale: {{sizes: [40, 80], megabytes: 0.01}}
report: {report}
segmenters:
  fixed: {{method: fixed, fixed_lines: 4}}
  learned: {{method: learned}}
baseline: fixed
""")
    code, out, err = run_cli(["segment-eval", str(config)], monkeypatch, capsys)
    assert code == 0, err
    assert "## Segmentation" in out  # the section is printed either way
    assert not report.exists() and f"{report} left as it is" in err
    assert "scale:" not in err  # big dumps only for the default benchmark or with --scaling
    written = tmp_path / "out.md"
    code, out, err = run_cli(["segment-eval", str(config), "--out", str(written)], monkeypatch, capsys)
    assert code == 0, err
    assert "<!-- section segmentation begin" in written.read_text() and not report.exists()
    code, out, err = run_cli(["segment-eval", str(config), "--scaling"], monkeypatch, capsys)
    assert code == 0, err  # the pages' split 'all' holds every article for the big dumps too
    assert "scale: dumps of 40, 80 lines" in err and "growth exponent" in err and not report.exists()


def test_bbc_dump_has_the_seed_shape(shared_dir):
    evaluation = load_articles(str(shared_dir / "datasets" / "bbc_news.csv"), "eval")
    assert all(split_of(a.id) == "eval" for a in evaluation)
    dump = build_dumps(evaluation, n_dumps=1, articles_per_dump=20, seed=42)[0]
    assert dump.n_articles == 20 and dump.boundaries.sum() == 19
    assert len(dump.lines) > 100 and all(line.strip() == line and line for line in dump.lines)
    assert score_segmentation(dump.boundaries, FixedSegmenter(18).boundaries(
        Dump.from_lines(dump.lines)))["pk"] > 0


def run_cli(args, monkeypatch, capsys):
    """The console entry point in-process: exit code, stdout, stderr."""
    from topiclab.cli import entrypoint

    monkeypatch.setattr(sys, "argv", ["topiclab", *args])
    with pytest.raises(SystemExit) as done:
        entrypoint()
    out = capsys.readouterr()
    return done.value.code, out.out, out.err


def test_cli_segment_prints_the_seed_articles(seed_path, tracking_uri, monkeypatch, capsys):
    code, out, err = run_cli(["segment", str(seed_path)], monkeypatch, capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("5 article(s)")
    assert "lines 1-24" in lines[1] and "Kosovo Albanians rejected" in lines[1]
    assert "lines 28-28" in lines[5] and "Myanmar" in lines[5]


def test_cli_segment_shows_the_threshold_it_used(seed_path, tracking_uri, monkeypatch, capsys):
    from topiclab.segment import load_boundary_model

    code, out, err = run_cli(["segment", str(seed_path), "--json"], monkeypatch, capsys)
    assert code == 0, err
    assert json.loads(out)["threshold"] == load_boundary_model().threshold
    code, out, err = run_cli(["segment", str(seed_path), "--set", "threshold=0.6"], monkeypatch, capsys)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("threshold 0.6000: the decision threshold")
    code, out, err = run_cli(["segment", str(seed_path), "--method", "fixed", "--json"], monkeypatch, capsys)
    assert code == 0 and json.loads(out)["threshold"] is None  # fixed cuts by count: no threshold


def test_cli_segment_bad_input_is_one_line(tmp_path, tracking_uri, monkeypatch, capsys):
    blank = tmp_path / "blank.txt"
    blank.write_text("\n \n\n")
    code, _, err = run_cli(["segment", str(blank)], monkeypatch, capsys)
    assert code == 1 and err.strip() == "error: dump holds no text: every line is blank"
    code, _, err = run_cli(["segment", str(tmp_path / "missing.txt")], monkeypatch, capsys)
    assert code == 1 and "input file not found" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(["segment", str(blank), "--set", "threshold=2"], monkeypatch, capsys)
    assert code == 1 and err.startswith("error: invalid segment option: threshold")


@pytest.mark.parametrize("name, content", [("news.csv", "id,text\n1,Kosovo talks\n"),
                                           ("news.tsv", "id\ttext\n1\tKosovo talks\n"),
                                           ("news.jsonl", '{"text": "Kosovo talks"}\n'),
                                           ("news.json", '[{"text": "Kosovo talks"}]')])
def test_cli_segment_refuses_a_table(tmp_path, tracking_uri, monkeypatch, capsys, name, content):
    table = tmp_path / name
    table.write_text(content)
    code, out, err = run_cli(["segment", str(table), "--method", "fixed"], monkeypatch, capsys)
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [f"error: {table} is a {name.split('.')[1].upper()} table, not a dump: segment "
                                        "reads raw dumps (one paragraph a line); a table is already one document "
                                        "per row"]


def test_cli_segment_eval_logs_one_run_per_segmenter(tmp_path, tracking_uri, monkeypatch, capsys):
    table = tmp_path / "news.csv"
    rows = [f'"{a.id}{i}","{a.text}",{a.label}' for i in range(6) for a in articles(1)]
    table.write_text("id,text,label\n" + "\n".join(rows) + "\n")
    config = tmp_path / "segmentation.yaml"
    config.write_text(f"""name: tiny
seed: 1
data: {{path: {table}, split: all, dumps: 2, articles_per_dump: 8}}
segmenters:
  every_line: {{method: none}}
  fixed: {{method: fixed, fixed_lines: 4}}
baseline: every_line
""")
    code, out, err = run_cli(["segment-eval", str(config)], monkeypatch, capsys)
    assert code == 0, err
    assert "best: fixed Pk=0.0000 | baseline: every_line Pk=" in out
    client = MlflowClient(tracking_uri)
    runs = client.search_runs([client.get_experiment_by_name("segmentation").experiment_id])
    by_name = {r.info.run_name: r for r in runs}
    assert set(by_name) == {"every_line", "fixed"}
    assert all(r.info.status == "FINISHED" for r in runs)
    assert by_name["fixed"].data.metrics["pk"] == 0.0 and by_name["every_line"].data.metrics["pk"] > 0
    assert by_name["fixed"].data.params["segment.method"] == "fixed"
    assert by_name["every_line"].data.tags["baseline"] == "true"
    code, _, err = run_cli(["segment-eval", str(config), "--set", "baseline=nope"], monkeypatch, capsys)
    assert code == 1 and "baseline 'nope' is not one of the segmenters" in err
