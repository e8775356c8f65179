"""Observability: a request id on every request, one structured log line each, and metrics.

- `RequestObservability` is a pure ASGI middleware (so WebSocket messages stream through
  it). It gives each HTTP request an id (a sane incoming `X-Request-ID`, or a new
  one), returns it in the `X-Request-ID` response header, keeps it in a context variable
  while the request runs, so every log line written meanwhile carries it, and logs one line
  per request: method, path (never the query string), status, duration and, for GraphQL,
  the operation name. A WebSocket gets an id for its whole life and one line when it
  closes, with the close code. It never reads bodies or any header but `X-Request-ID`.
- `configure_logging` puts one handler on the root logger, JSON (one object a line) or text
  as KFLOW_LOG_FORMAT says, at KFLOW_LOG_LEVEL.
- `Metrics` holds the Prometheus metrics in a registry of the application's own (so several
  applications can live in one process), served at GET /metrics.
- `InstrumentedStore` wraps the store the application opens and times every call.
- `ObservedGraphQLRouter` notes the GraphQL operation name and counts GraphQL errors by kind.
"""

import asyncio
import contextvars
import inspect
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO, TypeVar

from fastapi import Depends, FastAPI
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from service.api.asgi import send_json
from service.api.deps import require_role
from service.api.graphiql import render_graphiql_page
from service.services.access import Role
from service.settings import Settings
from service.store.decorator import StoreDecorator
from service.store.port import GraphStore, StoreError, StoreUnavailable

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_FIRST_OPERATION = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,63})"
)
# The message strawberry's MaskErrors puts in place of an unexpected error.
MASKED_MESSAGE = "Unexpected error."
UNMATCHED_ROUTE = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
STORE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STORE_PING_TIMEOUT_S = 2.0
T = TypeVar("T")

access_log = logging.getLogger("kflow.access")


# --- the request in flight -------------------------------------------------------------


@dataclass
class RequestContext:
    """What the middleware and the layers under it know about the request being served."""

    request_id: str
    operation: str | None = None
    errors: list[str] = field(default_factory=list)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "kflow_request", default=None
)


def current_request() -> RequestContext | None:
    """The request this code runs for, or None outside a request."""
    return _current.get()


def current_request_id() -> str | None:
    """The id of the request this code runs for, or None outside a request."""
    request = _current.get()
    return request.request_id if request else None


def accepted_request_id(value: str | None) -> str | None:
    """An incoming X-Request-ID when it is a sane token (<= 64 of [A-Za-z0-9._-])."""
    return value if value is not None and _REQUEST_ID.fullmatch(value) else None


def new_request_id() -> str:
    """A fresh request id: 32 hex digits."""
    return uuid.uuid4().hex


# --- logging ---------------------------------------------------------------------------

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_FIELDS = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
}
_SECRET_FIELD = re.compile(r"authorization|api_?key|password|secret|token|cookie", re.I)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was written for (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = current_request_id()
        return True


_QUERY_STRING = re.compile(r"(/[^\s\"?]*)\?[^\s\"]*")


class QueryStringFilter(logging.Filter):
    """Cuts query strings out of the server's own lines (uvicorn quotes WebSocket paths
    whole, and a client may put a key in one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("uvicorn"):
            record.msg = _QUERY_STRING.sub(r"\1?[redacted]", record.getMessage())
            record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: timestamp, level, logger, message, request_id, pid, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            # Which API process wrote the line, when `kflow serve --workers` runs several.
            "pid": record.process,
        }
        for key, value in record.__dict__.items():
            if key in _RECORD_FIELDS or key.startswith("_") or key in line:
                continue
            line[key] = "[redacted]" if _SECRET_FIELD.search(key) else value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """A line for people: time, level, logger, [request id] and message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        return super().format(record)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is when a line is written (it may be replaced)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure_logging(settings: Settings) -> Callable[[], None]:
    """Send every log line to stderr in the configured format; returns an undo function.

    Idempotent: a handler an earlier call installed is replaced, never doubled, and put
    back by the undo (so `kflow serve`'s own handler outlives the application's).
    """
    root = logging.getLogger()
    replaced = [h for h in root.handlers if isinstance(h, _StderrHandler)]
    for handler in replaced:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(QueryStringFilter())
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())

    def undo() -> None:
        root.removeHandler(handler)
        for earlier in replaced:
            root.addHandler(earlier)
        root.setLevel(previous_level)

    return undo


