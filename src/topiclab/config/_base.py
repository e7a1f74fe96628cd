"""What every config shares: a strict section base, one YAML reader, one override syntax.

Every section rejects unknown keys, so a typo fails loudly instead of being
ignored. ``--set key=value`` overrides are applied before validation, and the
first validation problem becomes a one-line error naming the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

import difflib

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from ..errors import TopiclabError
from ..yamlfile import read_yaml_mapping

__all__ = ["Section", "describe_error", "did_you_mean", "apply_overrides", "override_text", "validate_config",
           "read_config_file", "flatten", "override_label", "run_name"]

M = TypeVar("M", bound=BaseModel)


def _takes_bool(annotation) -> bool:
    """Whether a field's type admits ``True``/``False`` (``bool`` itself, or a union or Annotated with it)."""
    if annotation is bool:
        return True
    return any(_takes_bool(arg) for arg in get_args(annotation) if arg is not Ellipsis)


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, and so is a yes/no where a number goes
    (pydantic would read ``k: true`` as k=1)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        annotation = cls.model_fields[info.field_name].annotation
        if isinstance(value, bool) and not _takes_bool(annotation):
            raise ValueError(f"expected {_type_name(annotation)}, not {value!r}")
        return value


def _type_name(annotation) -> str:
    """``int | Literal['auto'] | None`` as "int or 'auto'"."""
    if get_origin(annotation) is Literal:
        return " or ".join(map(repr, get_args(annotation)))
    if get_args(annotation) and get_origin(annotation) is not list:
        return " or ".join(_type_name(arg) for arg in get_args(annotation) if arg is not type(None))
    return getattr(annotation, "__name__", str(annotation))


# pydantic names the branch of a union a value failed (``cluster.k.int``): not part of the key
_UNION_BRANCHES = {"int", "float", "str", "bool", "none", "list", "dict"}


def _is_union_branch(part) -> bool:
    return isinstance(part, str) and (part in _UNION_BRANCHES or part.startswith(("literal[", "function-")))


def did_you_mean(name: str, choices) -> str:
    """``"; did you mean 'k'?"`` when one of ``choices`` is close to ``name`` (difflib), else ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _step(annotation, part):
    """The type one step below ``annotation`` along a validation error's location (None: lost)."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            if isinstance(part, str) and part in candidate.model_fields:
                return candidate.model_fields[part].annotation
        elif get_origin(candidate) in (list, tuple) and isinstance(part, int):
            return get_args(candidate)[0]
        elif get_origin(candidate) is dict and isinstance(part, str):
            return get_args(candidate)[1]
    return None


def _field_names(schema, location) -> list[str]:
    """The field names of the section at ``location`` (a validation error's loc) of ``schema``."""
    annotation = schema
    for part in location:
        if _is_union_branch(part):
            continue
        annotation = _step(annotation, part)
        if annotation is None:
            return []
    return [name for candidate in (annotation, *get_args(annotation))
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) for name in candidate.model_fields]


def describe_error(error: ValidationError, schema: type[BaseModel] | None = None) -> str:
    """The first problem of ``error`` in one line; with ``schema``, an unknown key gets a "did you mean"."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if not _is_union_branch(part)) or "config"
    if first["type"] == "value_error":  # our own checks: the message says it all
        message = first["msg"].removeprefix("Value error, ")
        return f"{where}: {message}" if first["loc"] else message
    if first["type"] == "extra_forbidden":
        hint = ""
        if schema is not None and first["loc"]:
            hint = did_you_mean(str(first["loc"][-1]), _field_names(schema, first["loc"][:-1]))
        return f"{where}: unknown key{hint}"
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
        raise TopiclabError(f"invalid config {source}: {describe_error(error, schema)}") from None


def read_config_file(path: str | Path, overrides: list[str] | None = None) -> dict[str, Any]:
    """The mapping in a YAML config file, with ``key=value`` overrides applied."""
    return apply_overrides(read_yaml_mapping(path, "config file"), overrides or [])


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


# Overrides that say where a run is logged, not how it ran: left out of run names.
_UNNAMED_KEYS = ("name", "tracking.")


def override_label(overrides: list[str]) -> str:
    """``["cluster.method=agglomerative", "seed=7"]`` -> ``"cluster.method=agglomerative,seed=7"``: each key once
    (the last value given wins, as in ``apply_overrides``), values as YAML reads them; tracking keys left out."""
    values: dict[str, Any] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key or key == "name" or key.startswith(_UNNAMED_KEYS[1]):
            continue
        try:
            parsed = yaml.safe_load(value) if value.strip() else None
        except yaml.YAMLError:
            parsed = value
        values.pop(key, None)  # a repeated key moves to its last place
        values[key] = parsed
    return ",".join(f"{key}={override_text(value)}" for key, value in values.items())


def run_name(name: str, overrides: list[str]) -> str:
    """A run's name: the config's ``name``, and what ``--set`` changed, e.g. ``seed_news[seed=7]``."""
    label = override_label(overrides)
    return f"{name}[{label}]" if label else name
