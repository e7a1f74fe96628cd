"""Load raw text into documents with stable ids.

Formats: a raw dump (one paragraph per line, as ``data/raw/seed_news.txt``),
a table with a ``text`` column (``label``, ``id``, ``date`` optional: CSV, TSV,
JSONL, or JSON as an array of objects or as JSON lines), or a folder of
``.txt`` files. Raw files are only ever read.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..errors import TopiclabError
from ..paths import looked_for, resolve

__all__ = [
    "TABLE_FORMATS",
    "MissingTextColumn",
    "Document",
    "Corpus",
    "load_corpus",
    "detect_format",
    "load_dump",
    "load_table",
    "read_table",
    "load_folder",
    "read_text",
    "split_lines",
    "read_lines",
]

# Formats read as tables (``read_table``), one document a row, by file extension.
TABLE_FORMATS = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}

# Characters that str.splitlines() treats as line ends but a text editor, a
# gold file and `wc -l` do not: inside a line they are spaces.
_IN_LINE_BREAKS = str.maketrans({c: " " for c in "\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"})


def split_lines(text: str) -> list[str]:
    """The file's lines: a line ends at ``\\n`` or ``\\r\\n`` and nowhere else.

    A lone ``\\r``, U+2028, U+2029, ``\\x0b``, ``\\x0c``, ``\\x1c``-``\\x1e`` and ``\\x85`` stay in their
    line as spaces; a UTF-8 byte-order mark is dropped; a final line end does not
    open an empty line (as editors count).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1].translate(_IN_LINE_BREAKS) if line.endswith("\r") else line.translate(_IN_LINE_BREAKS)
            for line in lines]


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    label: str | None = None
    date: str | None = None
    line_start: int | None = None  # 1-based, inclusive: maps back to the raw dump
    line_end: int | None = None
    article_id: str | None = None


@dataclass
class Corpus:
    name: str
    source: str
    format: str
    documents: list[Document]
    content_hash: str
    lines: list[str] = field(default_factory=list, repr=False)  # raw lines of a dump
    # data.limit of a dump: its first ``limit`` lines are the documents until segmenting makes
    # articles (or passages) of all its lines and keeps the first ``limit`` of those.
    limit: int | None = None

    @property
    def texts(self) -> list[str]:
        return [d.text for d in self.documents]

    @property
    def labels(self) -> list[str | None]:
        return [d.label for d in self.documents]

    @property
    def has_labels(self) -> bool:
        return bool(self.documents) and all(d.label is not None for d in self.documents)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([d.__dict__ for d in self.documents])


def _hash_bytes(*chunks: bytes) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def read_text(path: Path) -> tuple[str, bytes]:
    """Strict UTF-8 text of ``path`` (a byte-order mark dropped) and its bytes; binary files are refused."""
    if not path.exists():
        raise TopiclabError(f"input file not found: {path}")
    data = path.read_bytes()
    if b"\x00" in data:
        raise TopiclabError(f"{path} is not UTF-8 text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig"), data
    except UnicodeDecodeError as error:
        raise TopiclabError(
            f"{path} is not UTF-8 text (invalid byte at position {error.start})"
        ) from None


def read_lines(path: Path) -> tuple[list[str], bytes]:
    """The lines of a UTF-8 text file (``split_lines``) and its bytes."""
    text, data = read_text(path)
    return split_lines(text), data


def _require_documents(documents: list[Document], path: Path) -> list[Document]:
    if not documents:
        raise TopiclabError(f"corpus is empty: {path} holds no non-empty text")
    return documents


def load_dump(path: str | Path) -> Corpus:
    """One passage per non-empty line, ids ``<stem>:L<line>``."""
    file = resolve(path)
    lines, data = read_lines(file)
    documents = [
        Document(id=f"{file.stem}:L{number:04d}", text=line.strip(), line_start=number, line_end=number)
        for number, line in enumerate(lines, start=1)
        if line.strip()
    ]
    return Corpus(
        name=file.stem,
        source=str(file),
        format="dump",
        documents=_require_documents(documents, file),
        content_hash=_hash_bytes(data),
        lines=lines,
    )


def _column(frame: pd.DataFrame, name: str) -> list:
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def _json_records(text: str) -> pd.DataFrame:
    """A ``.json`` table: an array of objects, or JSON lines (both are common under that extension)."""
    if not text.lstrip().startswith("["):
        return pd.read_json(io.StringIO(text), lines=True, dtype=False)
    records = json.loads(text)
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise ValueError(f"item {number} of the array is not an object")
    return pd.DataFrame.from_records(records)


class MissingTextColumn(TopiclabError):
    """A table without the text column asked for; ``likely`` names the column that looks like text, if any."""

    def __init__(self, message: str, likely: str | None):
        super().__init__(message)
        self.likely = likely


def _shown(column) -> str:
    """A column's name for a one-line message: as it is, or quoted where it holds a line break or other
    control character (a CSV header can)."""
    name = str(column)
    return name if name.isprintable() else repr(name)


