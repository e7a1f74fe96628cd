"""Parameter sweeps: every combination of a grid (or Optuna trials) as one experiment each.

``plan_sweep`` checks everything a user can get wrong before any work starts
(unknown keys, invalid values, unreadable data) and returns the trials;
``run_sweep`` runs them, each as a nested MLflow run under one parent run
that gets the summary table. Embeddings come from the on-disk cache, so only
the first trial of a model encodes anything.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import yaml
from pydantic import BaseModel

from .config import (ExperimentConfig, SweepConfig, apply_overrides, config_from_dict, did_you_mean,
                     override_label, override_text, read_config_file, run_name)
from .errors import TopiclabError

__all__ = ["SUMMARY_METRICS", "Trial", "SweepPlan", "parse_grid", "check_key", "plan_sweep",
           "run_sweep", "grid_params", "summary_table"]

SUMMARY_METRICS = ("nmi", "ari", "accuracy", "npmi", "c_v", "topic_diversity", "outlier_share",
                   "n_topics", "silhouette")
_LABEL_METRICS = {"nmi", "ari", "v_measure", "accuracy", "label_accuracy"}


@dataclass
class Trial:
    values: dict[str, Any]  # grid key -> value of this combination
    config: ExperimentConfig


@dataclass
class SweepPlan:
    base: ExperimentConfig
    raw: dict[str, Any] = field(repr=False)  # the base config as plain data, for Optuna trials
    spec: SweepConfig
    trials: list[Trial]  # all combinations (grid); empty for Optuna, whose trials come as it goes
    overrides: list[str] = field(default_factory=list)  # --set items, part of every trial's name

    def config_for(self, values: dict[str, Any]) -> ExperimentConfig:
        return _trial_config(self.raw, values, self.base.name, self.overrides)

    @property
    def name(self) -> str:
        """The sweep's name: the config's, with its ``--set`` overrides (``seed_news[seed=7]``)."""
        return run_name(self.base.name, self.overrides)


def _submodel(annotation) -> type[BaseModel] | None:
    candidates = [annotation, *getattr(annotation, "__args__", ())]
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def check_key(key: str) -> str:
    """``key`` itself if it names a config value (e.g. ``cluster.k``); else the one-line error."""
    model: type[BaseModel] | None = ExperimentConfig
    parts = key.split(".")
    for depth, part in enumerate(parts):
        if model is None or part not in model.model_fields:
            hint = did_you_mean(part, model.model_fields) if model is not None else ""
            raise TopiclabError(f"sweep grid key {key!r} is not in the config (no {'.'.join(parts[:depth + 1])!r})"
                                f"{hint}")
        model = _submodel(model.model_fields[part].annotation)
    if parts[0] in ("sweep", "name"):
        raise TopiclabError(f"sweep grid key {key!r} cannot be swept")
    if model is not None:
        raise TopiclabError(f"sweep grid key {key!r} names a section, not a value (e.g. {key}.<key>)")
    return key


def parse_grid(items: list[str]) -> dict[str, list[Any]]:
    """``["cluster.k=4,5", ...]`` -> ``{"cluster.k": [4, 5]}`` (values parsed as YAML scalars)."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not key.strip() or not values.strip():
            raise TopiclabError(f"--grid {item!r} is not of the form key=value1,value2")
        grid[key.strip()] = [yaml.safe_load(v) if v.strip() else None for v in values.split(",")]
    return grid


def _trial_config(raw: dict[str, Any], values: dict[str, Any], name: str,
                  overrides: list[str] | None = None) -> ExperimentConfig:
    """A trial's config, named by what it changes: the sweep's ``--set`` overrides and its grid values
    (``seed_news[seed=7,cluster.k=3]``)."""
    data = copy.deepcopy(raw)
    data.pop("sweep", None)
    items = [f"{k}={override_text(v)}" for k, v in values.items()]
    data = apply_overrides(data, items)
    data["name"] = run_name(name, [*(overrides or []), *items])
    return config_from_dict(data, source=f"sweep trial {override_label(items) or name}")


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and {"low", "high"} <= set(value) <= {"low", "high", "log", "step"}


def _check_spec(spec: SweepConfig) -> None:
    if not spec.grid:
        raise TopiclabError("the sweep has no grid: give --grid key=v1,v2 or a sweep.grid block")
    for key, values in spec.grid.items():
        check_key(key)
        if _is_range(values):
            if spec.method != "optuna":
                raise TopiclabError(f"sweep grid key {key!r}: a {{low, high}} range needs sweep.method: optuna")
            if not values["low"] < values["high"]:
                raise TopiclabError(f"sweep grid key {key!r}: low must be below high")
        elif not isinstance(values, list) or not values:
            raise TopiclabError(f"sweep grid key {key!r} needs a non-empty list of values")


def _check_objective(spec: SweepConfig) -> None:
    """``objective`` is a metric runs log (else fail now, not after the first trial); ``direction``
    follows it unless the user set one."""
    from .pipeline import LOWER_IS_BETTER, RUN_METRICS

    if spec.objective not in RUN_METRICS:
        raise TopiclabError(f"sweep objective {spec.objective!r} is not a metric a run logs; "
                            f"one of: {', '.join(RUN_METRICS)}")
    if spec.direction is None:
        spec.direction = "minimize" if spec.objective in LOWER_IS_BETTER else "maximize"


