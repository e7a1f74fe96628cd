"""Every notebook in ``notebooks/`` runs top to bottom, and none is committed with outputs.

Each notebook is executed by papermill in a fresh kernel named ``topiclab``
(as ``make lab`` installs it), with small parameters and the session's
temporary MLflow store and embedding cache (inherited from conftest.py's
environment). A cell that raises fails its test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from topiclab.paths import PROJECT_ROOT

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
KERNEL = "topiclab"
# Small and fast: the seed dump (28 lines), clustered line by line on TF-IDF (no embedding model
# to load: kernels start fresh, so each would load it again); the default configs' embedding and
# learned-segmenter paths are tested in test_experiment.py and test_segment.py.
LEAN = ["segment.level=line", "vectorize.representation=tfidf", "topics.taxonomy="]
SEGMENTER = "fixed"
NEW_TEXTS = ["Serbia and Kosovo talks on autonomy resume in Brussels.", "Xi Jinping met Vladimir Putin."]
# Each notebook's papermill parameters, slowest first (they run two at a time).
PARAMETERS = {
    # "dataset" is the seed's lines with their gold topics as a CSV, written by the fixture.
    "05-benchmarks.ipynb": {"benchmarks_md": "BENCHMARKS.md", "baselines": ["tfidf_kmeans", "nmf"],
                            "topic_counts": [3], "report_experiment": "nb-05-benchmarks"},
    "04-train-classifier.ipynb": {"new_texts": NEW_TEXTS, "overrides": [
        "classifiers=[{kind: tfidf_logreg, C: 10.0, class_weight: balanced}]",
        "registry.model_name=nb-04-classifier", "tracking.experiment=nb-04-train-classifier"]},
    "01-explore-corpus.ipynb": {"report_experiment": "nb-01-explore-corpus", "segmenter": SEGMENTER},
    "03-compare-runs.ipynb": {"experiment": "nb-03-compare-runs", "sweep_grid": {"cluster.k": [2, 3]},
                              "overrides": LEAN, "param": "cluster.k", "metric": "silhouette",
                              "report_experiment": "nb-03-comparisons"},
    "02-topic-clustering.ipynb": {"overrides": [*LEAN, "tracking.experiment=nb-02-topic-clustering"]},
    # the stream's own config (embeddings and the news taxonomy, 52 sentences): the new story is named
    "06-topics-over-time.ipynb": {"overrides": ["tracking.experiment=nb-06-topics-over-time"]},
}


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.fixture(scope="session")
def kernel_name(tmp_path_factory) -> str:
    """A ``topiclab`` kernelspec for this interpreter, found first on JUPYTER_PATH."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter")
    install(kernel_name=KERNEL, display_name="Python (topiclab)", prefix=str(prefix))
    spec = json.loads((prefix / "share/jupyter/kernels" / KERNEL / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
        yield KERNEL


def execute(name: str, kernel: str, out_dir: Path, **parameters) -> nbformat.NotebookNode:
    """Run notebook ``name`` with papermill; its executed copy goes to ``out_dir``."""
    import papermill

    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / name), str(out_dir / name), parameters=parameters, kernel_name=kernel,
        cwd=str(NOTEBOOKS_DIR), progress_bar=False, log_output=False, execution_timeout=600,
    )
    notebook = nbformat.read(out_dir / name, as_version=4)
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors
    return notebook


