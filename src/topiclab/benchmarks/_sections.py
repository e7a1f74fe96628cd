"""BENCHMARKS.md as sections, each written by its own benchmark command.

``make bench`` (topic models), ``make segment-benchmark`` (segmentation) and
every later benchmark own one section each. A section is kept between
``<!-- section NAME begin -->`` and ``<!-- section NAME end -->`` markers, with
its Targets rows stored as JSON in the begin marker; writing one section
leaves the others as they were, and the Targets table at the top is rebuilt
from every section's rows, so it always has one row per target.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from ..errors import TopiclabError
from ..paths import write_atomically
from ..viz import markdown_table

__all__ = ["write_section", "read_sections", "check_report_path", "TARGET_COLUMNS"]

TARGET_COLUMNS = ["target", "measured", "status"]
_TITLE = "# Benchmarks"
_INTRO = ("Each section below is written by one benchmark command, measured on a quiet machine; its runs are "
          "in MLflow. The Targets table collects every section's targets: one row each, `met` or `missed`.")
_SECTION = re.compile(r"<!-- section (?P<name>[\w-]+) begin (?P<rows>\[.*?\]) -->\n(?P<body>.*?)"
                      r"<!-- section (?P=name) end -->\n", re.S)


def read_sections(path: str | Path) -> dict[str, tuple[list[dict], str]]:
    """``{name: (target rows, body)}`` of the sections in the file, in file order; {} if there is none."""
    file = Path(path)
    if not file.is_file():
        return {}
    return {m["name"]: (json.loads(m["rows"]), m["body"]) for m in _SECTION.finditer(file.read_text("utf-8"))}


def _marker_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False).replace("-->", "--\\u003e")  # never ends the comment early


def check_report_path(path: str | Path) -> Path:
    """``path`` if a report can be written there; checked before a benchmark spends its minutes."""
    file = Path(path).expanduser()
    if file.is_dir():
        raise TopiclabError(f"--out {path} is a folder, not a Markdown file")
    if not file.parent.resolve().is_dir():
        raise TopiclabError(f"--out {path}: folder {file.parent} does not exist")
    return file


def write_section(path: str | Path, name: str, body: str, targets: pd.DataFrame | None = None) -> Path:
    """Replace (or append) section ``name`` of the report at ``path``; other sections stay as they were."""
    sections = read_sections(path)
    rows = [] if targets is None else targets[TARGET_COLUMNS].to_dict(orient="records")
    sections[name] = (rows, body.rstrip() + "\n\n")
    all_rows = [row for section_rows, _ in sections.values() for row in section_rows]
    parts = [_TITLE, "", _INTRO, "", "## Targets", "",
             markdown_table(pd.DataFrame(all_rows, columns=TARGET_COLUMNS)), ""]
    for section, (section_rows, section_body) in sections.items():
        parts.append(f"<!-- section {section} begin {_marker_json(section_rows)} -->\n{section_body}"
                     f"<!-- section {section} end -->")
    return write_atomically(path, "\n".join(parts) + "\n")
