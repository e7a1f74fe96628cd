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


def segmentation_section(sentence_rows: list[dict], page_rows: list[dict], seed_articles: int,
                         best: str = "learned", scaling=None) -> tuple[str, pd.DataFrame]:
    """Markdown body and targets frame (target, measured, status) for the ``best`` segmenter;
    ``scaling``: a ``SegmentScaling`` (time and memory on big dumps), None when not measured."""
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
        *([_scaling_table(scaling)] if scaling is not None else [])])
    return body, targets
