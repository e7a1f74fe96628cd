import json

import pytest

from topiclab.data import label_from_gold, load_corpus, load_dump, load_gold
from topiclab.errors import TopiclabError


def test_dump_has_one_document_per_nonempty_line(tmp_path):
    dump = tmp_path / "news.txt"
    dump.write_text("First paragraph.\n\n  Second one.  \nThird.\n", encoding="utf-8")
    corpus = load_dump(dump)
    assert corpus.texts == ["First paragraph.", "Second one.", "Third."]
    assert [d.id for d in corpus.documents] == ["news:L0001", "news:L0003", "news:L0004"]
    assert [(d.line_start, d.line_end) for d in corpus.documents] == [(1, 1), (3, 3), (4, 4)]
    assert corpus.lines[2].strip() == corpus.documents[1].text


def test_dump_hash_follows_content(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("same text\n")
    b.write_text("same text\n")
    assert load_dump(a).content_hash == load_dump(b).content_hash
    b.write_text("other text\n")
    assert load_dump(a).content_hash != load_dump(b).content_hash


def test_seed_corpus_and_gold(seed_path, seed_gold_path):
    corpus = label_from_gold(load_dump(seed_path), load_gold(seed_gold_path))
    assert len(corpus.documents) == 28
    assert corpus.documents[0].label == "Balkans diplomacy"
    assert corpus.documents[26].label == "Russia-China relations"
    assert load_gold(seed_gold_path).topics_of_line(26) == {"Elections", "Balkans diplomacy"}


def gold_file(tmp_path, *articles):
    path = tmp_path / "dump.gold.json"
    path.write_text(json.dumps({"articles": list(articles)}), encoding="utf-8")
    return path


def test_gold_topic_codes_become_strings(tmp_path):
    gold = load_gold(gold_file(tmp_path, {"lines": [1, 2], "topic": 3},
                               {"lines": [3, 3], "topic": "sport", "also_acceptable": 7}))
    assert [a["topic"] for a in gold.articles] == ["3", "sport"]
    assert gold.topics_of_line(3) == {"sport", "7"}
    dump = tmp_path / "dump.txt"
    dump.write_text("one\ntwo\nthree\n")
    assert label_from_gold(load_dump(dump), gold).labels == ["3", "3", "sport"]


@pytest.mark.parametrize("article, shown", [
    ({"lines": [3, 3], "topic": [1, 2]}, "topic [1, 2]"),
    ({"lines": [3, 3], "topic": {"name": "x"}}, 'topic {"name": "x"}'),
    ({"lines": [3, 3], "topic": float("nan")}, "topic NaN"),
    ({"lines": [3, 3], "topic": 1.5}, "topic 1.5"),
    ({"lines": [3, 3], "topic": True}, "topic true"),
    ({"lines": [3, 3], "topic": None}, "topic null"),
    ({"lines": [3, 3]}, "no topic"),
    ({"lines": [3, 3], "topic": "x", "also_acceptable": [1]}, "also_acceptable [1]"),
])
def test_gold_topic_that_is_not_a_name_or_code_is_refused(tmp_path, article, shown):
    with pytest.raises(TopiclabError) as error:
        load_gold(gold_file(tmp_path, {"lines": [1, 2], "topic": "a"}, article))
    assert f"article 2 has {shown};" in str(error.value) and "\n" not in str(error.value)


def test_csv_with_labels_ids_and_dates(tmp_path):
    table = tmp_path / "news.csv"
    table.write_text('id,text,label,date\n7,"Hello, world",greet,2024-01-01\n8,Bye now,leave,\n')
    corpus = load_corpus(table)
    assert corpus.format == "csv"
    assert [d.id for d in corpus.documents] == ["7", "8"]
    assert corpus.labels == ["greet", "leave"]
    assert corpus.documents[0].date == "2024-01-01"
    assert corpus.has_labels


def test_jsonl_without_labels(tmp_path):
    table = tmp_path / "news.jsonl"
    table.write_text('{"text": "one"}\n{"text": "two"}\n')
    corpus = load_corpus(table)
    assert corpus.texts == ["one", "two"]
    assert not corpus.has_labels


ROWS = [{"id": "a1", "text": "Kosovo talks resumed", "label": "politics"},
        {"id": "a2", "text": "Putin met Xi", "label": "world"}]


@pytest.mark.parametrize("name, content", [
    ("array.json", json.dumps(ROWS, indent=1)),
    ("lines.json", "".join(json.dumps(row) + "\n" for row in ROWS)),
    ("rows.tsv", "id\ttext\tlabel\n" + "".join(f"{r['id']}\t{r['text']}\t{r['label']}\n" for r in ROWS)),
])
def test_json_and_tsv_files_are_tables(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.format in ("json", "tsv")
    assert [(d.id, d.text, d.label) for d in corpus.documents] == [(r["id"], r["text"], r["label"]) for r in ROWS]


@pytest.mark.parametrize("content, message", [
    ('[{"text": "a"}, "b"]', "item 2 of the array is not an object"),
    ('[{"text": "a"}', "not a readable JSON table"),
    ('{"body": "a"}\n', "no 'text' column"),
    ('{"text": "a"}\n[1]\n', "not a readable JSON table"),
    ("[" * 5000, "not a readable JSON table"),
])
def test_bad_json_tables_get_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TopiclabError, match=message) as error:
        load_corpus(path)
    assert "\n" not in str(error.value)


def test_folder_of_text_files(tmp_path):
    (tmp_path / "b.txt").write_text("Beta article.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Alpha article.")
    (tmp_path / "empty.txt").write_text("   ")
    corpus = load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["b.txt", "sub/a.txt"]


def test_limit_keeps_first_documents(seed_path):
    assert len(load_corpus(seed_path, limit=5).documents) == 5


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "corpus is empty"),
        (b"\n  \n\n", "corpus is empty"),
        (b"caf\xe9 au lait\n", "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
    ],
)
def test_bad_dumps_get_one_line_errors(tmp_path, content, message):
    dump = tmp_path / "bad.txt"
    dump.write_bytes(content)
    with pytest.raises(TopiclabError, match=message) as error:
        load_corpus(dump)
    assert "\n" not in str(error.value)


