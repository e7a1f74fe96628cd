"""What every config shares: a strict section base, one YAML reader, one override syntax.

Every section rejects unknown keys, so a typo fails loudly instead of being
ignored. ``--set key=value`` overrides are applied before validation, and the
first validation problem becomes a one-line error naming the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import TopiclabError
from ..paths import looked_for, resolve

__all__ = ["Section", "describe_error", "apply_overrides", "override_text", "validate_config",
           "read_config_file", "flatten"]

M = TypeVar("M", bound=BaseModel)


class Section(BaseModel):
    """Base of every config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


# pydantic names the branch of a union a value failed (``cluster.k.int``): not part of the key
_UNION_BRANCHES = {"int", "float", "str", "bool", "none", "list", "dict"}


def _is_union_branch(part) -> bool:
    return isinstance(part, str) and (part in _UNION_BRANCHES or part.startswith(("literal[", "function-")))


def describe_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if not _is_union_branch(part)) or "config"
    if first["type"] == "value_error":  # our own checks: the message says it all
        message = first["msg"].removeprefix("Value error, ")
        return f"{where}: {message}" if first["loc"] else message
    if first["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    if first["type"] == "missing":
        return f"{where}: required key is missing"
    return f"{where}: {first['msg']} (got {first.get('input')!r})"


def apply_overrides(raw: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """Apply ``a.b=value`` overrides; values are parsed as YAML scalars."""
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise TopiclabError(f"override {item!r} is not of the form key=value")
        node = raw
        parts = key.strip().split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise TopiclabError(f"override {key!r}: {part!r} is not a section")
            node = child
        try:
            node[parts[-1]] = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError as error:  # found by tests/test_fuzz.py: e.g. a control character
            problem = str(getattr(error, "problem", None) or type(error).__name__)
            raise TopiclabError(f"override {key.strip()!r}: value {value!r} is not YAML ({problem})") from None
    return raw


def override_text(value: Any) -> str:
    """``value`` written as ``apply_overrides`` (and ``--grid``, ``--set``) read it back: YAML flow style."""
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def validate_config(schema: type[M], raw: dict[str, Any], source: str = "config") -> M:
    """``schema`` validated from ``raw``; the first problem becomes a one-line error."""
    try:
        return schema.model_validate(raw)
    except ValidationError as error:
        raise TopiclabError(f"invalid config {source}: {describe_error(error)}") from None


def read_config_file(path: str | Path, overrides: list[str] | None = None) -> dict[str, Any]:
    """The mapping in a YAML config file, with ``key=value`` overrides applied."""
    file = resolve(path)
    if not file.is_file():
        raise TopiclabError(f"config file not found: {looked_for(path)}")
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0]
        raise TopiclabError(f"config file {path} is not valid YAML: {reason}") from None
    if not isinstance(raw, dict):
        raise TopiclabError(f"config file {path} must hold a mapping of keys")
    return apply_overrides(raw, overrides or [])


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``: configs as MLflow params."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat
