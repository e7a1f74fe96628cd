"""Spark jobs' inputs and outputs, checked in plain Python before a JVM starts.

INPUT is a Parquet, CSV or JSONL file, or a folder of such parts (the format
named by the extension). Only a header, a first line or Parquet metadata is
read here: bad input is refused in well under a second, not after Spark's
start-up. OUTPUT is a Parquet folder, written beside itself and renamed into
place at the end, so a failed job leaves no half-written OUTPUT.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import TopiclabError

__all__ = ["FORMATS", "InputTable", "check_input", "check_output", "replacing_folder"]

FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "json", ".ndjson": "json", ".json": "json"}


@dataclass(frozen=True)
class InputTable:
    path: Path
    format: str  # parquet | csv | json (Spark's reader names)
    files: tuple[Path, ...]
    columns: tuple[str, ...]


def _format_of(file: Path) -> str | None:
    suffixes = [s.lower() for s in file.suffixes]
    for suffix in reversed(suffixes):  # part-0.snappy.parquet, data.jsonl
        if suffix in FORMATS:
            return FORMATS[suffix]
    return None


def _parts(folder: Path) -> list[Path]:
    """Data files of a folder of parts; Spark's and Hadoop's markers (``_SUCCESS``, ``.crc``) are not data."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("_", ".")))


def _csv_columns_and_rows(file: Path) -> tuple[list[str], bool]:
    with file.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        has_row = any(any(cell.strip() for cell in row) for row in reader)
    return header, has_row


def _json_columns_and_rows(file: Path) -> tuple[list[str], bool]:
    with file.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise TopiclabError(f"{file}: line {number} is not JSON (JSONL input: one object per line)") from None
            if not isinstance(record, dict):
                raise TopiclabError(f"{file}: line {number} is not a JSON object")
            return list(record), True
    return [], False


def _parquet_columns_and_rows(file: Path) -> tuple[list[str], bool]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(file).metadata
    except Exception as error:  # pyarrow raises its own ArrowInvalid / OSError kinds
        raise TopiclabError(f"{file} is not a readable Parquet file: {str(error).splitlines()[0]}") from None
    return list(meta.schema.to_arrow_schema().names), meta.num_rows > 0


_READERS = {"csv": _csv_columns_and_rows, "json": _json_columns_and_rows, "parquet": _parquet_columns_and_rows}


def check_input(path: str | Path, text_column: str, id_column: str) -> InputTable:
    """INPUT's format, files and columns; a one-line error if it lacks a column or holds no row."""
    source = Path(path).expanduser().resolve()
    if not source.exists():
        raise TopiclabError(f"input not found: {path}")
    files = _parts(source) if source.is_dir() else [source]
    if not files:
        raise TopiclabError(f"input {path} is an empty folder")
    formats = {_format_of(f) for f in files}
    if None in formats or len(formats) != 1:
        names = sorted({"".join(f.suffixes) or f.name for f in files})
        raise TopiclabError(f"input {path}: cannot tell its format from {', '.join(names[:5])} "
                            "(give Parquet, CSV or JSONL: .parquet, .csv, .jsonl)")
    fmt = formats.pop()
    columns: list[str] = []
    any_rows = False
    for file in files:
        found, has_rows = _READERS[fmt](file)
        columns += [c for c in found if c not in columns]
        any_rows = any_rows or has_rows
        if fmt != "json" and any_rows:
            break  # Parquet and CSV parts share one schema; JSONL records may differ, so all first lines count
    if not any_rows:
        raise TopiclabError(f"input {path} is empty: no rows")
    for column, option in ((text_column, "--text-column"), (id_column, "--id-column")):
        if column not in columns:
            raise TopiclabError(f"input {path} has no {column!r} column (columns: {', '.join(columns) or 'none'}; "
                                f"name another with {option})")
    return InputTable(source, fmt, tuple(files), tuple(columns))


def check_output(path: str | Path, overwrite: bool, source: InputTable | None = None) -> Path:
    """OUTPUT as an absolute path; refused when it exists (unless ``overwrite``) or lies in INPUT."""
    target = Path(path).expanduser().resolve()
    if target.exists() and not overwrite:
        raise TopiclabError(f"output {path} exists; give --overwrite to replace it")
    if source is not None and (target == source.path or source.path in target.parents
                               or target in source.path.parents):
        raise TopiclabError(f"output {path} overlaps input {source.path}")
    if not target.parent.is_dir():
        raise TopiclabError(f"output folder {target.parent} does not exist")
    return target


@contextmanager
def replacing_folder(target: Path) -> Iterator[Path]:
    """A fresh path beside ``target`` to write into; renamed to ``target`` when the block succeeds.

    On an error the partial folder is removed and ``target`` (if any) is left as it was.
    """
    token = uuid.uuid4().hex[:12]
    partial = target.with_name(f".{target.name}.{token}.partial")
    try:
        yield partial
        if not partial.is_dir():
            raise TopiclabError(f"the job wrote nothing to {target}")
        if target.exists():
            old = target.with_name(f".{target.name}.{token}.old")
            os.replace(target, old)
            os.replace(partial, target)
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
        else:
            os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
