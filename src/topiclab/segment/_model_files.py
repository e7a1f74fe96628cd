"""The segment stage's fitted models as JSON files: written atomically, read from a path or the package.

One home for both shipped models (the boundary model, the boilerplate model):
one top-level key per line, so a refit diffs by key, and a killed write leaves
the old file intact.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from pathlib import Path

from ..errors import TopiclabError
from ..paths import write_atomically

__all__ = ["save_model_file", "read_model_file"]


def save_model_file(model, path: str | Path) -> Path:
    """``model`` (a dataclass of JSON values) written to ``path`` atomically, one top-level key per line."""
    items = [f"{json.dumps(key)}: {json.dumps(value)}" for key, value in asdict(model).items()]
    return write_atomically(path, "{\n" + ",\n".join(items) + "\n}\n")


def read_model_file(path: str | Path | None, resource: str, what: str, refit: str) -> dict:
    """The JSON object at ``path``, or of the package's ``resource`` when ``path`` is None; a missing or
    unparsable file is a one-line error naming ``what`` it should hold and the ``refit`` command."""
    try:
        if path is None:
            text = resources.files("topiclab.segment").joinpath(resource).read_text("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TopiclabError(f"{what} not found: {path or f'topiclab/segment/{resource}'} (run: {refit})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TopiclabError(f"{what} {path or resource} is unreadable: {error}") from None
    if not isinstance(data, dict):
        raise TopiclabError(f"{what} {path or resource} is unreadable: not a JSON object")
    return data
