"""The exception types users see: a ``TopiclabError``'s message is the one-line error."""

__all__ = ["TopiclabError", "Terminated"]


class TopiclabError(Exception):
    """Bad input or configuration, explained in one line."""


class Terminated(BaseException):
    """The process was told to stop (SIGTERM): a BaseException, like KeyboardInterrupt, so no
    ``except Exception`` swallows it; the CLI exits 128 + ``signum``."""

    def __init__(self, signum: int, name: str):
        super().__init__(f"terminated by {name}")
        self.signum, self.name = signum, name

    def __reduce__(self):  # a sweep worker's stop reaches the parent pickled
        return type(self), (self.signum, self.name)
