"""Failures answered over HTTP and GraphQL, by the one map in `service.failures`.

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
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from service.api.observability import current_request_id
from service.failures import ANSWERS, answer_of, details_of
from service.store.port import StoreFilesLost, StoreUnavailable

log = logging.getLogger("kflow.errors")
GRAPHQL_PATH = "/graphql"
JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def public_message(error: BaseException) -> str:
    """What a client is told: the message, unless the map says it holds the engine's or the
    store's text (then a sentence and the request id; the text goes to the log)."""
    request = f"quote request id {current_request_id() or '-'} when reporting it"
    if isinstance(error, StoreFilesLost):
        return f"{error}; {request}"
    answer = answer_of(error)
    if answer is None or answer.shown:
        return str(error)
    if isinstance(error, StoreUnavailable):
        log.error("the store did not answer: %s", error)
        return f"the graph engine does not answer; {request}"
    log.error("the engine failed: %s", error)
    return f"the graph engine could not run the request; {request}"


def is_graphql(connection: HTTPConnection | None, path: str | None = None) -> bool:
    """Whether the answer goes to the GraphQL endpoint (and so takes GraphQL's shape)."""
    where = path if path is not None else connection.url.path if connection else ""
    return where.rstrip("/") == GRAPHQL_PATH


def error_body(code: str, message: str, *, graphql: bool, **extra: Any) -> dict[str, Any]:
    """An error answer's body: GraphQL's shape for /graphql, else {"error", "detail"}."""
    if graphql:
        return {"errors": [{"message": message, "extensions": {"code": code.upper(), **extra}}]}
    return {"error": code, "detail": message, **extra}


def wants_graphql_response(accept: str) -> bool:
    """Whether the Accept header prefers application/graphql-response+json to JSON."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        media, params = parse_content_type(item.strip() or "*/*")
        try:
            quality = float(params.get("q", "1"))
        except ValueError:
            quality = 0.0
        ranked.append((-quality, position, media.lower()))
    for _, _, media in sorted(ranked):
        if media in (GRAPHQL_RESPONSE, JSON):
            return media == GRAPHQL_RESPONSE
    return False


def refusal_media_type(path: str, accept: str) -> str:
    """A refusal's media type: GraphQL-over-HTTP's own on /graphql when the client prefers it
    (Apollo Client 4 then shows the errors, not only the status), else JSON."""
    return GRAPHQL_RESPONSE if is_graphql(None, path) and wants_graphql_response(accept) else JSON


def add_error_handlers(app: FastAPI) -> None:
    """Answer each expected failure with its status and a JSON body naming the problem."""

    async def answer(request: Request, error: Exception) -> JSONResponse:
        found = answer_of(error)
        assert found is not None
        body = error_body(
            found.code, public_message(error), graphql=is_graphql(request), **details_of(error)
        )
        headers = {"WWW-Authenticate": "Bearer"} if found.status == 401 else None
        media = refusal_media_type(request.url.path, request.headers.get("accept", ""))
        return JSONResponse(
            status_code=found.status, content=body, headers=headers, media_type=media
        )

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

    for kind, _ in ANSWERS:
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
    """GraphQL's errors as a client may see them: expected ones published (see `publish`),
    unexpected ones masked."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            publish(error)
        return super()._process_errors(errors)


def publish(error: GraphQLError) -> None:
    """Give an expected failure's GraphQL error the map's code and the failure's details, and
    the public message in place of the store's text (in place: strawberry answers with the
    errors it holds, whichever step raised them)."""
    original = error.original_error
    if isinstance(original, InvalidOperationTypeError):
        error.message = legacy_socket_refusal(original)
        error.extensions = {**(error.extensions or {}), **LEGACY_SOCKET_CODE}
        return
    found = answer_of(original) if original is not None else None
    if original is None or found is None or found.graphql is None:
        return
    error.message = public_message(original)
    error.extensions = {**(error.extensions or {}), "code": found.graphql, **details_of(original)}


def is_unexpected(error: GraphQLError) -> bool:
    """Mask everything but the errors a client can act on (and log what is masked)."""
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, InvalidOperationTypeError)):
        return False
    found = answer_of(original)
    if found is not None and found.graphql is not None:
        return False
    log.error("unexpected error in %s", error.path, exc_info=original)
    return True