# --- metrics ---------------------------------------------------------------------------


class Metrics:
    """The application's Prometheus metrics, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "kflow_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.request_duration = Histogram(
            "kflow_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.requests_in_progress = Gauge(
            "kflow_requests_in_progress", "HTTP requests being answered.", registry=registry
        )
        self.store_calls = Counter(
            "kflow_store_calls",
            "Calls to the graph store, by backend, mode and outcome (ok or the error class).",
            ["backend", "mode", "outcome"],
            registry=registry,
        )
        self.store_call_duration = Histogram(
            "kflow_store_call_duration_seconds",
            "Time one store call took, by backend and mode.",
            ["backend", "mode"],
            buckets=STORE_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "kflow_errors",
            "Failed requests and GraphQL errors by kind: the expected failure's class, "
            "http_<status>, GraphQLError (a document the schema refuses) or unexpected.",
            ["kind"],
            registry=registry,
        )
        self.store_up = Gauge(
            "kflow_store_up", "1 when the store answered its last call, else 0.", registry=registry
        )
        self.store_info = Gauge(
            "kflow_store_info",
            "The store's backend and engine version (the value is always 1).",
            ["backend", "engine_version"],
            registry=registry,
        )
        process_collector.ProcessCollector(registry=registry)
        platform_collector.PlatformCollector(registry=registry)
        gc_collector.GCCollector(registry=registry)

    def error(self, kind: str) -> None:
        """Count one error of this kind, and note it on the request in flight."""
        self.errors.labels(kind=kind).inc()
        request = current_request()
        if request is not None:
            request.errors.append(kind)

    def render(self) -> bytes:
        """The metrics in Prometheus' text exposition format."""
        return generate_latest(self.registry)


def error_kind(error: BaseException) -> str:
    """The kind an error is counted under: its class, or http_<status> for HTTP errors."""
    if isinstance(error, HTTPException):
        return f"http_{error.status_code}"
    return type(error).__name__


def metrics_of(app: FastAPI) -> Metrics:
    """The metrics `install_observability` gave this application."""
    metrics: Metrics = app.state.metrics
    return metrics


# --- the store, timed ------------------------------------------------------------------


class InstrumentedStore(StoreDecorator):
    """The store port around the real store: counts and times each call, by mode and outcome."""

    def __init__(self, store: GraphStore, metrics: Metrics) -> None:
        super().__init__(store)
        self._metrics = metrics

    async def around(self, mode: str, call: Awaitable[T]) -> T:
        """Await the call, counting it by mode and outcome and timing it."""
        start = time.perf_counter()
        outcome = "ok"
        try:
            result = await call
        except StoreUnavailable as error:
            outcome = type(error).__name__
            self._metrics.store_up.set(0)
            raise
        except StoreError as error:
            outcome = type(error).__name__
            self._metrics.store_up.set(1)  # the engine answered, with a refusal
            raise
        except Exception:
            outcome = "error"
            raise
        else:
            self._metrics.store_up.set(1)
            return result
        finally:
            self._metrics.store_calls.labels(self.backend, mode, outcome).inc()
            self._metrics.store_call_duration.labels(self.backend, mode).observe(
                time.perf_counter() - start
            )


def observe_store(app: FastAPI) -> Callable[[GraphStore], GraphStore]:
    """What wraps the store the application serves from: each call counted and timed."""
    return lambda store: InstrumentedStore(store, metrics_of(app))


