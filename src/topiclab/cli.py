"""The ``topiclab`` command line (typer).

Errors a user can fix are printed as one line on stderr with exit code 1;
``--traceback`` shows the whole stack for debugging.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Optional

import typer

from .errors import TopiclabError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
_state = {"traceback": False}


@app.callback()
def main(traceback: bool = typer.Option(False, "--traceback", help="Show full tracebacks on errors.")):
    """News topic clustering and classification, tracked in MLflow."""
    _state["traceback"] = traceback


def fail(message: str) -> None:
    """Print a one-line error and exit non-zero."""
    typer.echo(f"error: {message}", err=True)
    sys.exit(1)


def _print_topics(result, run_id: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Topics of {result.config.name} ({result.metrics['n_documents']} documents)")
    for column in ("topic", "label", "size", "top keywords", "example"):
        table.add_column(column, overflow="fold")
    for topic in result.topics:
        example = topic.example if len(topic.example) <= 90 else topic.example[:87] + "..."
        table.add_row(str(topic.id), topic.label, str(topic.size), ", ".join(topic.keywords[:6]), example)
    console = Console(width=max(120, Console().width))
    console.print(table)
    shown = {k: v for k, v in result.metrics.items() if not k.startswith(("time_", "embedding_"))}
    console.print("metrics: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                          for k, v in shown.items()))
    console.print(f"MLflow run id: {run_id}")
    console.print("Open the MLflow UI with: topiclab ui  (or: make ui), then http://127.0.0.1:5000")


@app.command()
def run(
    config: str = typer.Argument(..., help="Experiment YAML file, e.g. experiments/seed_news.yaml"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
):
    """Run one experiment and log it to MLflow."""
    from .config import load_config
    from .tracking import track_experiment

    settings = load_config(config, set_ or [])
    result, run_id = track_experiment(settings, config_path=config, progress=sys.stderr.isatty())
    _print_topics(result, run_id)


@app.command()
def sweep(
    config: str = typer.Argument(..., help="Experiment YAML file (its sweep: block, if any, is the base grid)"),
    more_grid: Optional[list[str]] = typer.Argument(None, help="More key=v1,v2 grid items", show_default=False),
    grid: Optional[list[str]] = typer.Option(None, "--grid", help="Grid item key=v1,v2 (repeatable)"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    optuna: Optional[int] = typer.Option(None, "--optuna", help="Run N Optuna trials instead of the grid"),
    objective: Optional[str] = typer.Option(None, "--objective", help="Metric to optimise (default: nmi)"),
):
    """Run every grid combination as a nested MLflow run; summary table on the parent run."""
    from .evaluate import markdown_table
    from .sweep import plan_sweep
    from .tracking import track_sweep

    plan = plan_sweep(config, [*(grid or []), *(more_grid or [])], set_ or [], optuna, objective)
    total = len(plan.trials) or plan.spec.n_trials
    typer.echo(f"sweep of {plan.base.name}: {total} trials ({plan.spec.method}), objective "
               f"{plan.spec.objective}", err=True)
    done = []

    def report(row):
        done.append(row)
        typer.echo(f"  trial {len(done)}/{total}: {plan.spec.objective}={row[plan.spec.objective]:.4f}", err=True)

    frame, run_id = track_sweep(plan, progress=sys.stderr.isatty(), on_trial=report)
    typer.echo(markdown_table(frame.drop(columns=["run_id"])))
    typer.echo(f"MLflow parent run id: {run_id}")


@app.command()
def bench(
    out: str = typer.Option("BENCHMARKS.md", help="Markdown file to write"),
    datasets: str = typer.Option("bbc_news,ag_news_4k", help="Comma-separated dataset names"),
    scaling: bool = typer.Option(True, help="Measure clustering time and memory at 2k..128k documents"),
):
    """Measure quality and speed against the baselines; writes BENCHMARKS.md."""
    from .benchmark import run_benchmark

    run_benchmark(out=out, datasets=[d.strip() for d in datasets.split(",") if d.strip()], scaling=scaling)


@app.command()
def segment(
    file: str = typer.Argument(..., help="Raw dump: one paragraph (or sentence) per line"),
    method: str = typer.Option("learned", help="Segmenter: none, blankline, fixed, texttiling, learned"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Segment option, e.g. threshold=0.6"),
):
    """Print the articles found in a dump: line span and first words."""
    from .segment_bench import segment_file

    for line in segment_file(file, method, set_ or []):
        typer.echo(line)


@app.command("segment-eval")
def segment_eval(
    config: str = typer.Argument("experiments/segmentation.yaml", help="Segmentation benchmark YAML"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
):
    """Score segmenters (Pk, WindowDiff, boundary F1) on synthetic dumps; one MLflow run each."""
    from .segment_bench import format_results, load_segment_eval_config
    from .tracking import track_segment_eval

    settings = load_segment_eval_config(config, set_ or [])
    typer.echo(f"segment-eval {settings.name}: {settings.data.dumps} dump(s) of "
               f"{settings.data.articles_per_dump} articles from {settings.data.path} "
               f"({settings.data.split} split, one {settings.data.unit} per line)", err=True)
    rows = track_segment_eval(settings, on_result=lambda row: typer.echo(
        f"  {row['segmenter']}: Pk={row['pk']:.4f}", err=True))
    typer.echo(format_results(rows, settings.baseline))


@app.command("segment-train")
def segment_train(
    config: str = typer.Argument("experiments/segmentation.yaml", help="YAML with a train: section"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
    output: Optional[str] = typer.Option(None, help="Where to write the model (default: the shipped one)"),
):
    """Fit the learned segmenter's boundary model on synthetic dumps of the train split."""
    from .segment_bench import default_model_path, load_segment_eval_config
    from .tracking import track_segment_train
    from .vectorize import make_embedder

    settings = load_segment_eval_config(config, set_ or [])
    target = output or (settings.train.output if settings.train else None) or default_model_path()
    model, run_id = track_segment_train(settings, make_embedder(progress=sys.stderr.isatty()), target)
    typer.echo(f"boundary model written to {target}: threshold {model.threshold:.3f}, "
               f"validation Pk {model.info['validation_pk']:.4f} (MLflow run {run_id})")


