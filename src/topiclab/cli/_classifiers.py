"""Classifiers: train and register, classify text, move aliases, serve over HTTP."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ..errors import TopiclabError
from ._app import app, run_server
from ._inputs import read_texts


@app.command()
def train(
    config: str = typer.Argument(..., help="Classifier YAML file, e.g. experiments/classify_seed.yaml"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
):
    """Train, compare and register topic classifiers (one MLflow run each).

    Example: topiclab train experiments/classify_seed.yaml
    """
    from ..config import load_classifier_config
    from ..tracking import track_training

    settings = load_classifier_config(config, set_ or [])

    def report(trained):
        m = trained.report.metrics
        typer.echo(f"  {trained.report.name}: cv_accuracy={m['cv_accuracy']:.4f} "
                   f"holdout_accuracy={m['holdout_accuracy']:.4f}", err=True)

    scoring = (f"{settings.evaluation.folds}-fold CV + held-out split" if settings.has_training_data
               else "no labelled data: the taxonomy's zero-shot model, not scored")
    typer.echo(f"training {len(settings.classifiers)} classifier(s) of {settings.name} ({scoring})", err=True)
    training = track_training(settings, config_path=config, progress=sys.stderr.isatty(), on_classifier=report)
    if training.best is None:  # no labelled data: the taxonomy's zero-shot model alone
        typer.echo(f"zero-shot classifier of {settings.taxonomy} (no labelled data: no cross-validation, "
                   f"no abstention threshold): {training.model_uri}")
        if training.registered is not None:
            typer.echo(f"registered {training.registered.name} version {training.registered.version} as "
                       f"models:/{training.registered.name}@{settings.registry.alias}")
        return
    _print_classifiers(training, settings)


def _print_classifiers(training, settings) -> None:
    from rich.console import Console
    from rich.table import Table

    columns = {"cv_accuracy": "CV acc", "cv_accuracy_std": "± std", "cv_macro_f1": "CV F1",
               "cv_log_loss": "CV log-loss", "holdout_accuracy": "held-out acc", "holdout_macro_f1": "held-out F1"}
    table = Table(title=f"Classifiers of {settings.name} ({training.best.report.metrics['n_documents']} documents, "
                        f"{settings.evaluation.folds}-fold CV)")
    table.add_column("classifier", no_wrap=True)
    for header in columns.values():
        table.add_column(header, justify="right")
    table.add_column("run id", no_wrap=True)
    for trained in training.classifiers:
        m = trained.report.metrics
        mark = " *" if trained is training.best else ""
        table.add_row(trained.report.name + mark, *(f"{m[c]:.4f}" for c in columns), trained.run_id)
    console = Console(width=max(150, Console().width))
    console.print(table)
    console.print(f"best (*, by {settings.registry.select_by}): {training.best.report.name}, "
                  f"cv_accuracy={training.best.report.metrics['cv_accuracy']:.4f}")
    if training.registered is not None:
        version = training.registered
        console.print(f"registered {version.name} version {version.version} as "
                      f"models:/{version.name}@{settings.registry.alias}")
    console.print(f"MLflow parent run id: {training.run_id}")


@app.command()
def classify(
    texts: Optional[list[str]] = typer.Argument(None, help="Texts to classify (or --file, or stdin)"),
    model: str = typer.Option("models:/news-topic-classifier@champion", "--model", "-m",
                              help="Model URI: models:/NAME@ALIAS, models:/NAME/VERSION, runs:/..."),
    file: Optional[str] = typer.Option(None, "--file", "-f",
                                       help="File of texts: one per line, or a table (CSV/TSV/JSONL/JSON)"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per text"),
    min_probability: Optional[float] = typer.Option(
        None, "--min-probability", help="Label (none) below this best probability, in [0, 1]; "
                                        "replaces the thresholds chosen at training"),
):
    """Classify texts with a logged or registered classifier: label and probability per text.

    Example: topiclab classify "Xi Jinping arrived in Moscow for talks"
    """
    import json

    from ..classify import check_min_probability
    from ..tracking import classify_texts, load_text_model

    check_min_probability(min_probability)
    items = read_texts(texts or [], file, "classify")
    if not texts and not any(text.strip() for text in items):
        raise TopiclabError(f"no text to classify: {'the file' if file else 'stdin'} holds no non-empty line")
    predictions = classify_texts(load_text_model(model), items, min_probability)
    for text, row in zip(items, predictions.to_dict(orient="records")):
        if as_json:
            typer.echo(json.dumps({"text": text, **row}))
        elif not text.strip():
            typer.echo("-\t0.000\t(empty text: no label)")
        elif row["label"] is None:
            typer.echo(f"(none)\t{row['probability']:.3f}\t{' '.join(text.split())[:70]}")
        else:
            snippet = " ".join(text.split())
            typer.echo(f"{row['label']}\t{row['probability']:.3f}\t{snippet[:70]}")


@app.command()
def promote(
    target: str = typer.Argument(..., metavar="TARGET",
                                 help="A VERSION (of --name), a registered NAME (then VERSION), or a RUN_ID: the "
                                      "version registered from that run (a sweep trial's topic model is "
                                      "registered first)"),
    version: Optional[str] = typer.Argument(None, metavar="VERSION", help="The version, after a NAME",
                                            show_default=False),
    name: Optional[str] = typer.Option(None, "--name", help="Registered model name (default with a bare VERSION: "
                                                            "news-topic-classifier)"),
    alias: str = typer.Option("champion", "--alias", help="Alias to move"),
):
    """Move a registered model's alias (default: champion) to another version: a classifier, or a topic
    model (EXPERIMENT-topics, the model topiclab assign uses by default). Also: topiclab promote RUN_ID,
    topiclab promote 2 --name news-topic-classifier.

    Example: topiclab promote seed_news-topics 2
    """
    from ..tracking import is_run_id, move_alias, version_of_run

    if version is not None:
        if name is not None and name != target:
            raise TopiclabError(f"two names: {target!r} and --name {name!r}; give one")
        name, chosen = target, version
    elif target.isdigit():
        name, chosen = name or "news-topic-classifier", target
    elif is_run_id(target):
        chosen = target
    else:
        raise TopiclabError(f"{target!r} is neither a version number nor a run id: give VERSION, NAME VERSION "
                            "or RUN_ID, e.g. topiclab promote seed_news-topics 2")
    if is_run_id(chosen):  # the version registered from that run
        run_id = chosen
        name, chosen, registered = version_of_run(run_id, name)
        if registered:
            typer.echo(f"registered run {run_id}'s topic model as {name} version {chosen}", err=True)
    previous = move_alias(name, chosen, alias)
    was = f" (was version {previous})" if previous else ""
    typer.echo(f"models:/{name}@{alias} -> version {chosen}{was}")


@app.command()
def serve(
    model: str = typer.Option("models:/news-topic-classifier@champion", "--model", "-m", help="Model URI"),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5001, help="Port to listen on."),
):
    """Serve a classifier over HTTP (mlflow models serve): POST JSON to /invocations.

    Example: topiclab serve --port 5001
    """
    from ..tracking import serve_command

    command, env = serve_command(model, host, port)
    typer.echo(f"serving {model} at http://{host}:{port}/invocations (Ctrl-C stops)", err=True)
    raise typer.Exit(run_server(command, env))


