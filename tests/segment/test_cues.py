"""Cues of cased news (headlines, datelines, kickers, names) as gap features; none of them needs case to run."""

import json

import numpy as np
import pytest

from topiclab.config import SegmentEvalConfig
from topiclab.segment import (FEATURE_NAMES, build_page_dump, entity_continuity, entity_sets, gap_features, line_cues,
                              load_page_articles, training_dumps)

LINES = [
    "Markets rally as central bank holds rates",
    "LONDON (Reuters) - Shares in Barclays and Lloyds rose on Thursday after the Bank of England held rates.",
    "Analysts at Barclays said the Bank of England would cut rates in the spring.",
    "CAIRO, Egypt -- Egyptian officials met Sudanese envoys in Cairo to discuss the Nile dam.",
    "ALLIES: Calling Putin his old friend, Xi said Beijing stood alongside Russia.",
]


def column(features, name):
    return features[:, FEATURE_NAMES.index(name)]


def test_headline_dateline_and_kicker_cues():
    cues = line_cues(LINES)
    np.testing.assert_array_equal(cues["headline"], [1, 0, 0, 0, 0])
    np.testing.assert_array_equal(cues["dateline"], [0, 1, 0, 1, 0])
    np.testing.assert_array_equal(cues["kicker"], [0, 0, 0, 0, 1])
    assert cues["title_case"][0] == pytest.approx(1 / 6)  # "Markets" of markets/rally/central/bank/holds/rates
    assert cues["cased"].all()


def test_names_carry_across_a_gap_within_an_article_not_across_articles():
    names = entity_sets(LINES)
    assert {"barclays", "lloyds", "bank", "england"} <= names[1]
    assert "shares" not in names[1]  # a sentence's first word is no name
    overlap, present = entity_continuity(names, width=1)
    assert overlap[1] > 0.5  # line 2 to 3: the same bank and Barclays
    assert overlap[2] == 0.0  # line 3 to 4: Cairo, Egypt, Sudan are new
    assert present[1:].all() and not present[0]  # the headline names no one


def test_lower_cased_text_runs_with_the_case_cues_off():
    lower = [line.lower() for line in LINES]
    features = gap_features(lower, None)
    assert features.shape == (len(LINES) - 1, len(FEATURE_NAMES)) and np.isfinite(features).all()
    assert not column(features, "right_cased").any() and not column(features, "right_title_case").any()
    assert not column(features, "entity_present").any() and (column(features, "entity_overlap_3") == -1).all()
    # The headline is a short line without a closing full stop, and datelines keep their dash: no case needed.
    assert column(features, "left_headline")[0] == 1 and column(features, "right_dateline")[2] == 1
    cased = gap_features(LINES, None)
    assert column(cased, "right_cased").all() and column(cased, "entity_present")[1:].all()


@pytest.fixture
def articles(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = [json.dumps({"id": f"a{i}", "label": ["business", "sport"][i % 2], "title": f"Story number {i} today",
                        "text": "\n".join(f"Paragraph {p} of story {i} says something." for p in range(4))})
            for i in range(40)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_generator_datelines_kickers_snippets_and_case(articles):
    pages = load_page_articles(str(articles))
    dump = build_page_dump(pages, seed=1, title_share=0.0, boilerplate_per_article=0.0, cut_share=0.0,
                           snippet_share=0.0, dateline_share=0.5, kicker_share=0.5)
    openers = [dump.lines[start - 1] for start in dump.starts]
    assert sum(" - " in o or " -- " in o or "\u2014" in o or "\u2013" in o for o in openers) > 5
    assert sum(o.split(":")[0].isupper() for o in openers if ":" in o) > 5
    lower = build_page_dump(pages, seed=1, lowercase=True)
    assert all(line == line.lower() for line in lower.lines)
    snippets = build_page_dump(pages, seed=2, cut_share=1.0, snippet_share=1.0, snippet_chars=(20, 40),
                               title_share=0.0, boilerplate_per_article=0.0)
    assert len(snippets.lines) == len(pages) and all(len(line) < 40 for line in snippets.lines)


def test_training_regimes_share_one_article_order(articles):
    spec = {"path": str(articles), "split": "all", "dumps": 3, "articles_per_dump": 6}
    config = SegmentEvalConfig.model_validate({
        "segmenters": {"fixed": {"method": "fixed"}}, "baseline": "fixed",
        "train": {"data": [], "validation_share": 0.3, "pages": [
            {**spec, "split": "train"}, {**spec, "split": "train", "unit": "sentence", "lowercase": True}]}})
    train, _ = training_dumps(config)
    first, second = train[:2], train[2:]
    words = lambda dumps: {w for d in dumps for line in d.lines for w in line.lower().split() if w.isdigit()}
    assert words(first) == words(second)  # the same stories, one regime cased by paragraph, one lower by sentence


def test_snippet_lengths_must_be_a_range():
    from topiclab.config import PageDumpSpec

    assert PageDumpSpec(snippet_chars=[200, 900]).snippet_chars == (200, 900)
    with pytest.raises(ValueError, match="snippet_chars"):
        PageDumpSpec(snippet_chars=[900, 200])
