"""Segmentation of raw dumps: spans, segmenters, degenerate input, passages, the seed."""

import json

import numpy as np
import pytest

from topiclab.config import PassageConfig, SegmentConfig, config_from_dict
from topiclab.data import load_dump
from topiclab.errors import TopiclabError
from topiclab.segment import (Dump, FixedSegmenter, LearnedSegmenter, LineSegmenter,
                              TextTilingSegmenter, article_spans, make_segmenter, segment_corpus,
                              segment_lines, split_passages)
from topiclab.segment import score_segmentation
from topiclab.segment import (EDGE_SENTENCES, MAX_SENTENCE_CHARS, has_kicker, is_truncated,
                                   line_sentences, split_sentences)
from topiclab.vectorize import make_embedder


@pytest.fixture(scope="module")
def embedder():
    return make_embedder()


@pytest.fixture(scope="module")
def seed_lines(seed_path):
    return seed_path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def gold_boundaries(seed_gold_path, seed_lines):
    articles = json.loads(seed_gold_path.read_text())["articles"]
    flags = np.zeros(len(seed_lines) - 1, dtype=bool)
    for article in articles[1:]:
        flags[article["lines"][0] - 2] = True  # gap before the article's first line
    return flags


def assert_partition(lines, spans):
    """Every raw line in exactly one span, in order; span text = its non-blank lines."""
    covered = [n for span in spans for n in range(span.line_start, span.line_end + 1)]
    assert covered == list(range(1, len(lines) + 1))
    for span in spans:
        expected = [lines[n - 1].strip() for n in range(span.line_start, span.line_end + 1)
                    if lines[n - 1].strip()]
        assert span.text.split("\n") == expected


DUMP = ["", "Alpha one.", "Alpha two.", "", "", "Beta one.", "Beta two.", "Beta three.", "",
        "Gamma one.", ""]


@pytest.mark.parametrize("segmenter", [LineSegmenter(), FixedSegmenter(2), make_segmenter(
    SegmentConfig(method="blankline")), FixedSegmenter(100)])
def test_spans_partition_the_dump_and_map_back(segmenter):
    spans = segment_lines(DUMP, segmenter)
    assert_partition(DUMP, spans)
    assert [s.index for s in spans] == list(range(len(spans)))


def test_baselines_place_boundaries_where_they_say():
    dump = Dump.from_lines(DUMP)
    assert dump.units[0] == "Alpha one." and list(dump.line_numbers) == [2, 3, 6, 7, 8, 10]
    assert list(make_segmenter(SegmentConfig(method="blankline")).boundaries(dump)) == [
        False, True, False, False, True]
    assert list(FixedSegmenter(2).boundaries(dump)) == [False, True, False, True, False]
    spans = segment_lines(DUMP, make_segmenter(SegmentConfig(method="blankline")))
    assert [(s.line_start, s.line_end) for s in spans] == [(1, 5), (6, 9), (10, 11)]
    assert len(segment_lines(DUMP, LineSegmenter())) == 6


def test_wrong_number_of_boundary_flags_is_refused():
    with pytest.raises(TopiclabError, match="expected 5 boundary flags"):
        article_spans(Dump.from_lines(DUMP), np.zeros(3, dtype=bool))


def test_only_blank_lines_is_a_one_line_error():
    with pytest.raises(TopiclabError, match="every line is blank") as error:
        segment_lines(["", "   ", "\t"], LearnedSegmenter())
    assert "\n" not in str(error.value)


def test_single_line_is_one_article_without_a_model_or_embedder():
    spans = segment_lines(["", "Only one paragraph here.", ""], LearnedSegmenter())
    assert [(s.line_start, s.line_end, s.text) for s in spans] == [(1, 3, "Only one paragraph here.")]


