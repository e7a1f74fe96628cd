"""Realistic synthetic dumps: cased paragraphs, titles, cut-offs, boilerplate, same-label runs."""

import json

import numpy as np
import pytest

from topiclab.config import SegmentConfig
from topiclab.data import load_gold
from topiclab.segment import (BoilerplateMarker, build_page_dump, evaluate_page_dumps, load_page_articles,
                              make_segmenter)

LABELS = ["business", "sport", "tech"]


@pytest.fixture
def articles(tmp_path):
    path = tmp_path / "articles.jsonl"
    rows = []
    for i in range(24):
        label = LABELS[i % 3]
        paragraphs = [f"Paragraph {p} of the {label} story number {i}, with a full sentence of text here."
                      for p in range(3 + i % 4)]
        rows.append(json.dumps({"id": f"{label}-{i:03d}", "label": label, "title": f"{label.title()} story {i}",
                                "text": "\n".join(paragraphs)}))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_page_articles(str(path))


def test_page_dump_is_a_valid_gold_partition(articles, tmp_path):
    dump = build_page_dump(articles, seed=3)
    assert dump.n_articles == len(articles)
    gold = tmp_path / "dump.gold.json"
    gold.write_text(json.dumps(dump.gold()), encoding="utf-8")
    spans = [a["lines"] for a in load_gold(gold).articles]  # overlaps or gaps would be refused
    assert spans[0][0] == 1 and spans[-1][1] == len(dump.lines)
    assert dump.boilerplate.sum() > 0 and len(dump.boilerplate) == len(dump.lines)


def test_same_label_share_controls_neighbours(articles):
    def share(value):
        labels = build_page_dump(articles, seed=5, same_label_share=value).labels
        return np.mean([a == b for a, b in zip(labels, labels[1:])])

    assert share(0.9) > share(0.0)


def test_seed_fixes_the_dump(articles):
    assert build_page_dump(articles, seed=7).lines == build_page_dump(articles, seed=7).lines
    assert build_page_dump(articles, seed=7).lines != build_page_dump(articles, seed=8).lines


def test_evaluation_counts_articles_and_marks(articles):
    dumps = [build_page_dump(articles, seed=11, boilerplate_per_article=1.0)]
    scores = evaluate_page_dumps(make_segmenter(SegmentConfig(method="none")), dumps)
    content = sum(int((~d.boilerplate & BoilerplateMarker().transform(d.lines).__invert__()).sum()) for d in dumps)
    assert scores["n_articles"] == len(articles)
    assert scores["n_found"] == content  # every content line its own article
    assert scores["recall"] == 1.0 and 0.0 <= scores["boilerplate_fp_rate"] <= 1.0


def test_boundary_model_trains_on_page_dumps(articles, tmp_path):
    from topiclab.config import SegmentEvalConfig
    from topiclab.segment import LearnedSegmenter, train_boundary_model, training_dumps

    path = tmp_path / "pages.jsonl"
    rows = [json.dumps({"id": f"{a.label}-{i}", "label": a.label, "title": a.title, "text": "\n".join(a.paragraphs)})
            for i, a in enumerate(articles * 4)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = SegmentEvalConfig.model_validate({
        "segmenters": {"fixed": {"method": "fixed"}}, "baseline": "fixed",
        "train": {"data": [], "validation_share": 0.3, "members": 1, "hidden": [4],
                  "pages": [{"path": str(path), "split": "train", "dumps": 4, "articles_per_dump": 8}]}})
    train, validation = training_dumps(config)
    assert len(train) == 3 and len(validation) == 1
    for dump in train + validation:
        assert len(dump.boundaries) == len(dump.lines) - 1 and dump.boundaries.any()
        assert not BoilerplateMarker().transform(dump.lines).any()  # content lines only
    model = train_boundary_model(train, validation, None, seed=0, hidden=(4,), members=1)
    assert 0.0 < model.threshold < 1.0 and model.info["validation_pk"] <= 1.0
    assert isinstance(LearnedSegmenter(model).boundary_model(), type(model))
