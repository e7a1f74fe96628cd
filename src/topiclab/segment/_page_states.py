"""A web page as three runs of lines, header / article / footer, decoded along the page with Viterbi.

The per-line boilerplate marker (``_boilerplate_model``) judges each line by its
own features and its neighbours'; on a source it was not trained on it finds a
third of the menus, links and comments at its threshold. Most of those lines
sit before the article (navigation, cookie notices) or after it (related links,
comments, footers), so this model labels every non-blank line of a page with
the run it belongs to: *header* (before the gold article's first line),
*article* (from its first to its last line) or *footer* (after it). A
multinomial logistic regression gives each line's state probabilities from the
line features of ``_line_features`` with their neighbour windows and hashed
words of the line (menus and footers share words across sites: "home",
"privacy", "©"); Viterbi then finds the most likely run of states under the
transitions counted on the training pages, run together in a seeded order (so
a footer may be followed by the next page's header). The hybrid emission is
P(state | line) / P(state). Marked as boilerplate: every line not in the
article run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import TopiclabError
from ._line_features import line_counts, line_features, neighbour_features
from ._model_files import read_model_file, save_model_file

__all__ = ["HEADER", "ARTICLE", "FOOTER", "PAGE_STATE_MODEL_RESOURCE", "PageStateModel", "fit_page_state_model",
           "page_state_labels", "page_starts", "viterbi", "save_page_state_model", "load_page_state_model"]

PAGE_STATE_MODEL_RESOURCE = "page_state_model.json"  # beside this module, inside the package

HEADER, ARTICLE, FOOTER = 0, 1, 2
HASHED_WORDS = 2 ** 12
# A page's article run needs at least the words of this share's shortest gold articles on the training
# pages to make it a page (``_pages``): learned with the model, so a held-out source never sets it.
ARTICLE_WORDS_QUANTILE = 0.05
_TOKENS = r"(?u)\b\w+\b|\u00a9"


def page_state_labels(main: np.ndarray) -> np.ndarray:
    """Per line of a page: header before its first gold article line, footer after its last, article between."""
    states = np.full(len(main), ARTICLE)
    inside = np.flatnonzero(main)
    if len(inside):
        states[:inside[0]] = HEADER
        states[inside[-1] + 1:] = FOOTER
    return states


def page_starts(states: np.ndarray) -> np.ndarray:
    """0-based lines where a decoded path opens a new page: a header after an article or footer line, or an
    article line right after a footer (a page with no header)."""
    states = np.asarray(states)
    before, after = states[:-1], states[1:]
    opens = ((after == HEADER) & (before != HEADER)) | ((after == ARTICLE) & (before == FOOTER))
    return np.flatnonzero(opens) + 1


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The most likely state path: ``emissions`` (lines x states, log), ``transitions`` (log), ``start`` (log)."""
    n, k = emissions.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    score = start + emissions[0]
    back = np.zeros((n, k), dtype=int)
    for i in range(1, n):
        candidates = score[:, None] + transitions
        back[i] = candidates.argmax(0)
        score = candidates.max(0) + emissions[i]
    path = np.zeros(n, dtype=int)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _hashed(lines: list[str]):
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(n_features=HASHED_WORDS, alternate_sign=False, norm="l2", token_pattern=_TOKENS
                             ).transform(lines)


def _numeric(lines: list[str], counts: Counter) -> np.ndarray:
    values = line_features(lines, counts)
    return np.hstack([values, neighbour_features(values)])


