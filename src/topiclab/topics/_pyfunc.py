"""The pyfunc loader module that logged topic models name (``loader_module="topiclab.topics._pyfunc"``).

No mlflow here: MLflow calls ``_load_pyfunc`` with the model's data folder,
and the returned object's ``predict`` takes a DataFrame with a ``text`` column
and returns ``topic``, ``topic_label`` and ``score`` per row; with a ``date``
column, a model whose run had time bins adds each row's ``time_bin``.
"""

from __future__ import annotations

import pandas as pd

from ..errors import TopiclabError
from ._model import DATE_COLUMN, TEXT_COLUMN, TopicModel

__all__ = ["TopicModelPyfunc"]


class TopicModelPyfunc:
    """``predict(frame)``: a saved ``TopicModel`` behind MLflow's pyfunc interface."""

    def __init__(self, model: TopicModel):
        self.model = model

    def predict(self, model_input, params=None) -> pd.DataFrame:
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        if TEXT_COLUMN not in frame.columns:
            raise TopiclabError(f"the topic model needs a {TEXT_COLUMN!r} column, got {list(frame.columns)}")
        dates = frame[DATE_COLUMN].tolist() if DATE_COLUMN in frame.columns else None
        return self.model.transform(frame[TEXT_COLUMN].astype(str).tolist(), dates=dates)


def _load_pyfunc(path: str) -> TopicModelPyfunc:
    return TopicModelPyfunc(TopicModel.load(path))
