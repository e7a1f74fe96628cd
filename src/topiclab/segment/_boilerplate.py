"""Boilerplate lines of a dump: navigation, prompts, notices, captions, bylines, comments.

Web pages copied into a dump carry lines that belong to no article's text:
menus, related links, prompts, notices, captions, reader comments. The marker
says which lines these are; they stay inside the article spans (spans partition
the file) but are left out of the text that is vectorised. It is the learned
model (``_boilerplate_model``, fitted on real pages) with the notice and menu
cues (``is_boilerplate``) among its features.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._boilerplate_model import BoilerplateModel, load_boilerplate_model
from ._boilerplate_rules import is_boilerplate

__all__ = ["BoilerplateMarker", "is_boilerplate"]

_SHIPPED: BoilerplateModel | None = None


def _shipped_model() -> BoilerplateModel:
    global _SHIPPED  # read once per process: every dump is marked with the same file
    if _SHIPPED is None:
        _SHIPPED = load_boilerplate_model()
    return _SHIPPED


class BoilerplateMarker:
    """Marks each line of a dump as content (False) or boilerplate (True).

    ``model``: a boilerplate model file (default: the one shipped with topiclab).
    ``fit`` loads it and returns the marker, so it composes like a scikit-learn
    transformer; ``transform(lines)`` gives one flag per line (blank lines are
    not boilerplate: they are nothing). Line repeats are counted within the
    lines given, so a dump of many pages of one site shows its menus as repeats.
    A marker used without ``fit`` uses the shipped model.
    """

    def __init__(self, model: str | Path | None = None):
        self.model = model

    def fit(self, lines=None, y=None) -> "BoilerplateMarker":
        self.model_ = _shipped_model() if self.model is None else load_boilerplate_model(self.model)
        return self

    def transform(self, lines: list[str]) -> np.ndarray:
        model = getattr(self, "model_", None)
        if model is None:
            model = _shipped_model() if self.model is None else load_boilerplate_model(self.model)
        return model.marks(list(lines))

    def fit_transform(self, lines: list[str], y=None) -> np.ndarray:
        return self.fit(lines).transform(lines)
