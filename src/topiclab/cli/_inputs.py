"""The texts a command reads: its arguments, a file (a table, ``data.TABLE_FORMATS``: the text column, a
row each, empty ones too; else one text per non-empty line, lines as ``data.split_lines`` cuts them), or stdin."""

from __future__ import annotations

import sys
from typing import Optional

from ..errors import TopiclabError


def read_texts(texts: list[str], file: Optional[str], what: str) -> list[str]:
    """Texts to ``what`` (a verb for the error message), from arguments, ``file`` or stdin."""
    if texts and file:
        raise TopiclabError("give texts as arguments or --file, not both")
    if texts:
        return list(texts)
    from ..data import TABLE_FORMATS, detect_format, read_lines, read_table, split_lines

    if file:
        from ..paths import looked_for, resolve

        path = resolve(file)
        if not path.is_file():
            raise TopiclabError(f"input file not found: {looked_for(file)}")
        fmt = detect_format(path)
        if fmt in TABLE_FORMATS.values():  # every row, an empty text too, so outputs match rows
            return read_table(path, fmt)["text"].fillna("").astype(str).tolist()
        return [line for line in read_lines(path)[0] if line.strip()]
    if sys.stdin.isatty():
        raise TopiclabError(f"no text to {what}: give texts as arguments, --file PATH, or pipe them on stdin")
    return [line for line in split_lines(sys.stdin.read()) if line.strip()]
