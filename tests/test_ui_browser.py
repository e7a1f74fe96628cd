"""The MLflow UI in a real browser.

``topiclab ui`` serves a fresh SQLite store holding runs logged by the package;
headless Chromium (Debian's ``chromium`` package, driven by Playwright, never a
browser Playwright downloads) opens the experiment, selects two runs, opens the
compare view and must find every logged metric of both runs with its value.
A screenshot of the compare view is saved under ``test-artifacts/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from processes import free_port, stop_process_group, wait_until_answering

from topiclab.config import config_from_dict
from topiclab.paths import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "mlflow-compare-runs.png"
EXPERIMENT = "ui-browser"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# One web worker and no background job runner: the UI needs neither, and the
# machine running the suite has few cores.
SERVER_ENV = {"MLFLOW_WORKERS": "1", "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
              "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):  # CI installs Chromium in `make test`; a skip there hides a break
            pytest.fail(f"Chromium is not installed at {CHROMIUM} in CI")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (`make browser` installs Debian's "
                    "chromium with apt-get, which needs root and a reachable package mirror)")
    return CHROMIUM





@pytest.fixture
def ui_process(chromium, tracking_uri, tmp_path):
    """``topiclab ui`` starting on a free port of 127.0.0.1; stopped after the test, pass or fail."""
    from topiclab.tracking import ensure_experiment

    ensure_experiment(EXPERIMENT)  # creates the store, so the server does not race us to it
    url = f"http://127.0.0.1:{free_port()}"
    log_path = tmp_path / "ui.log"
    topiclab = Path(sys.executable).parent / "topiclab"
    with open(log_path, "w") as log:
        process = subprocess.Popen([str(topiclab), "ui", "--port", url.rsplit(":", 1)[1]],
                                   cwd=PROJECT_ROOT, env={**os.environ, **SERVER_ENV}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process, url, log_path
    finally:
        stop_process_group(process)


@pytest.fixture
def logged_runs(ui_process, seed_path, seed_gold_path) -> dict[str, tuple[str, dict]]:
    """Three runs of the seed experiment, k = 2, 3, 4 (TF-IDF: no embedding model needed),
    logged by the package while the server starts."""
    from topiclab.tracking import track_experiment

    runs = {}
    for k in (2, 3, 4):
        config = config_from_dict({
            "name": f"ui-k{k}", "seed": 7,
            "data": {"path": str(seed_path), "gold": str(seed_gold_path)},
            "vectorize": {"representation": "tfidf"},
            "cluster": {"method": "kmeans", "k": k},
            "topics": {"taxonomy": None},
            "tracking": {"experiment": EXPERIMENT},
        })
        result, run_id = track_experiment(config)
        runs[config.name] = (run_id, dict(result.metrics))
    return runs


@pytest.fixture
def ui_server(ui_process, logged_runs) -> str:
    """The UI's address once it answers, with the runs in its store."""
    process, url, log_path = ui_process
    wait_until_answering(process, f"{url}/health", log_path)
    return url


def _ui_tolerance(value: float) -> float:
    """How far the UI's rounded number may be from the logged one (MLflow's formatMetric)."""
    size = abs(value)
    if size == 0:
        return 1e-12
    if size < 1e-3:
        return size * 1e-3  # shown as 4 significant digits
    return 5e-4 if size < 10 else 5e-3 if size < 100 else 5e-2


_READ_METRICS = """(toggle, scrollTop) => {
  const section = toggle.closest('.du-bois-light-collapse-content-box');
  const [names, values] = section.querySelectorAll('.ReactVirtualized__Grid');
  if (scrollTop !== null) values.scrollTop = scrollTop;
  const cells = grid => Array.from(grid.querySelectorAll('.ReactVirtualized__Grid__innerScrollContainer > div'))
    .map(cell => ({top: cell.style.top, left: parseFloat(cell.style.left), text: cell.innerText.trim()}));
  return {names: cells(names), values: cells(values), scrollTop: values.scrollTop,
          scrollHeight: values.scrollHeight, clientHeight: values.clientHeight};
}"""


