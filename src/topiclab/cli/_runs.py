"""Logged runs in the terminal: ``topiclab runs list``, ``runs show ID``, ``runs compare ID ID ...``
(tables; ``--json`` for scripts)."""

from __future__ import annotations

import json
from typing import Any, Optional

import typer

from ..errors import TopiclabError
from ._store import runs_app

# The metrics a listing shows, those the listed runs have, in this order (clustering, then classifiers, then
# segmentation): enough to tell runs apart at a glance; `runs show` has every one.
KEY_METRICS = ("nmi", "accuracy", "npmi", "silhouette", "n_topics", "cv_accuracy", "cv_macro_f1",
               "holdout_accuracy", "pk", "windowdiff")
_JSON = typer.Option(False, "--json", help="Print JSON (for scripts) instead of a table.")


def _number(value: Any):
    """A cell: numbers short, and text as it is (a run name's ``[seed=7]`` is no rich markup)."""
    from rich.text import Text

    if isinstance(value, float):
        return Text(f"{value:.0f}" if value.is_integer() and abs(value) < 1e6 else f"{value:.4g}")
    return Text("" if value is None else str(value))


def _print(table) -> None:
    from rich.console import Console

    Console(width=max(160, Console().width)).print(table)


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


@runs_app.command("list")
def runs_list(
    experiment: Optional[str] = typer.Option(None, "--experiment", "-e", help="Only this experiment's runs."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many runs, newest first."),
    as_json: bool = _JSON,
):
    """The newest runs: id, name, status, start and key metrics.

    Example: topiclab runs list --experiment seed_news
    """
    from rich.table import Table

    from ..tracking import list_runs

    runs = list_runs(experiment, limit)
    if as_json:
        _echo_json(runs)
        return
    if not runs:
        typer.echo("no runs yet: log one with topiclab run experiments/seed_news.yaml")
        return
    metrics = [m for m in KEY_METRICS if any(m in run["metrics"] for run in runs)][:5]
    table = Table(title=f"Runs of {experiment}" if experiment else "Runs, newest first")
    columns = ["run id", "name", *([] if experiment else ["experiment"]), "status", "start (UTC)", *metrics]
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in ("run id", "status", "start (UTC)"))
    for run in runs:
        cells = [run["run_id"], run["name"], *([] if experiment else [run["experiment"]]), run["status"],
                 run["start"] or ""]
        table.add_row(*map(_number, cells), *(_number(run["metrics"].get(m)) for m in metrics))
    _print(table)


@runs_app.command("show")
def runs_show(run_id: str = typer.Argument(..., help="Run id (topiclab runs list)"), as_json: bool = _JSON):
    """One run: name, status, times, tags, parameters, metrics and its page in the MLflow UI.

    Example: topiclab runs show 3f2c0a...
    """
    from rich.table import Table

    from ..tracking import get_run, run_record

    record = run_record(get_run(run_id))
    if as_json:
        _echo_json(record)
        return
    table = Table(title=_number(f"Run {record['name']}"), show_header=False)
    table.add_column("key", style="bold")
    table.add_column("value", overflow="fold")
    duration = "" if record["duration_s"] is None else f" ({record['duration_s']:.1f} s)"
    for key, value in (("run id", record["run_id"]), ("experiment", record["experiment"]),
                       ("status", record["status"]), ("start (UTC)", f"{record['start']}{duration}"),
                       ("error", record.get("error")), ("page", record["url"])):
        if value:
            table.add_row(key, _number(value))
    for section, values in (("tag", record["tags"]), ("param", record["params"]), ("metric", record["metrics"])):
        for key, value in values.items():
            table.add_row(_number(f"{section} {key}"), _number(value))
    _print(table)


@runs_app.command("compare")
def runs_compare(
    run_ids: list[str] = typer.Argument(..., help="Two or more run ids"),
    all_params: bool = typer.Option(False, "--all", help="Every parameter, not only those that differ."),
    as_json: bool = _JSON,
):
    """Runs side by side: the parameters that differ between them, and every metric.

    Example: topiclab runs compare 3f2c0a... 9b1d4e...
    """
    from rich.table import Table

    from ..tracking import get_run, run_record

    if len(run_ids) < 2:
        raise TopiclabError("runs compare needs two run ids at least (topiclab runs list shows them)")
    records = [run_record(get_run(run_id)) for run_id in run_ids]
    keys = sorted(set().union(*(r["params"] for r in records)))
    params = [k for k in keys if all_params or len({r["params"].get(k) for r in records}) > 1]
    metrics = sorted(set().union(*(r["metrics"] for r in records)))
    if as_json:
        _echo_json({"runs": [{k: r[k] for k in ("run_id", "name", "experiment", "status", "start", "url")}
                             for r in records],
                    "params": {k: [r["params"].get(k) for r in records] for k in params},
                    "metrics": {k: [r["metrics"].get(k) for r in records] for k in metrics}})
        return
    table = Table(title=f"{len(records)} runs compared" + ("" if all_params else " (parameters that differ)"))
    table.add_column("", style="bold")
    for record in records:
        table.add_column(_number(f"{record['name']}\n{record['run_id']}"), overflow="fold")
    table.add_row("status", *(_number(r["status"]) for r in records))
    for key in params:
        table.add_row(_number(f"param {key}"), *(_number(r["params"].get(key)) for r in records))
    for key in metrics:
        table.add_row(_number(key), *(_number(r["metrics"].get(key)) for r in records))
    _print(table)
