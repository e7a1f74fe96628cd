"""Gold article spans and topics of a dump (``*.gold.json``): read, checked against the dump, used as labels."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import TopiclabError
from ..paths import looked_for, resolve
from ._corpus import Corpus, read_text

__all__ = ["Gold", "load_gold", "check_gold", "label_from_gold"]


@dataclass(frozen=True)
class Gold:
    """True article spans and topics of a dump (``*.gold.json``)."""

    articles: list[dict]

    def topics_of_line(self, line: int) -> set[str]:
        for article in self.articles:
            first, last = article["lines"]
            if first <= line <= last:
                accepted = {article["topic"]}
                if article.get("also_acceptable"):
                    accepted.add(article["also_acceptable"])
                return accepted
        return set()

    def topic_of_line(self, line: int) -> str | None:
        for article in self.articles:
            first, last = article["lines"]
            if first <= line <= last:
                return article["topic"]
        return None

    @property
    def n_lines(self) -> int:
        return max(a["lines"][1] for a in self.articles)


def load_gold(path: str | Path) -> Gold:
    file = resolve(path)
    if not file.exists():
        raise TopiclabError(f"gold file not found: {looked_for(path)}")
    text, _ = read_text(file)
    try:
        articles = json.loads(text)["articles"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise TopiclabError(f"{path} is not a gold file with an 'articles' list") from None
    if not isinstance(articles, list) or not articles:
        raise TopiclabError(f"{path} is not a gold file with an 'articles' list")
    previous_end = 0
    checked = []
    for number, article in enumerate(articles, start=1):
        span = article.get("lines") if isinstance(article, dict) else None
        if (not isinstance(span, list) or len(span) != 2 or not all(_is_whole(v) for v in span)
                or span[0] > span[1]):
            raise TopiclabError(f"{path}: article {number} has no 'lines': [first, last] span")
        if span[0] < 1:
            raise TopiclabError(f"{path}: article {number} starts at line {span[0]}, but lines are numbered "
                                "from 1 (as an editor shows them)")
        if span[0] <= previous_end:
            raise TopiclabError(f"{path}: article {number} (lines {span[0]}-{span[1]}) overlaps the one before")
        if span[0] != previous_end + 1:
            raise TopiclabError(f"{path}: lines {previous_end + 1}-{span[0] - 1} belong to no article")
        previous_end = span[1]
        checked.append({**article, **_topics(article, number, path)})
    return Gold(articles=checked)


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _topics(article: dict, number: int, path: str | Path) -> dict:
    """The article's ``topic`` (and ``also_acceptable``) as strings: a numeric code becomes its digits, so
    runs compare and name topics as text; any other non-string is refused here rather than mid-run."""
    topics = {}
    for key in ("topic", "also_acceptable"):
        value = article.get(key)
        if value is None and key == "also_acceptable":
            continue
        if _is_whole(value):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            shown = "no topic" if key not in article else f"{key} {json.dumps(value)[:60]}"
            raise TopiclabError(f"{path}: article {number} has {shown}; a topic is a name or a whole-number "
                                "code")
        topics[key] = value
    return topics


def check_gold(gold: Gold, n_lines: int, path: str | Path = "gold file") -> Gold:
    """``gold`` if its spans end at the dump's last line (``n_lines``), else a TopiclabError."""
    if gold.n_lines > n_lines:
        raise TopiclabError(f"{path}: spans run to line {gold.n_lines}, past the dump's {n_lines} lines")
    if gold.n_lines < n_lines:
        raise TopiclabError(f"{path}: lines {gold.n_lines + 1}-{n_lines} of the dump belong to no article")
    return gold


def label_from_gold(corpus: Corpus, gold: Gold) -> Corpus:
    """Give each document of a dump the gold topic of its first line."""
    documents = [replace(d, label=gold.topic_of_line(d.line_start)) for d in corpus.documents]
    return replace(corpus, documents=documents)
