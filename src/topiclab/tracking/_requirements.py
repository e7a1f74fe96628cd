"""MLflow's model-saving checks that topiclab's own pinning makes redundant."""

from __future__ import annotations

import threading
from contextlib import contextmanager

__all__ = ["pinned_requirements"]

# The check is a module attribute, so skipping it is process-wide: saves that overlap (threads of one process)
# share one skip, counted, and the last to finish restores MLflow's own function.
_lock = threading.Lock()
_inside = 0
_saved = None


def _skip(requirements) -> None:
    return None


@contextmanager
def pinned_requirements():
    """MLflow's check that a model's pip requirements match this environment, skipped: ours are pinned
    from the versions installed here (``classify.pip_requirements``), so it can only pass, and it maps
    every installed distribution's files to find out (about 2 s of each run that logs a model)."""
    global _inside, _saved
    from mlflow.utils import environment

    if not hasattr(environment, "warn_dependency_requirement_mismatches"):  # another MLflow: nothing to skip
        yield
        return
    with _lock:
        if _inside == 0:
            _saved = environment.warn_dependency_requirement_mismatches
            environment.warn_dependency_requirement_mismatches = _skip
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                environment.warn_dependency_requirement_mismatches = _saved
                _saved = None
