"""The one map from failures to answers, for every surface: the HTTP status and code a route
answers, the code a GraphQL error carries, and the CLI's exit code.

A failure is blamed on whoever can fix it. A client's own mistake (a bad argument, an
unknown id, an analyst's statement the engine refuses) is a 4xx that names the problem; a
failure of the engine running kflow's own statements, or of the store's connection, is a
5xx whose text stays in the log, since it tells the client nothing it can act on.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from service.model.files import CaseFileInvalid
from service.services.access import NotAllowed, NotAuthenticated
from service.services.errors import (
    ExpectedFailure,
    InvalidArgument,
    NotFound,
    RateLimited,
    RecordRejected,
    TooLarge,
)
from service.store.port import (
    ParameterValueError,
    QueryFailed,
    QueryParameterError,
    QueryTimedOut,
    StatementRejected,
    StoreError,
    StoreFilesLost,
    StoreUnavailable,
    WriteRefused,
)

# The CLI's exit codes: 2 is a usage or settings error (typer's own), and these.
EXIT_FAILED = 1  # the request could not be served as asked; the message says why
EXIT_ENGINE = 3  # the engine failed on kflow's own statement: not the input's fault


@dataclass(frozen=True)
class Answer:
    """How each surface answers one kind of failure.

    `graphql` is the code a GraphQL error carries (None: GraphQL masks the error as
    unexpected); `shown` says whether the message may reach a client as it is (False: the
    client reads a generic sentence and the request id, the log the message);
    `fails_graphql_response` gives a GraphQL response carrying the error the HTTP `status`
    (a GraphQL error is otherwise in the body of a 200).
    """

    status: int
    code: str
    graphql: str | None
    exit_code: int = EXIT_FAILED
    shown: bool = True
    fails_graphql_response: bool = False


# Checked in order: the first class an error is an instance of decides its answer.
ANSWERS: list[tuple[type[Exception], Answer]] = [
    (NotAuthenticated, Answer(401, "unauthenticated", "UNAUTHENTICATED")),
    (NotAllowed, Answer(403, "forbidden", "FORBIDDEN")),
    (NotFound, Answer(404, "not_found", "NOT_FOUND")),
    (TooLarge, Answer(413, "document_too_large", "DOCUMENT_TOO_LARGE")),
    (RateLimited, Answer(429, "rate_limited", "RATE_LIMITED")),
    (InvalidArgument, Answer(400, "invalid_argument", "INVALID_ARGUMENT")),
    (RecordRejected, Answer(400, "bad_request", "REJECTED")),
    (ExpectedFailure, Answer(400, "bad_request", "BAD_REQUEST")),
    (CaseFileInvalid, Answer(400, "invalid_case_file", "REJECTED")),
    (WriteRefused, Answer(403, "write_refused", None)),
    (QueryTimedOut, Answer(408, "timeout", "TIMEOUT")),
    (ParameterValueError, Answer(400, "invalid_parameter", "INVALID_ARGUMENT")),
    (QueryParameterError, Answer(400, "invalid_parameter", None)),
    (StatementRejected, Answer(400, "query_failed", None)),
    (QueryFailed, Answer(500, "engine_failed", None, EXIT_ENGINE, shown=False)),
    (
        StoreFilesLost,
        Answer(503, "store_unavailable", "STORE_UNAVAILABLE", fails_graphql_response=True),
    ),
    (
        StoreUnavailable,
        Answer(
            503, "store_unavailable", "STORE_UNAVAILABLE", shown=False, fails_graphql_response=True
        ),
    ),
    (StoreError, Answer(500, "engine_failed", None, EXIT_ENGINE, shown=False)),
]


def graphql_status_of(errors: Iterable[BaseException | None]) -> int | None:
    """The HTTP status of a GraphQL answer with these errors, where one of them fails the
    whole answer (the store did not answer); None: the errors are in the body of a 200."""
    answers = (answer_of(error) for error in errors if error is not None)
    return max(
        (answer.status for answer in answers if answer and answer.fails_graphql_response),
        default=None,
    )


def answer_of(error: BaseException) -> Answer | None:
    """How `error` is answered (None: not a failure kflow expects; a bug)."""
    return next((answer for kind, answer in ANSWERS if isinstance(error, kind)), None)


def details_of(error: BaseException) -> dict[str, object]:
    """What an answer carries besides its code and message: the argument at fault, the
    nearest ids to one misspelt."""
    if isinstance(error, InvalidArgument):
        return {"argument": error.argument}
    if isinstance(error, RateLimited):
        return {"retryAfter": error.retry_after}
    if isinstance(error, NotFound) and error.suggestions:
        return {"suggestions": error.suggestions}
    return {}


def exit_code_of(error: BaseException) -> int:
    """The CLI's exit code for a failure."""
    answer = answer_of(error)
    return answer.exit_code if answer else EXIT_ENGINE
