"""Paths and texts as a user gives them: relative to where the command runs, else to the project."""

import pytest

from topiclab.cli._inputs import read_texts
from topiclab.config import load_config
from topiclab.errors import TopiclabError
from topiclab.paths import PROJECT_ROOT, resolve


def test_relative_paths_are_the_users_own_first_then_the_projects(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("name: mine\ndata: {path: data/raw/seed_news.txt}\n", encoding="utf-8")
    assert resolve("mine.yaml") == tmp_path / "mine.yaml"
    assert resolve("experiments/seed_news.yaml") == PROJECT_ROOT / "experiments/seed_news.yaml"
    config = load_config("mine.yaml")  # the user's config, naming the project's seed dump
    assert config.name == "mine" and resolve(config.data.path).is_file()
    with pytest.raises(TopiclabError, match=f"config file not found: other.yaml \\(looked in {tmp_path} and"):
        load_config("other.yaml")


def test_texts_from_a_file_keep_their_lines_and_tables_give_their_text_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lines.txt").write_text("Shares fell in Tokyo\u2028after the decision\n\n  \nPutin met Xi\n",
                                        encoding="utf-8")
    assert read_texts([], "lines.txt", "classify") == ["Shares fell in Tokyo after the decision", "Putin met Xi"]
    (tmp_path / "rows.csv").write_text("id,text\n1,Kosovo talks resumed\n2,\n3,Putin met Xi\n", encoding="utf-8")
    # a row each, the empty one too: outputs line up with the table's rows
    assert read_texts([], "rows.csv", "assign") == ["Kosovo talks resumed", "", "Putin met Xi"]
    (tmp_path / "rows.jsonl").write_text('{"text": "Kosovo talks"}\n{"text": null}\n', encoding="utf-8")
    assert read_texts([], "rows.jsonl", "classify") == ["Kosovo talks", ""]
    (tmp_path / "rows.json").write_text('[{"text": "Kosovo talks"}, {"text": ""}]', encoding="utf-8")
    assert read_texts([], "rows.json", "classify") == ["Kosovo talks", ""]
    (tmp_path / "rows.tsv").write_text("id\ttext\n1\tKosovo talks, again\n", encoding="utf-8")
    assert read_texts([], "rows.tsv", "assign") == ["Kosovo talks, again"]
    (tmp_path / "other.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(TopiclabError, match="has no 'text' column"):
        read_texts([], "other.csv", "classify")
    assert read_texts(["one", "two"], None, "assign") == ["one", "two"]
    with pytest.raises(TopiclabError, match="not both"):
        read_texts(["one"], "rows.csv", "assign")
    with pytest.raises(TopiclabError, match=r"input file not found: gone.csv \(looked in"):
        read_texts([], "gone.csv", "classify")
