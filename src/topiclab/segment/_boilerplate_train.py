"""Fitting the shipped boilerplate and page-state models on real pages (train halves of ``../shared/pages``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..data import PAGE_SOURCES, WebPage, load_web_pages
from ._boilerplate_model import (BOILERPLATE_MODEL_RESOURCE, BoilerplateModel, fit_boilerplate_model,
                                 save_boilerplate_model)
from ._page_states import PAGE_STATE_MODEL_RESOURCE, PageStateModel, fit_page_state_model, save_page_state_model

__all__ = ["default_boilerplate_model_path", "default_page_state_model_path", "page_examples",
           "train_boilerplate_model", "train_page_state_model"]

MAX_ARTICLE_MARKED = 0.03  # the threshold marks at most this share of training article lines (out of fold)


def default_boilerplate_model_path() -> Path:
    """Where the shipped boilerplate model lives in this checkout (``boilerplate-train`` writes it)."""
    return Path(__file__).resolve().parent / BOILERPLATE_MODEL_RESOURCE


def default_page_state_model_path() -> Path:
    """Where the shipped page-state model lives in this checkout (``boilerplate-train`` writes it)."""
    return Path(__file__).resolve().parent / PAGE_STATE_MODEL_RESOURCE


def page_examples(pages: list[WebPage]) -> list[tuple[list[str], np.ndarray]]:
    """(lines, boilerplate flag per line) of each page: a line is boilerplate when it is not gold article."""
    return [(page.lines, ~page.main) for page in pages]


def train_boilerplate_model(sources: tuple[str, ...] = tuple(PAGE_SOURCES), seed: int = 0,
                            max_article_marked: float = MAX_ARTICLE_MARKED, output: str | Path | None = None,
                            paths: dict[str, str | Path] | None = None) -> tuple[BoilerplateModel, Path | None]:
    """Fit on the ``train`` halves of ``sources`` (never their eval halves); write it to ``output`` if given.
    ``paths``: a page file per source instead of ``../shared/pages`` (tests)."""
    pages = [page for source in sources
             for page in load_web_pages(source, "train", path=(paths or {}).get(source))]
    model = fit_boilerplate_model(page_examples(pages), seed=seed, max_article_marked=max_article_marked,
                                  n_folds=3, info={"sources": list(sources), "split": "train"})
    return model, (save_boilerplate_model(model, output) if output is not None else None)


def train_page_state_model(sources: tuple[str, ...] = tuple(PAGE_SOURCES), seed: int = 0,
                           output: str | Path | None = None, paths: dict[str, str | Path] | None = None
                           ) -> tuple[PageStateModel, Path | None]:
    """The page-state model (``_page_states``) fitted on the ``train`` halves of ``sources``; written to
    ``output`` if given. ``paths``: a page file per source instead of ``../shared/pages`` (tests)."""
    pages = [page for source in sources
             for page in load_web_pages(source, "train", path=(paths or {}).get(source))]
    model = fit_page_state_model([(page.lines, page.main) for page in pages], seed=seed,
                                 info={"sources": list(sources), "split": "train", "pages": len(pages)})
    return model, (save_page_state_model(model, output) if output is not None else None)
