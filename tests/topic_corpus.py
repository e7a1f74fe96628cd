"""A tiny labelled, dated corpus with three clear subjects (words only: TF-IDF separates them exactly)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SUBJECTS = {"sport": "goal match striker keeper league cup referee stadium".split(),
            "money": "bank rates inflation shares bonds markets investors profit".split(),
            "weather": "rain storm snow wind forecast flood thunder frost".split()}


def subject_rows(per_subject: int = 8) -> list[dict]:
    """``per_subject`` documents per subject; subject s's i-th document is dated 2024-(1 + i % 4)-(10 + s)."""
    rows = []
    for s, (subject, vocab) in enumerate(SUBJECTS.items()):
        for i in range(per_subject):
            rows.append({"text": " ".join(vocab[(i + j) % len(vocab)] for j in range(5)), "label": subject,
                         "date": f"2024-{1 + i % 4:02d}-{10 + s:02d}"})
    return rows


def write_csv(path: Path, rows: list[dict] | None = None, columns: tuple[str, ...] = ("text", "label", "date")) -> Path:
    pd.DataFrame(rows if rows is not None else subject_rows())[list(columns)].to_csv(path, index=False)
    return path


def config_dict(path: Path, experiment: str = "small-topics", **sections) -> dict:
    """A fast experiment on ``path``: TF-IDF, no taxonomy, no coherence; ``sections`` merged in."""
    base = {"name": "small", "data": {"path": str(path)}, "vectorize": {"representation": "tfidf"},
            "cluster": {"k": 3}, "topics": {"taxonomy": None, "coherence": False},
            "tracking": {"experiment": experiment}}
    for key, value in sections.items():
        base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
    return base
