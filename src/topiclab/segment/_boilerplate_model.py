"""The learned boilerplate model: two logistic passes over per-line features, kept as JSON.

Pass one scores each line from its own features and its neighbours'; pass two
adds the neighbours' pass-one scores (jusText's context-sensitive stage, learned:
a short line between menu items is a menu item, one between paragraphs is
text). Trained on real pages with gold article lines (``topiclab.data.load_web_pages``);
the threshold is chosen on the training pages' out-of-fold scores, never on the
pages it is scored on. The fitted model is a small JSON file (no pickles).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import TopiclabError
from ._model_files import read_model_file, save_model_file
from ._line_features import LINE_FEATURE_NAMES, line_counts, line_features, neighbour_features

__all__ = ["BoilerplateModel", "fit_boilerplate_model", "load_boilerplate_model", "save_boilerplate_model",
           "fit_page_matrices", "page_matrix", "BOILERPLATE_MODEL_RESOURCE", "pick_threshold"]

BOILERPLATE_MODEL_RESOURCE = "boilerplate_model.json"  # beside this module, inside the package
_REACH = (1, 2, 5)
_FAR = (1, 2, 5, 10, 25)
_CUE, _NO_WORDS = LINE_FEATURE_NAMES.index("notice_cue"), LINE_FEATURE_NAMES.index("no_words")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def page_matrix(lines: list[str], counts: Counter | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pass-one inputs of a page's non-blank lines (own features and neighbours'), and their indices."""
    index = np.array([i for i, line in enumerate(lines) if line.strip()], dtype=int)
    own = line_features([lines[i] for i in index], line_counts(lines) if counts is None else counts)
    return np.concatenate([own, neighbour_features(own, _REACH)], axis=1), index


def _forced(first: np.ndarray) -> np.ndarray:
    """Rows the notice and menu cues mark; lines of bare numbers are left to the model (tables in articles)."""
    return (first[:, _CUE] > 0.5) & (first[:, _NO_WORDS] < 0.5)


