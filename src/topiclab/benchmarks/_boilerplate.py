"""Boilerplate marks on real pages, leave one source out: jusText's rule, the old cues, the learned model.

For each page source held out, the learned model (and its threshold) is fitted
on the other source's train half only and scored on the held-out source's eval
half; the rules need no fitting. Line repeats are counted over the scored pages
as one dump, as the pipeline counts them in a user's dump.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..data import PAGE_SOURCES, WebPage, load_web_pages, stop_words
from ..segment._boilerplate_model import BoilerplateModel, pick_threshold
from ..segment._boilerplate_rules import is_boilerplate, justext_marks
from ..segment._boilerplate_train import MAX_ARTICLE_MARKED, page_examples
from ..segment._line_features import line_counts
from ..segment._page_states import fit_page_state_model
from ..segment._pages import page_layout

__all__ = ["SECTION", "MARKERS", "PIPELINE", "CEILING", "ceiling_marks", "is_english", "score_marks", "held_out_rows",
           "boilerplate_section", "run_boilerplate_benchmark", "synthetic_figures"]

SECTION = "boilerplate"
PIPELINE = "pipeline: learned + web pages' chrome"
MARKERS = ("jusText rule", "regex cues (old marker)", "learned", "page states", PIPELINE)
CEILING = "learned on its own source, threshold set on the scored pages (ceiling)"
RECALL_TARGET, MARKED_TARGET = 0.85, 0.05
_ENGLISH_STOP_SHARE = 0.2  # English prose is ~40% stop words; other languages share few with the list


def is_english(page: WebPage) -> bool:
    """Whether a page reads as English: enough of its words are on the English stop list."""
    words = " ".join(page.lines).lower().split()
    stop = stop_words("english")
    return bool(words) and sum(word in stop for word in words) / len(words) >= _ENGLISH_STOP_SHARE


def _line_masks(pages: list[WebPage]) -> tuple[np.ndarray, np.ndarray]:
    """(boilerplate, article) per line of ``pages`` in order, blank lines in neither."""
    text = np.concatenate([np.array([bool(line.strip()) for line in page.lines]) for page in pages])
    main = np.concatenate([page.main for page in pages])
    return ~main & text, main & text


def score_marks(pages: list[WebPage], marks: list[np.ndarray]) -> dict:
    """Share of non-article lines marked (recall) and of gold article lines marked, over all lines."""
    boiler, article = _line_masks(pages)
    marked = np.concatenate(marks)
    return {"recall": float(marked[boiler].mean()), "article_marked": float(marked[article].mean()),
            "boilerplate_lines": int(boiler.sum()), "article_lines": int(article.sum())}


def ceiling_marks(pages: list[WebPage], model: BoilerplateModel, max_article_marked: float) -> list[np.ndarray]:
    """What line features can reach on ``pages`` at best: ``model`` (fitted on their own source's train
    half) with the threshold that marks at most ``max_article_marked`` of *these* pages' article lines,
    its cue-forced marks counted in, chosen on the scored pages themselves. An oracle, for the record:
    never a target's figure."""
    counts = line_counts([line for page in pages for line in page.lines])
    probabilities = np.concatenate([model.probabilities(page.lines, counts) for page in pages])
    forced = np.concatenate([model.forced(page.lines, counts) for page in pages])
    boiler, article = _line_masks(pages)
    text = boiler | article
    threshold = pick_threshold(probabilities[text], boiler[text], max_article_marked, forced[text])
    return _marks("learned", pages, replace(model, threshold=threshold))


def _marks(marker: str, pages: list[WebPage], model) -> list[np.ndarray]:
    """``model``: the fitted marker of that name (``BoilerplateModel``, ``PageStateModel``); None for the rules."""
    if marker == "jusText rule":
        return [justext_marks(page.lines) for page in pages]
    if marker == "regex cues (old marker)":
        return [np.array([is_boilerplate(line) for line in page.lines], dtype=bool) for page in pages]
    counts = line_counts([line for page in pages for line in page.lines])
    if marker == PIPELINE:  # as segment_dump marks a dump of one page: the marker's lines and its chrome
        learned, states = model
        return [learned.marks(page.lines, counts) | page_layout(page.lines, states).web_chrome for page in pages]
    return [model.marks(page.lines, counts) for page in pages]


