"""Boilerplate lines: marked, kept inside the spans, left out of the text that is vectorised."""

import json

import numpy as np
import pytest

from topiclab.config import PassageConfig, SegmentConfig
from topiclab.data import Corpus, Document
from topiclab.segment import BoilerplateMarker, make_segmenter, segment_corpus, segment_lines, split_passages

# (line, is boilerplate): a small page-like dump with two articles.
FIXTURE = [
    ("Home | World | Business | Sport | Culture", True),
    ("Markets rally as central bank holds rates", False),
    ("By Jane Doe, Business reporter", True),
    ("LONDON -- Shares rose on Thursday after the central bank kept interest rates on hold.", False),
    ("Image caption: Traders on the floor of the exchange", True),
    ("Share prices of banks gained most, with analysts expecting a cut next spring.", False),
    ("Read more", True),
    ("Share this article", True),
    ("We use cookies to improve your experience. Accept all cookies", True),
    ("Storm floods coastal towns", False),
    ("Thousands of homes were left without power after the storm reached the coast.", False),
    ("Subscribe to our newsletter", True),
    ("By contrast, inland towns reported only light rain and no damage at all.", False),
    ("Most read: Storm latest \u2022 Rates on hold \u2022 Cup final tickets \u2022 Election dates", True),
]
LINES = [line for line, _ in FIXTURE]
MARKED = np.array([marked for _, marked in FIXTURE])


def test_marker_marks_the_fixtures_boilerplate():
    np.testing.assert_array_equal(BoilerplateMarker().fit(LINES).transform(LINES), MARKED)


def test_marks_do_not_need_case():
    lower = [line.lower() for line in LINES]
    np.testing.assert_array_equal(BoilerplateMarker().fit_transform(lower), MARKED)


def test_boilerplate_stays_in_spans_but_not_in_text():
    spans = segment_lines(LINES, make_segmenter(SegmentConfig(method="fixed", fixed_lines=3)))
    assert spans[0].line_start == 1 and spans[-1].line_end == len(LINES)
    assert all(a.line_end + 1 == b.line_start for a, b in zip(spans, spans[1:]))  # a partition
    marked = sorted(n for span in spans for n in span.boilerplate)
    assert marked == [i + 1 for i in np.flatnonzero(MARKED)]
    text = "\n".join(span.text for span in spans)
    for line, is_boilerplate in FIXTURE:
        assert (line in text) != is_boilerplate


def test_passages_and_articles_leave_boilerplate_out():
    corpus = Corpus("page", "page.txt", "dump", [Document(f"page:L{i}", line, line_start=i, line_end=i)
                                                for i, line in enumerate(LINES, start=1)], "x", lines=LINES)
    config = SegmentConfig(method="fixed", fixed_lines=3, level="passage")
    passages = segment_corpus(corpus, config)
    assert {d.line_start for d in passages.documents} == {i + 1 for i in np.flatnonzero(~MARKED)}
    spans = segment_lines(LINES, make_segmenter(config))
    assert all(p.text in LINES for span in spans for p in split_passages(LINES, span, PassageConfig()))


def test_only_boilerplate_is_refused():
    from topiclab.errors import TopiclabError

    with pytest.raises(TopiclabError, match="only boilerplate"):
        segment_lines(["Read more", "", "Home | News | Sport"], make_segmenter(SegmentConfig(method="fixed")))