async def note_store_info(store: GraphStore, app: FastAPI) -> None:
    """Set the store-info gauge to the store's backend and engine version."""
    try:
        info = await store.info()
    except Exception:  # the info gauge is a nicety; a store that cannot say is still served
        logging.getLogger("kflow.observability").warning("the store did not give its info")
    else:
        metrics_of(app).store_info.labels(info.backend, info.engine_version).set(1)


# --- GraphQL ---------------------------------------------------------------------------


def graphql_operation_name(data: GraphQLRequestData) -> str | None:
    """The operation's name: the one the client gave, else the document's first, if named."""
    given = data.operation_name
    if isinstance(given, str):
        return given if _GRAPHQL_NAME.fullmatch(given) else None
    if isinstance(data.query, str):
        found = _FIRST_OPERATION.match(data.query[:4096])
        return found.group(1) if found else None
    return None


class ObservedGraphQLRouter(GraphQLRouter[Any, Any]):
    """The GraphQL router, noting the operation name and counting GraphQL errors by kind."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return render_graphiql_page()

    async def parse_http_body(
        self,
        request: Any,  # strawberry's request adapter (a cross_web AsyncHTTPRequestAdapter)
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        data = await super().parse_http_body(request)
        current = current_request()
        if current is not None:
            current.operation = (
                "(batch)" if isinstance(data, list) else graphql_operation_name(data)
            )
        return data

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        metrics: Metrics | None = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            for error in result.errors or ():
                original = error.original_error
                if original is not None:
                    metrics.error(error_kind(original))
                elif error.message == MASKED_MESSAGE:
                    metrics.error("unexpected")
                else:
                    metrics.error("GraphQLError")
        return await super().process_result(request, result)


# --- the middleware --------------------------------------------------------------------


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _printable(text: str, limit: int = 512) -> str:
    """Text safe for one log line: control characters escaped, length capped."""
    cut = text[:limit]
    if cut.isprintable():
        return cut
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in cut)


def route_template(scope: Scope) -> str:
    """The matched route's template (e.g. /queries/{name}), so metric labels stay bounded.

    Recent FastAPI routes an included router's request to the router's own route object,
    whose path lacks the include prefix (the GraphQL route's is ''); the full template is
    then on FastAPI's per-request routing context. Older FastAPI copies the route, prefix
    and all, into scope["route"]. Either way the label is a template, never the raw path.
    """
    fastapi_scope = scope.get("fastapi")
    if isinstance(fastapi_scope, Mapping):
        effective = fastapi_scope.get("effective_route_context")
        path = getattr(effective, "path_format", None)
        if isinstance(path, str) and path:
            return path
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


class RequestObservability:
    """Request id, one log line and the request metrics for every HTTP request."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or ()
        request_id = accepted_request_id(_header(headers, b"x-request-id")) or new_request_id()
        request = RequestContext(request_id)
        token = _current.set(request)
        raw_id = request_id.encode("ascii")
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                message = dict(message)
                message["headers"] = [
                    (key, value)
                    for key, value in message.get("headers", ())
                    if key.lower() != b"x-request-id"
                ] + [(b"x-request-id", raw_id)]
            await send(message)

        method = scope.get("method", "GET")
        start = time.perf_counter()
        failure: BaseException | None = None
        self.metrics.requests_in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            failure = error
            status = 500
            self.metrics.error("unexpected")
            if started:
                raise  # too late to answer: let the server close the connection
            await _answer_unexpected(send_with_id, request_id)
        finally:
            elapsed = time.perf_counter() - start
            self.metrics.requests_in_progress.dec()
            route = route_template(scope)
            method_label = method if method in METHODS else "other"
            self.metrics.requests.labels(method_label, route, str(status)).inc()
            self.metrics.request_duration.labels(method_label, route).observe(elapsed)
            _log_request(request, scope, method, route, status, elapsed, failure)
            _current.reset(token)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket: an id for its whole life (its audit lines carry it) and one line
        when it ends, with the close code."""
        headers = scope.get("headers") or ()
        request = RequestContext(
            accepted_request_id(_header(headers, b"x-request-id")) or new_request_id()
        )
        token = _current.set(request)
        close_code = 1006  # closed without a close frame, until one is seen

        async def send_noting(message: Message) -> None:
            nonlocal close_code
            if message["type"] == "websocket.close":
                close_code = int(message.get("code", 1000))
            await send(message)

        async def receive_noting() -> Message:
            nonlocal close_code
            message = await receive()
            if message["type"] == "websocket.disconnect":
                close_code = int(message.get("code", 1000))
            return message

        start = time.perf_counter()
        failure: BaseException | None = None
        try:
            await self.app(scope, receive_noting, send_noting)
        except Exception as error:
            failure = error
            raise
        finally:
            elapsed = time.perf_counter() - start
            _log_request(
                request, scope, "WEBSOCKET", route_template(scope), close_code, elapsed, failure
            )
            _current.reset(token)


async def _answer_unexpected(send: Send, request_id: str) -> None:
    body = json.dumps(
        {
            "error": "internal",
            "detail": f"unexpected error; quote request id {request_id} when reporting it",
        }
    ).encode()
    await send_json(send, 500, body)


def _log_request(
    request: RequestContext,
    scope: Scope,
    method: str,
    route: str,
    status: int,
    elapsed: float,
    failure: BaseException | None,
) -> None:
    path = _printable(str(scope.get("path", "")))
    duration_ms = round(elapsed * 1000, 2)
    fields: dict[str, Any] = {
        "request_id": request.request_id,
        "method": _printable(method, 16),
        "path": path,
        "route": route,
        "status": status,
        "duration_ms": duration_ms,
    }
    if request.operation is not None:
        fields["operation"] = request.operation
    if request.errors:
        fields["errors"] = request.errors
    level = logging.ERROR if 500 <= status < 1000 or failure is not None else logging.INFO
    exc_info = (type(failure), failure, failure.__traceback__) if failure is not None else None
    operation = f" ({request.operation})" if request.operation else ""
    access_log.log(
        level,
        "%s %s%s -> %d in %.1f ms",
        fields["method"],
        path,
        operation,
        status,
        duration_ms,
        extra=fields,
        exc_info=exc_info,
    )


# --- wiring ----------------------------------------------------------------------------


def _counting(handler: Callable[..., Any], metrics: Metrics) -> Callable[..., Awaitable[Any]]:
    async def counted(connection: HTTPConnection, error: Exception) -> Any:
        metrics.error(error_kind(error))
        answer = handler(connection, error)
        return await answer if inspect.isawaitable(answer) else answer

    return counted


def install_observability(app: FastAPI) -> None:
    """Metrics at /metrics, errors counted by kind, and the request middleware.

    Call it last in create_app: the middleware then wraps every other one (so a 413 or a
    CORS answer is logged and counted too), and every error handler registered before it
    counts the errors it answers.
    """
    metrics = Metrics()
    app.state.metrics = metrics

    @app.get(
        "/metrics",
        include_in_schema=False,
        dependencies=[Depends(require_role(Role.READER, what="the metrics"))],
    )
    async def prometheus_metrics() -> Response:
        """Prometheus metrics, in the text exposition format."""
        store: GraphStore | None = getattr(app.state, "bare_store", None)
        if store is not None:
            try:
                await asyncio.wait_for(store.ping(), STORE_PING_TIMEOUT_S)
            except Exception:
                metrics.store_up.set(0)
            else:
                metrics.store_up.set(1)
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    for key, handler in list(app.exception_handlers.items()):
        app.exception_handlers[key] = _counting(handler, metrics)
    app.add_middleware(RequestObservability, metrics=metrics)
