"""Shared fixtures: a temporary MLflow store and embedding cache per session,
the project's seed corpus, and ``../shared`` (skipped with a reason if absent)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

# Before topiclab is imported: keep the user's cache and store untouched.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="topiclab-tests-"))
os.environ["TOPICLAB_CACHE_DIR"] = str(_SESSION_DIR / "embeddings")
os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{_SESSION_DIR / 'mlflow.db'}"
# The default backend is auto; a test that does not test auto must not time backends (a minute) nor
# depend on this machine's choice: a record naming torch, as auto's own would on a machine where torch wins.
os.environ["TOPICLAB_AUTO_RECORD"] = str(_SESSION_DIR / "embedding_backend.json")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from topiclab.paths import PROJECT_ROOT  # noqa: E402
from topiclab.vectorize import AGREEMENT, CANDIDATES, machine  # noqa: E402

(_SESSION_DIR / "embedding_backend.json").write_text(json.dumps({"all-MiniLM-L6-v2": {
    "model": "all-MiniLM-L6-v2", "backend": "torch", "cosine": 1.0, "cpu": machine(),
    "agreement_needed": AGREEMENT, "candidates": list(CANDIDATES), "fixture": "tests/conftest.py"}}))

# Tests live in folders mirroring the package's subpackages; their shared helpers
# (classify_helpers, processes) live here.
sys.path.insert(0, str(Path(__file__).resolve().parent))

SHARED_DIR = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return PROJECT_ROOT / "data" / "raw" / "seed_news.txt"


@pytest.fixture(scope="session")
def seed_gold_path() -> Path:
    return PROJECT_ROOT / "data" / "raw" / "seed_news.gold.json"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED_DIR / "README.md").is_file():
        pytest.skip("../shared is absent (a user's clone has none); the datasets live there")
    return SHARED_DIR


@pytest.fixture(scope="session")
def session_dir() -> Path:
    return _SESSION_DIR


@pytest.fixture
def tracking_uri(tmp_path, monkeypatch) -> str:
    """A fresh, empty SQLite MLflow store for one test."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return uri


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    """A temporary SQLite MLflow store shared by one test module: (its URI, its folder), with
    MLFLOW_TRACKING_URI pointing at it while the module runs."""
    folder = tmp_path_factory.mktemp("module-store")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", uri)
        yield uri, folder


@pytest.fixture(scope="session")
def shared_tracking_uri() -> str:
    """The session's MLflow store (creating a SQLite store costs seconds)."""
    return os.environ["MLFLOW_TRACKING_URI"]
