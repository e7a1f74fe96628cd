"""``backend: auto`` (the default): time the faithful backends once per machine, keep the fastest, remember it.

The first use on a machine embeds a fixed sample (``AUTO_SAMPLE`` texts built
from a fixed list, nothing read from disk) twice with every candidate
(``CANDIDATES``: torch, onnx fp32, and ``torch-bf16`` only on a CPU with AMX or
AVX512-BF16), keeps the fastest whose rows have mean cosine >= ``AGREEMENT``
with torch's, and writes the choice, its cosine, the timings, the seconds the
timing took and the CPU to ``data/interim/embedding_backend.json``
(``TOPICLAB_AUTO_RECORD`` names another file). ``onnx-int8`` and ``static``
trade quality for speed and are never chosen: a user asks for them by name.
Later runs read the record back and never time again, so one machine gives the
same numbers run after run; a record made on another CPU, or under other
candidates or tolerance, is timed afresh. Delete the file to time again.
"""

from __future__ import annotations

import json
import os
import platform
import time
from functools import lru_cache
from pathlib import Path


from ..config import DEFAULT_EMBEDDING_MODEL
from ..paths import INTERIM_DIR, write_atomically
from ._backends import backend_embedder

__all__ = ["AGREEMENT", "AUTO_RECORD", "AUTO_SAMPLE", "CANDIDATES", "auto_choice", "auto_entry", "auto_record",
           "backend_params", "concrete_backend", "cpu_model", "has_bf16_units", "machine", "resolve_backend",
           "sample_texts"]

AUTO_RECORD = INTERIM_DIR / "embedding_backend.json"
AUTO_SAMPLE = 256
AGREEMENT = 0.999  # mean cosine with torch's rows: what "faithful" means (int8 gives about 0.992)
CANDIDATES = ("torch", "onnx", "torch-bf16")  # the faithful ones; torch-bf16 only on CPUs with bf16 units


def auto_record() -> Path:
    """Where ``auto`` keeps its choice: ``TOPICLAB_AUTO_RECORD``, else ``data/interim/embedding_backend.json``."""
    return Path(os.environ.get("TOPICLAB_AUTO_RECORD", AUTO_RECORD))

_SUBJECTS = ["the central bank", "a football club", "the new smartphone", "parliament", "the film festival",
             "oil prices", "a research team", "the airline", "voters in the capital", "the chip maker",
             "the tennis champion", "a hospital trust", "shares in the retailer", "the space agency",
             "the opposition leader", "a software company"]
_EVENTS = ["announced a surprise change of plan on monday", "fell sharply after weak quarterly results",
           "won the final after extra time in front of a record crowd", "was criticised for delays and rising costs",
           "unveiled a faster and cheaper version", "agreed a deal worth two billion dollars",
           "said the vote would be held next spring despite protests",
           "reported that the number of cases had doubled since last year"]


