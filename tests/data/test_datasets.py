"""Datasets by name and by path, with their content hash; bad input as one-line errors."""

from __future__ import annotations

import hashlib
import json

import pytest

from topiclab.config import config_from_dict
from topiclab.data import dataset_names, load_data, load_dataset, load_web_pages
from topiclab.errors import TopiclabError


def _write_csv(path, rows, header="id,text,label"):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_named_shared_datasets_load_with_labels_and_file_hash(shared_dir):
    for name, n_labels in (("bbc_news", 5), ("ag_news_4k", 4)):
        corpus = load_dataset(name)
        path = shared_dir / "datasets" / f"{name}.csv"
        assert corpus.name == name
        assert corpus.has_labels and len(set(corpus.labels)) == n_labels
        assert corpus.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(load_dataset("bbc_news", limit=7).documents) == 7


def test_csv_and_jsonl_paths_load_with_their_hash(tmp_path):
    csv = _write_csv(tmp_path / "mini.csv", ["a,rain falls on the plain,weather", "b,stocks fell today,markets"])
    corpus = load_dataset(str(csv))
    assert corpus.texts == ["rain falls on the plain", "stocks fell today"]
    assert corpus.labels == ["weather", "markets"]
    assert corpus.content_hash == hashlib.sha256(csv.read_bytes()).hexdigest()

    jsonl = tmp_path / "mini.jsonl"
    jsonl.write_text("\n".join(json.dumps({"text": t, "label": l}) for t, l in
                               [("goal in extra time", "sport"), ("new chip released", "tech")]) + "\n")
    corpus = load_dataset(str(jsonl))
    assert corpus.labels == ["sport", "tech"] and corpus.format == "jsonl"
    assert corpus.content_hash == hashlib.sha256(jsonl.read_bytes()).hexdigest()


def test_changed_content_changes_the_hash(tmp_path):
    first = load_dataset(str(_write_csv(tmp_path / "a.csv", ["1,one text,x"]))).content_hash
    second = load_dataset(str(_write_csv(tmp_path / "b.csv", ["1,one text!,x"]))).content_hash
    assert first != second


def test_unknown_dataset_name_is_a_one_line_error():
    with pytest.raises(TopiclabError, match="unknown dataset 'bbc_newz'") as error:
        load_dataset("bbc_newz")
    assert "\n" not in str(error.value)
    assert all(name in str(error.value) for name in dataset_names())
    with pytest.raises(TopiclabError, match="unknown dataset"):
        config_from_dict({"name": "x", "data": {"dataset": "nope"}})


def test_csv_without_text_column_is_a_one_line_error(tmp_path):
    csv = _write_csv(tmp_path / "bad.csv", ["1,hello,x"], header="id,body,label")
    with pytest.raises(TopiclabError, match="no 'text' column") as error:
        load_dataset(str(csv))
    assert "\n" not in str(error.value)


def test_labels_for_only_some_rows_is_a_one_line_error(tmp_path):
    csv = _write_csv(tmp_path / "partial.csv", ["1,first text,x", "2,second text,", "3,third text,y"])
    with pytest.raises(TopiclabError, match="'label' is empty in 1 of 3 rows") as error:
        load_dataset(str(csv))
    assert "\n" not in str(error.value)


def test_config_takes_exactly_one_of_path_and_dataset(tmp_path):
    with pytest.raises(TopiclabError, match="exactly one of data.path and data.dataset"):
        config_from_dict({"name": "x", "data": {"dataset": "bbc_news", "path": "a.csv"}})
    with pytest.raises(TopiclabError, match="exactly one"):
        config_from_dict({"name": "x", "data": {}})
    csv = _write_csv(tmp_path / "ok.csv", ["1,some text,x", "2,more text,y"])
    config = config_from_dict({"name": "x", "data": {"path": str(csv), "limit": 1}})
    assert load_data(config.data).texts == ["some text"]


def test_suite_corpora_and_their_fixed_samples(shared_dir):
    full = load_dataset("20newsgroups")
    assert len(set(full.labels)) == 20 and len(full.documents) > 18000
    for name, source in (("20newsgroups_6k", "20newsgroups"), ("huffpost_6k", "huffpost_headlines")):
        sample, again = load_dataset(name), load_dataset(name)
        assert len(sample.documents) == 6000 and sample.name == name
        assert [d.id for d in sample.documents] == [d.id for d in again.documents]  # fixed, not seeded per run
        assert sample.content_hash == again.content_hash != load_dataset(source).content_hash
    assert len(load_dataset("huffpost_6k", limit=5).documents) == 5


def test_web_pages_load_with_gold_lines_and_stable_halves(tmp_path):
    path = tmp_path / "pages.jsonl"
    rows = [{"id": f"p{i}", "url": f"http://x/{i}", "lines": ["Home | News", "A sentence of the story.", "More"],
             "main": [1]} for i in range(20)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    pages = load_web_pages("test", path=path)
    assert len(pages) == 20 and pages[0].main.tolist() == [False, True, False]
    halves = {p.split for p in pages}
    assert halves == {"train", "eval"}
    assert len(load_web_pages("test", split="train", path=path)) + len(
        load_web_pages("test", split="eval", path=path)) == 20
    path.write_text(json.dumps({"id": "x", "lines": ["a"], "main": [3]}) + "\n", encoding="utf-8")
    with pytest.raises(TopiclabError, match="not a page"):
        load_web_pages("test", path=path)
    with pytest.raises(TopiclabError, match="unknown page source"):
        load_web_pages("nope")