def plan_sweep(config_path: str | Path, grid: list[str] | None = None, overrides: list[str] | None = None,
               n_trials: int | None = None, objective: str | None = None) -> SweepPlan:
    """Read the config and its ``sweep:`` block, add the CLI grid, validate every trial."""
    raw = read_config_file(config_path, overrides)
    base = config_from_dict(raw, source=str(config_path))
    spec = (base.sweep or SweepConfig()).model_copy(deep=True)
    spec.grid = {**spec.grid, **parse_grid(grid or [])}
    if n_trials is not None:
        if n_trials < 1:  # assigned, not validated by SweepConfig
            raise TopiclabError(f"--optuna needs at least 1 trial, not {n_trials}")
        spec.method, spec.n_trials = "optuna", n_trials
    if objective is not None:
        spec.objective = objective
    _check_objective(spec)
    _check_spec(spec)
    trials = []
    if spec.method == "grid":
        keys = list(spec.grid)
        for combination in itertools.product(*(spec.grid[k] for k in keys)):
            values = dict(zip(keys, combination))
            trials.append(Trial(values, _trial_config(raw, values, base.name, overrides)))
    plan = SweepPlan(base=base, raw=raw, spec=spec, trials=trials, overrides=list(overrides or []))
    _check_data(plan)
    return plan


def _check_data(plan: SweepPlan) -> None:
    """Load each distinct corpus once, so bad data fails before the first trial."""
    from .pipeline import labelled_by_gold, load_with_gold

    configs = [t.config for t in plan.trials] or [plan.base]
    seen = set()
    for config in configs:
        key = config.data.model_dump_json()
        if key in seen:
            continue
        seen.add(key)
        # Labelled as a run labels it (data.gold), here before segmenting (which needs a model): gold
        # spans run from line 1 without gaps, so when every line has a topic every article has one too.
        corpus = labelled_by_gold(*load_with_gold(config.data))
        if plan.spec.objective in _LABEL_METRICS and not corpus.has_labels:
            raise TopiclabError(
                f"sweep objective {plan.spec.objective!r} needs gold labels, which {corpus.name} lacks"
            )


def grid_params(spec: SweepConfig) -> dict[str, str]:
    """Each swept key as the sweep tries it, for the parent run's params: ``"3,5"`` (as ``--grid`` takes it)
    or an Optuna range (``"{high: 0.6, low: 0.2}"``). The base config's value there would read, in
    MLflow's compare view, as one more trial."""
    return {key: override_text(values) if _is_range(values) else ",".join(override_text(v) for v in values)
            for key, values in spec.grid.items()}


def summary_table(rows: list[dict[str, Any]], objective: str, direction: str) -> pd.DataFrame:
    """One row per trial, best first."""
    frame = pd.DataFrame(rows)
    if objective in frame.columns:
        frame = frame.sort_values(objective, ascending=direction == "minimize", kind="stable",
                                  na_position="last")
    return frame.reset_index(drop=True)


def _row(trial_values: dict[str, Any], metrics: dict[str, float], run_id: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {"run_id": run_id}
    row.update({k: override_text(v) for k, v in trial_values.items()})
    row.update({name: metrics.get(name) for name in SUMMARY_METRICS})
    row["time_s"] = sum(v for k, v in metrics.items() if k.startswith("time_") and k.endswith("_s"))
    return row


def run_sweep(plan: SweepPlan, runner: Callable[[ExperimentConfig, dict[str, Any]], tuple[dict, str | None]],
              on_trial: Callable[[dict[str, Any]], None] | None = None, jobs: int = 1) -> pd.DataFrame:
    """Run every trial with ``runner(config, values) -> (metrics, run_id)``; the summary table.

    ``runner`` is where tracking happens (``tracking.track_sweep`` passes one
    that opens a nested MLflow run, or with ``jobs`` > 1 one that hands the
    trial to a worker process); the core itself needs no store. ``jobs``
    trials are in flight at a time.
    """
    if jobs < 1:
        raise TopiclabError(f"--jobs must be at least 1, not {jobs}")
    spec, rows = plan.spec, []

    def record(values, config):
        metrics, run_id = runner(config, values)
        # a trial may leave the objective undefined (silhouette with one document per topic): ranked last
        row = _row(values, metrics, run_id)
        row[spec.objective] = float(metrics.get(spec.objective, math.nan))
        rows.append(row)
        if on_trial is not None:
            on_trial(row)
        return row[spec.objective]

    if spec.method == "grid" and jobs > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(jobs) as pool:  # threads only wait: the runner's processes do the work
            list(pool.map(lambda trial: record(trial.values, trial.config), plan.trials))
    elif spec.method == "grid":
        for trial in plan.trials:
            record(trial.values, trial.config)
    else:
        _run_optuna(plan, record, jobs)
    if rows and all(math.isnan(row[spec.objective]) for row in rows):
        raise TopiclabError(f"sweep objective {spec.objective!r} is undefined in every trial (e.g. silhouette "
                            "needs fewer topics than documents)")
    return summary_table(rows, spec.objective, spec.direction)


def _run_optuna(plan: SweepPlan, record, jobs: int = 1) -> None:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    spec = plan.spec
    sampler = optuna.samplers.TPESampler(seed=plan.base.seed)
    study = optuna.create_study(direction=spec.direction, sampler=sampler)

    def objective(trial):
        values = {}
        for key, choice in spec.grid.items():
            if _is_range(choice):
                low, high = choice["low"], choice["high"]
                if isinstance(low, int) and isinstance(high, int) and not choice.get("log"):
                    values[key] = trial.suggest_int(key, low, high, step=choice.get("step", 1))
                else:
                    values[key] = trial.suggest_float(key, float(low), float(high), log=bool(choice.get("log")))
            else:
                values[key] = trial.suggest_categorical(key, choice)
        return record(values, plan.config_for(values))

    # Errors are the user's to see, not Optuna's to swallow.
    study.optimize(objective, n_trials=spec.n_trials, catch=(), n_jobs=jobs)