def _pass_two(first: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Pass-two inputs: pass one's, the line's own pass-one logit, its neighbours' (near and far), and
    the mean logit of all lines above and of all below (comments and link lists follow the article)."""
    column = logits[:, None]
    n = len(logits)
    total = np.concatenate([[0.0], np.cumsum(logits)])
    count = np.arange(n, dtype=float)
    above = np.where(count > 0, total[:-1] / np.maximum(count, 1), 0.0)
    below = np.where(count < n - 1, (total[-1] - total[1:]) / np.maximum(n - 1 - count, 1), 0.0)
    return np.concatenate([first, column, neighbour_features(column, _FAR), above[:, None], below[:, None]], axis=1)


@dataclass
class BoilerplateModel:
    """``passes``: two ``{"mean", "scale", "coef", "intercept"}`` logistic models; a line is
    boilerplate when pass two's probability is at least ``threshold``."""

    feature_names: list[str]
    passes: list[dict]
    threshold: float = 0.5
    info: dict = field(default_factory=dict)  # how it was trained, for the record

    @staticmethod
    def _logit(part: dict, x: np.ndarray) -> np.ndarray:
        z = (x - np.asarray(part["mean"])) / np.asarray(part["scale"])
        return z @ np.asarray(part["coef"]) + part["intercept"]

    def page_probabilities(self, first: np.ndarray) -> np.ndarray:
        """P(boilerplate) per row of a page's pass-one inputs (``page_matrix``)."""
        if first.ndim != 2 or first.shape[1] != len(self.passes[0]["mean"]):
            raise TopiclabError(f"boilerplate model expects {len(self.passes[0]['mean'])} inputs per line, "
                                f"got shape {first.shape}")
        if len(first) == 0:
            return np.zeros(0)
        return _sigmoid(self._logit(self.passes[1], _pass_two(first, self._logit(self.passes[0], first))))

    def probabilities(self, lines: list[str], counts: Counter | None = None) -> np.ndarray:
        """P(boilerplate) per line (0 for blank lines); ``counts``: line repeats (default: within ``lines``)."""
        first, index = page_matrix(lines, counts)
        out = np.zeros(len(lines))
        out[index] = self.page_probabilities(first)
        return out

    def page_marks(self, first: np.ndarray) -> np.ndarray:
        """Marks of a page's rows: P(boilerplate) at least the threshold, or a notice or menu cue
        with words (``is_boilerplate``: templates are marked whatever the model says)."""
        return (self.page_probabilities(first) >= self.threshold) | _forced(first)

    def marks(self, lines: list[str], counts: Counter | None = None) -> np.ndarray:
        first, index = page_matrix(lines, counts)
        out = np.zeros(len(lines), dtype=bool)
        out[index] = self.page_marks(first)
        return out

    def forced(self, lines: list[str], counts: Counter | None = None) -> np.ndarray:
        """Lines marked whatever the threshold (a notice or menu cue with words), per line."""
        first, index = page_matrix(lines, counts)
        out = np.zeros(len(lines), dtype=bool)
        out[index] = _forced(first)
        return out


def _fit_logistic(x: np.ndarray, y: np.ndarray, c: float) -> dict:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    model = LogisticRegression(C=c, max_iter=2000).fit((x - mean) / scale, y)
    return {"mean": np.round(mean, 6).tolist(), "scale": np.round(scale, 6).tolist(),
            "coef": np.round(model.coef_[0], 6).tolist(), "intercept": round(float(model.intercept_[0]), 6)}


def _folds(groups: np.ndarray, n_folds: int, seed: int) -> np.ndarray:
    pages = np.unique(groups)
    fold_of = dict(zip(pages, np.random.default_rng(seed).permutation(len(pages)) % n_folds))
    return np.array([fold_of[g] for g in groups])


def pick_threshold(probabilities: np.ndarray, is_boilerplate: np.ndarray, max_article_marked: float,
                   forced: np.ndarray | None = None) -> float:
    """The lowest threshold (most recall) at which at most ``max_article_marked`` of article lines are
    marked; ``forced``: lines marked whatever the threshold (they use up part of the allowance)."""
    forced = np.zeros(len(probabilities), dtype=bool) if forced is None else forced
    n_article = int((~is_boilerplate).sum())
    article = np.sort(probabilities[~is_boilerplate & ~forced])[::-1]
    if len(article) == 0:
        return 0.5
    allowed = int(np.floor(max_article_marked * n_article)) - int((~is_boilerplate & forced).sum())
    if allowed < 0:
        return 1.0
    if allowed >= len(article):
        return 0.0
    # Marking is p >= threshold: sit between the (allowed+1)-th highest article score and the next
    # higher score of any line (midway in log-odds), not on the article line's edge.
    low = article[allowed]
    above = probabilities[~forced & (probabilities > low)]
    if len(above) == 0:
        return float(np.nextafter(low, 1.0))
    pair = np.clip([low, above.min()], 1e-12, 1 - 1e-12)
    return float(_sigmoid(np.log(pair / (1 - pair)).mean()))


def fit_boilerplate_model(pages: list[tuple[list[str], np.ndarray]], seed: int = 0, c: float = 1.0,
                          max_article_marked: float = 0.03, lowercase_copies: bool = True, n_folds: int = 3,
                          info: dict | None = None) -> BoilerplateModel:
    """Fit on ``pages``: (lines, boilerplate flag per line). Line repeats are counted over all the
    pages, as in one dump; with ``lowercase_copies`` every page is also seen lower-cased, so the
    model does not lean on case. The threshold is the one that marks at most ``max_article_marked``
    of article lines in the pages' out-of-fold scores (folds by page, ``seed``)."""
    if not pages:
        raise TopiclabError("no training pages for the boilerplate model")
    variants = [pages] + ([[([line.lower() for line in lines], flags) for lines, flags in pages]]
                          if lowercase_copies else [])
    xs, ys, groups = [], [], []
    for variant in variants:
        counts = line_counts([line for lines, _ in variant for line in lines])
        for number, (lines, flags) in enumerate(variant):
            first, index = page_matrix(lines, counts)
            xs.append(first)
            ys.append(np.asarray(flags, dtype=bool)[index])
            groups.append(np.full(len(index), number))  # a page and its lower-cased copy share a fold
    if not any(len(part) for part in ys):
        raise TopiclabError("training pages have no text lines")
    return fit_page_matrices(xs, ys, groups, seed=seed, c=c, max_article_marked=max_article_marked,
                             n_folds=n_folds, info={"pages": len(pages), "lowercase_copies": lowercase_copies,
                                                    **(info or {})})


def fit_page_matrices(xs: list[np.ndarray], ys: list[np.ndarray], groups: list[np.ndarray], seed: int = 0,
                      c: float = 1.0, max_article_marked: float = 0.03, n_folds: int = 3,
                      info: dict | None = None) -> BoilerplateModel:
    """``fit_boilerplate_model`` on pages already turned into pass-one inputs (``page_matrix``), one
    array per page, with their boilerplate flags and fold groups."""
    x, y, group = np.concatenate(xs), np.concatenate(ys), np.concatenate(groups)
    if len(set(y.tolist())) < 2:
        raise TopiclabError("training pages need both article and boilerplate lines")
    fold = _folds(group, min(n_folds, len(np.unique(group))), seed)
    # Pass two learns from out-of-fold pass-one scores, as it will see them on new pages.
    oof_first = np.zeros(len(y))
    for k in np.unique(fold):
        part = _fit_logistic(x[fold != k], y[fold != k], c)
        oof_first[fold == k] = BoilerplateModel._logit(part, x[fold == k])
    first = _fit_logistic(x, y, c)
    offsets = np.cumsum([0] + [len(part) for part in ys])
    second_x = np.concatenate([_pass_two(x[a:b], oof_first[a:b]) for a, b in zip(offsets[:-1], offsets[1:])])
    oof_second = np.zeros(len(y))
    for k in np.unique(fold):
        part = _fit_logistic(second_x[fold != k], y[fold != k], c)
        oof_second[fold == k] = _sigmoid(BoilerplateModel._logit(part, second_x[fold == k]))
    second = _fit_logistic(second_x, y, c)
    threshold = pick_threshold(oof_second, y, max_article_marked, _forced(x))
    names = list(LINE_FEATURE_NAMES) + [f"{side}_{name}" for side in ["prev", "next"] + [f"mean{r}" for r in _REACH]
                                        for name in LINE_FEATURE_NAMES]
    return BoilerplateModel(feature_names=names, passes=[first, second], threshold=threshold,
                            info={"c": c, "max_article_marked": max_article_marked, "seed": seed,
                                  "lines": int(len(y)), **(info or {})})


def save_boilerplate_model(model: BoilerplateModel, path: str | Path) -> Path:
    """Write atomically (tmp + rename); one top-level key per line, so a refit diffs by key."""
    return save_model_file(model, path)


def load_boilerplate_model(path: str | Path | None = None) -> BoilerplateModel:
    """The model at ``path``, or the one shipped with topiclab."""
    data = read_model_file(path, BOILERPLATE_MODEL_RESOURCE, "boilerplate model", "topiclab boilerplate-train")
    try:
        model = BoilerplateModel(**data)
        if len(model.passes) != 2 or len(model.passes[0]["coef"]) != len(model.feature_names):
            raise ValueError("wrong shape")
    except (ValueError, TypeError, KeyError) as error:
        raise TopiclabError(f"{path or BOILERPLATE_MODEL_RESOURCE} is not a boilerplate model: {error}") from None
    return model
