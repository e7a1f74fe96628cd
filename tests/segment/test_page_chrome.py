"""Web pages in a dump: page starts, web pages kept whole, their chrome marked, the model file."""

import numpy as np
import pytest

from synthetic_pages import SENTENCES, synthetic_page
from topiclab.errors import TopiclabError
from topiclab.segment import (FixedSegmenter, PageLayout, fit_page_state_model, load_page_state_model,
                              page_layout, page_starts, save_page_state_model, segment_dump, segment_lines,
                              shipped_page_state_model, web_page_boundaries)
from topiclab.segment._page_states import ARTICLE, FOOTER, HEADER


@pytest.fixture(scope="module")
def model():
    return fit_page_state_model([synthetic_page(seed) for seed in range(40)], seed=0)


def _dump(seeds):
    lines, flags = [], []
    for seed in seeds:
        page, main = synthetic_page(seed)
        lines += page
        flags.append(main)
    return lines, np.concatenate(flags)


def test_a_page_opens_at_a_header_after_an_article_or_footer_and_at_an_article_after_a_footer():
    h, a, f = HEADER, ARTICLE, FOOTER
    assert page_starts(np.array([h, h, a, a, f, h, a, f, a, a])).tolist() == [5, 8]
    assert page_starts(np.array([a, h, a])).tolist() == [1]
    assert page_starts(np.array([a, a, f, f])).tolist() == [] and page_starts(np.zeros(0, dtype=int)).tolist() == []


def test_no_boundary_inside_a_web_page_one_at_its_edges_and_the_segmenters_elsewhere():
    # three decoded pages of four lines each: a web page, a stretch of news text, a web page
    layout = PageLayout(chrome=np.zeros(12, dtype=bool), region=np.repeat([0, 1, 2], 4),
                        web=np.array([True, False, True]))
    units = np.array([2, 3, 5, 6, 7, 8, 10, 11])  # 1-based raw line of each unit
    segmenter = np.array([True, False, False, True, True, False, True])  # per gap between units
    assert web_page_boundaries(units, segmenter, layout).tolist() == [False, True, False, True, True, True, False]


def test_a_dump_of_web_pages_is_one_article_a_page_with_its_menus_and_footers_marked(model):
    lines, main = _dump([101, 102, 103])
    # a fixed segmenter cuts every two lines: only the pages keep it from cutting inside them
    spans = segment_lines(lines, FixedSegmenter(2), pages=model)
    assert len(spans) == 3
    for span, seed in zip(spans, [101, 102, 103]):
        assert f"Case {seed}." in span.text and all(f"Case {seed}." in line for line in span.text.split("\n"))
    article_lines = np.flatnonzero(main) + 1
    for before, span in zip(spans, spans[1:]):  # a page's menu opens its article, not the one before
        last_of_before = max(n for n in article_lines if before.line_start <= n <= before.line_end)
        assert last_of_before < span.line_start <= min(n for n in article_lines if n >= span.line_start)
        assert not any(span.line_start <= n <= span.line_end for n in article_lines if n <= last_of_before)
        menu = [n for n in range(span.line_start, span.line_end + 1) if n not in article_lines]
        assert menu and menu[0] == span.line_start
    marked = {n for span in spans for n in span.boilerplate}
    assert marked == {n + 1 for n in np.flatnonzero(~main)}  # every menu and footer line, no article line
    assert len(segment_lines(lines, FixedSegmenter(2), pages=False)) > 3


def test_news_text_without_page_chrome_is_left_to_the_segmenter(model):
    lines = [sentence for sentence in SENTENCES] * 2
    layout = page_layout(lines, model)
    assert not layout.web.any() and (model.states(lines) == ARTICLE).all()
    with_pages = [(s.line_start, s.line_end) for s in segment_lines(lines, FixedSegmenter(2), pages=model)]
    assert with_pages == [(s.line_start, s.line_end) for s in segment_lines(lines, FixedSegmenter(2), pages=False)]
    assert len(with_pages) == 6


