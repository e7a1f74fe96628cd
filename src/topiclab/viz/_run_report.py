"""A run's figures as one self-contained HTML page: plotly.js embedded once (offline), every view below it.

One page instead of one file per figure: each plotly HTML file carries its own
4.8 MB copy of plotly.js, so six figures made a tiny run log ~28 MB.
"""

from __future__ import annotations

import html

__all__ = ["REPORT_PAGE", "FIGURE_TITLES", "report_page"]

REPORT_PAGE = "report.html"
FIGURE_TITLES = {"document_map": "Document map", "top_words": "Keywords per topic",
                 "intertopic_distance_map": "Intertopic distance map", "k_curve": "How k was chosen",
                 "topic_similarity": "Topic similarity", "topic_hierarchy": "Topic hierarchy",
                 "topics_over_time": "Topics over time", "topics_per_class": "Topics per class"}
_STYLE = ("body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1250px;color:#222}"
          "h2{margin-top:2em;border-bottom:1px solid #ddd}nav a{margin-right:1em}")


def report_page(figures: dict, title: str) -> str:
    """``figures`` (name -> plotly figure) as one HTML page with a contents line, plotly.js inlined once."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    contents = " ".join(f'<a href="#{name}">{html.escape(FIGURE_TITLES.get(name, name))}</a>' for name in figures)
    sections = []
    for name, figure in figures.items():
        div = pio.to_html(figure, full_html=False, include_plotlyjs=False, div_id=f"{name}-plot",
                          config={"responsive": True, "displaylogo": False})
        sections.append(f'<section id="{name}"><h2>{html.escape(FIGURE_TITLES.get(name, name))}</h2>{div}</section>')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style><script type=\"text/javascript\">{get_plotlyjs()}</script></head><body>"
            f"<h1>{html.escape(title)}</h1><nav>{contents}</nav>{''.join(sections)}</body></html>")
