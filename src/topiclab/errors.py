"""The one exception type users see: its message is the one-line error."""

__all__ = ["TopiclabError"]


class TopiclabError(Exception):
    """Bad input or configuration, explained in one line."""
