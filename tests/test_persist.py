"""Fitted parts saved with skops and loaded only with trusted types."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from topiclab.errors import TopiclabError
from topiclab.persist import load_fitted, save_fitted, untrusted_types


class Smuggled:  # a class of no library: skops must not load it unasked
    def __init__(self):
        self.payload = np.arange(3)


def test_a_scikit_learn_model_round_trips(tmp_path):
    model = LogisticRegression().fit(np.array([[0.0], [1.0], [0.1], [0.9]]), [0, 1, 0, 1])
    path = save_fitted(model, tmp_path / "model.skops")
    again = load_fitted(path)
    assert np.array_equal(again.predict_proba([[0.2]]), model.predict_proba([[0.2]]))


def test_an_untrusted_type_is_refused_with_one_line(tmp_path):
    path = save_fitted({"model": Smuggled()}, tmp_path / "bad.skops")
    assert untrusted_types(path) == [f"{__name__}.Smuggled"]
    with pytest.raises(TopiclabError, match="untrusted type") as error:
        load_fitted(path)
    assert "\n" not in str(error.value)
    assert isinstance(load_fitted(path, trusted=(f"{__name__}.Smuggled",))["model"], Smuggled)


def test_a_file_that_is_not_skops_is_a_one_line_error(tmp_path):
    junk = tmp_path / "junk.skops"
    junk.write_bytes(b"not a zip file")
    with pytest.raises(TopiclabError, match="not a readable skops file"):
        load_fitted(junk)