@dataclass
class PageStateModel:
    """``mean``/``scale`` standardise the numeric inputs; ``coef`` (states x inputs, numeric then hashed
    words) and ``intercept`` give P(state | line); ``prior``, ``transitions`` and ``start`` (probabilities)
    come from the training pages."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    prior: np.ndarray
    transitions: np.ndarray
    start: np.ndarray
    min_article_words: float = 0.0  # ARTICLE_WORDS_QUANTILE of the training pages' gold article lengths
    info: dict = field(default_factory=dict)  # how it was trained, for the record

    def _design(self, lines: list[str], counts: Counter):
        from scipy.sparse import csr_matrix, hstack

        numeric = (_numeric(lines, counts) - self.mean) / self.scale
        return hstack([csr_matrix(numeric), _hashed(lines)]).tocsr()

    def states(self, lines: list[str], counts: Counter | None = None) -> np.ndarray:
        """The decoded state of every line (a blank line takes the state of the line before it)."""
        filled = [i for i, line in enumerate(lines) if line.strip()]
        out = np.full(len(lines), ARTICLE)
        if not filled:
            return out
        text = [lines[i] for i in filled]
        logits = self._design(text, line_counts(lines) if counts is None else counts) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        log_probabilities = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        path = viterbi(log_probabilities - np.log(self.prior), np.log(self.transitions), np.log(self.start))
        out[filled] = path
        for i in range(1, len(lines)):  # blank lines belong to the run they sit in
            if not lines[i].strip():
                out[i] = out[i - 1]
        return out

    def chrome(self, states: np.ndarray, lines: list[str]) -> np.ndarray:
        """Page chrome per line of decoded ``states``: a non-blank line outside the article run."""
        return (np.asarray(states) != ARTICLE) & np.array([bool(line.strip()) for line in lines], dtype=bool)

    def marks(self, lines: list[str], counts: Counter | None = None) -> np.ndarray:
        """Boilerplate per line: a non-blank line outside the article run."""
        return self.chrome(self.states(lines, counts), lines)


def fit_page_state_model(pages: list[tuple[list[str], np.ndarray]], seed: int = 0, c: float = 1.0,
                         info: dict | None = None) -> PageStateModel:
    """Fit on ``pages``: (lines, gold article flag per line). Line repeats are counted over all the pages
    (as in one dump); the transitions on the pages run together in an order drawn with ``seed``."""
    from scipy.sparse import csr_matrix, hstack, vstack
    from sklearn.linear_model import LogisticRegression

    counts = line_counts([line for lines, _ in pages for line in lines])
    rows, labels, firsts = [], [], []
    for lines, main in pages:
        filled = [i for i, line in enumerate(lines) if line.strip()]
        if filled:
            rows.append(([lines[i] for i in filled], page_state_labels(np.asarray(main, dtype=bool))[filled]))
    numeric = [_numeric(text, counts) for text, _ in rows]
    stacked = np.vstack(numeric)
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    scale[scale == 0] = 1.0
    design = vstack([hstack([csr_matrix((x - mean) / scale), _hashed(text)]) for x, (text, _) in zip(numeric, rows)])
    y = np.concatenate([states for _, states in rows])
    classifier = LogisticRegression(C=c, max_iter=3000, random_state=seed).fit(design.tocsr(), y)
    counts_of = np.ones((3, 3))  # add-one: every move stays possible
    for index in np.random.default_rng(seed).permutation(len(rows)):
        states = rows[index][1]
        firsts.append(states[0])
        if labels:
            counts_of[labels[-1], states[0]] += 1
        np.add.at(counts_of, (states[:-1], states[1:]), 1)
        labels.append(states[-1])
    start = np.bincount(firsts, minlength=3) + 1.0
    prior = np.bincount(y, minlength=3) / len(y)
    article_words = [sum(len(line.split()) for line, inside in zip(lines, main) if inside) for lines, main in pages]
    floor = float(np.quantile([w for w in article_words if w > 0] or [0], ARTICLE_WORDS_QUANTILE))
    return PageStateModel(mean=mean, scale=scale, coef=classifier.coef_, intercept=classifier.intercept_,
                          prior=prior, transitions=counts_of / counts_of.sum(axis=1, keepdims=True),
                          start=start / start.sum(), min_article_words=floor, info=dict(info or {}))


_ARRAYS = ("mean", "scale", "coef", "intercept", "prior", "transitions", "start")


def save_page_state_model(model: PageStateModel, path: str | Path) -> Path:
    """Write atomically, one top-level key per line (``_model_files``)."""
    as_lists = {name: np.asarray(getattr(model, name)).tolist() for name in _ARRAYS}
    return save_model_file(PageStateModel(**as_lists, min_article_words=float(model.min_article_words),
                                           info=model.info), path)


def load_page_state_model(path: str | Path | None = None) -> PageStateModel:
    """The model at ``path``, or the one shipped with topiclab."""
    data = read_model_file(path, PAGE_STATE_MODEL_RESOURCE, "page-state model", "topiclab boilerplate-train")
    try:
        model = PageStateModel(**{name: np.asarray(data[name], dtype=float) for name in _ARRAYS},
                               min_article_words=float(data["min_article_words"]), info=data.get("info", {}))
        if model.coef.shape != (3, len(model.mean) + HASHED_WORDS) or model.transitions.shape != (3, 3):
            raise ValueError("wrong shape")
    except (ValueError, TypeError, KeyError) as error:
        raise TopiclabError(f"{path or PAGE_STATE_MODEL_RESOURCE} is not a page-state model: {error}") from None
    return model
