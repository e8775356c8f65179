"""Failures a caller can expect and act on; every edge turns them into its own typed answer."""

from collections.abc import Sequence
from dataclasses import dataclass


class ExpectedFailure(Exception):
    """A request that cannot be served as asked; the message says why."""


class TooLarge(ExpectedFailure):
    """A request over a size limit; it was refused before it was read."""


class RateLimited(ExpectedFailure):
    """A caller over its request budget for the minute; it was refused before it was read."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(ExpectedFailure):
    """No node of that kind has that id."""

    def __init__(self, kind: str, node_id: str, *, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.node_id = node_id
        self.suggestions = list(suggestions)
        *first, last = self.suggestions or [""]
        named = f"{', '.join(first)} or {last}" if first else last
        hint = f"; did you mean {named}?" if self.suggestions else ""
        super().__init__(f"no {kind} with id '{node_id}'{hint}")


class InvalidArgument(ExpectedFailure):
    """An argument is outside what the operation accepts."""

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class RecordRejected(ExpectedFailure):
    """A record that breaks the model's rules; nothing was written."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
