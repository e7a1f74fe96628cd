"""topiclab: news topic clustering and classification, tracked in MLflow.

The top-level names load on first use, so importing one stage (or the
``topiclab.textmodel`` loader a saved classifier names) does not import them all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["ExperimentConfig", "Result", "TopiclabError", "load_config", "run_experiment", "__version__"]

_HOMES = {"ExperimentConfig": ".config", "load_config": ".config", "TopiclabError": ".errors",
          "Result": ".pipeline", "run_experiment": ".pipeline"}

if TYPE_CHECKING:
    from .config import ExperimentConfig, load_config
    from .errors import TopiclabError
    from .pipeline import Result, run_experiment


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
