"""Fitted scikit-learn parts on disk without pickle: skops, loaded with an explicit list of trusted types.

A file names the types it holds; ``load_fitted`` refuses (one-line error) any
type that is neither a scikit-learn/numpy/scipy type skops trusts by default
nor in ``TRUSTED_TYPES`` (or the caller's ``trusted``), so loading a model
someone else logged cannot run code it smuggled in.
"""

from __future__ import annotations

from pathlib import Path

from .errors import TopiclabError
from .paths import atomic_file

__all__ = ["TRUSTED_TYPES", "save_fitted", "load_fitted", "untrusted_types"]

# Our own classes and the few library types that skops does not trust by default but our models hold.
TRUSTED_TYPES: tuple[str, ...] = (
    "topiclab.classify._zeroshot.ZeroShotClassifier",
    "topiclab.classify._zeroshot.TaxonomyPriorClassifier",
    # scikit-learn's own, which skops does not list: a calibrated SVM holds them
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.model_selection._split.StratifiedKFold",
    # a soft vote's named_estimators_ (a dict with attribute access)
    "sklearn.utils._bunch.Bunch",
)


def save_fitted(obj, path: str | Path) -> Path:
    """Write ``obj`` as a skops file, atomically."""
    import skops.io as sio

    with atomic_file(path) as out:
        out.write(sio.dumps(obj))
    return Path(path)


def untrusted_types(path: str | Path, trusted: tuple[str, ...] = ()) -> list[str]:
    """Types named in the file that neither skops nor ``TRUSTED_TYPES`` + ``trusted`` trusts."""
    import skops.io as sio

    allowed = set(TRUSTED_TYPES) | set(trusted)
    return sorted(t for t in sio.get_untrusted_types(file=str(path)) if t not in allowed)


def load_fitted(path: str | Path, trusted: tuple[str, ...] = ()):
    """The object in a skops file; a file naming an untrusted type is refused with a one-line error."""
    import skops.io as sio

    file = Path(path)
    if not file.is_file():
        raise TopiclabError(f"no saved model part at {file}")
    try:
        found = sio.get_untrusted_types(file=str(file))
    except Exception as error:  # not a skops file at all
        raise TopiclabError(f"{file} is not a readable skops file: {type(error).__name__}: {error}") from None
    bad = untrusted_types(file, trusted)
    if bad:
        raise TopiclabError(f"{file} holds untrusted type(s) {', '.join(bad)}: refusing to load it")
    return sio.load(str(file), trusted=found)
