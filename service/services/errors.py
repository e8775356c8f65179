"""Failures a caller can expect and act on; every edge turns them into its own typed answer."""

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

    def __init__(self, kind: str, node_id: str) -> None:
        self.kind = kind
        self.node_id = node_id
        super().__init__(f"no {kind} with id '{node_id}'")


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
