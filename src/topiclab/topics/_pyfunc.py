"""The pyfunc loader module that logged topic models name (``loader_module="topiclab.topics._pyfunc"``).

No mlflow here: MLflow calls ``_load_pyfunc`` with the model's data folder,
and the returned object's ``predict`` takes a DataFrame with a ``text`` column
and returns ``topic``, ``topic_label`` and ``score`` per row (nulls for an empty
or missing text); with a ``date`` column, a model whose run had time bins adds
each row's ``time_bin``.
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

    def get_raw_model(self) -> TopicModel:  # MLflow's PyFuncModel.get_raw_model() hands this on
        return self.model

    def predict(self, model_input, params=None) -> pd.DataFrame:
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        if TEXT_COLUMN not in frame.columns:
            raise TopiclabError(f"the topic model needs a {TEXT_COLUMN!r} column, got {list(frame.columns)}")
        texts = ["" if pd.isna(text) else str(text).strip() for text in frame[TEXT_COLUMN].tolist()]
        dates = frame[DATE_COLUMN].tolist() if DATE_COLUMN in frame.columns else None
        filled = [i for i, text in enumerate(texts) if text]
        found = self.model.transform([texts[i] for i in filled], dates=dates and [dates[i] for i in filled])
        # an empty or missing text has no topic: a row of nulls, so rows still match the input's
        out = pd.DataFrame({"topic": pd.Series([None] * len(texts), dtype="Int64"),
                            "topic_label": pd.Series([None] * len(texts), dtype=object),
                            "score": pd.Series([None] * len(texts), dtype="Float64")})
        for column in found.columns:
            if column not in out:
                out[column] = pd.Series([None] * len(texts), dtype=object)
            out.loc[filled, column] = found[column].to_numpy()
        return out


def _load_pyfunc(path: str) -> TopicModelPyfunc:
    return TopicModelPyfunc(TopicModel.load(path))
