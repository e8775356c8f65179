"""The one map from failures to answers: a status, a code and a message naming the problem.

Routes answer `{"error": code, "detail": message}`; `/graphql` answers in GraphQL's own
shape, `{"errors": [{"message": ..., "extensions": {"code": ...}}]}`, so GraphQL clients
show the reason. Texts from the engine or the store's connection never reach a client:
the answer says what happened and quotes the request id; the detail goes to the log.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from graphql import GraphQLError
from starlette.requests import HTTPConnection
from strawberry.extensions import MaskErrors
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from service.api.guard import DocumentTooLarge
from service.api.observability import current_request_id
from service.services.access import NotAllowed, NotAuthenticated
from service.services.errors import ExpectedFailure, InvalidArgument, NotFound
from service.store.port import (
    QueryFailed,
    QueryParameterError,
    QueryTimedOut,
    StoreFilesLost,
    StoreUnavailable,
    WriteRefused,
)

log = logging.getLogger("kflow.errors")
GRAPHQL_PATH = "/graphql"
# The analyst's own statement: the engine's message is about the analyst's text (a syntax
# error and where it is), and it is the only way to fix the statement.
ANALYST_STATEMENT = "cypher"

# Checked in order: the first class an error is an instance of decides its status.
STATUS_OF: list[tuple[type[Exception], int, str]] = [
    (NotAuthenticated, 401, "unauthenticated"),
    (NotAllowed, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (DocumentTooLarge, 413, "document_too_large"),
    (InvalidArgument, 400, "invalid_argument"),
    (ExpectedFailure, 400, "bad_request"),
    (WriteRefused, 403, "write_refused"),
    (QueryTimedOut, 408, "timeout"),
    (QueryParameterError, 400, "invalid_parameter"),
    (QueryFailed, 400, "query_failed"),
    (StoreUnavailable, 503, "store_unavailable"),
]


def status_of(error: BaseException) -> tuple[int, str] | None:
    """The status and code an error is answered with (None: not an expected failure)."""
    return next(((s, c) for kind, s, c in STATUS_OF if isinstance(error, kind)), None)


def public_message(error: BaseException) -> str:
    """What a client is told: the message, unless it holds the engine's or the store's text."""
    request = f"quote request id {current_request_id() or '-'} when reporting it"
    if isinstance(error, StoreFilesLost):
        return f"{error}; {request}"
    if isinstance(error, StoreUnavailable):
        log.error("the store did not answer: %s", error)
        return f"the graph engine does not answer; {request}"
    if isinstance(error, QueryFailed) and error.query != ANALYST_STATEMENT:
        log.error("a statement failed: %s", error)
        return f"the graph engine could not run the request; {request}"
    if isinstance(error, QueryFailed):
        return error.engine_message
    return str(error)


def is_graphql(connection: HTTPConnection | None, path: str | None = None) -> bool:
    """Whether the answer goes to the GraphQL endpoint (and so takes GraphQL's shape)."""
    where = path if path is not None else connection.url.path if connection else ""
    return where.rstrip("/") == GRAPHQL_PATH


def error_body(code: str, message: str, *, graphql: bool, **extra: Any) -> dict[str, Any]:
    """An error answer's body: GraphQL's shape for /graphql, else {"error", "detail"}."""
    if graphql:
        return {"errors": [{"message": message, "extensions": {"code": code.upper(), **extra}}]}
    return {"error": code, "detail": message, **extra}


def add_error_handlers(app: FastAPI) -> None:
    """Answer each expected failure with its status and a JSON body naming the problem."""

    async def answer(request: Request, error: Exception) -> JSONResponse:
        found = status_of(error)
        assert found is not None
        status, code = found
        extra: dict[str, Any] = {}
        if isinstance(error, InvalidArgument):
            extra["argument"] = error.argument
        if isinstance(error, NotFound) and error.suggestions:
            extra["suggestions"] = error.suggestions
        body = error_body(code, public_message(error), graphql=is_graphql(request), **extra)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(status_code=status, content=body, headers=headers)

    async def invalid_request(_: Request, error: Exception) -> JSONResponse:
        # The same shape as every other refusal, naming the first bad argument.
        assert isinstance(error, RequestValidationError)
        problem = error.errors()[0]
        where = [str(part) for part in problem["loc"] if part not in ("query", "path", "body")]
        argument = where[-1] if where else "request"
        shown = repr(problem.get("input"))
        given = f", not {shown[:80]}" if where and problem["type"] != "missing" else ""
        message = str(problem["msg"]).removeprefix("Value error, ")
        detail = f"{argument}: {message[:1].lower()}{message[1:]}{given}"
        body = error_body("invalid_argument", detail, graphql=False, argument=argument)
        return JSONResponse(status_code=400, content=body)

    for kind, _, _ in STATUS_OF:
        app.add_exception_handler(kind, answer)
    app.add_exception_handler(RequestValidationError, invalid_request)


# Strawberry refuses an operation of the wrong type only where it runs subscriptions alone:
# the legacy graphql-ws subprotocol (HTTP refuses a GET mutation before the schema).
LEGACY_SOCKET_CODE = {"code": "OPERATION_NOT_SUPPORTED"}


def legacy_socket_refusal(error: InvalidOperationTypeError) -> str:
    """Why a query or mutation sent over the legacy graphql-ws subprotocol did not run."""
    kind = "a mutation" if error.operation_type is OperationType.MUTATION else "a query"
    return (
        f"{kind} cannot run over the legacy graphql-ws subprotocol, which kflow uses for "
        "subscriptions only: connect with graphql-transport-ws for queries and mutations"
    )


class PublicErrors(MaskErrors):
    """GraphQL's errors as a client may see them: unexpected ones masked, and the store's
    text replaced by `public_message` (the code stays, so clients know to retry)."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return super()._process_errors([self._public(error) for error in errors])

    @staticmethod
    def _public(error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, InvalidOperationTypeError):
            return GraphQLError(
                legacy_socket_refusal(original), nodes=error.nodes, extensions=LEGACY_SOCKET_CODE
            )
        if not isinstance(original, StoreUnavailable):
            return error
        return GraphQLError(
            public_message(original),
            nodes=error.nodes,
            path=error.path,
            original_error=original,
            extensions=original.extensions,
        )