@pytest.fixture(scope="module")
def executed(kernel_name, tmp_path_factory) -> dict[str, Future]:
    """Every notebook, run with its PARAMETERS, two kernels at a time (each runs alone, top to
    bottom; running two at once only saves wall time)."""
    from topiclab.tracking import client

    client().search_experiments()  # creates the store's tables now: two kernels would race to
    out_dir = tmp_path_factory.mktemp("executed")
    PARAMETERS["05-benchmarks.ipynb"]["dataset"] = str(_seed_as_labelled_csv(out_dir / "seed.csv"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return {name: pool.submit(execute, name, kernel_name, out_dir, **parameters)
                for name, parameters in PARAMETERS.items()}


def _seed_as_labelled_csv(path: Path) -> Path:
    """The seed dump's lines, each with its article's gold topic: a tiny labelled corpus."""
    from topiclab.data import label_from_gold, load_dump, load_gold

    corpus = label_from_gold(load_dump(PROJECT_ROOT / "data/raw/seed_news.txt"),
                             load_gold(PROJECT_ROOT / "data/raw/seed_news.gold.json"))
    corpus.to_frame()[["id", "text", "label"]].to_csv(path, index=False)
    return path


def outputs_of(notebook, fragment: str) -> list[dict]:
    """Outputs of the code cell whose source contains ``fragment`` (exactly one such cell, or
    exactly one whose whole source it is)."""
    cells = [c for c in notebook.cells if c.cell_type == "code" and fragment in c.source]
    if len(cells) > 1:
        cells = [c for c in cells if c.source.strip() == fragment]
    assert len(cells) == 1, f"{len(cells)} code cells contain {fragment!r}"
    return cells[0].outputs


def data_of(outputs: list[dict], mimetype: str) -> list:
    return [o["data"][mimetype] for o in outputs if mimetype in o.get("data", {})]


def runs_of(experiment: str):
    from topiclab.tracking import search_runs

    return search_runs(experiment, include_summaries=True)


# --- hygiene: every notebook is thin, parameterised, tested, and committed without outputs ---

def test_every_notebook_is_executed_by_this_suite():
    assert {p.name for p in _notebooks()} == set(PARAMETERS)


def _committed_json(path: Path) -> dict:
    """The notebook as a commit would hold it: the git index's copy if tracked, else the file."""
    relative = path.relative_to(PROJECT_ROOT).as_posix()
    try:
        shown = subprocess.run(["git", "show", f":{relative}"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        shown = None
    text = shown.stdout if shown is not None and shown.returncode == 0 else path.read_text(encoding="utf-8")
    return json.loads(text)


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = _committed_json(path)
    dirty = [i for i, c in enumerate(notebook["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, (f"{path.name} has outputs in cells {dirty}: strip them "
                       f"(`.venv/bin/nbstripout {path.relative_to(PROJECT_ROOT)}`; `make hooks` does it on commit)")


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebook_is_thin_and_parameterised(path):
    notebook = nbformat.read(path, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters' (papermill needs one)"
    assert notebook.metadata["kernelspec"]["name"] == KERNEL
    for cell in code:  # logic lives in the topiclab package, not in notebooks
        for line in cell.source.splitlines():
            assert not line.lstrip().startswith(("def ", "class ", "lambda ")), f"{path.name}: {line}"
    assert "topiclab" in code[0].source


# --- each notebook, executed ---

def test_01_explore_corpus(executed, tmp_path, seed_path):
    name = "01-explore-corpus.ipynb"
    notebook, experiment = executed[name].result(), PARAMETERS[name]["report_experiment"]
    n_lines = len(seed_path.read_text(encoding="utf-8").splitlines())
    lines_html = data_of(outputs_of(notebook, "viz.line_table(corpus)"), "text/html")[0]
    assert "language" in lines_html and "duplicate_of" in lines_html
    languages_html = data_of(outputs_of(notebook, "viz.language_counts(lines)"), "text/html")[0]
    assert ">en<" in languages_html
    assert data_of(outputs_of(notebook, "viz.dump_figure"), "image/png")
    scores_html = data_of(outputs_of(notebook, "viz.segmentation_scores"), "text/html")[0]
    assert "pk" in scores_html and "windowdiff" in scores_html

    reports = runs_of(experiment)
    assert len(reports) == 1 and reports.loc[0, "status"] == "FINISHED"
    report = reports.loc[0]
    assert report["metrics.n_lines"] == n_lines and report["params.segment.method"] == SEGMENTER
    from topiclab.tracking import client

    artifacts = {a.path for a in client().list_artifacts(report["run_id"])}
    assert {"lines.csv", "articles.csv", "languages.csv", "dump.png"} <= artifacts
    import pandas as pd

    articles = pd.read_csv(client().download_artifacts(report["run_id"], "articles.csv", str(tmp_path)))
    # The articles partition the dump: contiguous spans from the first line to the last.
    assert articles["line_start"].iloc[0] == 1 and articles["line_end"].iloc[-1] == n_lines
    assert (articles["line_start"].iloc[1:].to_numpy() == articles["line_end"].iloc[:-1].to_numpy() + 1).all()
    assert report["metrics.n_articles"] == len(articles)


def test_02_topic_clustering(executed):
    notebook, experiment = executed["02-topic-clustering.ipynb"].result(), "nb-02-topic-clustering"
    runs = runs_of(experiment)
    assert len(runs) == 1 and runs.loc[0, "status"] == "FINISHED"
    run = runs.loc[0]
    assert run["params.cluster.k"] == "3" and run["metrics.n_topics"] == 3

    topics_html = data_of(outputs_of(notebook, "result.topic_table()"), "text/html")
    assert topics_html and "keywords" in topics_html[0]
    assert data_of(outputs_of(notebook, "viz.document_map(result)"), "application/vnd.plotly.v1+json")
    assert data_of(outputs_of(notebook, "viz.topic_sizes(result)"), "image/png")
    views = outputs_of(notebook, "viz.show_figures(viz.topic_figures(result))")
    headings = " ".join(data_of(views, "text/markdown"))
    for name in ("intertopic_distance_map", "top_words", "topic_similarity", "topic_hierarchy", "topics_per_class"):
        assert name in headings  # the seed's lines carry gold labels: per class applies; no dates
    assert "topics_over_time" not in headings
    assert len(data_of(views, "application/vnd.plotly.v1+json")) == 5
    metrics_html = data_of(outputs_of(notebook, "viz.metrics_frame"), "text/html")[0]
    assert "silhouette" in metrics_html and "time_" not in metrics_html
    link = data_of(outputs_of(notebook, "tracking.track_experiment"), "text/markdown")[0]
    assert f"/#/experiments/{run['experiment_id']}/runs/{run['run_id']}" in link
    # The configuration as a diff from the defaults (the overrides are among it), linked to the full one.
    shown = outputs_of(notebook, "viz.show_config")
    diff_html = " ".join(data_of(shown, "text/html"))
    assert "vectorize.representation" in diff_html  # overridden
    assert "topics.guided" in diff_html  # the seed's config guides k-means by its taxonomy; the default does not
    for key in ("segment.level", "topics.taxonomy"):  # the overrides set them back to their defaults
        assert key not in diff_html
    assert "cluster.method" not in diff_html  # a default: not shown
    assert any(run["run_id"] in text for text in data_of(shown, "text/markdown"))


def test_03_compare_runs(executed):
    name = "03-compare-runs.ipynb"
    notebook = executed[name].result()
    experiment, reports_experiment = PARAMETERS[name]["experiment"], PARAMETERS[name]["report_experiment"]
    trials = runs_of(experiment)
    trials = trials[trials["tags.topiclab.sweep"] == "trial"]
    assert sorted(trials["params.cluster.k"]) == ["2", "3"]

    table_html = data_of(outputs_of(notebook, "viz.comparison_table"), "text/html")[0]
    for run_id in trials["run_id"]:
        assert f"/#/experiments/{trials['experiment_id'].iloc[0]}/runs/{run_id}" in table_html
    assert data_of(outputs_of(notebook, "viz.metric_vs_param"), "image/png")
    parallel = data_of(outputs_of(notebook, "viz.parallel_coordinates"), "application/vnd.plotly.v1+json")[0]
    labels = [d["label"] for d in parallel["data"][0]["dimensions"]]
    assert "cluster.k" in labels and labels[-1] == "silhouette"
    best = trials.loc[trials["metrics.silhouette"].idxmax()]
    best_link = data_of(outputs_of(notebook, "viz.best_run"), "text/markdown")[0]
    assert best["run_id"] in best_link and f"cluster.k = {best['params.cluster.k']}" in best_link

    reports = runs_of(reports_experiment)
    assert len(reports) == 1 and reports.loc[0, "tags.topiclab.kind"] == "report"
    assert reports.loc[0, "params.metric"] == "silhouette"
    from topiclab.tracking import client

    artifacts = {a.path for a in client().list_artifacts(reports.loc[0, "run_id"])}
    assert {"comparison.csv", "silhouette_vs_cluster.k.png"} <= artifacts


# --- what a reader sees: clean outputs, and figures that render in an exported page offline ---

NOISE = re.compile(r"\w*Warning\b|^\s*(INFO|WARNING|DEBUG)\b|\d\d:\d\d:\d\d\S* (INFO|WARNING)\b", re.MULTILINE)


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_executed_notebook_has_no_stderr_or_warning(executed, name):
    noisy = []
    for i, cell in enumerate(executed[name].result().cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output["output_type"] == "stream" else ""
            text += str(output.get("data", {}).get("text/plain", ""))
            if output.get("name") == "stderr" or NOISE.search(text):
                noisy.append((i, text[:200]))
    assert not noisy, f"{name}: outputs with stderr, warnings or log lines: {noisy}"


@pytest.fixture(scope="module")
def browser_page():
    """A headless Chromium page (the UI test's) that may load only local files: no internet."""
    from test_ui_browser import BROWSER_ARGS, CHROMIUM
    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (`make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        yield page
        browser.close()


FIGURES_JS = """() => ({
  plots: [...document.querySelectorAll('.plotly-graph-div')].map(d => {
    const box = d.querySelector('.main-svg') ? d.querySelector('.main-svg').getBoundingClientRect() : null;
    return {drawn: d.classList.contains('js-plotly-plot'), traces: (d._fullData || []).length,
            marks: d.querySelectorAll('.point, .trace, .parcoords .y-axis, .heatmaplayer image').length,
            width: box ? box.width : 0, height: box ? box.height : 0};
  }),
  images: [...document.querySelectorAll('.jp-OutputArea img')].map(i => ({ok: i.complete && i.naturalWidth > 0})),
})"""


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_exported_notebook_shows_its_figures_offline_in_chromium(executed, browser_page, tmp_path, name):
    """As `jupyter nbconvert --to html` exports it, opened with no network: every figure is drawn."""
    from nbconvert import HTMLExporter

    notebook = executed[name].result()
    n_plotly = sum("application/vnd.plotly.v1+json" in o.get("data", {}) for c in notebook.cells
                   for o in c.get("outputs", []))
    n_images = sum("image/png" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))
    html, _ = HTMLExporter().from_notebook_node(notebook)
    page_path = tmp_path / name.replace(".ipynb", ".html")
    page_path.write_text(html, encoding="utf-8")
    browser_page.goto(page_path.as_uri(), wait_until="load")
    if n_plotly:
        browser_page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d._fullLayout)", timeout=30_000)
    shown = browser_page.evaluate(FIGURES_JS)
    assert n_plotly + n_images > 0, f"{name} shows no figure"
    assert len(shown["plots"]) == n_plotly and len(shown["images"]) == n_images, shown
    for plot in shown["plots"]:
        assert plot["drawn"] and plot["traces"] > 0 and plot["marks"] > 0, plot
        assert plot["width"] > 100 and plot["height"] > 100, plot
    assert all(image["ok"] for image in shown["images"]), shown["images"]
    assert html.count("* plotly.js v") == (1 if n_plotly else 0)  # plotly.js embedded once, not per figure


def test_nbstripout_filter_strips_outputs_on_commit(tmp_path):
    """What ``make hooks`` installs, with the project's .gitattributes, strips outputs on ``git add``."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".gitattributes").write_text((PROJECT_ROOT / ".gitattributes").read_text())

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60, check=True)

    git("init", "-q")
    subprocess.run([sys.executable, "-m", "nbstripout", "--install"], cwd=repo, check=True, timeout=60)
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    notebook.cells = [cell]
    nbformat.write(notebook, repo / "x.ipynb")
    git("add", "x.ipynb")
    staged = nbformat.reads(git("show", ":x.ipynb").stdout, as_version=4)
    assert staged.cells[0].source == "1 + 1"
    assert staged.cells[0].outputs == [] and staged.cells[0].execution_count is None
    assert nbformat.read(repo / "x.ipynb", as_version=4).cells[0].outputs  # the working copy keeps them


def test_04_train_classifier(executed):
    notebook, texts = executed["04-train-classifier.ipynb"].result(), NEW_TEXTS
    experiment, model_name = "nb-04-train-classifier", "nb-04-classifier"
    from topiclab.tracking import client

    version = client().get_model_version_by_alias(model_name, "champion")
    training = runs_of(experiment)
    trained = training[training["tags.topiclab.kind"] == "classifier"]
    # the configured classifier and, since the config names a taxonomy, the zero-shot model beside it
    assert len(trained) == 2 and version.run_id in set(trained["run_id"])

    assert "cv_accuracy" in data_of(outputs_of(notebook, "viz.training_table"), "text/html")[0]
    assert data_of(outputs_of(notebook, "viz.metric_bars"), "image/png")
    assert data_of(outputs_of(notebook, "viz.confusion_matrix"), "image/png")
    link = data_of(outputs_of(notebook, "viz.model_version_url"), "text/markdown")[0]
    assert f"#/models/{model_name}/versions/{version.version}" in link

    predictions = outputs_of(notebook, "tracking.load_text_model(model_uri)")
    html = data_of(predictions, "text/html")[0]
    labels = {"Balkans diplomacy", "Elections", "Russia-China relations"}
    assert all(text in html for text in texts)
    assert any(label in html for label in labels) and "probability" in html


def test_05_benchmarks(executed):
    name = "05-benchmarks.ipynb"
    notebook, parameters = executed[name].result(), PARAMETERS[name]
    measured = outputs_of(notebook, "benchmarks.markdown_tables(benchmarks_md)")
    if (PROJECT_ROOT / "BENCHMARKS.md").is_file():  # the committed report, as tables and a chart
        headings = " ".join(data_of(measured, "text/markdown"))
        assert "quality" in headings and "NMI" in " ".join(data_of(measured, "text/html"))
        assert data_of(outputs_of(notebook, "benchmarks.overview_figure(measured)"), "image/png")
    else:
        assert "BENCHMARKS.md not found" in data_of(measured, "text/markdown")[0]

    rerun = outputs_of(notebook, "benchmark_dataset(dataset, settings)")
    tables = " ".join(data_of(rerun, "text/html"))
    for method in ("topiclab (config)", "tfidf_kmeans", "nmf"):
        assert method in tables
    assert "NPMI" in tables and "diversity" in tables
    assert data_of(outputs_of(notebook, "benchmarks.overview_figure(rerun)"), "image/png")

    reports = runs_of(parameters["report_experiment"])
    assert len(reports) == 1 and reports.loc[0, "params.dataset"] == parameters["dataset"]
    from topiclab.tracking import client

    artifacts = {a.path for a in client().list_artifacts(reports.loc[0, "run_id"])}
    assert {"new_quality_seed.csv", "new_topic_quality_seed_3_topics.csv", "new.png"} <= artifacts


def test_06_topics_over_time(executed):
    notebook, experiment = executed["06-topics-over-time.ipynb"].result(), "nb-06-topics-over-time"
    runs = runs_of(experiment)
    assert len(runs) == 4 and set(runs["status"]) == {"FINISHED"}
    fit = runs[runs["tags.topiclab.update"].isna()]["run_id"].tolist()
    updates = runs[runs["tags.topiclab.update"].notna()]
    assert len(fit) == 1 and updates["tags.topiclab.update"].tolist() == ["tuesday", "wednesday", "thursday"]
    assert updates["tags.mlflow.parentRunId"].tolist() == [*fit, *updates["run_id"].tolist()[:2]]  # a chain
    assert updates["metrics.n_new_topics"].iloc[0] >= 1  # Tuesday's elections
    first = " ".join(data_of(outputs_of(notebook, "first.topic_table()"), "text/html"))
    assert "Elections" in first and ">new<" in first
    for fragment in ("first.update.lineage", "second.update.lineage", "third.update.lineage"):
        assert "size_before" in data_of(outputs_of(notebook, fragment), "text/html")[0]
    figure = data_of(outputs_of(notebook, "viz.topics_over_time_figure(third.history)"),
                     "application/vnd.plotly.v1+json")[0]
    days = {x for trace in figure["data"] for x in trace["x"]}
    assert days == {"2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"}  # the fit and every update