def test_missing_file(tmp_path):
    with pytest.raises(TopiclabError, match="input file not found"):
        load_corpus(tmp_path / "nope.txt")


def test_csv_without_text_column(tmp_path):
    table = tmp_path / "x.csv"
    table.write_text("body,label\nhello,a\n")
    with pytest.raises(TopiclabError, match="no 'text' column"):
        load_corpus(table)


def test_a_column_name_with_a_line_break_keeps_the_error_on_one_line(tmp_path):
    table = tmp_path / "x.csv"
    table.write_text('"\n"\n')  # the header is one column named "\n" (found by test_fuzz)
    with pytest.raises(TopiclabError) as error:
        load_corpus(table)
    assert "\n" not in str(error.value) and str(error.value).endswith("(columns: '\\n')")


def test_labels_on_only_some_rows(tmp_path):
    table = tmp_path / "x.csv"
    table.write_text("text,label\nhello,a\nworld,\n")
    with pytest.raises(TopiclabError, match="'label' is empty in 1 of 2 rows"):
        load_corpus(table)


def test_a_missing_gold_file_names_every_place_looked(tmp_path, monkeypatch):
    from topiclab.paths import PROJECT_ROOT

    monkeypatch.chdir(tmp_path)  # a relative path is looked for here, then in the project
    with pytest.raises(TopiclabError) as error:
        load_gold("nope.gold.json")
    assert str(error.value) == f"gold file not found: nope.gold.json (looked in {tmp_path} and {PROJECT_ROOT})"


def test_a_table_that_is_not_utf8_is_refused_as_every_input_is(tmp_path):
    from topiclab.data import read_table

    table = tmp_path / "latin1.csv"
    table.write_bytes("text\ncafé news\n".encode("latin-1"))
    for read in (read_table, load_corpus):
        with pytest.raises(TopiclabError, match=r"latin1.csv is not UTF-8 text \(invalid byte at position 8\)"):
            read(table)


def test_a_table_without_the_text_column_suggests_data_text_column(tmp_path):
    from topiclab.config import config_from_dict
    from topiclab.data import load_data

    table = tmp_path / "news.csv"
    table.write_text("id,body,label\n1,The minister announced a new budget for schools,politics\n"
                     "2,The striker scored twice in the final,sport\n")
    config = config_from_dict({"name": "x", "data": {"path": str(table)}})
    with pytest.raises(TopiclabError) as error:
        load_data(config.data)
    assert "has no 'text' column (columns: id, body, label)" in str(error.value)
    assert str(error.value).endswith("set data.text_column to the column that holds the text, "
                                     "e.g. --set data.text_column=body")
    fixed = config_from_dict({"name": "x", "data": {"path": str(table), "text_column": "body"}})
    assert len(load_data(fixed.data).documents) == 2
