"""Datasets by name and by path, with their content hash; bad input as one-line errors."""

from __future__ import annotations

import codecs
import hashlib
import json
import pickle

import pytest

from topiclab.config import config_from_dict
from topiclab.data import dataset_names, load_data, load_dataset
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


def _fake_20newsgroups_cache(data_home):
    """The cache file scikit-learn's fetcher writes after its download, built from tiny local files."""
    from sklearn.datasets import load_files

    posts = {
        "rec.autos": ["From: a@b\nSubject: engine\n\nMy engine stalls in the cold.\n",
                      "From: c@d\nSubject: tyres\n\nWinter tyres grip better on ice.\n"],
        "sci.space": ["From: e@f\nSubject: orbit\n\nThe probe reached orbit around Mars.\n",
                      "From: g@h\nSubject: launch\n\n> quoted line\nLaunch slipped to Friday.\n"],
    }
    folders = {}
    for split in ("train", "test"):
        root = data_home / "raw" / f"20news-bydate-{split}"
        for group, texts in posts.items():
            (root / group).mkdir(parents=True)
            for number, text in enumerate(texts):
                (root / group / f"{split}{number}").write_text(text, encoding="latin1")
        folders[split] = load_files(str(root), encoding="latin1")
    (data_home / "20news-bydate_py3.pkz").write_bytes(codecs.encode(pickle.dumps(folders), "zlib_codec"))


def test_20newsgroups_loads_through_the_local_cache_without_network(tmp_path):
    _fake_20newsgroups_cache(tmp_path)
    corpus = load_dataset("20newsgroups", data_home=str(tmp_path), download_if_missing=False)
    assert len(corpus.documents) == 8
    assert set(corpus.labels) == {"rec.autos", "sci.space"}
    assert not any("Subject:" in t or "> quoted" in t for t in corpus.texts)  # headers, quotes removed
    assert "My engine stalls in the cold." in corpus.texts
    again = load_dataset("20newsgroups", data_home=str(tmp_path), download_if_missing=False)
    assert again.content_hash == corpus.content_hash and len(corpus.content_hash) == 64
    train = load_dataset("20newsgroups", data_home=str(tmp_path), download_if_missing=False, subset="train")
    assert len(train.documents) == 4 and train.content_hash != corpus.content_hash


def test_20newsgroups_without_cache_or_download_is_a_one_line_error(tmp_path):
    with pytest.raises(TopiclabError, match="dataset '20newsgroups' is not available"):
        load_dataset("20newsgroups", data_home=str(tmp_path), download_if_missing=False)
