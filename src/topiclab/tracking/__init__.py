"""MLflow at the edge: the only package that imports mlflow.

Default store: ``sqlite:///mlflow.db`` at the project root, artifacts under
``mlruns/``; ``MLFLOW_TRACKING_URI`` overrides. A run that fails is ended
FAILED with its error logged, never left RUNNING.

One module per kind of run, so each reads in one sitting: ``_store`` (the
store, runs, experiment runs), ``_lifecycle`` (schema once under a lock,
locked-database retries, SIGTERM, dead runs), ``_harness`` (evaluations, sweeps,
segmentation), ``_models`` (topic classifiers: train, register, load, serve),
``_topic_models``/``_assign``/``_merge`` (topic models: log, assign, merge or name topics of a run),
``_update`` (a topic model updated with a new batch, in a child run),
``_registry``/``_promote`` (registered versions, ``<experiment>-topics``, the champion, promote),
``_auth`` (logins on a team server: its config, users, permissions, refused credentials),
``_predictors`` (model copies and plain predict callables for Spark workers), ``_runs`` (runs as plain
records, their UI pages, reruns)
and ``_reports`` (notebooks, run comparison, benchmark report). Callers use
``topiclab.tracking`` only.
"""

from ._harness import (log_evaluation, log_table_artifacts, track_evaluation, track_segment_eval,
                       track_page_eval, track_segment_train, track_sweep, track_web_eval)
from ._models import (CLASSIFIER_ARTIFACT, TrainedClassifier, Training, classify_texts, load_text_model,
                      load_training_data, log_classifier, log_text_model, move_alias, pseudo_labels,
                      register_classifier, resolve_model_uri, serve_command, track_training)
from ._reports import latest_sweep_summary, log_benchmark_summary, log_report, experiment_id_of, search_runs
from ._assign import assign_texts, champion_topic_model, load_topic_model
from ._registry import CHAMPION, register_topic_model, topic_model_name
from ._promote import is_run_id, topic_model_registration, version_of_run
from ._predictors import local_text_model, local_topic_model, text_model_predictor, topic_model_predictor
from ._merge import PARENT_TAG, parse_topic_ids, parse_topic_names, parent_topics, track_label, track_merge
from ._topic_models import TOPIC_MODEL_ARTIFACT, log_k_curve, log_topic_model, log_topic_views
from ._update import UPDATE_TAG, UpdateResult, prepare_update, track_update
from ._runs import RERUN_TAG, get_run, list_runs, logged_config, run_page_url, run_record, track_rerun, ui_url
from ._store import (EXPERIMENT_KIND_TAG, MAX_PARAM_LENGTH, artifact_root, check_tags, client, ensure_experiment,
                     git_commit, log_dataset, log_params, log_result, server_command, server_store_uri,
                     track_experiment, tracked_run, tracking_uri, ui_command, use_store)
from ._auth import (ADMIN_PASSWORD_ENV, ADMIN_USERNAME, PERMISSIONS, USER_PASSWORD_ENV, add_user, auth_folder,
                    auth_server_env, check_exposure, check_password, grant, list_users, read_admin_password,
                    set_password)
from ._lifecycle import (HOST_TAG, PID_TAG, SIGNAL_TAG, check_store_exists, mark_dead_runs, prepare_store,
                         retry_locked, terminate_on_sigterm)

__all__ = ["tracking_uri", "artifact_root", "use_store", "ensure_experiment", "tracked_run",
           "log_params", "log_dataset", "log_result", "track_experiment", "git_commit", "client", "ui_command",
           "server_command", "server_store_uri", "ADMIN_PASSWORD_ENV", "ADMIN_USERNAME", "PERMISSIONS",
           "USER_PASSWORD_ENV", "add_user", "auth_folder", "auth_server_env", "check_exposure", "check_password",
           "grant", "list_users", "read_admin_password", "set_password",
           "HOST_TAG", "PID_TAG", "SIGNAL_TAG", "mark_dead_runs", "prepare_store", "retry_locked",
           "terminate_on_sigterm", "check_store_exists",
           "MAX_PARAM_LENGTH", "log_evaluation", "track_evaluation", "log_table_artifacts", "track_sweep",
           "latest_sweep_summary", "log_benchmark_summary",
           "track_segment_eval", "track_segment_train", "track_page_eval", "track_web_eval",
           "CLASSIFIER_ARTIFACT", "pseudo_labels", "load_training_data", "log_text_model", "log_classifier",
           "register_classifier", "TrainedClassifier", "Training", "track_training", "resolve_model_uri",
           "load_text_model", "classify_texts", "move_alias", "serve_command",
           "search_runs", "experiment_id_of", "log_report", "TOPIC_MODEL_ARTIFACT", "log_topic_model", "log_k_curve",
           "log_topic_views",
           "load_topic_model", "champion_topic_model", "assign_texts", "CHAMPION", "register_topic_model",
           "topic_model_name", "is_run_id", "topic_model_registration", "version_of_run",
           "local_text_model", "local_topic_model", "text_model_predictor", "topic_model_predictor", "PARENT_TAG", "parse_topic_ids",
           "parent_topics", "track_merge", "parse_topic_names", "track_label", "UPDATE_TAG", "UpdateResult",
           "prepare_update", "track_update",
           "EXPERIMENT_KIND_TAG", "check_tags", "RERUN_TAG", "get_run", "list_runs", "logged_config", "run_page_url",
           "run_record", "track_rerun", "ui_url"]