def held_out_rows(seed: int = 0, max_article_marked: float = MAX_ARTICLE_MARKED, on_fit=None) -> pd.DataFrame:
    """One row per (held-out source, pages, marker): recall and article lines marked."""
    from ..segment._boilerplate_model import fit_boilerplate_model

    rows = []
    for held_out in PAGE_SOURCES:
        training = [source for source in PAGE_SOURCES if source != held_out]
        train_pages = [page for source in training for page in load_web_pages(source, "train")]
        model = fit_boilerplate_model(page_examples(train_pages), seed=seed, max_article_marked=max_article_marked)
        if on_fit is not None:
            on_fit(held_out, model)
        states = fit_page_state_model([(page.lines, page.main) for page in train_pages], seed=seed)
        fitted = {"learned": model, "page states": states, PIPELINE: (model, states)}
        own = fit_boilerplate_model(page_examples(load_web_pages(held_out, "train")), seed=seed,
                                    max_article_marked=max_article_marked)
        scored = load_web_pages(held_out, "eval")
        subsets = [("all", scored)]
        english = [page for page in scored if is_english(page)]
        if len(english) < len(scored):
            subsets.append(("English only", english))
        for name, pages in subsets:
            for marker in MARKERS:
                rows.append({"held out": held_out, "trained on": ", ".join(training) + " (train half)",
                             "pages": f"{name} ({len(pages)})", "marker": marker,
                             "threshold": model.threshold if marker == "learned" else float("nan"),
                             **score_marks(pages, _marks(marker, pages, fitted.get(marker)))})
            rows.append({"held out": held_out, "trained on": f"{held_out} (train half)",
                         "pages": f"{name} ({len(pages)})", "marker": CEILING, "threshold": float("nan"),
                         **score_marks(pages, ceiling_marks(pages, own, MARKED_TARGET))})
    return pd.DataFrame(rows)


def boilerplate_section(rows: pd.DataFrame, synthetic: dict | None = None) -> tuple[str, pd.DataFrame]:
    """The section's Markdown body and its Targets rows."""
    from ..viz import markdown_table

    table = rows[["held out", "trained on", "pages", "marker", "recall", "article_marked"]].copy()
    table = table.rename(columns={"article_marked": "article lines marked"})
    for column in ("recall", "article lines marked"):
        table[column] = table[column].map(lambda v: f"{v:.3f}")
    lines = [
        "## Boilerplate", "",
        "Real pages (`../shared/pages`), leave one source out: the learned marker and its threshold are fitted on "
        "the other source's train half (its threshold marks at most "
        f"{MAX_ARTICLE_MARKED:.0%} of that half's article lines, out of fold) and scored on the held-out source's "
        "eval half; the rules are fixed. Recall: share of the lines outside the gold article that are marked; "
        "article lines marked: share of gold article lines marked. The jusText rule is jusText's block "
        "classification (length in characters and stop-word density, default thresholds 70/200 and 0.30/0.32, "
        "context-sensitive revision of short and near-good blocks) on the project's English stop list, without "
        "link density or headings (a dump has no HTML). scrapinghub's gold leaves the headline out, dragnet's "
        "keeps title and byline in: each source's own definition is scored. English only: pages whose words "
        f"are at least {_ENGLISH_STOP_SHARE:.0%} English stop words. The ceiling row is an oracle, not a "
        "method: the same learned marker fitted on the scored source's own train half, its threshold set on the "
        f"scored pages themselves to mark at most {MARKED_TARGET:.0%} of their article lines, the lines its notice "
        "and menu cues mark whatever the threshold counted in (as the marker marks them); it shows how much "
        "boilerplate per-line features can find at that cost when nothing is held out. *page states* "
        "(`segment/_page_states.py`, measured here, not the shipped marker): each line labelled header, article "
        "or footer (before, inside, after the gold article's span) by a logistic regression on the same line "
        "features and hashed words, the page then decoded with Viterbi under the transitions counted on the "
        "training pages; it marks every line outside the article run, with no threshold. The *pipeline* row is "
        "what topiclab marks (`segment/_pages.py`): the learned marker's lines, and, where the page reads as a "
        "web page (more than 30% of its lines outside the decoded article run, which reaches the model's "
        "article floor: the 5th percentile of its training pages' gold article lengths), "
        "the page-state model's lines outside that run; the targets are scored on it.", "",
        markdown_table(table), "",
    ]
    if synthetic is not None:
        lines += [f"Synthetic realistic dumps (the segmentation benchmark's, marked by the shipped model): "
                  f"boilerplate recall {synthetic['boilerplate_recall']:.3f}, real paragraphs marked "
                  f"{synthetic['boilerplate_fp_rate']:.4f}; seed dump: {synthetic['seed_marked']} article "
                  f"line(s) marked, {synthetic['seed_articles']} article(s) found.", ""]
    targets = []
    for held_out, group in rows[rows["pages"].str.startswith("all")].groupby("held out", sort=False):
        learned = group[group["marker"] == PIPELINE].iloc[0]
        met = learned["recall"] >= RECALL_TARGET and learned["article_marked"] <= MARKED_TARGET
        targets.append({"target": f"boilerplate, {held_out} held out: recall >= {RECALL_TARGET} and article lines "
                                  f"marked <= {MARKED_TARGET}",
                        "measured": f"{learned['recall']:.3f} / {learned['article_marked']:.3f}",
                        "status": "met" if met else "missed"})
    return "\n".join(lines), pd.DataFrame(targets)