def test_enormous_line_is_read_through_bounded_windows(tmp_path):
    huge = ("word " * 11 + "end. ") * 350_000  # ~21 MB, no line break
    assert len(huge) > 20_000_000
    sentences = line_sentences(huge)
    assert len(sentences) <= 2 * EDGE_SENTENCES
    assert sum(len(s) for s in sentences) <= 2 * EDGE_SENTENCES * MAX_SENTENCE_CHARS
    no_punctuation = "x" * 20_000_000
    assert sum(map(len, line_sentences(no_punctuation))) <= 2 * MAX_SENTENCE_CHARS
    assert is_truncated(no_punctuation) and not has_kicker(no_punctuation)
    # A one-line dump is one article, with nothing to embed.
    dump = tmp_path / "huge.txt"
    dump.write_text(huge, encoding="utf-8")
    corpus = segment_corpus(load_dump(dump), SegmentConfig(level="article"))
    (article,) = corpus.documents
    assert (article.line_start, article.line_end) == (1, 1) and len(article.text) == len(huge.strip())


def test_passages_of_an_enormous_line_are_bounded():
    line = "y" * 1_000_000 + ". Short tail."
    span = segment_lines([line], LineSegmenter())[0]
    passages = split_passages([line], span, PassageConfig(max_chars=5000))
    assert all(len(p.text) <= 5000 for p in passages)
    assert "".join(p.text for p in passages).replace(" ", "") == line.replace(" ", "")


def test_sentence_splitter_keeps_abbreviations_and_quotes():
    text = 'Mr. Smith met Dr. Jones on Dec. 10 in the U.S. capital. "No deal," he said. Talks end?Maybe'
    assert split_sentences(text) == ['Mr. Smith met Dr. Jones on Dec. 10 in the U.S. capital.',
                                     '"No deal," he said.', "Talks end?Maybe"]
    assert split_sentences("") == []


def test_truncation_and_kicker_cues():
    assert is_truncated("The vote would") and is_truncated("However,")
    assert not is_truncated('He said "no."') and not is_truncated("It ended.")
    assert has_kicker("ALLIES: Calling Putin his old friend, Xi said")
    assert has_kicker("EUROPEAN FUTURE? Albanian Prime Minister Edi Rama says")
    assert not has_kicker("NATO is in charge of Kosovo's security.") and not has_kicker("A: b")


def test_sentence_window_passages_overlap_and_stay_inside_the_article():
    lines = ["One. Two. Three.", "Four. Five.", "Six. Seven."]
    span = segment_lines(lines, FixedSegmenter(100))[0]
    windows = split_passages(lines, span, PassageConfig(unit="sentences", size=3, overlap=1))
    assert [w.text for w in windows] == ["One. Two. Three.", "Three. Four. Five.", "Five. Six. Seven."]
    assert [(w.line_start, w.line_end) for w in windows] == [(1, 1), (1, 2), (2, 3)]
    paragraphs = split_passages(lines, span, PassageConfig())
    assert [p.text for p in paragraphs] == lines


def test_passage_config_rejects_overlap_not_below_size():
    with pytest.raises(TopiclabError, match="overlap"):
        config_from_dict({"name": "x", "data": {"path": "d.txt"},
                          "segment": {"passage": {"unit": "sentences", "size": 2, "overlap": 2}}})


def test_line_level_and_tables_pass_through(seed_path, tmp_path):
    corpus = load_dump(seed_path)
    assert segment_corpus(corpus, SegmentConfig()) is corpus  # default level: line
    table = tmp_path / "t.csv"
    table.write_text("text\nfirst row\nsecond row\n")
    from topiclab.data import load_corpus

    rows = load_corpus(table)
    assert segment_corpus(rows, SegmentConfig(level="article")) is rows


def test_limit_counts_articles_and_passages_of_a_dump_not_its_lines(seed_path):
    from topiclab.data import load_corpus

    articles = SegmentConfig(level="article", method="fixed", fixed_lines=4)
    whole = segment_corpus(load_dump(seed_path), articles)
    limited = segment_corpus(load_corpus(seed_path, limit=3), articles)
    assert limited.documents == whole.documents[:3] and limited.documents[2].line_end == 12
    passages = SegmentConfig(level="passage", method="fixed", fixed_lines=4)
    assert len(segment_corpus(load_corpus(seed_path, limit=5), passages).documents) == 5
    lines = load_corpus(seed_path, limit=3)  # line level: a line is a document
    assert segment_corpus(lines, SegmentConfig()).texts == load_dump(seed_path).texts[:3]


