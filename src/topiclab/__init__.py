"""topiclab: news topic clustering and classification, tracked in MLflow."""

from .config import ExperimentConfig, load_config
from .errors import TopiclabError
from .experiment import Result, run_experiment

__version__ = "0.1.0"

__all__ = ["ExperimentConfig", "Result", "TopiclabError", "load_config", "run_experiment", "__version__"]
