"""Figures, tables and notebook helpers: what a researcher looks at.

Plain data in, figures and frames out: run comparisons and links into the
MLflow UI (``_reports``), a raw dump explored line by line (``_explore``), the
figures logged with every run (``_plots``), Markdown tables (``_tables``) and
notebook set-up (``_notebook``), and the topic views of a run
(``_topic_figures``: intertopic map, top words, similarity, the k: auto curve; ``_topic_views``: hierarchy,
over time, per class), one colour per topic id in all of them (``_palette``), and a run's views as one
page (``_run_report``). Nothing here imports mlflow.
"""

from ._explore import (MIN_LANGUAGE_CHARS, article_table, boundaries_of_spans, detect_language, dump_figure,
                       dump_summary, duplicate_lines, gold_boundaries, language_counts, line_table,
                       segmentation_scores)
from ._notebook import link, offline_plotly, quiet_outputs, setup_notebook, show_config, show_figures, show_tables
from ._plots import close_figure, confusion_matrix, document_map, topic_sizes
from ._reports import (DEFAULT_UI_URL, best_run, compare_url, comparison_table, config_diff, config_frame,
                       grid_items,
                       link_table, metric_bars, metric_vs_param, metrics_frame, model_version_url,
                       parallel_coordinates, run_url, topics_axis, training_table, varying_params)
from ._risk import risk_coverage_figure
from ._tables import markdown_table
from ._palette import OUTLIER_COLOR, TOPIC_PALETTE, topic_color, topic_colors
from ._run_report import REPORT_PAGE, report_page
from ._topic_figures import (FIGURE_SETS, SUMMARY_FIGURES, intertopic_distance_map, k_curve_figure, run_figures,
                             top_words_bars, topic_figures, topic_similarity_heatmap)
from ._topic_views import topic_hierarchy_figure, topics_over_time_figure, topics_per_class_figure

__all__ = [
    "MIN_LANGUAGE_CHARS", "detect_language", "line_table", "dump_summary", "language_counts", "duplicate_lines",
    "boundaries_of_spans", "gold_boundaries", "article_table", "segmentation_scores", "dump_figure",
    "setup_notebook", "quiet_outputs", "offline_plotly", "link", "show_tables", "show_config",
    "document_map", "topic_sizes", "confusion_matrix", "close_figure",
    "DEFAULT_UI_URL", "run_url", "compare_url", "model_version_url", "grid_items", "config_frame", "config_diff",
    "metrics_frame", "parallel_coordinates",
    "varying_params", "comparison_table", "best_run", "metric_vs_param", "training_table", "metric_bars",
    "link_table",
    "markdown_table",
    "topic_figures", "intertopic_distance_map", "top_words_bars", "topic_similarity_heatmap", "k_curve_figure",
    "topic_hierarchy_figure", "topics_over_time_figure", "topics_per_class_figure", "show_figures",
    "risk_coverage_figure",
    "TOPIC_PALETTE", "OUTLIER_COLOR", "topic_color", "topic_colors", "REPORT_PAGE", "report_page", "FIGURE_SETS",
    "SUMMARY_FIGURES", "run_figures", "topics_axis",
]
