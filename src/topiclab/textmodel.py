"""The pyfunc loader module that logged topic classifiers name (``loader_module="topiclab.textmodel"``).

Models logged before the package was split by stage name this module, and new
ones do too, so its path stays stable; the code lives in ``topiclab.classify``.
"""

from .classify._textmodel import *  # noqa: F401,F403
from .classify._textmodel import __all__, _load_pyfunc  # noqa: F401
