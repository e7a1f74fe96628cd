"""Jupyter conveniences for the notebooks in ``notebooks/``: inline figures, quiet outputs, links.

Only display settings live here; the notebooks' work is done by the other
modules. Nothing in this module is needed outside a notebook, and nothing here
changes the CLI: logs and warnings are quieted by ``setup_notebook`` only.
"""

from __future__ import annotations

import logging
import warnings

__all__ = ["setup_notebook", "quiet_outputs", "offline_plotly", "link", "show_tables", "show_config", "show_figures"]

OFFLINE_RENDERER = "topiclab_offline"
# Libraries whose INFO lines (table creation, model loading, HTTP) are not what a reader came for.
QUIET_LOGGERS = ("mlflow", "alembic", "sentence_transformers", "transformers", "urllib3", "httpx", "numba",
                 "optuna", "umap", "papermill", "matplotlib", "PIL")


def setup_notebook(max_colwidth: int = 80) -> None:
    """Show each returned figure once, inline and offline; keep outputs free of logs and warnings.

    ``topiclab.viz`` (its figures) selects matplotlib's file-only Agg backend on import, so
    the notebook switches to the inline backend afterwards; interactive mode
    stays off so a figure returned by a package function is drawn once (as the
    cell's value), not a second time when the cell ends.
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
    plt.ioff()
    pd.set_option("display.max_colwidth", max_colwidth)
    pd.set_option("display.max_columns", 50)
    quiet_outputs()
    offline_plotly()


def quiet_outputs() -> None:
    """Library INFO logs to WARNING and known third-party noise off, in this kernel only."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Deprecations inside libraries are theirs to fix; a reader cannot act on them.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(sklearn|umap|mlflow|pandas)\b")
    warnings.filterwarnings("ignore", message=r"n_jobs value .* overridden", category=UserWarning)


def offline_plotly() -> None:
    """Plotly figures as JupyterLab's mimetype plus HTML that works with no internet.

    The HTML part (what nbconvert exports and notebook viewers show) needs
    plotly.js: it is embedded once per notebook, in the first figure's output,
    instead of fetched from a CDN; MathJax is not requested.
    """
    import plotly.io as pio

    if OFFLINE_RENDERER not in pio.renderers:
        pio.renderers[OFFLINE_RENDERER] = _offline_renderer()
    pio.renderers.default = f"plotly_mimetype+{OFFLINE_RENDERER}"


def _offline_renderer():
    from plotly.io import to_html
    from plotly.io._base_renderers import NotebookRenderer
    from plotly.offline import get_plotlyjs

    class OfflineNotebookRenderer(NotebookRenderer):
        """plotly's notebook renderer, without CDN requests (plotly.js embedded, no MathJax)."""

        def activate(self):
            from IPython.display import HTML, display

            # nbconvert's page loads require.js; hiding ``define`` while plotly.js runs
            # makes it a global ``Plotly`` instead of an anonymous AMD module.
            display(HTML("<script>window.PlotlyConfig = {MathJaxConfig: 'local'}; "
                         "window._topiclabDefine = window.define; window.define = undefined;</script>"
                         f"<script>{get_plotlyjs()}</script>"
                         "<script>window.define = window._topiclabDefine;</script>"))

        def to_mimebundle(self, fig_dict):
            html = to_html(fig_dict, config=self.config, include_plotlyjs=False, include_mathjax=False,
                           full_html=False, default_width="100%", default_height=525, validate=False)
            return {"text/html": html}

    return OfflineNotebookRenderer()


def link(url: str, text: str | None = None):
    """A clickable Markdown link for a notebook cell's output."""
    from IPython.display import Markdown

    return Markdown(f"[{text or url}]({url})")


def show_config(config, url: str | None = None) -> None:
    """What ``config`` sets that differs from the defaults, and where the full config is logged."""
    from IPython.display import Markdown, display

    from ._reports import config_diff

    diff = config_diff(config)
    display(Markdown(f"**{len(diff)} setting(s) differ from the defaults**" if len(diff)
                     else "*every setting is a default*"))
    if len(diff):
        display(diff.style.hide(axis="index"))
    if url:
        display(Markdown(f"The full configuration is logged with [the MLflow run]({url}) (`config.yaml`, params)."))


def show_tables(tables: dict, empty: str = "no tables") -> None:
    """Display each table under its name as a heading (or the ``empty`` note when there is none)."""
    from IPython.display import Markdown, display

    if not tables:
        display(Markdown(f"*{empty}*"))
    for name, table in tables.items():
        display(Markdown(f"#### {name.replace('_', ' ')}"))
        display(table)


def show_figures(figures: dict, empty: str = "no figures") -> None:
    """Display each figure under its file name as a heading (e.g. ``viz.topic_figures(result)``)."""
    from IPython.display import Markdown, display

    if not figures:
        display(Markdown(f"*{empty}*"))
    for name, figure in figures.items():
        display(Markdown(f"#### {name}"))
        display(figure)
