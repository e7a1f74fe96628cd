"""Realistic synthetic dumps: cased articles as copied from news pages, with boilerplate.

Built from a JSONL table of articles with ``id``, ``label``, ``title`` and
``text`` (one paragraph per ``\\n``, as ``../shared/datasets/bbc_fulltext.jsonl``):
one paragraph (or sentence) per line; about a third of the articles cut to
their first 1-3 paragraphs, some to a single cut-off line of a few hundred
characters; titles present or absent; boilerplate lines between and inside
articles (menus, prompts, notices, captions, bylines, a run of other headlines);
and runs of articles of the same label next to each other. Every random
choice draws from the seed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from ..data import read_lines, split_of
from ..errors import TopiclabError
from ..paths import resolve
from ._text import split_sentences

__all__ = ["PageArticle", "PageDump", "load_page_articles", "build_page_dump", "evaluate_page_dumps",
           "spec_page_dumps"]

_MENUS = ["Home | News | World | Business | Politics | Tech | Science | Health",
          "News \u203a World \u203a Europe", "Sport | Football | Cricket | Rugby | Tennis | Golf",
          "Menu | Search | Sign in | Subscribe"]
_PROMPTS = ["Read more", "Share this article", "Share on Facebook", "Follow us on Twitter",
            "Read more: related coverage", "Sign up for our morning newsletter", "Advertisement",
            "Subscribe to continue reading", "Most read", "Related stories", "Skip to content",
            "We use cookies to give you the best experience. Accept all cookies",
            "Copyright \u00a9 2025 All rights reserved"]
_CAPTIONS = ["Image caption: {name} spoke to reporters on Tuesday", "Photo: Getty Images",
             "Image source: Reuters", "Media caption: watch the moment {name} arrived"]
_BYLINES = ["By {name}, {label} correspondent", "By {name}", "Published: 3 March 2025"]
# Datelines as wire services and newspapers open an article with them (place, maybe agency, a dash).
_DATELINES = ["LONDON (Reuters) - ", "CAIRO, Egypt -- ", "WASHINGTON \u2014 ", "Paris, France - ", "TOKYO (AP) -- ",
              "NEW YORK, Dec. 3 \u2013 ", "Brussels (AFP) - ", "SYDNEY, Australia \u2014 "]
_NAMES = ["Jane Smith", "Ali Hassan", "Maria Lopez", "Tom Brown", "Chen Wei", "Priya Patel"]


@dataclass(frozen=True)
class PageArticle:
    id: str
    label: str
    title: str
    paragraphs: list[str]


@dataclass(frozen=True)
class PageDump:
    lines: list[str]
    starts: list[int]  # 1-based first line of each article (its span runs to the next start - 1)
    boilerplate: np.ndarray  # per line: generated as boilerplate
    labels: list[str]

    @property
    def n_articles(self) -> int:
        return len(self.starts)

    def content_dump(self):
        """The dump's content lines as the boundary model learns them (``BoilerplateMarker``'s marks, as
        at inference; page chrome is cut around, not learned) with the gold boundaries between them,
        for training and threshold tuning."""
        from ..data import Gold
        from ._boilerplate import BoilerplateMarker
        from ._report import gold_boundaries
        from ._segmenters import Dump
        from ._synthetic import SyntheticDump

        dump = Dump.from_lines(self.lines, BoilerplateMarker().transform(self.lines))
        return SyntheticDump(dump.units, gold_boundaries(dump, Gold(self.gold()["articles"])),
                             [f"L{start}" for start in self.starts], list(self.labels))

    def gold(self) -> dict:
        """Gold spans in the format of ``data/raw/seed_news.gold.json``."""
        ends = [s - 1 for s in self.starts[1:]] + [len(self.lines)]
        return {"articles": [{"lines": [s, e], "topic": label}
                             for s, e, label in zip(self.starts, ends, self.labels)]}


def load_page_articles(path: str, split: str | None = None) -> list[PageArticle]:
    """Articles of a JSONL table with id, label, title and text (paragraphs by ``\\n``)."""
    lines, _ = read_lines(resolve(path))
    articles = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            article = PageArticle(str(row["id"]), str(row["label"]), str(row.get("title") or ""),
                                  [p.strip() for p in str(row["text"]).split("\n") if p.strip()])
        except (json.JSONDecodeError, KeyError, TypeError):
            raise TopiclabError(f"{path}:{number} is not an article with id, label and text") from None
        if article.paragraphs and (split is None or split_of(article.id) == split):
            articles.append(article)
    if not articles:
        raise TopiclabError(f"{path}: no articles in split {split!r}")
    return articles


def _label_runs(articles: list[PageArticle], rng: np.random.Generator, same_label_share: float) -> list[PageArticle]:
    """Articles in an order where about ``same_label_share`` of neighbours share a label."""
    by_label: dict[str, list[PageArticle]] = {}
    for index in rng.permutation(len(articles)):
        by_label.setdefault(articles[index].label, []).append(articles[index])
    order, current = [], None
    while any(by_label.values()):
        labels = [label for label, rest in by_label.items() if rest]
        if current not in labels or rng.random() >= same_label_share:
            current = labels[int(rng.integers(len(labels)))]
        order.append(by_label[current].pop())
    return order


def _boilerplate_line(rng: np.random.Generator, label: str, headlines: list[str]) -> str:
    kind = rng.random()
    name = _NAMES[int(rng.integers(len(_NAMES)))]
    if kind < 0.2:
        return _MENUS[int(rng.integers(len(_MENUS)))]
    if kind < 0.3:
        return " | ".join(headlines[int(i)] for i in rng.integers(len(headlines), size=4))
    if kind < 0.7:
        return _PROMPTS[int(rng.integers(len(_PROMPTS)))]
    if kind < 0.85:
        return _CAPTIONS[int(rng.integers(len(_CAPTIONS)))].format(name=name)
    return _BYLINES[int(rng.integers(len(_BYLINES)))].format(name=name, label=label)


def build_page_dump(articles: list[PageArticle], seed: int, unit: str = "paragraph",
                    same_label_share: float = 0.6, cut_share: float = 0.33, snippet_share: float = 0.1,
                    title_share: float = 0.5, boilerplate_per_article: float = 2.0, dateline_share: float = 0.0,
                    kicker_share: float = 0.0, lowercase: bool = False,
                    snippet_chars: tuple[int, int] = (150, 400)) -> PageDump:
    """One dump of ``articles`` (see the module's docstring). ``dateline_share`` of the articles open
    with a dateline (``CAIRO, Egypt -- ``), ``kicker_share`` with an upper-case kicker made of their
    title's first words (``PROFITS JUMP: ``); snippets are cut after ``snippet_chars`` characters
    (drawn between the two); ``lowercase`` lower-cases every line (a case-free regime)."""
    if unit not in ("sentence", "paragraph"):
        raise TopiclabError(f"unknown dump unit {unit!r} (sentence or paragraph)")
    rng = np.random.default_rng(seed)
    headlines = [a.title for a in articles if a.title] or ["Latest news"]
    lines: list[str] = []
    flags: list[bool] = []
    starts, labels = [], []

    def add(line: str, is_boilerplate: bool):
        lines.append(line)
        flags.append(is_boilerplate)

    for article in _label_runs(articles, rng, same_label_share):
        starts.append(len(lines) + 1)
        labels.append(article.label)
        paragraphs = list(article.paragraphs)
        draw = rng.random()
        if draw < snippet_share:  # a single cut-off line of a few hundred characters
            text = " ".join(paragraphs)
            cut = int(rng.integers(snippet_chars[0], snippet_chars[1]))
            paragraphs = [text[:cut].rsplit(" ", 1)[0]]
        elif draw < cut_share:
            paragraphs = paragraphs[:int(rng.integers(1, 4))]
        opener = rng.random() if dateline_share or kicker_share else 1.0  # no draw: older dumps stay as they were
        if opener < dateline_share:
            paragraphs[0] = _DATELINES[int(rng.integers(len(_DATELINES)))] + paragraphs[0]
        elif opener < dateline_share + kicker_share and article.title:
            paragraphs[0] = " ".join(article.title.split()[:int(rng.integers(1, 3))]).upper() + ": " + paragraphs[0]
        body = [p for p in paragraphs] if unit == "paragraph" else [
            s for p in paragraphs for s in split_sentences(p)]
        n_boiler = rng.poisson(boilerplate_per_article)
        # Boilerplate opens the article (menu, byline) or sits inside it; never before its first line
        # in the gold spans, so every span starts where the article's page starts.
        if article.title and rng.random() < title_share:
            add(article.title, False)
        positions = sorted(int(p) for p in rng.integers(0, len(body) + 1, size=n_boiler))
        inserted = 0
        for index, line in enumerate(body):
            while inserted < len(positions) and positions[inserted] == index:
                add(_boilerplate_line(rng, article.label, headlines), True)
                inserted += 1
            add(line, False)
        for _ in range(len(positions) - inserted):
            add(_boilerplate_line(rng, article.label, headlines), True)
    if lowercase:
        lines = [line.lower() for line in lines]
    return PageDump(lines, starts, np.asarray(flags, dtype=bool), labels)


def evaluate_page_dumps(segmenter, dumps: list[PageDump], embedder=None, pages=True,
                        max_chrome_share: float | None = None) -> dict[str, float]:
    """Pk and WindowDiff (mean per dump), boundary P/R/F1 (pooled), articles found against true,
    and the boilerplate marks: share of generated boilerplate lines marked (recall) and share of
    real (non-blank) lines marked (false-positive rate). Each dump is segmented as the pipeline does
    (``segment_dump``; ``pages``: the page-state model, True = the shipped one, False = none;
    ``max_chrome_share``: default ``MAX_CHROME_SHARE``)."""
    from ..data import Gold
    from ._evaluate import score_segmentation
    from ._report import gold_boundaries
    from ._pages import MAX_CHROME_SHARE
    from ._segmenters import segment_dump

    per_dump, reference, hypothesis = [], [], []
    marked_boiler = n_boiler = marked_real = n_real = 0
    for page in dumps:
        dump, predicted, _ = segment_dump(page.lines, segmenter, embedder, pages,
                                       MAX_CHROME_SHARE if max_chrome_share is None else max_chrome_share)
        marks = dump.boilerplate
        truth = gold_boundaries(dump, Gold(page.gold()["articles"]))
        per_dump.append(score_segmentation(truth, predicted))
        reference.append(truth)
        hypothesis.append(predicted)
        real = ~page.boilerplate & np.array([bool(line.strip()) for line in page.lines])
        marked_boiler += int((marks & page.boilerplate).sum())
        n_boiler += int(page.boilerplate.sum())
        marked_real += int((marks & real).sum())
        n_real += int(real.sum())
    pooled = score_segmentation(np.concatenate(reference), np.concatenate(hypothesis))
    n_true = sum(p.n_articles for p in dumps)
    n_found = pooled["n_predicted"] + len(dumps)
    return {"pk": float(np.mean([s["pk"] for s in per_dump])),
            "windowdiff": float(np.mean([s["windowdiff"] for s in per_dump])),
            "precision": pooled["precision"], "recall": pooled["recall"], "f1": pooled["f1"],
            "n_articles": n_true, "n_found": n_found, "article_ratio": n_found / n_true,
            "boilerplate_recall": marked_boiler / n_boiler if n_boiler else 1.0,
            "boilerplate_fp_rate": marked_real / n_real if n_real else 0.0,
            "n_lines": sum(len(p.lines) for p in dumps)}


def spec_page_dumps(spec, seed: int, articles: list[PageArticle] | None = None,
                    n_dumps: int | None = None, order_seed: int | None = None) -> list[PageDump]:
    """The ``PageDumpSpec``'s dumps: its split's articles (or ``articles``), ``articles_per_dump``
    each, in an order drawn with ``order_seed`` (default ``seed``), built with seeds seed+1..."""
    if articles is None:
        articles = load_page_articles(spec.path, None if spec.split == "all" else spec.split)
    order = np.random.default_rng(seed if order_seed is None else order_seed).permutation(len(articles))
    dumps = []
    for d in range(n_dumps or spec.dumps):
        chosen = [articles[i] for i in order.take(range(d * spec.articles_per_dump, (d + 1) * spec.articles_per_dump),
                                                  mode="wrap")]
        dumps.append(build_page_dump(chosen, seed + d + 1, spec.unit, spec.same_label_share, spec.cut_share,
                                     spec.snippet_share, spec.title_share, spec.boilerplate_per_article,
                                     spec.dateline_share, spec.kicker_share, spec.lowercase,
                                     tuple(spec.snippet_chars)))
    return dumps
