"""How the HTTP routes answer expected failures: a 4xx naming the problem, never a 500."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from service.services.access import NotAllowed, NotAuthenticated
from service.services.errors import ExpectedFailure, InvalidArgument, NotFound
from service.store.port import (
    QueryFailed,
    QueryParameterError,
    QueryTimedOut,
    StoreUnavailable,
    WriteRefused,
)

# Checked in order: the first class an error is an instance of decides its status.
STATUS_OF: list[tuple[type[Exception], int, str]] = [
    (NotAuthenticated, 401, "unauthenticated"),
    (NotAllowed, 403, "forbidden"),
    (NotFound, 404, "not_found"),
    (InvalidArgument, 400, "invalid_argument"),
    (ExpectedFailure, 400, "bad_request"),
    (WriteRefused, 403, "write_refused"),
    (QueryTimedOut, 408, "timeout"),
    (QueryParameterError, 400, "invalid_parameter"),
    (QueryFailed, 400, "query_failed"),
    (StoreUnavailable, 503, "store_unavailable"),
]


def add_error_handlers(app: FastAPI) -> None:
    """Answer each expected failure with its status and a JSON body naming the problem."""

    async def answer(_: Request, error: Exception) -> JSONResponse:
        status, code = next((s, c) for kind, s, c in STATUS_OF if isinstance(error, kind))
        body: dict[str, object] = {"error": code, "detail": str(error)}
        if isinstance(error, InvalidArgument):
            body["argument"] = error.argument
        if isinstance(error, NotFound) and error.suggestions:
            body["suggestions"] = error.suggestions
        if isinstance(error, QueryFailed):
            body["detail"] = error.engine_message
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
        body = {"error": "invalid_argument", "detail": detail, "argument": argument}
        return JSONResponse(status_code=400, content=body)

    for kind, _, _ in STATUS_OF:
        app.add_exception_handler(kind, answer)
    app.add_exception_handler(RequestValidationError, invalid_request)