def sample_texts(n: int = AUTO_SAMPLE) -> list[str]:
    """``n`` short news-like sentences of varied length, the same on every machine."""
    texts = []
    for i in range(n):
        subject, event = _SUBJECTS[i % len(_SUBJECTS)], _EVENTS[(i * 7 + i // len(_SUBJECTS)) % len(_EVENTS)]
        extra = " ".join(_EVENTS[(i + j) % len(_EVENTS)] for j in range(i % 4))  # 1 to 4 clauses
        texts.append(f"{subject} {event}" + (f", and {extra}" if extra else "") + ".")
    return texts


_UNITS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "amx_bf16")  # what the backends' speed hangs on


@lru_cache(maxsize=2)
def _cpuinfo(field: str) -> str | None:
    """The first CPU's ``field`` in ``/proc/cpuinfo``; None where there is no such file or field."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(field)), None)


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``, else ``platform``)."""
    return _cpuinfo("model name") or platform.processor() or platform.machine()


def cpu_units() -> list[str] | None:
    """The CPU's vector and matrix extensions among ``_UNITS``; None where the flags cannot be read."""
    flags = _cpuinfo("flags")
    return None if flags is None else [unit for unit in _UNITS if unit in flags.split()]


def has_bf16_units() -> bool:
    """Whether the CPU computes bfloat16 natively (AMX or AVX512-BF16); without, autocast is far slower."""
    units = cpu_units()
    return units is None or "amx_bf16" in units or "avx512_bf16" in units  # cannot tell: let the timing decide


def machine() -> str:
    units = cpu_units()
    return f"{cpu_model()}, {os.cpu_count()} cores" + (f" ({', '.join(units)})" if units else "")


def auto_choice(model: str = DEFAULT_EMBEDDING_MODEL, candidates=CANDIDATES, n: int = AUTO_SAMPLE) -> dict:
    """Time each candidate on the fixed sample; the record of the fastest that agrees with torch."""
    started = time.perf_counter()
    texts = sample_texts(n)
    reference = None
    timings, agreement = {}, {}
    for backend in ("torch", *[c for c in candidates if c != "torch"]):
        if backend == "torch-bf16" and not has_bf16_units():  # minutes of timing for a certain loser
            timings[backend], agreement[backend] = None, None
            continue
        embedder = backend_embedder(model, backend)
        embedder.embed(texts[:8])  # load, export or distill outside the timing
        seconds = []
        for _ in range(2):  # the better of two passes: a busy machine slows one now and then
            start = time.perf_counter()
            vectors = embedder.embed(texts)
            seconds.append(time.perf_counter() - start)
        timings[backend] = round(n / min(seconds), 1)  # texts per second
        reference = vectors if reference is None else reference
        comparable = vectors.shape == reference.shape  # static has its own dimensions: no agreement to measure
        agreement[backend] = round(float((vectors * reference).sum(axis=1).mean()), 5) if comparable else None
    agreeing = [b for b in timings if timings[b] and agreement[b] is not None and agreement[b] >= AGREEMENT]
    chosen = max(agreeing, key=lambda b: timings[b])
    return {"model": model, "backend": chosen, "cosine": agreement[chosen], "cpu": machine(),
            "texts_per_second": timings, "cosine_with_torch": agreement, "sample": n, "agreement_needed": AGREEMENT,
            "candidates": list(candidates), "timing_seconds": round(time.perf_counter() - started, 1)}


def _still_valid(entry: dict | None, candidates) -> bool:
    """A record counts on the CPU it was made on, for the same candidates and tolerance."""
    return (entry is not None and entry.get("cpu") == machine() and entry.get("agreement_needed") == AGREEMENT
            and entry.get("candidates") == list(candidates) and "cosine" in entry)


def auto_entry(model: str = DEFAULT_EMBEDDING_MODEL, record: Path | None = None, candidates=CANDIDATES,
               n: int = AUTO_SAMPLE) -> dict:
    """This machine's record for ``model`` (backend, cosine, timings): read from ``record``, or timed once
    and written there."""
    if model.split("/")[-1] != DEFAULT_EMBEDDING_MODEL:  # only torch runs other models: nothing to time
        return {"model": model, "backend": "torch", "cosine": 1.0}
    record = auto_record() if record is None else record
    entries = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}
    entry = entries.get(model)
    if not _still_valid(entry, candidates):
        entry = auto_choice(model, candidates, n)
        entries[model] = entry
        write_atomically(record, json.dumps(entries, indent=2) + "\n")
    return entry


def resolve_backend(model: str = DEFAULT_EMBEDDING_MODEL, record: Path | None = None, candidates=CANDIDATES,
                    n: int = AUTO_SAMPLE) -> str:
    """The backend ``auto`` stands for on this machine: read from ``record``, or timed once and written there."""
    return auto_entry(model, record, candidates, n)["backend"]


def concrete_backend(model: str = DEFAULT_EMBEDDING_MODEL, backend: str = "auto") -> str:
    """``backend`` itself, or for ``auto`` the backend this machine's record names (timed once)."""
    return resolve_backend(model) if backend == "auto" else backend


def backend_params(model: str = DEFAULT_EMBEDDING_MODEL, backend: str = "auto",
                   prefix: str = "vectorize.embedding.") -> dict[str, str]:
    """What a run logs beside its config: the backend that really runs (``auto`` resolved), its mean cosine
    with torch on auto's sample where measured (torch: 1), and the CPU."""
    params = {f"{prefix}backend_resolved": concrete_backend(model, backend), f"{prefix}cpu": machine()}
    if backend == "auto":
        params[f"{prefix}backend_cosine"] = auto_entry(model)["cosine"]
    elif backend == "torch":
        params[f"{prefix}backend_cosine"] = 1.0
    return params
