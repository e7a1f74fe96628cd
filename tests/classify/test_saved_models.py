"""Models saved before the package was split by stage still load and answer the same.

The fixture was saved by topiclab at commit a7f17d3 (flat modules): a pyfunc
whose ``loader_module`` is ``topiclab.textmodel`` and whose data folder holds
``estimator.joblib`` and ``meta.json``. It ships no code of its own, so loading
it exercises today's ``topiclab.textmodel`` and ``topiclab.classify``.
"""

from __future__ import annotations

import json

import mlflow.pyfunc
import numpy as np
import pandas as pd
import pytest

from topiclab.classify import TextClassifier
from topiclab.textmodel import _load_pyfunc

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures"
MODEL = FIXTURES / "classifier-before-package-split"
EXPECTED = json.loads((FIXTURES / "classifier-before-package-split.expected.json").read_text())


def _check(predictions: pd.DataFrame) -> None:
    labels = [None if pd.isna(label) else label for label in predictions["label"]]
    assert labels == EXPECTED["labels"]
    assert np.allclose(predictions["probability"], EXPECTED["probabilities"], atol=1e-6)


def test_old_model_loads_through_mlflow_after_the_move():
    model = mlflow.pyfunc.load_model(str(MODEL))
    assert model.metadata.flavors["python_function"]["loader_module"] == "topiclab.textmodel"
    _check(model.predict(pd.DataFrame({"text": EXPECTED["texts"]})))


def test_old_model_loads_through_the_shim_module():
    model = _load_pyfunc(str(MODEL / "data" / "classifier"))
    assert isinstance(model, TextClassifier)  # the shim hands out today's class
    _check(model.predict(pd.DataFrame({"text": EXPECTED["texts"]})))


def test_a_tampered_format_version_is_refused(tmp_path):
    import shutil

    from topiclab.errors import TopiclabError

    copy = tmp_path / "classifier"
    shutil.copytree(MODEL / "data" / "classifier", copy)
    meta = json.loads((copy / "meta.json").read_text())
    meta["format_version"] = 99
    (copy / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(TopiclabError, match="format 99 is not supported"):
        _load_pyfunc(str(copy))
