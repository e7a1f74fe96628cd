"""The file's lines: a line ends at \\n or \\r\\n only, for dumps, gold files and spans alike."""

import json

import pytest

from topiclab.config import SegmentConfig
from topiclab.data import load_dump, load_gold, read_lines, split_lines
from topiclab.segment import make_segmenter, segment_lines

IN_LINE = ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\r"]


@pytest.mark.parametrize("char", IN_LINE, ids=[f"U+{ord(c):04X}" for c in IN_LINE])
def test_separator_stays_inside_its_line(tmp_path, char):
    text = f"first line\nsecond{char}still second\nthird line\n"
    assert len(text.splitlines()) == 4  # what the old reader counted
    assert split_lines(text) == ["first line", "second still second", "third line"]
    dump = tmp_path / "dump.txt"
    dump.write_text(text, encoding="utf-8", newline="")
    corpus = load_dump(dump)
    assert [(d.line_start, d.text) for d in corpus.documents] == [
        (1, "first line"), (2, "second still second"), (3, "third line")]
    assert read_lines(dump)[0] == corpus.lines


def test_crlf_bom_and_final_newline():
    assert split_lines("\ufeffa\r\nb\r\n") == ["a", "b"]
    assert split_lines("a\n\nb") == ["a", "", "b"]
    assert split_lines("a\n\n") == ["a", ""]
    assert split_lines("") == [] and split_lines("\ufeff") == []


def test_spans_count_the_files_lines(tmp_path):
    # Every span after the U+2028 would have pointed one line too far with str.splitlines().
    lines = ["alpha one.", "alpha two\u2028continued.", "beta one.", "beta two.", "gamma one.", "gamma two."]
    text = "\n".join(lines) + "\n"
    spans = segment_lines(split_lines(text), make_segmenter(SegmentConfig(method="fixed", fixed_lines=2)))
    assert [(s.line_start, s.line_end) for s in spans] == [(1, 2), (3, 4), (5, 6)]
    assert spans[0].text == "alpha one.\nalpha two continued."


def test_gold_file_with_a_bom_is_read(tmp_path):
    gold = tmp_path / "g.json"
    gold.write_bytes(b"\xef\xbb\xbf" + json.dumps({"articles": [{"lines": [1, 2], "topic": "t"}]}).encode())
    # json.loads refuses a BOM: the gold reader must drop it as the dump reader does
    assert load_gold(gold).n_lines == 2
