"""Section ``segmentation`` of BENCHMARKS.md: the segmenters on realistic and lower-cased dumps, and the seed."""

from __future__ import annotations

import pandas as pd

from ..viz import markdown_table

__all__ = ["segmentation_section"]

_PAGE_COLUMNS = ["segmenter", "pk", "windowdiff", "f1", "n_articles", "n_found", "article_ratio",
                 "boilerplate_recall", "boilerplate_fp_rate", "seconds"]
_SENTENCE_COLUMNS = ["segmenter", "pk", "windowdiff", "f1", "n_articles", "n_predicted", "seconds"]


def _status(met: bool) -> str:
    return "met" if met else "missed"


# Linear: time and traced memory grow with an exponent of at most this over 12,500-100,000 lines.
LINEAR_EXPONENT = 1.2


def _scaling_target(scaling) -> dict:
    target = "segmentation: time and memory linear in dump size (20 MB, 100,000 lines)"
    if scaling is None:
        return {"target": target, "measured": "not measured by this command", "status": "missed"}
    last = scaling.points[-1]
    measured = (f"time exponent {scaling.exponent:.2f}, memory exponent {scaling.memory_exponent:.2f}; "
                f"{last.n_documents:,} lines {last.seconds:.0f} CPU s; {scaling.big.n_bytes / 1e6:.0f} MB "
                f"{scaling.big.seconds:.0f} CPU s")
    linear = max(scaling.exponent, scaling.memory_exponent) <= LINEAR_EXPONENT
    return {"target": target, "measured": measured, "status": _status(linear)}


def _scaling_table(scaling) -> str:
    rows = [{"dump": f"{p.n_documents:,} lines ({p.n_bytes / 1e6:.1f} MB)", "CPU seconds": round(p.seconds, 1),
             "wall seconds": round(p.wall_seconds, 1),
             "peak memory MB": round(p.peak_bytes / 1e6, 1), "sentences encoded": p.sentences}
            for p in [*scaling.points, scaling.big]]
    return "\n".join([
        "Scale (realistic dumps of the eval half run together; the whole `segment_lines` path with the shipped "
        "model; a hashing line encoder stands in for MiniLM, whose cost is linear by construction: at most "
        "8 sentences of at most 600 characters per line; peak memory: the rise of the resident set "
        "during the call):", "",
        markdown_table(pd.DataFrame(rows)), "",
        f"Growth exponent (log CPU time over log lines, 1 = linear): {scaling.exponent:.2f}; "
        f"of peak memory: {scaling.memory_exponent:.2f}.", ""])


_WEB_COLUMNS = ["case", "pk", "windowdiff", "f1", "n_articles", "n_found", "article_ratio", "boilerplate_recall",
                "boilerplate_fp_rate", "continuation_cut_rate"]


def _web_targets(folds: list[dict]) -> list[dict]:
    """Per held-out source: whole-page Pk and pages found, article-only Pk."""
    targets = []
    for fold in folds:
        rows = {row["case"]: row for row in fold["rows"]}
        page, article, source = rows["whole pages"], rows["article only"], fold["held_out"]
        targets += [
            {"target": f"segmentation: web pages, {source} held out: whole-page dumps Pk <= 0.15",
             "measured": f"{page['pk']:.4f}", "status": _status(page["pk"] <= 0.15)},
            {"target": f"segmentation: web pages, {source} held out: pages found within 20% of true",
             "measured": f"{page['n_found']} of {page['n_articles']} ({page['article_ratio']:.2f})",
             "status": _status(abs(page["article_ratio"] - 1) <= 0.2)},
            {"target": f"segmentation: web pages, {source} held out: article-only dumps Pk <= 0.12",
             "measured": f"{article['pk']:.4f}", "status": _status(article["pk"] <= 0.12)},
            {"target": f"segmentation: web pages, {source} held out: whole-page dumps boilerplate recall >= 0.85 "
                       "with <= 0.05 of article lines marked (the marker and the web pages' chrome)",
             "measured": f"{page['boilerplate_recall']:.3f} / {page['boilerplate_fp_rate']:.3f}",
             "status": _status(page["boilerplate_recall"] >= 0.85 and page["boilerplate_fp_rate"] <= 0.05)},
        ]
    return targets


