"""environment.yml gives conda users the same packages as pyproject.toml."""

import tomllib

import yaml

from topiclab.paths import PROJECT_ROOT


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    conda = environment["dependencies"]
    pip = next(item["pip"] for item in conda if isinstance(item, dict))
    assert "python=3.11" in conda
    assert set(pip) - {"-e ."} == wanted
    assert "-e ." in pip


def test_torch_is_pinned():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert "torch==2.13.0" in project["dependencies"]