@app.command()
def train(
    config: str = typer.Argument(..., help="Classifier YAML file, e.g. experiments/classify_seed.yaml"),
    set_: Optional[list[str]] = typer.Option(None, "--set", help="Override a config key: key=value"),
):
    """Train, compare and register topic classifiers (one MLflow run each)."""
    from .classify_config import load_classifier_config
    from .tracking import track_training

    settings = load_classifier_config(config, set_ or [])

    def report(trained):
        m = trained.report.metrics
        typer.echo(f"  {trained.report.name}: cv_accuracy={m['cv_accuracy']:.4f} "
                   f"holdout_accuracy={m['holdout_accuracy']:.4f}", err=True)

    typer.echo(f"training {len(settings.classifiers)} classifier(s) of {settings.name} "
               f"({settings.evaluation.folds}-fold CV + held-out split)", err=True)
    training = track_training(settings, config_path=config, progress=sys.stderr.isatty(), on_classifier=report)
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


def _read_texts(texts: list[str], file: Optional[str]) -> list[str]:
    """Texts from arguments, a file (.csv/.jsonl: its text column; else one per line), or stdin."""
    if texts and file:
        raise TopiclabError("give texts as arguments or --file, not both")
    if texts:
        return list(texts)
    if file:
        from pathlib import Path

        from .corpus import load_corpus, read_text

        path = Path(file)
        if path.suffix.lower() in (".csv", ".jsonl", ".ndjson"):
            return load_corpus(path).texts
        return [line for line in read_text(path)[0].splitlines() if line.strip()]
    if sys.stdin.isatty():
        raise TopiclabError("no text to classify: give texts as arguments, --file PATH, or pipe them on stdin")
    return [line for line in sys.stdin.read().splitlines() if line.strip()]


@app.command()
def classify(
    texts: Optional[list[str]] = typer.Argument(None, help="Texts to classify (or --file, or stdin)"),
    model: str = typer.Option("models:/news-topic-classifier@champion", "--model", "-m",
                              help="Model URI: models:/NAME@ALIAS, models:/NAME/VERSION, runs:/..."),
    file: Optional[str] = typer.Option(None, "--file", "-f", help="File of texts: one per line, or CSV/JSONL"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object per text"),
):
    """Classify texts with a logged or registered classifier: label and probability per text."""
    import json

    from .tracking import classify_texts, load_text_model

    items = _read_texts(texts or [], file)
    if not items:
        raise TopiclabError(f"no text to classify: {'the file' if file else 'stdin'} holds no non-empty line")
    predictions = classify_texts(load_text_model(model), items)
    for text, row in zip(items, predictions.to_dict(orient="records")):
        if as_json:
            typer.echo(json.dumps({"text": text, **row}))
        elif row["label"] is None:
            typer.echo("-\t0.000\t(empty text: no label)")
        else:
            snippet = " ".join(text.split())
            typer.echo(f"{row['label']}\t{row['probability']:.3f}\t{snippet[:70]}")


@app.command()
def promote(
    version: int = typer.Argument(..., help="Registered model version to point the alias at"),
    name: str = typer.Option("news-topic-classifier", "--name", help="Registered model name"),
    alias: str = typer.Option("champion", "--alias", help="Alias to move"),
):
    """Move a registered model's alias (default: champion) to another version."""
    from .tracking import move_alias

    previous = move_alias(name, version, alias)
    was = f" (was version {previous})" if previous else ""
    typer.echo(f"models:/{name}@{alias} -> version {version}{was}")


@app.command()
def serve(
    model: str = typer.Option("models:/news-topic-classifier@champion", "--model", "-m", help="Model URI"),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5001, help="Port to listen on."),
):
    """Serve a classifier over HTTP (mlflow models serve): POST JSON to /invocations."""
    from .tracking import serve_command

    command, env = serve_command(model, host, port)
    typer.echo(f"serving {model} at http://{host}:{port}/invocations (Ctrl-C stops)", err=True)
    sys.stderr.flush()
    os.execve(command[0], command, env)  # the server replaces this process: signals reach it directly


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(5000, help="Port to listen on."),
):
    """Start the MLflow UI for this project's store."""
    from .tracking import tracking_uri, ui_command

    typer.echo(f"MLflow UI for {tracking_uri()} at http://{host}:{port}", err=True)
    try:
        # MLflow's background job runner is not needed to browse runs; it slows start-up.
        env = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false", **os.environ}
        completed = subprocess.run(ui_command(host, port), env=env)
    except KeyboardInterrupt:
        return
    raise typer.Exit(code=completed.returncode)


def entrypoint() -> None:
    """Console entry point: one-line errors unless --traceback."""
    try:
        code = app(standalone_mode=False)
    except TopiclabError as error:
        if _state["traceback"]:
            raise
        fail(str(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        fail("aborted")
    except Exception as error:  # click usage errors and anything unexpected
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(error.exit_code)
        if _state["traceback"]:
            raise
        fail(f"{type(error).__name__}: {error}")
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    entrypoint()