def _web_tables(folds: list[dict], web) -> str:
    parts = [
        f"Real web pages (../shared/pages), leave-one-source-out: the learned segmenter trained with the BBC mix "
        f"of `train:` plus the other source's train half ({web.train_pages} pages sampled by a hash of their id, "
        f"a fifth of them held for validation), the mix (`web.mixes`, dumps per case) and the threshold chosen "
        f"on that training side's validation dumps; scored on the held-out source's eval half "
        f"({web.eval_pages} pages, {web.pages_per_dump} to a dump; comment pages: {web.comment_pages} pages with "
        f"at least {web.comment_lines} prose lines after the article). Whole pages are scored as the pipeline "
        "segments them: `BoilerplateMarker`'s lines and the web pages' chrome left out, page starts cut, a web "
        "page one article (`segment/_pages.py`: the page-state model, fitted on the training source's fit "
        "pages, decodes each line as header, article or footer; a decoded page whose lines are more than the "
        "chrome share outside its article run is a web page; the share is chosen among 0.2, 0.3, 0.5 and 0.7 on "
        "the training side's validation pages (page and article dumps, up to as many pages as the eval half "
        "scores) and two realistic BBC train-half dumps). "
        "`boilerplate_recall`: share of the gold non-article lines marked; the oracle row removes the gold "
        "non-article lines instead (what is left "
        "is the articles: it is the article-only case built from the same dumps). A page is one segment; "
        "`n_found`: pages found. Wire copy: eval-half BBC articles with datelines and no titles; "
        "`continuation_cut_rate`: share of paragraphs inside an article opening like \"The company said\" or "
        "\"He added\" that a boundary is put before.", ""]
    for fold in folds:
        tried = ", ".join(f"{name} {value:.4f}" for name, value in fold["validation"].items())
        shares = ", ".join(f"{share} {value:.4f}" for share, value in fold["chrome_validation"].items())
        parts += [f"Held out: {fold['held_out']} (mix chosen: `{fold['chosen']}`, threshold "
                  f"{fold['threshold']:.3f}; validation Pk per mix: {tried}; page states fitted on "
                  f"{fold['page_fit_pages']} pages, chrome share chosen {fold['chrome_share']}, validation Pk "
                  f"per share: {shares}):", "",
                  markdown_table(pd.DataFrame(fold["rows"]).reindex(columns=_WEB_COLUMNS).round(4)), ""]
    return "\n".join(parts)


def segmentation_section(sentence_rows: list[dict], page_rows: list[dict], seed_articles: int,
                         best: str = "learned", scaling=None, web_folds: list[dict] | None = None,
                         web=None) -> tuple[str, pd.DataFrame]:
    """Markdown body and targets frame (target, measured, status) for the ``best`` segmenter;
    ``scaling``: a ``SegmentScaling`` (time and memory on big dumps), None when not measured;
    ``web_folds``: ``segment.leave_one_source_out``'s results on real pages (``web``: their spec)."""
    page = next(row for row in page_rows if row["segmenter"] == best)
    sentence = next(row for row in sentence_rows if row["segmenter"] == best)
    targets = pd.DataFrame([
        {"target": "segmentation: realistic dumps Pk <= 0.15", "measured": f"{page['pk']:.4f}",
         "status": _status(page["pk"] <= 0.15)},
        {"target": "segmentation: realistic dumps, articles found within 20% of true",
         "measured": f"{page['n_found']} of {page['n_articles']} ({page['article_ratio']:.2f})",
         "status": _status(abs(page["article_ratio"] - 1) <= 0.2)},
        {"target": "segmentation: boilerplate recall >= 0.90", "measured": f"{page['boilerplate_recall']:.3f}",
         "status": _status(page["boilerplate_recall"] >= 0.9)},
        {"target": "segmentation: real paragraphs marked boilerplate <= 0.02",
         "measured": f"{page['boilerplate_fp_rate']:.4f}", "status": _status(page["boilerplate_fp_rate"] <= 0.02)},
        {"target": "segmentation: lower-cased BBC sentence dumps Pk <= 0.10", "measured": f"{sentence['pk']:.4f}",
         "status": _status(sentence["pk"] <= 0.10)},
        {"target": "segmentation: the seed, exactly 5 articles", "measured": str(seed_articles),
         "status": _status(seed_articles == 5)},
        _scaling_target(scaling),
        *_web_targets(web_folds or []),
    ])
    pages = pd.DataFrame(page_rows)[_PAGE_COLUMNS].round(4)
    sentences = pd.DataFrame(sentence_rows)[_SENTENCE_COLUMNS].round(4)
    body = "\n".join([
        "## Segmentation", "",
        "Realistic dumps (eval half of bbc_fulltext.jsonl, cased, one paragraph per line, titles, "
        "cut-off articles, boilerplate lines, runs of same-label articles):", "",
        markdown_table(pages), "",
        "Lower-cased BBC sentence dumps (eval half of bbc_news.csv):", "",
        markdown_table(sentences), "",
        f"The seed (data/raw/seed_news.txt): {seed_articles} article(s) found by `{best}`.", "",
        *([_web_tables(web_folds, web)] if web_folds else []),
        *([_scaling_table(scaling)] if scaling is not None else [])])
    return body, targets
