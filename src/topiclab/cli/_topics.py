"""Topic models: assign new text to the topics a run found; merge or name a run's topics by hand."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ._app import app
from ._inputs import read_texts

DEFAULT_CONFIG = "experiments/seed_news.yaml"  # whose experiment's champion topic model assign uses by default


def default_topic_model(config: str) -> tuple[str, str]:
    """(URI, one line naming it) of the champion topic model of ``config``'s experiment."""
    from ..config import load_config
    from ..tracking import champion_topic_model

    version = champion_topic_model(load_config(config).tracking.experiment)
    return (f"models:/{version.name}/{version.version}",
            f"model: {version.name} version {version.version} (champion), run {version.run_id}")


@app.command()
def assign(
    texts: Optional[list[str]] = typer.Argument(None, help="Texts to assign", show_default=False),
    file: Optional[str] = typer.Option(None, "--file",
                                       help="File of texts: one per line, or a table (CSV/TSV/JSONL/JSON)"),
    model: Optional[str] = typer.Option(None, "--model",
                                        help="runs:/ID/topic_model or models:/NAME@ALIAS (default: the champion "
                                             "of the --config's experiment, models:/EXPERIMENT-topics@champion)"),
    config: str = typer.Option(DEFAULT_CONFIG, "--config", help="Experiment YAML whose champion is the default"),
):
    """Put each text into a run's topics; prints topic, label and score per text (`-` for an empty one).

    Example: topiclab assign "The central bank raised interest rates" --model models:/seed_news-topics@champion
    """
    from ..tracking import assign_texts

    given = read_texts(texts or [], file, "assign")
    uri, said = (model, f"model: {model}") if model else default_topic_model(config)
    frame = assign_texts(given, uri)
    for row in frame.itertuples(index=False):
        if not row.text:  # a row of the input all the same, so outputs line up with it
            typer.echo("-\t-\t-\t(empty text: no topic)")
            continue
        words = " ".join(row.text.split()[:10])
        typer.echo(f"{row.topic}\t{row.topic_label}\t{row.score:.3f}\t{words}")
    typer.echo(said, err=True)


@app.command(context_settings={"ignore_unknown_options": True})  # TOPICS may start with -1: not an option
def merge(
    run_id: str = typer.Argument(..., help="A finished experiment run's id"),
    topics: str = typer.Argument(..., help="Topic ids to merge into one, comma-separated, e.g. 3,7"),
):
    """Merge topics of a finished run by hand; logs a new run (tag topiclab.parent_run) with its own topic model.

    Example: topiclab merge 3f0d1d8812334dc694dc8cfb83832d9f 3,7
    """
    from ..tracking import parse_topic_ids, track_merge
    from ._experiments import _print_topics, say_registration

    result, new_id = track_merge(run_id, parse_topic_ids(topics), progress=sys.stderr.isatty())
    mapping = result.topic_mapping
    moved = [f"{int(r.old_topic)}->{int(r.new_topic)}" for r in mapping.itertuples() if r.old_topic != -1]
    typer.echo(f"merged topics {topics} of run {run_id}; old->new: {', '.join(moved)}", err=True)
    _print_topics(result, new_id)
    say_registration(new_id, result.config.tracking.experiment)


@app.command(context_settings={"ignore_unknown_options": True})  # -1=... reaches the check, not an option
def label(
    run_id: str = typer.Argument(..., help="A finished experiment run's id"),
    names: list[str] = typer.Argument(..., help='TOPIC=NAME pairs, e.g. 3="Energy markets" 5=Oil'),
):
    """Name topics of a finished run; logs a child run whose tables, figures and topic model use the names.

    Example: topiclab label 3f0d1d8812334dc694dc8cfb83832d9f 3="Energy markets" 5="Oil"
    """
    from ..tracking import parse_topic_names, track_label
    from ._experiments import _print_topics, say_registration

    given = parse_topic_names(names)
    result, new_id = track_label(run_id, given, progress=sys.stderr.isatty())
    typer.echo(f"named topics {', '.join(map(str, sorted(given)))} of run {run_id} in run {new_id}", err=True)
    _print_topics(result, new_id)
    say_registration(new_id, result.config.tracking.experiment)
