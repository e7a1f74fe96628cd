"""One place for the project's paths.

Relative paths in configs are resolved against the project root, so an
experiment gives the same result whatever the working directory is.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

__all__ = [
    "atomic_file",
    "write_atomically",
    "PROJECT_ROOT",
    "NUMBA_CACHE_DIR",
    "DATA_DIR",
    "RAW_DIR",
    "INTERIM_DIR",
    "PROCESSED_DIR",
    "EXPERIMENTS_DIR",
    "TAXONOMIES_DIR",
    "MLRUNS_DIR",
    "EMBEDDING_CACHE_DIR",
    "SHARED_DIR",
    "SHARED_DATASETS_DIR",
    "DEFAULT_TRACKING_URI",
    "resolve",
    "looked_for",
]


def _project_root() -> Path:
    # TOPICLAB_ROOT lets an installed (non-editable) package point at a checkout.
    env = os.environ.get("TOPICLAB_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


PROJECT_ROOT = _project_root()
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
INTERIM_DIR = DATA_DIR / "interim"
PROCESSED_DIR = DATA_DIR / "processed"
EXPERIMENTS_DIR = PROJECT_ROOT / "experiments"
TAXONOMIES_DIR = EXPERIMENTS_DIR / "taxonomies"
MLRUNS_DIR = PROJECT_ROOT / "mlruns"
EMBEDDING_CACHE_DIR = Path(os.environ.get("TOPICLAB_CACHE_DIR", INTERIM_DIR / "embeddings"))
# numba's compiled functions (UMAP's, pynndescent's) kept across processes, also where site-packages is
# read-only; set before numba is first imported (topiclab imports it lazily, after this module).
NUMBA_CACHE_DIR = Path(os.environ.setdefault("NUMBA_CACHE_DIR", str(INTERIM_DIR / "numba")))
# Read-only material beside the checkout (labelled benchmark corpora); absent in a user's clone.
SHARED_DIR = Path(os.environ.get("TOPICLAB_SHARED_DIR", PROJECT_ROOT.parent / "shared"))
SHARED_DATASETS_DIR = SHARED_DIR / "datasets"
DEFAULT_TRACKING_URI = f"sqlite:///{PROJECT_ROOT / 'mlflow.db'}"


def resolve(path: str | os.PathLike) -> Path:
    """Absolute path for ``path``. A relative path is taken from the current directory when it
    names something there (a user's own file), else from the project root (``experiments/...``,
    ``data/...`` from anywhere)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    here = Path.cwd() / p
    return here if here.exists() else PROJECT_ROOT / p


def looked_for(path: str | os.PathLike) -> str:
    """``path`` as given, and where ``resolve`` looked for it when relative (for not-found messages)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return str(path)
    places = dict.fromkeys([Path.cwd(), PROJECT_ROOT])
    return f"{path} (looked in {' and '.join(map(str, places))})"


@contextmanager
def atomic_file(path: str | os.PathLike, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` whole, or not at all; ``mode`` (e.g. 0o600 for a
    secret) instead of the usual readable-by-all.

    Written through a temporary file in the same folder and renamed: a killed
    run leaves the old file (or none) intact, never half of a new one.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes it private; a report or model file is for everyone
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: str | os.PathLike, content: str | bytes, mode: int | None = None) -> Path:
    """Write text (UTF-8) or bytes to ``path`` through ``atomic_file``."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_file(path, mode) as out:
        out.write(data)
    return Path(path)