def test_harness_pk_is_zero_only_for_the_right_segmentation(gold_boundaries):
    perfect = score_segmentation(gold_boundaries, gold_boundaries)
    assert perfect["pk"] == 0 and perfect["windowdiff"] == 0 and perfect["f1"] == 1.0
    shifted = np.roll(gold_boundaries, -3)
    wrong = score_segmentation(gold_boundaries, shifted)
    assert wrong["pk"] > 0 and wrong["windowdiff"] > 0 and wrong["f1"] < 1.0
    everything = score_segmentation(gold_boundaries, np.ones_like(gold_boundaries))
    assert everything["precision"] == pytest.approx(4 / 27) and everything["recall"] == 1.0
    with pytest.raises(TopiclabError, match="differ in length"):
        score_segmentation(gold_boundaries, gold_boundaries[:-1])


def test_seed_default_segmenter_finds_the_five_gold_articles(seed_lines, seed_gold_path, gold_boundaries,
                                                              embedder):
    segmenter = make_segmenter(SegmentConfig(level="article"))  # the default method
    assert isinstance(segmenter, LearnedSegmenter)
    spans = segment_lines(seed_lines, segmenter, embedder)
    gold = [tuple(a["lines"]) for a in json.loads(seed_gold_path.read_text())["articles"]]
    assert [(s.line_start, s.line_end) for s in spans] == gold
    predicted = segmenter.boundaries(Dump.from_lines(seed_lines), embedder)
    assert score_segmentation(gold_boundaries, predicted)["pk"] == 0
    assert_partition(seed_lines, spans)


def test_texttiling_finds_some_but_not_all_seed_boundaries(seed_lines, gold_boundaries, embedder):
    predicted = TextTilingSegmenter(window=2).boundaries(Dump.from_lines(seed_lines), embedder)
    assert predicted.shape == gold_boundaries.shape and 0 < predicted.sum() < len(predicted)


def test_segment_corpus_articles_and_passages(seed_path, embedder):
    corpus = load_dump(seed_path)
    articles = segment_corpus(corpus, SegmentConfig(level="article"), embedder=embedder)
    assert [d.id for d in articles.documents][:2] == ["seed_news:A001", "seed_news:A002"]
    assert all(d.article_id == d.id for d in articles.documents)
    passages = segment_corpus(corpus, SegmentConfig(level="passage"), embedder=embedder)
    assert len(passages.documents) == 28  # one passage per paragraph line
    first = passages.documents[0]
    assert first.id == "seed_news:A001:P001" and first.article_id == "seed_news:A001"
    kosovo = [d for d in passages.documents if d.article_id == "seed_news:A001"]
    assert [(d.line_start, d.line_end) for d in kosovo] == [(n, n) for n in range(1, 25)]
    assert all(d.text == corpus.lines[d.line_start - 1].strip() for d in passages.documents)


@pytest.mark.slow
def test_seed_experiment_labels_every_article(shared_tracking_uri):
    from topiclab import load_config, run_experiment

    result = run_experiment(load_config("experiments/seed_news.yaml"))
    spans = [(d.line_start, d.line_end) for d in result.corpus.documents]
    assert spans == [(1, 24), (25, 25), (26, 26), (27, 27), (28, 28)]
    assert result.metrics["line_accuracy"] == 1.0
    accepted = [{"Balkans diplomacy"}, {"Elections"}, {"Elections", "Balkans diplomacy"},
                {"Russia-China relations"}, {"Russia-China relations"}]
    assert all(label in ok for label, ok in zip(result.document_labels, accepted))