def _likely_text_column(frame: pd.DataFrame) -> str | None:
    """The column of longest text on average (the body of an article, not its id or label)."""
    lengths = {column: frame[column].dropna().astype(str).str.len().mean() for column in frame.columns
               if not pd.api.types.is_numeric_dtype(frame[column])}
    lengths = {column: length for column, length in lengths.items() if length == length and length > 0}
    likely = max(lengths, key=lengths.get) if lengths else None
    return likely if likely is not None and str(likely).isprintable() else None  # --set takes it on one line


def read_table(path: str | Path, fmt: str = "csv", text_column: str = "text") -> pd.DataFrame:
    """Every row of a table (``TABLE_FORMATS``; an empty cell: missing), checked to have ``text_column``."""
    file = resolve(path)
    return _parse_table(file, read_text(file)[0], fmt, text_column)


def _parse_table(file: Path, text: str, fmt: str, text_column: str) -> pd.DataFrame:
    """``read_table`` on the text of ``file`` already read."""
    try:
        if fmt in ("csv", "tsv"):
            frame = pd.read_csv(io.StringIO(text), sep="\t" if fmt == "tsv" else ",", dtype=str,
                                keep_default_na=False, na_values=[""])
        elif fmt == "json":
            frame = _json_records(text)
        else:
            frame = pd.read_json(io.StringIO(text), lines=True, dtype=False)
    # TypeError: pandas on JSON lines mixing objects and arrays; RecursionError: a deeply nested array
    except (ValueError, TypeError, RecursionError, pd.errors.ParserError) as error:
        reason = str(error).splitlines()[0]
        raise TopiclabError(f"{file} is not a readable {fmt.upper()} table: {reason}") from None
    if text_column not in frame.columns:
        raise MissingTextColumn(
            f"{file} has no {text_column!r} column (columns: {', '.join(map(_shown, frame.columns))})",
            _likely_text_column(frame))
    return frame


def load_table(
    path: str | Path, fmt: str = "csv", text_column: str = "text", label_column: str = "label"
) -> Corpus:
    """A table (``TABLE_FORMATS``) with a text column; label, id and date are optional."""
    file = resolve(path)
    text, data = read_text(file)  # read once: its bytes are the corpus's content hash
    frame = _parse_table(file, text, fmt, text_column)
    frame = frame[frame[text_column].notna() & (frame[text_column].astype(str).str.strip() != "")]
    labels = _column(frame, label_column)
    present = [label is not None and label == label and str(label) != "" for label in labels]
    if any(present) and not all(present):
        raise TopiclabError(
            f"{file}: column {label_column!r} is empty in {present.count(False)} of {len(present)} rows"
        )
    ids = _column(frame, "id")
    dates = _column(frame, "date")
    documents = [
        Document(
            id=str(doc_id) if doc_id is not None else f"{file.stem}:{row}",
            text=str(text).strip(),
            label=str(label) if has_label else None,
            date=str(date) if date is not None else None,
        )
        for row, (doc_id, text, label, has_label, date) in enumerate(
            zip(ids, frame[text_column], labels, present, dates)
        )
    ]
    return Corpus(
        name=file.stem,
        source=str(file),
        format=fmt,
        documents=_require_documents(documents, file),
        content_hash=_hash_bytes(data),
    )


def load_folder(path: str | Path) -> Corpus:
    """Each ``.txt`` file below ``path`` is one document, id = relative path."""
    folder = resolve(path)
    files = sorted(folder.rglob("*.txt"))
    documents, chunks = [], []
    for file in files:
        text, data = read_text(file)
        chunks.append(file.relative_to(folder).as_posix().encode() + data)
        if text.strip():
            documents.append(Document(id=file.relative_to(folder).as_posix(), text=text.strip()))
    return Corpus(
        name=folder.name,
        source=str(folder),
        format="folder",
        documents=_require_documents(documents, folder),
        content_hash=_hash_bytes(*chunks),
    )


def detect_format(file: Path) -> str:
    """The input format ``load_corpus`` reads ``file`` as: folder, a table format (``TABLE_FORMATS``) or dump."""
    if file.is_dir():
        return "folder"
    return TABLE_FORMATS.get(file.suffix.lower(), "dump")


def load_corpus(
    path: str | Path,
    fmt: str = "auto",
    text_column: str = "text",
    label_column: str = "label",
    limit: int | None = None,
) -> Corpus:
    """Load any supported input; ``limit`` keeps the first documents only (of a dump: its first lines,
    and once ``segment.segment_corpus`` cuts it into articles, the first articles; ``Corpus.limit``)."""
    file = resolve(path)
    if not file.exists():
        raise TopiclabError(f"input file not found: {looked_for(path)}")
    fmt = detect_format(file) if fmt == "auto" else fmt
    if fmt == "folder":
        if not file.is_dir():
            raise TopiclabError(f"format 'folder' needs a directory, got file {path}")
        corpus = load_folder(file)
    elif file.is_dir():
        raise TopiclabError(f"{path} is a directory; set data.format: folder")
    elif fmt == "dump":
        corpus = load_dump(file)
    else:
        corpus = load_table(file, fmt, text_column, label_column)
    if limit is not None:
        corpus = replace(corpus, documents=corpus.documents[:limit], limit=limit)
    return corpus
