"""``topiclab update``: a logged topic model updated with a new batch; old topics keep their ids, new stories
become new topics."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ._app import app


def print_update(result, run_id: str) -> None:
    """The topic table after the update (new topics first, marked), the metrics, the run id and its page."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..tracking import run_page_url, tracking_uri

    update = result.update
    table = Table(title=escape(f"Topics after batch {result.batch_name} ({len(update.topics)} documents, "
                               f"{update.n_new_topics} new topic(s))"))
    for column in ("topic", "status", "label", "size", "batch", "top keywords", "example"):
        table.add_column(column, overflow="fold")
    for row in result.topic_table().itertuples(index=False):
        status = "NEW" if row.status == "new" else (f"merged into {row.parent}" if row.status == "merged"
                                                     else row.status)
        example = row.example if len(row.example) <= 90 else row.example[:87] + "..."
        keywords = ", ".join(row.keywords.split(", ")[:6]) if row.keywords else ""
        table.add_row(str(row.topic), status, escape(row.label), str(row.size), str(row.batch_documents),
                      escape(keywords), escape(example), style="bold" if row.status == "new" else None)
    console = Console(width=max(120, Console().width))
    console.print(table)
    metrics = result.metrics
    console.print(f"metrics: assigned_share={metrics['assigned_share']:.3f}, n_new_topics="
                  f"{update.n_new_topics}, outlier_share={metrics['outlier_share']:.3f}")
    if update.n_new_topics == 0:
        console.print("no new topic: every document joined an old topic"
                      + (" or is an outlier of this batch" if update.outlier_share else ""))
    console.print(f"MLflow run id: {run_id}")
    where = "" if tracking_uri().startswith(("http://", "https://")) else " (start it with: topiclab ui)"
    console.print(f"This run in the MLflow UI{where}: {run_page_url(run_id)}", soft_wrap=True)


@app.command()
def update(
    model: str = typer.Argument(..., help="The topic model to update: runs:/ID/topic_model or models:/NAME@champion "
                                          "(models:/NAME/VERSION)"),
    file: str = typer.Option(..., "--file", help="The new batch: a table (CSV/TSV/JSONL/JSON; its text column, "
                                                 "id and date if any) or a dump, segmented first"),
    config: Optional[str] = typer.Option(None, "--config", help="Experiment YAML to read the batch with "
                                                                "(default: the config of the model's run)"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    batch_name: Optional[str] = typer.Option(None, "--batch-name", help="The batch's name in topics over time "
                                                                        "(default: the file's name)"),
    run_name: Optional[str] = typer.Option(None, "--run-name", help="Name of the MLflow run (default: "
                                                                    "CONFIG-update-BATCH)"),
    tag: Optional[list[str]] = typer.Option(None, "--tag", help="Tag the run: KEY=VALUE (repeatable)"),
):
    """Update a topic model with a new batch: documents close enough join their topic (ids and names kept),
    dense groups of the rest become new topics; logs a child run and the next registered version.

    Example: topiclab update models:/stream_news-topics@champion --file data/stream/tuesday.csv
    """
    from ..tracking import check_tags, track_update

    tags = check_tags(tag or [])
    result, run_id = track_update(model, file, config, set_ or [], batch_name, run_name, tags,
                                  progress=sys.stderr.isatty())
    print_update(result, run_id)
    from ..tracking import topic_model_registration

    version, champion = topic_model_registration(run_id, result.config.tracking.experiment)
    if version is not None and version.name == result.registered_name:
        is_champion = champion is not None and champion.version == version.version
        typer.echo(f"topic model: {version.name} version {version.version}"
                   + (f", the champion (models:/{version.name}@champion)" if is_champion else
                      f" (topiclab promote {version.name} {version.version} makes it the champion)"), err=True)
    else:
        typer.echo(f"topic model: registered as the next version of {result.registered_name}", err=True)
