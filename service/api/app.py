"""The FastAPI application: health, readiness and GraphQL."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from service.api.analyst import router as analyst_router
from service.api.cancellation import CancelOnDisconnect
from service.api.deps import StoreDep
from service.api.errors import add_error_handlers, public_message
from service.api.explorer import router as explorer_router
from service.api.graphiql import router as graphiql_router
from service.api.graphql.context import get_context
from service.api.graphql.schema import create_schema
from service.api.keys import router as keys_router
from service.api.limits import BodySizeLimit
from service.api.observability import (
    configure_logging,
    install_observability,
    note_store_info,
    observe_store,
)
from service.api.ratelimit import RateLimit
from service.api.specifications import router as specifications_router
from service.api.transport import GraphQLTransport
from service.bootstrap import running
from service.services.health import PublicReadiness, get_readiness
from service.settings import Settings, get_settings
from service.store.port import GraphStore, StoreUnavailable

CONNECTION_INIT_WAIT_S = 10


def create_app(settings: Settings | None = None, *, store: GraphStore | None = None) -> FastAPI:
    """Build the application; the store opens when it starts and closes when it stops (a
    `store` given is used as it is, and its owner closes it)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        restore_logging = configure_logging(settings)
        try:
            async with running(settings, decorate=observe_store(app), store=store) as root:
                await note_store_info(root.store, app)
                app.state.store = root.store
                app.state.bare_store = root.bare_store
                app.state.keys = root.keys
                yield
        finally:
            restore_logging()

    # The API's documentation pages are for developers: off in production unless asked for
    # (and /redoc loads its script from a CDN, so it is never served).
    docs = settings.api_docs_enabled
    app = FastAPI(
        title="kflow",
        summary="How knowledge flows through a multinational firm.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        # kflow keeps its own metrics and log lines; FastAPI's OpenTelemetry hooks, on by
        # default, would look up the global providers at every request for nothing.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        """The process is up (says nothing about the store)."""
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["health"],
        response_model=PublicReadiness,
        responses={503: {"description": "The store does not answer."}},
    )
    async def readyz(store: StoreDep) -> PublicReadiness | JSONResponse:
        """The store answers: backend, engine version, node and relationship counts."""
        try:
            return PublicReadiness.model_validate((await get_readiness(store)).model_dump())
        except StoreUnavailable as err:
            return JSONResponse(
                status_code=503, content={"status": "unavailable", "detail": public_message(err)}
            )

    schema = create_schema(
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        max_tokens=settings.graphql_max_tokens,
        max_document_bytes=settings.graphql_max_document_bytes,
        public_url=settings.public_url,
    )
    graphql = GraphQLTransport(
        schema,
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        connection_init_wait_timeout=timedelta(seconds=CONNECTION_INIT_WAIT_S),
        allowed_origins=settings.cors_origins,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(explorer_router)
    app.include_router(specifications_router)
    if settings.graphiql_enabled:
        app.include_router(graphiql_router)
    app.include_router(analyst_router)
    app.include_router(keys_router)
    add_error_handlers(app)
    app.add_middleware(CancelOnDisconnect)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    if settings.rate_limit_per_minute:
        app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        )
    install_observability(app)  # last: its middleware wraps all others
    return app
