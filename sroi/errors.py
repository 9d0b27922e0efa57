"""Errors raised at the boundary, where a scheme file or user value enters sroi.

A :class:`ScenarioError` always knows three things: which file, which field (as a
path such as ``outcomes[3].attribution``) and what would have been allowed. Its
``str`` is a single line suitable for a terminal; the command line prints exactly
that line and exits with status 2.
"""

from __future__ import annotations

__all__ = ["ScenarioError", "ScenarioErrors", "PriceYearError"]


class ScenarioError(ValueError):
    """A scheme (or a value destined for one) is malformed.

    Parameters
    ----------
    file:
        The file the problem is in, or ``"<scheme>"`` for a scheme built in Python.
    field:
        Dotted path to the offending field, e.g. ``outcomes[3].attribution``.
        Empty for problems with the file as a whole.
    message:
        What is wrong and what is allowed, in one sentence.
    """

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = str(file)
        self.field = field
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"

    def __reduce__(self):  # keep pickling (e.g. multiprocessing) working
        return (type(self), (self.file, self.field, self.message))


class ScenarioErrors(ScenarioError):
    """Several independent problems found in one pass over a file, in file order. Its
    ``str`` is one line per problem, each naming the file and the field; ``file``,
    ``field`` and ``message`` are the first problem's, and ``errors`` holds them all."""

    def __init__(self, errors) -> None:
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(first.file, first.field, first.message)

    def __str__(self) -> str:
        return "\n".join(ScenarioError.__str__(e) for e in self.errors)

    def __reduce__(self):
        return (type(self), (self.errors,))


class PriceYearError(ValueError):
    """A price year is not covered by the deflator series (or is malformed)."""
