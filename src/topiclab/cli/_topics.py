"""Topic models: assign new text to the topics a run found."""

from __future__ import annotations

from typing import Optional

import typer

from ._app import app

DEFAULT_CONFIG = "experiments/seed_news.yaml"  # whose experiment holds the default topic model


@app.command()
def assign(
    texts: Optional[list[str]] = typer.Argument(None, help="Texts to assign", show_default=False),
    file: Optional[str] = typer.Option(None, "--file", help="A text file: one text per non-empty line"),
    model: Optional[str] = typer.Option(None, "--model",
                                        help="runs:/ID/topic_model (default: the latest finished run "
                                             "of the default experiment)"),
):
    """Put each text into a run's topics; prints topic, label and score per text.

    Example: topiclab assign "The central bank raised interest rates" --model runs:/ID/topic_model
    """
    from ..config import load_config
    from ..data import read_text
    from ..errors import TopiclabError
    from ..paths import resolve
    from ..tracking import assign_texts, latest_topic_model_uri

    given = list(texts or [])
    if file is not None:
        path = resolve(file)
        if not path.is_file():
            raise TopiclabError(f"no such file: {file}")
        given += read_text(path)[0].splitlines()
    uri = model or latest_topic_model_uri(load_config(DEFAULT_CONFIG).tracking.experiment)
    frame = assign_texts(given, uri)
    for row in frame.itertuples(index=False):
        words = " ".join(row.text.split()[:10])
        typer.echo(f"{row.topic}\t{row.topic_label}\t{row.score:.3f}\t{words}")
    typer.echo(f"model: {uri}", err=True)
