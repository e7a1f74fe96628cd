"""``python -m topiclab.cli``: the same as the ``topiclab`` command."""

from . import entrypoint

entrypoint()
