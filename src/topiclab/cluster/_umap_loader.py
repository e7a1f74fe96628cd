"""UMAP, its numba functions compiled once per machine instead of once per process.

umap-learn compiles most of its numba functions afresh in every process (they
are not declared ``cache=True``): about 15 s of a 1,000-document layout on a
2-core machine, against 2 s once compiled. ``umap_class`` turns numba's on-disk
cache on for them (``Dispatcher.enable_caching``, what ``cache=True`` does),
kept in ``NUMBA_CACHE_DIR`` (``data/interim/numba``, set by ``topiclab.paths``).
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["umap_class"]

_MODULES = ("umap.umap_", "umap.layouts", "umap.distances", "umap.sparse", "umap.spectral", "umap.utils")


@lru_cache(maxsize=1)
def umap_class():
    """``umap.UMAP``, with its modules' numba functions cached across processes."""
    import importlib

    from numba.core.registry import CPUDispatcher
    from umap import UMAP

    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # a module another umap-learn version lacks: nothing to cache there
            continue
        for function in vars(module).values():
            if isinstance(function, CPUDispatcher) and function.__module__ == name:
                try:
                    function.enable_caching()
                except Exception:  # a function numba cannot cache (e.g. a closure) compiles per process
                    pass
    return UMAP