def _compare_table(page, section: str = "Metrics") -> dict[str, list[str]]:
    """A table of the compare view (``Metrics`` or ``Parameters``): name -> shown value of each run column.

    The table is virtualised (only rows near the viewport exist), so it is read
    while scrolling; a name and its values share a row offset.
    """
    switch = page.get_by_role("switch", name=f"{section} - Show diff only")
    names: dict[str, str] = {}
    values: dict[str, dict[float, str]] = {}
    position = 0
    while True:
        state = switch.evaluate(_READ_METRICS, position)
        page.wait_for_timeout(150)
        state = switch.evaluate(_READ_METRICS, None)
        names.update({cell["top"]: cell["text"] for cell in state["names"]})
        for cell in state["values"]:
            values.setdefault(cell["top"], {})[cell["left"]] = cell["text"]
        if state["scrollTop"] + state["clientHeight"] >= state["scrollHeight"]:
            break
        position = state["scrollTop"] + max(state["clientHeight"] // 2, 45)
    switch.evaluate(_READ_METRICS, 0)
    return {name: [row[left] for left in sorted(row)] for top, name in names.items()
            for row in [values.get(top, {})]}


def _section_text(page, section: str) -> str:
    """The text of a section of the compare view (the Parameters table is drawn whole)."""
    switch = page.get_by_role("switch", name=f"{section} - Show diff only")
    return switch.evaluate("toggle => toggle.closest('.du-bois-light-collapse-content-box').innerText")


def _column_order(page, run_ids: list[str]) -> list[str]:
    """Run ids in the order of the compare view's columns (left to right)."""
    positions = {}
    for run_id in run_ids:
        link = page.get_by_role("link", name=run_id, exact=True).first
        positions[run_id] = link.bounding_box()["x"]
    return sorted(run_ids, key=positions.get)


def _open_experiment(page, url: str) -> None:
    """The UI's front page, then one click on the experiment's name: nothing else."""
    page.goto(url)
    experiment_link = page.get_by_role("link", name=EXPERIMENT, exact=True)
    experiment_link.wait_for()
    experiment_link.click()


def _open_compare_view(page, run_names: list[str]) -> None:
    for name in run_names:
        page.get_by_role("row").filter(has_text=name).get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Compare", exact=True).click()
    page.get_by_text(f"Comparing {len(run_names)} Runs").wait_for()


def _tidy_for_screenshot(page) -> None:
    """Close the assistant panel, fold the plots, show only differing parameters."""
    close = page.locator('[data-component-id="mlflow.assistant.chat_panel.close"]')
    if close.count():
        close.first.click()
    page.get_by_text("Visualizations", exact=True).click()
    page.get_by_role("switch", name="Parameters - Show diff only").click()
    page.get_by_role("switch", name="Metrics - Show diff only").scroll_into_view_if_needed()


def test_compare_view_shows_metrics_of_two_runs(chromium, ui_server, logged_runs):
    from playwright.sync_api import sync_playwright

    chosen = ["ui-k2", "ui-k3"]
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                             args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1300})
        page.set_default_timeout(60_000)
        try:
            _open_experiment(page, ui_server)
            # The runs table, with every run's name (its rows are links named by the run).
            for name in logged_runs:
                page.get_by_role("link", name=name, exact=True).first.wait_for()
            assert "/runs" in page.url, f"the experiment opened on {page.url}, not its runs"
            assert page.get_by_text("Detect Issues", exact=False).count() == 0
            _open_compare_view(page, chosen)
            params = _section_text(page, "Parameters")
            run_ids = _column_order(page, [logged_runs[name][0] for name in chosen])
            _tidy_for_screenshot(page)
            page.wait_for_timeout(500)
            page.screenshot(path=str(SCREENSHOT))
            shown = _compare_table(page)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "mlflow-ui-failure.png"))
            raise
        finally:
            browser.close()

    # k-means runs: no settings of the methods they did not use
    assert "cluster.k" in params and "cluster.method" in params, params
    assert "cluster.hdbscan" not in params and "cluster.umap" not in params, params
    metrics_of = {run_id: metrics for run_id, metrics in logged_runs.values()}
    logged_names = set().union(*(metrics_of[run_id] for run_id in run_ids))
    assert logged_names <= set(shown), f"metrics missing from the compare view: {logged_names - set(shown)}"
    checked = 0
    for name in sorted(logged_names):
        assert len(shown[name]) == 2, f"{name}: expected one value per run, the UI shows {shown[name]}"
        for run_id, text in zip(run_ids, shown[name]):
            value = float(metrics_of[run_id][name])
            assert float(text) == pytest.approx(value, abs=_ui_tolerance(value)), \
                f"{name} of run {run_id}: logged {value}, the UI shows {text}"
            checked += 1
    # The two runs differ (k = 2 vs 3), so a swapped or repeated column cannot pass.
    assert [float(v) for v in shown["n_topics"]] == [metrics_of[r]["n_topics"] for r in run_ids]
    assert checked >= 2 * 8
    assert SCREENSHOT.stat().st_size > 10_000
