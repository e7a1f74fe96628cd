"""A tiny labelled corpus for classifier tests: three easy topics, built here."""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pandas as pd

SUBJECTS = {
    "sport": ["The striker", "The goalkeeper", "The coach", "The captain"],
    "food": ["The chef", "The baker", "The cook", "The waiter"],
    "tech": ["The startup", "The engineer", "The chip maker", "The software firm"],
}
ACTIONS = {
    "sport": ["scored twice in the cup final", "saved a penalty in the league match",
              "praised the team after the football derby", "won the tennis tournament"],
    "food": ["baked fresh bread with sourdough", "roasted vegetables with garlic and olive oil",
             "served a spicy curry with rice", "cooked pasta with a tomato sauce"],
    "tech": ["released a smartphone app for cloud storage", "fixed a software bug in the server code",
             "launched a faster computer processor", "trained a machine learning model on GPUs"],
}
NEW_TEXTS = [
    "The goalkeeper won the league match for the team",
    "The chef cooked rice with garlic",
    "The engineer released new server software",
    "",
]


def tiny_frame(per_label: int = 8) -> pd.DataFrame:
    """``per_label`` distinct sentences per topic (subject x action), in a fixed order."""
    rows = []
    for label in SUBJECTS:
        pairs = list(product(SUBJECTS[label], ACTIONS[label]))[:per_label]
        rows += [{"id": f"{label}-{i}", "text": f"{s} {a}.", "label": label} for i, (s, a) in enumerate(pairs)]
    return pd.DataFrame(rows)


def write_tiny_csv(folder: Path, per_label: int = 8) -> Path:
    path = Path(folder) / "tiny_topics.csv"
    tiny_frame(per_label).to_csv(path, index=False)
    return path


def tiny_config(path: Path, classifiers: list[dict], **sections) -> dict:
    """A classifier config dict over the tiny CSV at ``path``."""
    config = {
        "name": "tiny",
        "seed": 7,
        "data": {"path": str(path)},
        "classifiers": classifiers,
        "evaluation": {"folds": 3, "test_size": 0.3},
        "tracking": {"experiment": "tiny-classifiers"},
    }
    config.update(sections)
    return config
