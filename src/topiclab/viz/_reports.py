"""Compare logged runs: tidy tables, links into the MLflow UI, metric-against-parameter plots.

Everything here works on plain data, mostly the frame that
``mlflow.search_runs`` returns (see ``tracking.search_runs``): columns
``run_id``, ``experiment_id``, ``start_time``, ``params.<key>``,
``metrics.<name>`` and ``tags.<name>``. So it needs no store and never
imports mlflow.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..config import flatten, override_text
from ..errors import TopiclabError

__all__ = ["DEFAULT_UI_URL", "run_url", "compare_url", "model_version_url", "grid_items", "config_frame",
           "config_diff", "metrics_frame", "varying_params", "comparison_table", "best_run", "metric_vs_param",
           "training_table", "metric_bars", "link_table", "parallel_coordinates", "topics_axis"]

DEFAULT_UI_URL = "http://127.0.0.1:5000"  # where ``topiclab ui`` listens by default
_HIDDEN_METRICS = ("time_", "embedding_cache_")  # bookkeeping, not quality
_UNCOMPARED_PARAMS = {"name", "tracking.experiment"}  # differ by construction


def run_url(experiment_id: str, run_id: str, ui_url: str = DEFAULT_UI_URL) -> str:
    """The run's page in the MLflow UI."""
    return f"{ui_url.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"


def compare_url(run_ids: list[str], experiment_ids: list[str], ui_url: str = DEFAULT_UI_URL) -> str:
    """The MLflow UI's side-by-side view of ``run_ids``."""
    def encode(values: list[str]) -> str:  # the UI's own form: [%22id%22,%22id%22]
        return quote(json.dumps(values, separators=(",", ":")), safe="[],")

    runs = encode([str(r) for r in run_ids])
    experiments = encode(sorted(set(map(str, experiment_ids))))
    return f"{ui_url.rstrip('/')}/#/compare-runs?runs={runs}&experiments={experiments}"


def model_version_url(name: str, version: str | int, ui_url: str = DEFAULT_UI_URL) -> str:
    """A registered model version's page in the MLflow UI."""
    return f"{ui_url.rstrip('/')}/#/models/{quote(name)}/versions/{version}"


def grid_items(grid: dict[str, list[Any]]) -> list[str]:
    """``{"cluster.k": [2, 3]}`` -> ``["cluster.k=2,3"]``, the form ``topiclab sweep --grid`` takes."""
    items = []
    for key, values in grid.items():
        values = values if isinstance(values, (list, tuple)) else [values]
        if not values:
            raise TopiclabError(f"sweep grid key {key!r} needs at least one value")
        items.append(f"{key}={','.join(override_text(v) for v in values)}")
    return items


def config_frame(config) -> pd.DataFrame:
    """An experiment config as a two-column table of dotted keys and values."""
    flat = flatten(config.model_dump(mode="json"))
    return pd.DataFrame({"key": list(flat), "value": [str(v) for v in flat.values()]})


_REQUIRED = "(required)"


def _default_of(model_class, dotted: str) -> str:
    """The schema's default for a dotted key (``_REQUIRED`` for a field with none)."""
    from pydantic import BaseModel

    value: Any = model_class
    for part in dotted.split("."):
        if isinstance(value, type) and issubclass(value, BaseModel):
            field = value.model_fields.get(part)
            if field is None or field.is_required():
                return _REQUIRED
            value = field.get_default(call_default_factory=True)
        elif isinstance(value, BaseModel):
            value = getattr(value, part, None)
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return str(None)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return str(value)


def config_diff(config) -> pd.DataFrame:
    """What ``config`` sets that differs from its schema's defaults: key, value, default.

    A notebook shows this instead of every key; the full config is logged with the run.
    """
    flat = flatten(config.model_dump(mode="json", exclude_defaults=True))
    rows = [(key, str(value), _default_of(type(config), key)) for key, value in flat.items()]
    rows = [row for row in rows if row[1] != row[2]]  # a default written out explicitly is no difference
    return pd.DataFrame(rows, columns=["key", "value", "default"])


def metrics_frame(metrics: dict[str, float], include_timings: bool = False) -> pd.DataFrame:
    """A Result's metrics as a table, quality scores first and timings last (or hidden)."""
    names = [k for k in metrics if not k.startswith(_HIDDEN_METRICS)]
    if include_timings:
        names += [k for k in metrics if k.startswith(_HIDDEN_METRICS)]
    return pd.DataFrame({"metric": names, "value": [float(metrics[k]) for k in names]})


def _suffixes(runs: pd.DataFrame, prefix: str) -> list[str]:
    return [c[len(prefix):] for c in runs.columns if c.startswith(prefix)]


_RUN_ID = re.compile(r"^[0-9a-f]{32}$")  # an MLflow run id (e.g. merge.parent_run): a link, not a setting


