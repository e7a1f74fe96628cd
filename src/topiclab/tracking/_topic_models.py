"""Topic models as MLflow models: log ``topic_model`` from an experiment run, load and assign.

The artifact path is exactly ``topic_model``; the pyfunc names the loader
module ``topiclab.topics._pyfunc`` (no mlflow there), so
``mlflow.pyfunc.load_model("runs:/ID/topic_model")`` works in a fresh process
given only the tracking URI. Loading and assigning live in ``_assign``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import mlflow

from ._requirements import pinned_requirements

__all__ = ["TOPIC_MODEL_ARTIFACT", "TOPIC_MODEL_LOADER", "log_topic_model", "log_k_curve", "log_topic_views"]

TOPIC_MODEL_ARTIFACT = "topic_model"
TOPIC_MODEL_LOADER = "topiclab.topics._pyfunc"


def log_topic_model(model, example_texts: list[str]):
    """Log a fitted ``topics.TopicModel`` in the active run under ``topic_model``."""
    import pandas as pd
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    from ..classify import pip_requirements

    inputs = [ColSpec("string", "text")]
    outputs = [ColSpec("long", "topic"), ColSpec("string", "topic_label"), ColSpec("double", "score")]
    if getattr(model, "time_bins_", None) is not None:  # a run with dates: new dates get the run's time bins
        inputs.append(ColSpec("string", "date", required=False))
        outputs.append(ColSpec("string", "time_bin", required=False))
    signature = ModelSignature(inputs=Schema(inputs), outputs=Schema(outputs))
    # Saved, then logged as plain run artifacts: the model sits in the run at exactly ``topic_model``
    # (MLflow 3's log_model would file it as a separate LoggedModel instead).
    with tempfile.TemporaryDirectory() as folder, pinned_requirements():
        data = model.save(Path(folder) / "data")
        saved = Path(folder) / TOPIC_MODEL_ARTIFACT
        mlflow.pyfunc.save_model(
            str(saved), loader_module=TOPIC_MODEL_LOADER, data_path=str(data), signature=signature,
            # stated, not inferred: inference loads the model again in a subprocess, seconds per run
            pip_requirements=pip_requirements(model.representation != "tfidf"),
            input_example=pd.DataFrame({"text": [t[:300] for t in example_texts[:3]]}),
            metadata={"topiclab_topic_model": True, "n_topics": int(len(model.topic_ids_)),
                      "time_bins": getattr(model, "time_bins_", None) is not None},
        )
        mlflow.log_artifacts(str(saved), TOPIC_MODEL_ARTIFACT)


def log_k_curve(curve, chosen: int, settings) -> list[str]:
    """``cluster.k: auto``: one nested run per candidate k (its scores), the curve on the active run
    (``k_curve.csv``; its figure is a view of the run's ``report.html``; ``settings``: ``cluster.auto``).

    Returns the nested run ids. The nested runs are opened with MLflow's own
    context manager, which ends them FAILED if logging raises.
    """
    from ..cluster import rule_text

    parent = mlflow.active_run()
    ids = []
    for row in curve.to_dict("records"):
        k = int(row["k"])
        with mlflow.start_run(run_name=f"k={k}", nested=True, experiment_id=parent.info.experiment_id,
                              tags={"topiclab.auto_k": "candidate", "chosen": str(k == chosen).lower()}) as run:
            mlflow.log_param("cluster.k", k)
            mlflow.log_metrics({name: float(v) for name, v in row.items() if name != "k"})
            ids.append(run.info.run_id)
    mlflow.log_text(curve.to_csv(index=False), "k_curve.csv")
    mlflow.set_tag("topiclab.auto_k", f"chosen k={chosen}: {rule_text(settings)}")
    return ids


def log_topic_views(result) -> None:
    """The topic model and its tables (mapping, tree, over time, per class, k curve) of a finished Result;
    the figures are ``log_figures``'s."""
    if result.topic_mapping is not None:  # reduce_to / merge: which old topic went where
        mlflow.log_text(result.topic_mapping.to_csv(index=False), "topic_mapping.csv")
    if result.topic_model is None:
        return
    log_topic_model(result.topic_model, result.corpus.texts)
    if result.topic_tree is not None:
        mlflow.log_dict(result.topic_tree, "topic_tree.json")
    for table, name in ((result.over_time, "topics_over_time.csv"), (result.per_class, "topics_per_class.csv")):
        if table is not None:
            mlflow.log_text(table.to_csv(index=False), name)
    if result.k_curve is not None:
        log_k_curve(result.k_curve, result.config.cluster.k, result.config.cluster.auto)
