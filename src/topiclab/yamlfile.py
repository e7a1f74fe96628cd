"""One reader for the project's YAML files (configs, taxonomies): a mapping, or a one-line error.

A key written twice in one mapping is an error, not last-wins: a second ``data:``
block would otherwise silently replace the first.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from .errors import TopiclabError
from .paths import looked_for, resolve

__all__ = ["read_yaml_mapping"]


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that repeats a key."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def _reason(error: yaml.YAMLError) -> str:
    """PyYAML's problem and its line, on one line."""
    problem, mark = getattr(error, "problem", None), getattr(error, "problem_mark", None)
    if not problem:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"{problem} (line {mark.line + 1})" if mark is not None else problem


def read_yaml_mapping(path: str | os.PathLike, what: str, shape: str = "a mapping of keys") -> dict[str, Any]:
    """The mapping in the YAML file at ``path`` (resolved as ``paths.resolve`` does); ``what`` names
    the file in errors ("config file", "taxonomy file"), ``shape`` what it must hold."""
    file = resolve(path)
    if file.is_dir():
        raise TopiclabError(f"{what} {path} is a directory, not a file")
    if not file.is_file():
        raise TopiclabError(f"{what} not found: {looked_for(path)}")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise TopiclabError(f"{what} {path} is not UTF-8 text (byte {error.start})") from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader) or {}
    except yaml.YAMLError as error:
        raise TopiclabError(f"{what} {path} is not valid YAML: {_reason(error)}") from None
    if not isinstance(data, dict):
        raise TopiclabError(f"{what} {path} must hold {shape}")
    return data