def varying_params(runs: pd.DataFrame) -> list[str]:
    """Parameters that take two or more values among the runs that have them (the configurations
    compared). A parameter only some runs log (``merge.topics``) does not vary by being absent
    elsewhere, and run ids are references, not settings."""
    varying = []
    for key in _suffixes(runs, "params."):
        values = runs[f"params.{key}"].dropna().astype(str)
        values = values[~values.isin(["None", "nan"])]
        if key in _UNCOMPARED_PARAMS or values.nunique() < 2 or values.str.match(_RUN_ID).all():
            continue
        varying.append(key)
    return varying


def topics_axis(table: pd.DataFrame, param: str) -> str:
    """What to plot a metric against for ``param``: ``n_topics`` (the topics a run holds) instead of
    ``cluster.k`` where the table has it, so a merged run (k = 3, two topics) sits with the k = 2 runs."""
    return "n_topics" if param == "cluster.k" and "n_topics" in table.columns else param


def _check_names(wanted: list[str], available: list[str], kind: str) -> None:
    missing = [name for name in wanted if name not in available]
    if missing:
        shown = ", ".join(sorted(available)[:12]) or "none"
        raise TopiclabError(f"no {kind} named {missing[0]!r} in these runs (they have: {shown})")


def _first(name: str | None, names: list[str]) -> list[str]:
    return names if name is None else [name, *(n for n in names if n != name)]


def comparison_table(runs: pd.DataFrame, params: list[str] | None = None,
                     metrics: list[str] | None = None, ui_url: str = DEFAULT_UI_URL,
                     param: str | None = None, metric: str | None = None) -> pd.DataFrame:
    """One row per run: its name, the compared parameters and metrics, and a link to it.

    ``params`` defaults to those that vary between the runs, ``metrics`` to every
    quality metric (no timings); ``param`` and ``metric``, the pair under study,
    are always included and come first. Parameters stay text, as MLflow stores them.
    """
    if runs is None or len(runs) == 0:
        raise TopiclabError("no runs to compare: log some first (e.g. `topiclab run` or a sweep)")
    available_params, available_metrics = _suffixes(runs, "params."), _suffixes(runs, "metrics.")
    params = _first(param, varying_params(runs) if params is None else list(params))
    if metrics is None:  # those the compared runs have (a sweep parent's are not among them)
        metrics = sorted(m for m in available_metrics
                         if not m.startswith(_HIDDEN_METRICS) and runs[f"metrics.{m}"].notna().any())
    metrics = _first(metric, list(metrics))
    _check_names(params, available_params, "parameter")
    _check_names(list(metrics), available_metrics, "metric")
    ordered = runs.sort_values("start_time", kind="stable") if "start_time" in runs else runs
    names = ordered["tags.mlflow.runName"] if "tags.mlflow.runName" in ordered else ordered["run_id"]
    table = pd.DataFrame({"run": names.astype(str).to_numpy(), "run_id": ordered["run_id"].to_numpy()})
    for key in params:
        table[key] = ordered[f"params.{key}"].to_numpy()
    for name in metrics:
        table[name] = ordered[f"metrics.{name}"].astype(float).to_numpy()
    if "status" in ordered:
        table["status"] = ordered["status"].to_numpy()
    if "start_time" in ordered:
        table["started"] = pd.to_datetime(ordered["start_time"]).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy()
    table["link"] = [run_url(e, r, ui_url) for e, r in zip(ordered["experiment_id"], ordered["run_id"])]
    return table


def best_run(table: pd.DataFrame, metric: str, maximize: bool = True) -> pd.Series:
    """The row of ``table`` with the best value of ``metric`` (ties: the earliest run)."""
    _check_names([metric], list(table.columns), "metric")
    scores = table[metric].astype(float)
    if scores.isna().all():
        raise TopiclabError(f"no run has a value for metric {metric!r}")
    return table.loc[scores.idxmax() if maximize else scores.idxmin()]


def _numeric(values: pd.Series) -> pd.Series | None:
    converted = pd.to_numeric(values, errors="coerce")
    return None if converted.isna().any() else converted


