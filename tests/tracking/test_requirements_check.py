"""Logging a model skips MLflow's requirement check only while it logs, and the model still pins versions."""

import pytest
from mlflow.utils import environment

from topiclab.classify import pip_requirements
from topiclab.tracking._requirements import pinned_requirements


def test_the_check_is_skipped_inside_and_restored_after_even_on_error():
    original = environment.warn_dependency_requirement_mismatches
    with pytest.raises(RuntimeError):
        with pinned_requirements():
            assert environment.warn_dependency_requirement_mismatches is not original
            assert environment.warn_dependency_requirement_mismatches(["numpy==0.0.1"]) is None
            raise RuntimeError("logging failed")
    assert environment.warn_dependency_requirement_mismatches is original


def test_what_the_check_would_confirm_holds_requirements_are_pinned_from_this_environment():
    from importlib.metadata import version

    from packaging.requirements import Requirement

    for line in pip_requirements(needs_embeddings=True):
        requirement = Requirement(line)
        assert str(requirement.specifier).startswith("=="), f"{line} is not pinned"
        assert requirement.specifier.contains(version(requirement.name))  # "2.13.0+cpu" satisfies ==2.13.0


def test_overlapping_saves_keep_the_skip_until_the_last_ends_and_then_restore_the_check():
    # Two saves in two threads end in the order they began (not nested): the first to end must neither
    # restore the check under the second nor leave the skip behind after both.
    original = environment.warn_dependency_requirement_mismatches
    first, second = pinned_requirements(), pinned_requirements()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert environment.warn_dependency_requirement_mismatches is not original  # the second still saves
    second.__exit__(None, None, None)
    assert environment.warn_dependency_requirement_mismatches is original
