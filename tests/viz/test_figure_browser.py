"""A run's figure HTML opened in headless Chromium (the UI test's Debian chromium) with the network blocked."""

import pytest
from mlflow.tracking import MlflowClient
from topic_corpus import config_dict, write_csv

from topiclab.config import config_from_dict

FIGURE_JS = """() => [...document.querySelectorAll('.plotly-graph-div')].map(d => {
  const box = d.querySelector('.main-svg') ? d.querySelector('.main-svg').getBoundingClientRect() : null;
  return {drawn: d.classList.contains('js-plotly-plot'), traces: (d._fullData || []).length,
          points: d.querySelectorAll('.scatterlayer .point').length,
          lines: d.querySelectorAll('.scatterlayer .js-line').length,
          width: box ? box.width : 0, height: box ? box.height : 0};
})"""


@pytest.fixture(scope="module")
def figure_run(tmp_path_factory, shared_tracking_uri) -> str:
    """A run on a dated corpus (so it logs the hierarchy and over-time figures); its id."""
    from test_ui_browser import CHROMIUM

    if not CHROMIUM.is_file():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (`make browser`)")
    from topiclab.tracking import track_experiment

    path = write_csv(tmp_path_factory.mktemp("figures") / "small.csv")
    config = config_from_dict(config_dict(path, "figure-browser", cluster={"k": 3}, topics={"time_bins": 4}))
    return track_experiment(config)[1]


def test_report_page_renders_every_view_offline(figure_run, tmp_path, shared_tracking_uri):
    from playwright.sync_api import sync_playwright
    from test_ui_browser import BROWSER_ARGS, CHROMIUM

    run_id = figure_run
    page_path = MlflowClient(shared_tracking_uri).download_artifacts(run_id, "report.html", str(tmp_path))
    blocked = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(request_route):
                if request_route.request.url.startswith(("file:", "data:")):
                    return request_route.continue_()
                blocked.append(request_route.request.url)
                return request_route.abort()

            page.route("**/*", route)
            page.goto(f"file://{page_path}", wait_until="load")
            page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                                   ".every(d => d._fullLayout)", timeout=30_000)
            plots = dict(zip(page.evaluate("() => [...document.querySelectorAll('section')].map(s => s.id)"),
                             page.evaluate(FIGURE_JS)))
        finally:
            browser.close()
    assert not blocked, blocked
    assert set(plots) == {"document_map", "top_words", "intertopic_distance_map", "topic_similarity",
                          "topic_hierarchy", "topics_over_time", "topics_per_class"}, plots
    for name, plot in plots.items():
        assert plot["drawn"] and plot["traces"] >= 1 and plot["width"] > 100 and plot["height"] > 100, (name, plot)
    for name in ("topic_hierarchy", "topics_over_time"):
        plot = plots[name]
        assert plot["traces"] >= 3 and plot["points"] >= 3 and plot["lines"] >= 1, (name, plot)
    assert plots["document_map"]["points"] == 24 and plots["intertopic_distance_map"]["points"] == 3
    assert plots["top_words"]["traces"] == 3  # one bar chart per topic
