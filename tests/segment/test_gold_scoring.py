"""`topiclab segment FILE --gold GOLD.json [--json]`: scores against a user's gold spans, and bad gold files."""

import json
import subprocess
import sys

import pytest

from topiclab.paths import PROJECT_ROOT

ARTICLES = [[f"Alpha story sentence {i}." for i in range(4)],
            ["Read more"] + [f"Beta story sentence {i}." for i in range(4)],
            [f"Gamma story sentence {i}." for i in range(4)]]
LINES = [line for article in ARTICLES for line in article]  # 13 lines, line 5 is boilerplate
GOLD = {"articles": [{"lines": [1, 4], "topic": "a"}, {"lines": [5, 9], "topic": "b"},
                     {"lines": [10, 13], "topic": "c"}]}


def cli(*args):
    return subprocess.run([sys.executable, "-m", "topiclab.cli", "segment", *map(str, args)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=300)


def pk_by_pairs(reference_segments, predicted_segments, k):
    """Pk from its definition: how often two lines k apart are wrongly put together or apart."""
    pairs = range(len(reference_segments) - k)
    wrong = sum((reference_segments[i] == reference_segments[i + k])
                != (predicted_segments[i] == predicted_segments[i + k]) for i in pairs)
    return wrong / len(pairs)


@pytest.fixture
def dump(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    gold = tmp_path / "dump.gold.json"
    gold.write_text(json.dumps(GOLD), encoding="utf-8")
    return path, gold


def test_gold_scores_match_pk_from_its_definition(dump):
    path, gold = dump
    done = cli(path, "--method", "fixed", "--set", "fixed_lines=3", "--gold", gold, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # 12 content lines (line 5 is boilerplate) in gold articles of 4; fixed cuts every 3 content lines.
    reference = [0] * 4 + [1] * 4 + [2] * 4
    predicted = [i // 3 for i in range(12)]
    k = round(13 / (2 * 3))  # half the mean gold article length in content lines, as score_segmentation
    assert report["gold"]["k"] == k
    assert report["gold"]["pk"] == pytest.approx(pk_by_pairs(reference, predicted, k))
    assert report["gold"]["recall"] == 0.0 and report["n_articles"] == 4
    assert report["boilerplate_lines"] == [5]
    assert len(report["gaps"]) == 11 and sum(g["gold_boundary"] for g in report["gaps"]) == 2
    assert [g["score"] for g in report["gaps"]] == [float(g["boundary"]) for g in report["gaps"]]
    assert [s["lines"] for s in report["spans"]] == [[1, 3], [4, 7], [8, 10], [11, 13]]
    assert report["spans"][1]["boilerplate_lines"] == [5]


def test_gold_summary_printed(dump):
    path, gold = dump
    done = cli(path, "--method", "fixed", "--set", "fixed_lines=4", "--gold", gold)
    assert done.returncode == 0, done.stderr
    assert "boilerplate: 5" in done.stdout
    # fixed_lines=4 over content lines is exactly the gold segmentation
    assert "Pk 0.0000 | WindowDiff 0.0000 | boundary precision 1.000 recall 1.000 F1 1.000" in done.stdout


def gold_with(tmp_path, spans):
    path = tmp_path / "bad.gold.json"
    path.write_text(json.dumps({"articles": [{"lines": s, "topic": "t"} for s in spans]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("spans, message", [
    ([[1, 5], [5, 9], [10, 13]], "overlaps the one before"),
    ([[1, 4], [6, 9], [10, 13]], "lines 5-5 belong to no article"),
    ([[1, 4], [5, 9], [10, 20]], "past the dump's 13 lines"),
    ([[1, 4], [5, 9]], "lines 10-13 of the dump belong to no article"),
    ([[0, 4], [5, 9], [10, 13]], "article 1 starts at line 0, but lines are numbered from 1"),
])
def test_bad_gold_is_one_line_error(dump, tmp_path, spans, message):
    path, _ = dump
    done = cli(path, "--method", "fixed", "--gold", gold_with(tmp_path, spans))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], done.stderr


def test_gold_topic_that_is_not_a_name_is_refused_before_scoring(dump, tmp_path):
    path, _ = dump
    bad = tmp_path / "list-topic.gold.json"
    bad.write_text(json.dumps({"articles": [{"lines": [1, 9], "topic": "a"}, {"lines": [10, 13], "topic": [1]}]}))
    done = cli(path, "--method", "fixed", "--gold", bad)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {bad}: article 2 has topic [1]; a topic is a name or a whole-number code"]


@pytest.mark.parametrize("data, message", [
    (b"caf\xe9 au lait\nsecond line\n", "is not UTF-8 text"),
    ("Read more\n\nHome | World | Sport | Weather\nSubscribe to our newsletter\n".encode(), "only boilerplate"),
])
def test_bad_dump_is_one_line_error(tmp_path, data, message):
    path = tmp_path / "dump.txt"
    path.write_bytes(data)
    done = cli(path, "--method", "fixed")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and message in errors[0], done.stderr
