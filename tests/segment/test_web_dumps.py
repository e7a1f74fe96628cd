"""Dumps of web pages run together: gold partitions per case, the oracle view, the continuation cue, scores."""

import json

import numpy as np
import pytest

from topiclab.config import WebDumpSpec, load_segment_eval_config
from topiclab.data import WebPage, load_gold
from topiclab.errors import TopiclabError
from topiclab.segment import (BaseSegmenter, LineSegmenter, comment_lines, continuation_cut_rate, evaluate_page_dumps,
                              gold_content_dump, opens_with_reference, sample_pages, spec_web_dumps, web_page_dump)
from topiclab.data import Gold
from topiclab.segment import BoilerplateMarker, SyntheticDump
from topiclab.segment._report import gold_boundaries
from topiclab.segment._segmenters import Dump


def make_page(number: int, comments: int = 0) -> WebPage:
    menu = ["Home", "World", "Business", "Sign in"]
    article = [f"Headline of story {number}",
               f"The first paragraph of story {number} tells what happened in town {number} on Monday.",
               f"The council said story {number} would go on for weeks, and officials agreed."]
    thread = [f"Reader {c} wrote that story {number} was a fine piece of local reporting indeed." for c in range(comments)]
    footer = ["Copyright 2012 All rights reserved"]
    lines = menu + article + thread + footer
    main = np.zeros(len(lines), dtype=bool)
    main[len(menu):len(menu) + len(article)] = True
    return WebPage(id=f"p{number}", source="hand", url=f"http://example.org/{number}", lines=lines, main=main)


@pytest.fixture
def pages():
    return [make_page(i, comments=25 if i % 2 else 0) for i in range(6)]


def check_partition(dump, tmp_path, n_pages):
    gold = tmp_path / "dump.gold.json"
    gold.write_text(json.dumps(dump.gold()), encoding="utf-8")
    spans = [a["lines"] for a in load_gold(gold).articles]  # overlaps or gaps would be refused
    assert len(spans) == n_pages and spans[0][0] == 1 and spans[-1][1] == len(dump.lines)
    assert len(dump.boilerplate) == len(dump.lines)


@pytest.mark.parametrize("case", ["page", "article", "comments"])
def test_each_case_is_a_valid_gold_partition(pages, case, tmp_path):
    chosen = [p for p in pages if comment_lines(p) >= 20] if case == "comments" else pages
    dump = web_page_dump(chosen, case)
    check_partition(dump, tmp_path, len(chosen))
    if case == "article":  # only the gold article lines, none of them boilerplate
        assert len(dump.lines) == sum(int(p.main.sum()) for p in pages) and not dump.boilerplate.any()
        assert "Home" not in dump.lines
    else:  # every line; the gold non-article lines are the boilerplate
        assert len(dump.lines) == sum(len(p.lines) for p in chosen)
        assert dump.boilerplate.sum() == sum(int((~p.main).sum()) for p in chosen)
        assert dump.lines[dump.starts[1] - 1] == "Home"  # a page starts at its first line: its menu


def test_comment_pages_and_sampling(pages):
    assert [comment_lines(p) for p in pages[:2]] == [0, 25]
    spec = WebDumpSpec(source="hand", case="comments", dumps=2, pages_per_dump=2)
    dumps = spec_web_dumps(spec, seed=1, pages=pages)
    assert len(dumps) == 2 and all(label.split(":")[1] in {"p1", "p3", "p5"} for d in dumps for label in d.labels)
    assert sample_pages(pages, 3) == sample_pages(list(reversed(pages)), 3)  # by id, not by position
    assert len(sample_pages(pages, None)) == len(pages)
    with pytest.raises(TopiclabError, match="need at least 2"):
        spec_web_dumps(spec.model_copy(update={"comment_lines": 99}), seed=1, pages=pages)
    with pytest.raises(TopiclabError, match="unknown web dump case"):
        web_page_dump(pages, "menus")


def test_oracle_view_keeps_the_articles_and_their_boundaries(pages):
    dump = web_page_dump(pages[:3], "page")
    oracle = gold_content_dump(dump)
    assert oracle.lines == web_page_dump(pages[:3], "article").lines
    assert oracle.boundaries.sum() == 2 and oracle.boundaries[2] and oracle.boundaries[5]


def test_continuation_paragraphs_are_recognised_and_counted():
    assert opens_with_reference("The company said profits rose.")
    assert opens_with_reference("He added that the plan would work.")
    assert opens_with_reference("The Bank of England said rates stay.")
    assert not opens_with_reference("Shares in Acme fell on Monday.")
    assert not opens_with_reference("The Oscars are handed out in Los Angeles tonight.")

    dump = SyntheticDump(["Acme made money.", "The company said it grew.", "Rain fell in Leeds.", "It said more."],
                         np.array([False, True, False]), ["a", "b"], [None, None])
    assert continuation_cut_rate([dump], [np.array([True, True, False])]) == (0.5, 2)
    assert continuation_cut_rate([dump], [np.array([False, True, False])]) == (0.0, 2)


class Oracle(BaseSegmenter):
    """Puts a boundary wherever the gold has one (given per dump), to check the scoring."""

    def __init__(self, truth):
        self.truth = truth

    def boundaries(self, dump, embedder=None):
        return self.truth.pop(0)


def test_scores_on_a_tiny_dump(pages):
    dump = web_page_dump(pages[:4], "page")
    content = Dump.from_lines(dump.lines, BoilerplateMarker().transform(dump.lines))
    truth = gold_boundaries(content, Gold(dump.gold()["articles"]))
    # the oracle knows the units of the marker's view: the page reading (which changes them) is left off
    perfect = evaluate_page_dumps(Oracle([truth.copy()]), [dump], pages=False)
    assert perfect["pk"] == 0 and perfect["n_found"] == perfect["n_articles"] == 4
    assert 0 < perfect["boilerplate_recall"] < 1  # the marker takes "Sign in" and the footer, not "Home"
    every_line = evaluate_page_dumps(LineSegmenter(), [dump], pages=False)
    assert every_line["n_found"] == content.n_gaps + 1 and every_line["article_ratio"] > 5 and every_line["pk"] > 0.3


def test_web_sections_of_the_benchmark_config():
    config = load_segment_eval_config("experiments/segmentation.yaml")
    assert config.web is not None and len(config.web.sources) == 2 and "bbc" in config.web.mixes
    assert {spec.source for spec in config.train.web} == set(config.web.sources)


def test_training_dumps_from_real_pages_hold_out_other_pages(shared_dir):
    from topiclab.segment import web_train_pages, web_training_dumps

    kept, held = web_train_pages("scrapinghub", 0.2)
    assert kept and held and not {p.id for p in kept} & {p.id for p in held}
    assert all(p.split == "train" for p in kept + held)
    spec = WebDumpSpec(source="scrapinghub", case="article", dumps=3, pages_per_dump=4, max_pages=8)
    fit, validation = web_training_dumps(spec, seed=0, share=0.2)
    assert len(fit) == 2 and len(validation) == 1
    assert all(d.n_articles == 4 and d.boundaries.sum() == 3 for d in fit)