def test_a_page_that_is_all_chrome_is_no_web_page_and_the_marker_decides(model):
    dump, boundaries, _ = segment_dump(["Home", "World", "Sport", "Privacy policy"], FixedSegmenter(2), pages=model)
    assert len(dump.units) >= 1 and boundaries.shape == (dump.n_gaps,)


def test_the_page_state_model_round_trips_through_its_file_and_a_wrong_file_is_one_line(model, tmp_path):
    path = save_page_state_model(model, tmp_path / "page_states.json")
    loaded = load_page_state_model(path)
    lines, _ = _dump([7, 8])
    assert loaded.states(lines).tolist() == model.states(lines).tolist()
    bad = tmp_path / "bad.json"
    bad.write_text(path.read_text().replace('"transitions": [[', '"transitions": [[0.5], ['), encoding="utf-8")
    with pytest.raises(TopiclabError, match="is not a page-state model") as error:
        load_page_state_model(bad)
    assert "\n" not in str(error.value)


def test_the_shipped_model_leaves_the_seed_alone(seed_path):
    layout = page_layout(seed_path.read_text(encoding="utf-8").splitlines(), shipped_page_state_model())
    assert not layout.web.any() and not layout.web_chrome.any()


def test_a_dump_of_menus_and_teasers_with_no_article_run_is_no_web_page(model):
    from synthetic_pages import FOOTER_LINES, MENU

    lines = (MENU + FOOTER_LINES) * 3  # decoded as headers and footers, but no page carries an article
    layout = page_layout(lines, model)
    assert layout.chrome.mean() > 0.9 and not layout.web.any() and not layout.web_chrome.any()
    with_pages = segment_lines(lines, FixedSegmenter(4), pages=model)
    assert with_pages == segment_lines(lines, FixedSegmenter(4), pages=False)  # the marker and segmenter alone


def test_a_run_of_chrome_decoded_as_a_page_of_its_own_joins_the_page_before(model):
    from synthetic_pages import FOOTER_LINES, MENU

    page, _ = synthetic_page(5)
    lines = page + MENU + FOOTER_LINES + synthetic_page(6)[0]  # a menu block with no article between two pages
    layout = page_layout(lines, model)
    assert len(layout.web) == 2 and layout.web.all()
    assert len(segment_lines(lines, FixedSegmenter(2), pages=model)) == 2


def test_the_train_command_fits_the_page_states_on_a_page_files_train_half(tmp_path):
    import json

    from topiclab.data import split_of
    from topiclab.segment import train_page_state_model

    rows, seed = [], 0
    while len(rows) < 12:  # only the train half is read
        if split_of(f"tiny-{seed}") == "train":
            lines, main = synthetic_page(seed)
            rows.append(json.dumps({"id": f"tiny-{seed}", "url": "", "lines": lines,
                                    "main": [int(i) for i in np.flatnonzero(main)]}))
        seed += 1
    pages = tmp_path / "tiny.jsonl"
    pages.write_text("\n".join(rows) + "\n", encoding="utf-8")
    model, written = train_page_state_model(sources=("tiny",), paths={"tiny": pages}, output=tmp_path / "s.json")
    assert model.info["pages"] == 12 and written == tmp_path / "s.json"
    lines, main = synthetic_page(1000)
    assert load_page_state_model(written).marks(lines).tolist() == (~main).tolist()


def test_marked_lines_read_as_runs():
    from topiclab.segment import line_ranges

    assert line_ranges([9, 1, 2, 3, 7, 10]) == "1-3, 7, 9-10" and line_ranges([5]) == "5" and line_ranges([]) == ""


def test_the_article_floor_is_learned_from_the_training_pages_and_makes_a_web_page(model):
    from dataclasses import replace

    lengths = [sum(len(line.split()) for line, inside in zip(*synthetic_page(seed)) if inside) for seed in range(40)]
    assert model.min_article_words == pytest.approx(np.quantile(lengths, 0.05))
    lines, _ = _dump([101, 102, 103])
    assert page_layout(lines, model).web.sum() == 3
    assert not page_layout(lines, replace(model, min_article_words=10_000)).web.any()