def synthetic_figures(config: str = "experiments/segmentation.yaml", seed_dump: str = "data/raw/seed_news.txt",
                      seed_gold: str = "data/raw/seed_news.gold.json") -> dict:
    """The shipped marker on the segmentation benchmark's realistic dumps (its ``pages:`` spec):
    boilerplate recall and real lines marked, as ``evaluate_page_dumps`` scores them; and on the seed
    dump: article lines marked, articles found by the learned segmenter."""
    import json

    from ..config import SegmentConfig, load_segment_eval_config
    from ..data import read_lines
    from ..paths import resolve
    from ..pipeline import find_articles
    from ..segment import BoilerplateMarker, spec_page_dumps

    settings = load_segment_eval_config(config)
    marker = BoilerplateMarker().fit()
    marked_boiler = n_boiler = marked_real = n_real = 0
    for dump in spec_page_dumps(settings.pages, settings.seed):
        marks = marker.transform(dump.lines)
        real = ~dump.boilerplate & np.array([bool(line.strip()) for line in dump.lines])
        marked_boiler += int((marks & dump.boilerplate).sum())
        n_boiler += int(dump.boilerplate.sum())
        marked_real += int((marks & real).sum())
        n_real += int(real.sum())
    lines = read_lines(resolve(seed_dump))[0]
    gold = json.loads(resolve(seed_gold).read_text("utf-8"))
    article_lines = {n for a in gold["articles"] for n in range(a["lines"][0], a["lines"][1] + 1)}
    seed_marks = marker.transform(lines)
    spans = find_articles(lines, SegmentConfig(method="learned"))
    return {"boilerplate_recall": marked_boiler / max(n_boiler, 1), "boilerplate_fp_rate": marked_real / max(n_real, 1),
            "seed_marked": int(sum(seed_marks[n - 1] for n in article_lines if lines[n - 1].strip())),
            "seed_articles": len(spans)}


def run_boilerplate_benchmark(seed: int = 0, on_fit=None) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(body, targets, rows) of the boilerplate section."""
    rows = held_out_rows(seed=seed, on_fit=on_fit)
    body, targets = boilerplate_section(rows, synthetic_figures())
    return body, targets, rows
