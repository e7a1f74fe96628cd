"""Real web pages with gold article lines (``../shared/pages/*.jsonl``).

Each page is its visible text blocks in page order (menus, captions, related
links and comments included) and the indices of the blocks that belong to the
gold article. Pages are read, never changed; which half a page belongs to
(``split_of`` its id) is the same in every run, so a model fitted on a
source's train half is never scored on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import TopiclabError
from ..paths import SHARED_DIR
from ._splits import split_of

__all__ = ["WebPage", "PAGE_SOURCES", "load_web_pages", "page_source_path"]

# source name -> file under ../shared/pages
PAGE_SOURCES = {"scrapinghub": "scrapinghub_aeb_pages.jsonl", "dragnet": "dragnet_pages.jsonl"}


@dataclass(frozen=True)
class WebPage:
    id: str
    source: str
    url: str
    lines: list[str]
    main: np.ndarray  # one flag per line: part of the gold article

    @property
    def split(self) -> str:
        return split_of(self.id)


def page_source_path(source: str) -> Path:
    if source not in PAGE_SOURCES:
        raise TopiclabError(f"unknown page source {source!r} (known: {', '.join(PAGE_SOURCES)})")
    return SHARED_DIR / "pages" / PAGE_SOURCES[source]


def load_web_pages(source: str, split: str | None = None, path: str | Path | None = None) -> list[WebPage]:
    """The pages of ``source`` (a name of ``PAGE_SOURCES``, or any name with ``path``), in file order;
    ``split``: only the ``train`` or ``eval`` half. Pages with no line are left out."""
    path = Path(path) if path is not None else page_source_path(source)
    if not path.is_file():
        raise TopiclabError(f"page source {source!r} needs {path}, which is absent")
    pages = []
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(handle, 1):
            if not row.strip():
                continue
            try:
                data = json.loads(row)
                lines = [str(line) for line in data["lines"]]
                main = np.zeros(len(lines), dtype=bool)
                main[[int(i) for i in data.get("main", [])]] = True
                page = WebPage(id=str(data["id"]), source=source, url=str(data.get("url", "")), lines=lines,
                               main=main)
            except (ValueError, KeyError, TypeError, IndexError) as error:
                raise TopiclabError(f"{path}:{number}: not a page (id, lines, main): {error}") from None
            if lines and (split is None or page.split == split):
                pages.append(page)
    return pages
