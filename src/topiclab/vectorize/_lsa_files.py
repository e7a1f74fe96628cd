"""The fitted TF-IDF vectoriser and LSA of ``fit_lsa`` on disk as JSON and ``.npy``: no pickle, no skops.

skops was the format before; importing it walks every scikit-learn module (5-8 s
of a run's logging on 2 cores), and these two estimators are fully described by
their parameters, vocabulary, IDF weights and SVD components. Only plain
parameters are written: a vectoriser built with a callable (its own analyzer,
tokenizer or preprocessor) is refused rather than saved half.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from ..errors import TopiclabError
from ..paths import atomic_file, write_atomically

__all__ = ["LSA_SETTINGS", "save_lsa", "load_lsa"]

LSA_SETTINGS = "lsa.json"  # vectoriser parameters, vocabulary in column order, SVD size
_IDF = "lsa_idf.npy"
_COMPONENTS = "lsa_components.npy"


def _plain_params(vectorizer: TfidfVectorizer) -> dict:
    params = vectorizer.get_params()
    params["dtype"] = np.dtype(params["dtype"]).name
    if isinstance(params.get("stop_words"), (set, frozenset, tuple)):
        params["stop_words"] = sorted(params["stop_words"])
    if isinstance(params.get("ngram_range"), tuple):
        params["ngram_range"] = list(params["ngram_range"])
    if params.get("vocabulary") is not None or any(callable(v) for v in params.values()):
        raise TopiclabError("this TF-IDF vectoriser has a fixed vocabulary or a callable part; only "
                            "vectorisers built from plain settings (vectorize.fit_lsa) can be saved")
    return params


def save_lsa(vectorizer: TfidfVectorizer, svd: TruncatedSVD | None, folder: str | Path) -> Path:
    """Write ``lsa.json`` and the arrays beside it into ``folder``; each file whole or not at all."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    with atomic_file(out / _IDF) as file:
        np.save(file, np.asarray(vectorizer.idf_, dtype=np.float64), allow_pickle=False)
    if svd is not None:
        with atomic_file(out / _COMPONENTS) as file:
            np.save(file, np.asarray(svd.components_), allow_pickle=False)
    settings = {"vectorizer": _plain_params(vectorizer), "vocabulary": terms,
                "svd_components": None if svd is None else int(svd.components_.shape[0])}
    # Written last: a folder with lsa.json holds every part it names
    write_atomically(out / LSA_SETTINGS, json.dumps(settings, ensure_ascii=False))
    return out / LSA_SETTINGS


def load_lsa(folder: str | Path) -> tuple[TfidfVectorizer, TruncatedSVD | None]:
    """The ``(vectorizer, svd)`` pair ``save_lsa`` wrote, ready to ``transform`` new text."""
    root = Path(folder)
    try:
        settings = json.loads((root / LSA_SETTINGS).read_text(encoding="utf-8"))
        params = dict(settings["vectorizer"])
        params["dtype"] = np.dtype(params["dtype"]).type
        if params.get("ngram_range") is not None:
            params["ngram_range"] = tuple(params["ngram_range"])
        vectorizer = TfidfVectorizer(**params)
        vectorizer.vocabulary_ = {term: i for i, term in enumerate(settings["vocabulary"])}
        vectorizer.idf_ = np.load(root / _IDF, allow_pickle=False)
        svd = None
        if settings["svd_components"] is not None:
            components = np.load(root / _COMPONENTS, allow_pickle=False)
            svd = TruncatedSVD(n_components=int(settings["svd_components"]))
            svd.components_ = components
            svd.n_features_in_ = int(components.shape[1])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TopiclabError(f"{root}: the saved TF-IDF/LSA parts are unreadable ({type(error).__name__}: "
                            f"{error})") from None
    if len(vectorizer.vocabulary_) != len(vectorizer.idf_):
        raise TopiclabError(f"{root}: the saved TF-IDF parts disagree ({len(vectorizer.vocabulary_)} words, "
                            f"{len(vectorizer.idf_)} IDF weights)")
    return vectorizer, svd
