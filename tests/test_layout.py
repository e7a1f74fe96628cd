"""The package's layout rules: one subpackage per stage, imports pointing back along the data flow.

The layer contract itself is written in pyproject.toml (``[tool.importlinter]``)
and checked here with import-linter, as a user would run ``lint-imports``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp

import topiclab

PACKAGE = Path(topiclab.__file__).parent
MAX_TOP_LEVEL_MODULES = 12
MAX_LINES = 400


def _top_level_modules() -> list[str]:
    return sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")


def _subpackages() -> list[str]:
    return sorted(path.parent.name for path in PACKAGE.glob("*/__init__.py"))


def test_at_most_twelve_top_level_modules():
    modules = _top_level_modules()
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules


def test_no_filename_prefix_namespaces():
    names = _top_level_modules() + _subpackages()
    prefixes = [name.split("_")[0] for name in names if "_" in name]
    assert not prefixes, f"prefix namespaces: {prefixes}"
    for package in _subpackages():  # e.g. segment_eval.py next to segment/
        assert not [m for m in _top_level_modules() if m.startswith(f"{package}_")]


def test_every_stage_has_a_small_public_face():
    for stage in ("data", "segment", "vectorize", "cluster", "topics", "evaluation", "classify",
                  "benchmarks", "viz", "tracking", "config", "spark"):
        init = PACKAGE / stage / "__init__.py"
        assert init.is_file(), stage
        assert "__all__" in init.read_text(), stage
        private = [p.name for p in (PACKAGE / stage).glob("*.py") if p.name != "__init__.py"]
        assert private and all(name.startswith("_") for name in private), (stage, private)


def test_no_source_file_over_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def _cycles(graph) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_import_cycle():
    graph = grimp.build_graph("topiclab")  # lazy imports inside functions count too
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.build_graph("topiclab")
    graph.add_import(importer="topiclab.data", imported="topiclab.pipeline")
    assert any({"topiclab.data", "topiclab.pipeline"} <= cycle for cycle in _cycles(graph))


def test_import_linter_contracts_hold(project_root):
    lint_imports = Path(sys.executable).parent / "lint-imports"  # import-linter's command, beside this Python
    done = subprocess.run([str(lint_imports), "--config", str(project_root / "pyproject.toml")],
                          capture_output=True, text=True, cwd=project_root)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    report = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)  # some import-linter releases colour even into a pipe
    assert "Stages import only earlier stages KEPT" in report
    assert "Only tracking imports mlflow KEPT" in report


def test_paths_and_errors_import_nothing_of_topiclab():
    for name in ("paths", "errors"):
        source = (PACKAGE / f"{name}.py").read_text()
        assert not re.search(r"^\s*from \.|^\s*import topiclab|^\s*from topiclab", source, flags=re.M), name


def test_only_the_tracking_package_imports_mlflow():
    import re
    from pathlib import Path

    import topiclab

    package = Path(topiclab.__file__).parent
    importers = {path.relative_to(package).parts[0] for path in package.rglob("*.py")
                 if re.search(r"^\s*(import mlflow|from mlflow)", path.read_text(), flags=re.M)}
    assert importers == {"tracking"}
