"""Section `segmentation` of BENCHMARKS.md: targets judged from the measured rows, written to a temp report."""

from topiclab.benchmarks import read_sections, segmentation_section, write_section


def rows(pk_pages, found, pk_sentences):
    page = {"segmenter": "learned", "pk": pk_pages, "windowdiff": pk_pages, "f1": 0.8, "n_articles": 100,
            "n_found": found, "article_ratio": found / 100, "boilerplate_recall": 0.95,
            "boilerplate_fp_rate": 0.01, "seconds": 1.0}
    sentence = {"segmenter": "learned", "pk": pk_sentences, "windowdiff": pk_sentences, "f1": 0.9,
                "n_articles": 50, "n_predicted": 49, "seconds": 1.0}
    return [sentence], [page]


def test_targets_follow_the_measurements(tmp_path):
    sentences, pages = rows(0.12, 110, 0.05)
    body, targets = segmentation_section(sentences, pages, 5)
    status = dict(zip(targets["target"], targets["status"]))
    assert status["segmentation: realistic dumps Pk <= 0.15"] == "met"
    assert status["segmentation: realistic dumps, articles found within 20% of true"] == "met"
    sentences, pages = rows(0.2, 130, 0.11)
    _, missed = segmentation_section(sentences, pages, 4)
    missed_status = dict(zip(missed["target"], missed["status"]))
    for target in ("segmentation: realistic dumps Pk <= 0.15", "segmentation: the seed, exactly 5 articles",
                   "segmentation: realistic dumps, articles found within 20% of true",
                   "segmentation: lower-cased BBC sentence dumps Pk <= 0.10"):
        assert missed_status[target] == "missed"
    assert missed_status["segmentation: boilerplate recall >= 0.90"] == "met"
    report = tmp_path / "BENCHMARKS.md"
    write_section(report, "segmentation", body, targets)
    rows_written, text = read_sections(report)["segmentation"]
    assert len(rows_written) == len(targets) and "Realistic dumps" in text


def test_scaling_is_measured_on_big_dumps_and_judged_linear(tmp_path):
    import json

    from topiclab.benchmarks import segmentation_scaling
    from topiclab.segment import LearnedSegmenter, build_page_dump, load_page_articles, train_boundary_model

    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps({"id": f"a{i}", "label": "x", "title": f"Story {i} of the day",
                                          "text": "\n".join(f"Story {i} paragraph {p} says words." for p in range(3))})
                              for i in range(30)) + "\n", encoding="utf-8")
    articles = load_page_articles(str(path))
    dumps = [build_page_dump(articles, seed).content_dump() for seed in range(3)]
    model = train_boundary_model(dumps[:2], dumps[2:], None, seed=0, hidden=(4,), members=1)
    scaling = segmentation_scaling(articles, 0, (200, 400), megabytes=0.02, segmenter=LearnedSegmenter(model))
    assert [p.n_documents for p in scaling.points] == [200, 400] and scaling.big.n_bytes >= 20_000
    assert all(p.seconds > 0 and p.sentences >= p.n_documents // 2 for p in scaling.points)
    sentences, pages = rows(0.1, 100, 0.05)
    body, targets = segmentation_section(sentences, pages, 5, scaling=scaling)
    row = targets.set_index("target").loc["segmentation: time and memory linear in dump size (20 MB, 100,000 lines)"]
    assert "time exponent" in row["measured"] and "400 lines" in body
    scaling.exponent = 2.0  # quadratic time is no target met
    _, quadratic = segmentation_section(sentences, pages, 5, scaling=scaling)
    assert quadratic.set_index("target").loc[row.name, "status"] == "missed"


def test_web_page_folds_give_tables_and_targets_per_held_out_source():
    from topiclab.config import WebEvalSpec

    def fold(source, pk_page, found, pk_article, marked=(0.4, 0.01)):
        rows = [{"held_out": source, "case": "whole pages", "pk": pk_page, "windowdiff": pk_page, "f1": 0.5,
                 "n_articles": 32, "n_found": found, "article_ratio": found / 32, "boilerplate_recall": marked[0],
                 "boilerplate_fp_rate": marked[1]},
                {"held_out": source, "case": "article only", "pk": pk_article, "windowdiff": pk_article, "f1": 0.7,
                 "n_articles": 32, "n_found": 30, "article_ratio": 30 / 32},
                {"held_out": source, "case": "wire copy (BBC eval half, datelines)", "pk": 0.05, "windowdiff": 0.05,
                 "f1": 0.9, "n_articles": 60, "n_found": 61, "article_ratio": 61 / 60,
                 "continuation_cut_rate": 0.02}]
        return {"held_out": source, "chosen": "pages", "threshold": 0.5, "validation": {"bbc": 0.3, "pages": 0.2},
                "rows": rows, "page_fit_pages": 85, "chrome_share": 0.3, "chrome_validation": {0.3: 0.1, 0.5: 0.2}}

    sentences, pages = rows(0.1, 100, 0.05)
    folds = [fold("scrapinghub", 0.1, 36, 0.1, (0.9, 0.04)), fold("dragnet", 0.3, 90, 0.2, (0.9, 0.06))]
    body, targets = segmentation_section(sentences, pages, 5, web_folds=folds, web=WebEvalSpec())
    status = dict(zip(targets["target"], targets["status"]))
    assert status["segmentation: web pages, scrapinghub held out: whole-page dumps Pk <= 0.15"] == "met"
    assert status["segmentation: web pages, scrapinghub held out: pages found within 20% of true"] == "met"
    assert status["segmentation: web pages, scrapinghub held out: article-only dumps Pk <= 0.12"] == "met"
    for target in ("whole-page dumps Pk <= 0.15", "pages found within 20% of true", "article-only dumps Pk <= 0.12"):
        assert status[f"segmentation: web pages, dragnet held out: {target}"] == "missed"
    marked = "whole-page dumps boilerplate recall >= 0.85 with <= 0.05 of article lines marked"
    assert status[f"segmentation: web pages, scrapinghub held out: {marked} (the marker and the web pages' chrome)"] \
        == "met"
    assert status[f"segmentation: web pages, dragnet held out: {marked} (the marker and the web pages' chrome)"] \
        == "missed"  # recall without false marks: both at once
    assert "Held out: dragnet (mix chosen: `pages`" in body and "continuation_cut_rate" in body
    assert "page states fitted on 85 pages, chrome share chosen 0.3" in body
