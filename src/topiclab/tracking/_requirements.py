"""MLflow's model-saving checks that topiclab's own pinning makes redundant."""

from __future__ import annotations

from contextlib import contextmanager

__all__ = ["pinned_requirements"]


@contextmanager
def pinned_requirements():
    """MLflow's check that a model's pip requirements match this environment, skipped: ours are pinned
    from the versions installed here (``classify.pip_requirements``), so it can only pass, and it maps
    every installed distribution's files to find out (about 2 s of each run that logs a model)."""
    from mlflow.utils import environment

    check = getattr(environment, "warn_dependency_requirement_mismatches", None)
    if check is None:  # another MLflow: nothing to skip
        yield
        return
    environment.warn_dependency_requirement_mismatches = lambda requirements: None
    try:
        yield
    finally:
        environment.warn_dependency_requirement_mismatches = check
