"""Failures a caller can expect and act on; every edge turns them into its own typed answer."""

from collections.abc import Sequence
from dataclasses import dataclass


class ExpectedFailure(Exception):
    """A request that cannot be served as asked; the message says why."""

    code = "BAD_REQUEST"

    @property
    def extensions(self) -> dict[str, object]:
        """What an API error carries besides its message (GraphQL copies it over)."""
        return {"code": self.code}


class NotFound(ExpectedFailure):
    """No node of that kind has that id."""

    code = "NOT_FOUND"

    def __init__(self, kind: str, node_id: str, *, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.node_id = node_id
        self.suggestions = list(suggestions)
        *first, last = self.suggestions or [""]
        named = f"{', '.join(first)} or {last}" if first else last
        hint = f"; did you mean {named}?" if self.suggestions else ""
        super().__init__(f"no {kind} with id '{node_id}'{hint}")

    @property
    def extensions(self) -> dict[str, object]:
        """The code, and the nearest ids when the id looks misspelt."""
        return (
            {"code": self.code, "suggestions": self.suggestions}
            if self.suggestions
            else {"code": self.code}
        )


class InvalidArgument(ExpectedFailure):
    """An argument is outside what the operation accepts."""

    code = "INVALID_ARGUMENT"

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")

    @property
    def extensions(self) -> dict[str, object]:
        """The code and the argument at fault."""
        return {"code": self.code, "argument": self.argument}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class RecordRejected(ExpectedFailure):
    """A record that breaks the model's rules; nothing was written."""

    code = "REJECTED"

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
