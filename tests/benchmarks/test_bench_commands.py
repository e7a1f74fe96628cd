"""The benchmark commands refuse what would waste their minutes or the measured figures, before measuring:
an empty selection, an --out that cannot be written; and a smoke run leaves BENCHMARKS.md as it is."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from topiclab.paths import PROJECT_ROOT

REFUSED = {
    "nothing selected": (["bench-scale", "--no-pipeline", "--no-spark"],
                         "error: nothing to measure: --no-pipeline and --no-spark together"),
    "no sizes": (["bench-scale", "--sizes", ""], "error: Invalid value: no sizes given, e.g. 2k,8k,32k"),
    "no datasets": (["bench", "--datasets", ",,"], "error: --datasets ',,' names no dataset"),
    "out in a missing folder": (["bench", "--datasets", "bbc_news", "--out", "missing/B.md"],
                                "error: --out missing/B.md: folder missing does not exist"),
    "out a folder (classifiers)": (["bench-classifiers", "--out", "a-folder"],
                                   "error: --out a-folder is a folder, not a Markdown file"),
    "out a folder (serving)": (["bench-serve", "--out", "a-folder"],
                               "error: --out a-folder is a folder, not a Markdown file"),
    "one dataset (choosing k)": (["bench-k", "--datasets", "bbc_news"],
                                 "error: --datasets 'bbc_news': name two labelled datasets at least"),
    "unknown dataset (choosing k)": (["bench-k", "--datasets", "bbc_news,nope"], "error: "),
    "out a folder (choosing k)": (["bench-k", "--out", "a-folder"],
                                  "error: --out a-folder is a folder, not a Markdown file"),
    "out a folder (scale)": (["bench-scale", "--out", "a-folder", "--no-spark"],
                             "error: --out a-folder is a folder, not a Markdown file"),
    "unknown config (speed)": (["bench-speed", "--config", "nope"],
                               "error: unknown config 'nope': choose from ag_news_4k, bbc_news"),
    "out a folder (speed)": (["bench-speed", "--out", "a-folder"],
                             "error: --out a-folder is a folder, not a Markdown file"),
}


def _topiclab(args: list[str], cwd, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT / "src"),
           "MLFLOW_TRACKING_URI": f"sqlite:///{cwd / 'store.db'}"}
    return subprocess.run([sys.executable, "-m", "topiclab.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def report_folder(tmp_path):
    """A working folder with its own BENCHMARKS.md (a copy: the project's is never at stake) and a sub-folder."""
    (tmp_path / "BENCHMARKS.md").write_bytes((PROJECT_ROOT / "BENCHMARKS.md").read_bytes())
    (tmp_path / "a-folder").mkdir()
    return tmp_path


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_benchmark_that_cannot_run_or_write_is_refused_before_measuring(case, report_folder):
    args, message = REFUSED[case]
    before = (report_folder / "BENCHMARKS.md").read_bytes()
    done = _topiclab(args, report_folder, timeout=60)  # a refusal is instant; measuring would run for minutes
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr.strip().startswith(message), done.stderr[-2000:]
    assert len(done.stderr.strip().splitlines()) == 1
    assert (report_folder / "BENCHMARKS.md").read_bytes() == before
    assert not (report_folder / "missing").exists()


def test_a_smoke_run_leaves_benchmarks_md_and_writes_only_where_out_says(report_folder, shared_dir):
    before = (report_folder / "BENCHMARKS.md").read_bytes()
    smoke = ["bench-backends", "--limit", "5", "--backend", "static"]
    done = _topiclab(smoke, report_folder, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "BENCHMARKS.md left as it is" in done.stderr
    assert (report_folder / "BENCHMARKS.md").read_bytes() == before
    done = _topiclab([*smoke, "--out", "smoke.md"], report_folder, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "<!-- section embedding-backends begin" in (report_folder / "smoke.md").read_text()
    assert (report_folder / "BENCHMARKS.md").read_bytes() == before