def metric_vs_param(table: pd.DataFrame, param: str, metric: str):
    """``metric`` of each run against ``param``: points plus the mean per value.

    A numeric parameter gets a numeric axis; any other parameter one position
    per distinct value, in order of first appearance.
    """
    from matplotlib.figure import Figure  # no pyplot: the figure is shown once, as a value
    from matplotlib.ticker import MaxNLocator

    _check_names([param, metric], list(table.columns), "column")
    y = table[metric].astype(float)
    x_numeric = _numeric(table[param])
    figure = Figure(figsize=(6.5, 4))
    axis = figure.add_subplot()
    if x_numeric is not None:
        x = x_numeric
        means = y.groupby(x).mean()
        axis.plot(means.index, means.to_numpy(), color="#999999", zorder=1, label="mean")
        if (x == x.round()).all():
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        levels = list(dict.fromkeys(table[param].astype(str)))
        x = table[param].astype(str).map({level: i for i, level in enumerate(levels)})
        axis.set_xticks(range(len(levels)), levels, rotation=20, ha="right")
    axis.scatter(x, y, color="#4C72B0", zorder=2, label="run")
    for xi, yi, name in zip(x, y, table["run"]):
        if np.isfinite(yi):
            axis.annotate(str(name), (xi, yi), fontsize=7, xytext=(3, 3), textcoords="offset points")
    axis.set_xlabel(param)
    axis.set_ylabel(metric)
    axis.set_title(f"{metric} against {param} ({len(table)} runs)")
    axis.grid(alpha=0.3)
    figure.tight_layout()
    return figure


TRAINING_METRICS = ("cv_accuracy", "cv_macro_f1", "cv_log_loss", "holdout_accuracy", "holdout_macro_f1")


def training_table(training, experiment_id: str, ui_url: str = DEFAULT_UI_URL,
                   metrics: tuple[str, ...] = TRAINING_METRICS) -> pd.DataFrame:
    """One row per classifier of a ``tracking.Training``: scores, whether it is the best, its run."""
    rows = []
    for trained in training.classifiers:
        scores = trained.report.metrics
        rows.append({"classifier": trained.report.name, "kind": trained.report.kind,
                     **{name: float(scores[name]) if name in scores else np.nan for name in metrics},
                     "best": trained is training.best,
                     "link": run_url(experiment_id, trained.run_id, ui_url)})
    return pd.DataFrame(rows)


def metric_bars(table: pd.DataFrame, metrics: list[str], by: str, title: str | None = None):
    """Grouped horizontal bars: each row of ``table`` (named by column ``by``), one bar per metric."""
    from matplotlib.figure import Figure  # no pyplot: the figure is shown once, as a value

    _check_names([by, *metrics], list(table.columns), "column")
    height = 0.8 / max(len(metrics), 1)
    figure = Figure(figsize=(8, 0.45 * len(table) * len(metrics) + 1.5))
    axis = figure.add_subplot()
    positions = np.arange(len(table))
    for i, metric in enumerate(metrics):
        axis.barh(positions + i * height, table[metric].astype(float), height=height, label=metric)
    axis.set_yticks(positions + height * (len(metrics) - 1) / 2, table[by].astype(str))
    axis.invert_yaxis()
    axis.grid(axis="x", alpha=0.3)
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    axis.set_title(title or f"{', '.join(metrics)} by {by}")
    figure.tight_layout()
    return figure


def link_table(table: pd.DataFrame, digits: int = 3) -> Any:
    """``table`` for display, its ``link`` column as clickable links (a pandas Styler)."""
    formats: dict[str, Any] = {c: f"{{:.{digits}f}}" for c in table.columns
                               if pd.api.types.is_float_dtype(table[c])}
    if "link" in table.columns:
        formats["link"] = lambda url: f'<a href="{url}" target="_blank">open</a>'
    # One format() call: a second one would reset the columns the first formatted.
    return table.style.format(formats, na_rep="").hide(axis="index")


def parallel_coordinates(table: pd.DataFrame, params: list[str], objective: str):
    """Plotly parallel coordinates of a sweep: one line per run through its ``params`` to ``objective``.

    Numeric parameters get a numeric axis; any other one axis position per
    distinct value. Lines are coloured by the objective, so the settings of the
    best runs read off as bright paths.
    """
    import plotly.graph_objects as go

    _check_names([*params, objective], list(table.columns), "column")
    if not len(table):
        raise TopiclabError("no runs to plot")
    dimensions = []
    for key in params:
        numeric = _numeric(table[key])
        if numeric is not None:
            dimensions.append({"label": key, "values": numeric.to_numpy(dtype=float)})
            continue
        levels = list(dict.fromkeys(table[key].astype(str)))
        positions = table[key].astype(str).map({level: i for i, level in enumerate(levels)})
        dimensions.append({"label": key, "values": positions.to_numpy(dtype=float),
                           "tickvals": list(range(len(levels))), "ticktext": levels})
    scores = table[objective].astype(float).to_numpy()
    dimensions.append({"label": objective, "values": scores})
    figure = go.Figure(go.Parcoords(line={"color": scores, "colorscale": "Viridis", "showscale": True,
                                          "colorbar": {"title": {"text": objective}}},
                                    dimensions=dimensions))
    figure.update_layout(title=f"{objective} of {len(table)} runs by their parameters", margin={"l": 80, "r": 80})
    return figure
