"""Jupyter conveniences for the notebooks in ``notebooks/``: inline figures, links.

Only display settings live here; the notebooks' work is done by the other
modules. Nothing in this module is needed outside a notebook.
"""

from __future__ import annotations

__all__ = ["setup_notebook", "link", "show_tables"]


def setup_notebook(max_colwidth: int = 80) -> None:
    """Show each returned figure once, inline, and keep tables readable.

    ``topiclab.viz`` (its figures) selects matplotlib's file-only Agg backend on import, so
    the notebook switches to the inline backend afterwards; interactive mode
    stays off so a figure returned by a package function is drawn once (as the
    cell's value), not a second time when the cell ends.
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    import plotly.io as pio
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
    plt.ioff()
    pd.set_option("display.max_colwidth", max_colwidth)
    pd.set_option("display.max_columns", 50)
    # JupyterLab renders plotly's own mimetype; embedding plotly.js in every
    # notebook would add megabytes to each saved output.
    pio.renderers.default = "plotly_mimetype"


def link(url: str, text: str | None = None):
    """A clickable Markdown link for a notebook cell's output."""
    from IPython.display import Markdown

    return Markdown(f"[{text or url}]({url})")


def show_tables(tables: dict, empty: str = "no tables") -> None:
    """Display each table under its name as a heading (or the ``empty`` note when there is none)."""
    from IPython.display import Markdown, display

    if not tables:
        display(Markdown(f"*{empty}*"))
    for name, table in tables.items():
        display(Markdown(f"#### {name.replace('_', ' ')}"))
        display(table)
