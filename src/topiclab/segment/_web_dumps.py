"""Dumps of real web pages run together, with known page boundaries (``../shared/pages``).

Each page (``data.load_web_pages``) gives its visible text blocks in page order
and which of them are the gold article. Pages of one source are sampled and
run together, ``pages_per_dump`` to a dump, in one of three cases:

- ``page``: every line of each page (menus, related links, comments included);
  gold: each page is one segment, starting at its first line;
- ``article``: only each page's gold article lines; gold: each page one segment;
- ``comments``: whole pages (as ``page``) that carry at least ``comment_lines``
  prose lines (8 words or more, outside the gold article) after their article:
  long reader-comment threads, which must not be cut into articles.

Wire copy, the other hard case, comes from ``bbc_fulltext.jsonl`` articles
(``WebEvalSpec.wire``): no titles, every article opening with a dateline, so
that paragraphs such as "The company said ..." are all that follows a start;
``continuation_cut_rate`` says how many of those the segmenter cuts before.

The dumps are ``PageDump``s (``_realistic``): the gold non-article lines are
their ``boilerplate``, so ``evaluate_page_dumps`` scores what ``BoilerplateMarker``
leaves (as the pipeline does) and reports how many of those lines it marks;
``gold_content_dump`` gives the oracle view with the gold boilerplate removed.
"""

from __future__ import annotations

import numpy as np

from ..data import WebPage, hash_bucket, load_web_pages
from ..errors import TopiclabError
from ._features import opens_with_reference
from ._realistic import PageDump
from ._synthetic import SyntheticDump

__all__ = ["web_page_dump", "comment_lines", "sample_pages", "spec_web_dumps", "gold_content_dump",
           "continuation_cut_rate", "WEB_CASES"]

WEB_CASES = ("page", "article", "comments")
_PROSE_WORDS = 8


def comment_lines(page: WebPage) -> int:
    """Prose lines (8 words or more) outside the gold article after its last line: reader comments, mostly."""
    main = np.flatnonzero(page.main)
    after = page.lines[int(main[-1]) + 1:] if len(main) else page.lines
    return sum(1 for line in after if len(line.split()) >= _PROSE_WORDS)


def web_page_dump(pages: list[WebPage], case: str) -> PageDump:
    """``pages`` run together (see the module's docstring); labels: each page's source and id."""
    if case not in WEB_CASES:
        raise TopiclabError(f"unknown web dump case {case!r} (one of {', '.join(WEB_CASES)})")
    lines: list[str] = []
    flags: list[np.ndarray] = []
    starts, labels = [], []
    for page in pages:
        keep = page.main if case == "article" else np.ones(len(page.lines), dtype=bool)
        body = [line for line, kept in zip(page.lines, keep) if kept]
        if not body:
            continue
        starts.append(len(lines) + 1)
        labels.append(f"{page.source}:{page.id}")
        lines += body
        flags.append(~page.main[keep])
    if not lines:
        raise TopiclabError("web dump: no page has a line to dump")
    return PageDump(lines, starts, np.concatenate(flags), labels)


def sample_pages(pages: list[WebPage], max_pages: int | None) -> list[WebPage]:
    """At most ``max_pages`` of ``pages``: the first in the order of a hash of their id, so that every
    use of a source's half (any seed, any case) draws from the same pages, whose lines are embedded once."""
    ordered = sorted(pages, key=lambda page: hash_bucket(page.id, 10 ** 9, salt="sample:"))
    return ordered if max_pages is None else ordered[:max_pages]


def spec_web_dumps(spec, seed: int, pages: list[WebPage] | None = None,
                   n_dumps: int | None = None) -> list[PageDump]:
    """The ``WebDumpSpec``'s dumps: from its source's split (or ``pages``), the case's pages
    (``sample_pages``: at most ``max_pages``), in an order drawn with ``seed``, ``pages_per_dump``
    each (wrapping round when too few)."""
    if pages is None:
        pages = load_web_pages(spec.source, None if spec.split == "all" else spec.split)
    if spec.case == "comments":
        pages = [p for p in pages if comment_lines(p) >= spec.comment_lines]
    pages = sample_pages(pages, spec.max_pages)
    if len(pages) < 2:
        raise TopiclabError(f"web dumps: {spec.source} has {len(pages)} page(s) for case {spec.case!r} "
                            f"in split {spec.split!r}; need at least 2")
    order = np.random.default_rng(seed).permutation(len(pages))
    per_dump = min(spec.pages_per_dump, len(order))
    dumps = []
    for d in range(n_dumps or spec.dumps):
        chosen = order.take(range(d * per_dump, (d + 1) * per_dump), mode="wrap")
        dumps.append(web_page_dump([pages[i] for i in chosen], spec.case))
    return dumps


def gold_content_dump(dump: PageDump) -> SyntheticDump:
    """The oracle view: the gold boilerplate lines left out, boundaries where a new page (article) starts."""
    keep = ~dump.boilerplate
    article = np.searchsorted(np.asarray(dump.starts), np.arange(1, len(dump.lines) + 1), side="right")[keep]
    lines = [line for line, kept in zip(dump.lines, keep) if kept]
    boundaries = np.diff(article) != 0
    return SyntheticDump(lines, boundaries, [f"L{s}" for s in dump.starts], list(dump.labels))


def continuation_cut_rate(dumps: list[SyntheticDump], predicted: list[np.ndarray]) -> tuple[float, int]:
    """Share of the continuation paragraphs (inside an article) that a boundary was put before, and their number."""
    cut = total = 0
    for dump, boundaries in zip(dumps, predicted):
        for gap, line in enumerate(dump.lines[1:]):
            if not dump.boundaries[gap] and opens_with_reference(line):
                total += 1
                cut += int(boundaries[gap])
    return (cut / total if total else 0.0), total
