"""A topic model's update state on disk: ``update_state.json`` and ``word_counts.npz`` (no pickle), beside
its other files (``TopicModel.save``/``load``). What the state holds and how it is learned: ``_history``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from ..paths import atomic_file, write_atomically
from ._history import UPDATE_ATTRIBUTES

__all__ = ["STATE_FILE", "COUNTS_FILE", "save_update_state", "load_update_state"]

STATE_FILE = "update_state.json"
COUNTS_FILE = "word_counts.npz"


def save_update_state(model, folder: Path) -> None:
    """``update_state.json`` and ``word_counts.npz`` in ``folder``; nothing for a model without the state."""
    if not all(hasattr(model, name) for name in UPDATE_ATTRIBUTES):
        return
    counts = model.word_counts_.tocsr()
    with atomic_file(folder / COUNTS_FILE) as file:
        np.savez(file, data=counts.data, indices=counts.indices, indptr=counts.indptr,
                 shape=np.array(counts.shape), allow_pickle=False)
    state = {"sizes": {str(t): n for t, n in model.sizes_.items()},
             "member_quantiles": {str(t): np.round(q, 6).tolist() for t, q in model.member_quantiles_.items()},
             "global_quantiles": np.round(model.global_quantiles_, 6).tolist(),
             "cohesion": {str(t): round(c, 6) for t, c in model.cohesion_.items()},
             "merge_cosine": model.merge_cosine_, "margin": getattr(model, "margin_", None),
             "count_topics": [int(t) for t in model.count_topics_],
             "words": [str(w) for w in model.words_], "naming": model.naming_, "batches": model.batches_,
             "merged": {str(t): m for t, m in getattr(model, "merged_", {}).items()},
             "birth_closeness": {str(t): c for t, c in getattr(model, "birth_closeness_", {}).items()}}
    write_atomically(folder / STATE_FILE, json.dumps(state, ensure_ascii=False))


def load_update_state(model, folder: Path) -> None:
    """The update attributes from ``folder`` onto ``model``, when it holds them (older models do not)."""
    if not (folder / STATE_FILE).is_file() or not (folder / COUNTS_FILE).is_file():
        return
    state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    with np.load(folder / COUNTS_FILE, allow_pickle=False) as saved:
        model.word_counts_ = sparse.csr_matrix((saved["data"], saved["indices"], saved["indptr"]),
                                               shape=tuple(saved["shape"]))
    model.sizes_ = {int(t): int(n) for t, n in state["sizes"].items()}
    model.member_quantiles_ = {int(t): np.array(q) for t, q in state["member_quantiles"].items()}
    model.global_quantiles_ = np.array(state["global_quantiles"])
    model.cohesion_ = {int(t): float(c) for t, c in state["cohesion"].items()}
    model.merge_cosine_ = state["merge_cosine"]
    model.margin_ = state.get("margin")  # None in a state saved before the birth rule had it: no margin test
    model.count_topics_ = [int(t) for t in state["count_topics"]]
    model.words_ = np.asarray(state["words"], dtype=object)
    model.naming_ = state["naming"]
    model.batches_ = state["batches"]
    model.merged_ = {int(t): m for t, m in state.get("merged", {}).items()}
    model.birth_closeness_ = {int(t): c for t, c in state.get("birth_closeness", {}).items()}
