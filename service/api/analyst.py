"""HTTP routes for analysts: read-only Cypher, the named query library, and exports."""

import asyncio
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from service.api.deps import SettingsDep, StoreDep, require_role
from service.model.enums import GraphFormat
from service.services import analyst, exchange
from service.services.access import Role
from service.services.errors import InvalidArgument
from service.services.rendering import AnswerRenderer, describe_byte_cut
from service.settings import Settings
from service.store.port import GraphStore

router = APIRouter(
    tags=["analysts"],
    dependencies=[
        Depends(require_role(Role.ANALYST, what="analyst Cypher, named queries and exports"))
    ],
)
MAX_PARAMETERS = 64


class AnswerFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


class CsvTable(StrEnum):
    NODES = "nodes"
    RELATIONSHIPS = "relationships"


DerivedQuery = Annotated[
    bool,
    Query(description="Also the data computed from flows (SENDS_* pair edges, flow counts)."),
]
TableQuery = Annotated[
    CsvTable | None, Query(description="With format=csv: which of the two tables.")
]


async def _answer(answer: analyst.QueryAnswer, fmt: AnswerFormat, *, max_bytes: int) -> Response:
    renderer = AnswerRenderer(answer, fmt=fmt.value, max_bytes=max_bytes)
    if fmt is AnswerFormat.JSON:
        # Rendered row by row off the event loop as it is sent (the server iterates a
        # plain iterator in a worker thread); the body never passes the cap.
        return StreamingResponse(iter(renderer), media_type="application/json")
    # CSV has no place for a note at its end: rendered whole (within the cap) first, so the
    # headers can say whether and by what it was cut.
    text = await asyncio.to_thread(renderer.render)
    headers = {"X-Kflow-Truncated": str(renderer.truncated).lower()}
    if renderer.cut_by == "bytes":
        headers["X-Kflow-Error"] = describe_byte_cut(max_bytes, renderer.rows)
    return PlainTextResponse(text, media_type="text/csv", headers=headers)


@router.post(
    "/cypher",
    summary="Run read-only Cypher",
    responses={
        400: {"description": "Bad query or parameters"},
        403: {"description": "The query would write"},
        408: {"description": "The query ran past the time limit"},
    },
)
async def post_cypher(
    store: StoreDep,
    settings: SettingsDep,
    query: Annotated[str, Body(description="Cypher; it must only read.")],
    parameters: Annotated[dict[str, Any] | None, Body(max_length=MAX_PARAMETERS)] = None,
    format: Annotated[AnswerFormat, Query()] = AnswerFormat.JSON,
) -> Response:
    """Run an analyst's Cypher strictly read-only, with a time limit and a row cap."""
    answer = await analyst.run_cypher(
        store,
        text=query,
        params=parameters or {},
        timeout_ms=settings.analyst_timeout_ms,
        row_cap=settings.analyst_row_cap,
        max_bytes=settings.analyst_max_response_bytes,
        max_chars=settings.analyst_max_query_chars,
    )
    return await _answer(answer, format, max_bytes=settings.analyst_max_response_bytes)


@router.get("/queries", summary="The named query catalogue")
async def get_queries() -> list[analyst.NamedQuery]:
    """Every named question with its parameters (types, defaults) and columns."""
    return analyst.list_named_queries()


# What running a named query can answer besides its rows, over GET or POST.
_NAMED_QUERY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Missing or ill-typed parameter"},
    404: {"description": "No such named query, or an id that names nothing"},
}


async def _run_named_query(
    store: GraphStore, settings: Settings, name: str, params: dict[str, Any], fmt: AnswerFormat
) -> Response:
    answer = await analyst.run_named_query(
        store, name=name, params=params, row_cap=settings.analyst_row_cap
    )
    return await _answer(answer, fmt, max_bytes=settings.analyst_max_response_bytes)


@router.get(
    "/queries/{name}",
    summary="One named query, or its answer",
    response_model=analyst.NamedQuery,
    responses=_NAMED_QUERY_ERRORS,
)
async def get_query(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    name: str,
    format: Annotated[
        AnswerFormat | None,
        Query(description="Run the query (its parameters in the query string) in this format."),
    ] = None,
) -> Response:
    """A named question's description; with `format`, its answer, as from the command line."""
    if format is None:
        return JSONResponse(analyst.get_named_query(name=name).model_dump(mode="json"))
    params = {k: v for k, v in request.query_params.items() if k != "format"}
    return await _run_named_query(store, settings, name, params, format)


@router.post("/queries/{name}", summary="Run a named query", responses=_NAMED_QUERY_ERRORS)
async def post_query(
    store: StoreDep,
    settings: SettingsDep,
    name: str,
    parameters: Annotated[
        dict[str, Any] | None, Body(embed=True, max_length=MAX_PARAMETERS)
    ] = None,
    format: Annotated[AnswerFormat, Query()] = AnswerFormat.JSON,
) -> Response:
    """Run a named question with parameters checked against its header."""
    return await _run_named_query(store, settings, name, parameters or {}, format)


def _renderer(
    fmt: GraphFormat, table: CsvTable | None
) -> Callable[[exchange.GraphExport], Response]:
    """How an export is answered in `fmt`; chosen (and a CSV export without its table
    refused) before the graph is read."""
    if fmt is GraphFormat.CSV:
        if table is None:
            raise InvalidArgument(
                "table", "a CSV export is two tables: ask for table=nodes or table=relationships"
            )
        name = f"{table.value}.csv"
        return lambda export: PlainTextResponse(
            exchange.render_csv(export)[name], media_type="text/csv"
        )
    if fmt is GraphFormat.GRAPHML:
        return lambda export: Response(
            exchange.render_graphml(export), media_type="application/graphml+xml"
        )
    if fmt is GraphFormat.CYTOSCAPE:
        return lambda export: Response(
            exchange.render_cytoscape(export), media_type="application/json"
        )
    return lambda export: JSONResponse(export.model_dump(mode="json"))


@router.get("/export/firms/{firm}", summary="A firm's subgraph")
async def get_firm_export(
    store: StoreDep,
    firm: str,
    format: Annotated[GraphFormat, Query()] = GraphFormat.GRAPHML,
    derived: DerivedQuery = False,
    table: TableQuery = None,
) -> Response:
    """A firm's nodes and relationships as GraphML, Cytoscape JSON, plain JSON or CSV."""
    render = _renderer(format, table)
    return render(await exchange.export_graph(store, firm_id=firm, derived=derived))


@router.get("/export/units/{unit}", summary="A unit's neighbourhood")
async def get_unit_export(
    store: StoreDep,
    unit: str,
    hops: Annotated[int, Query(ge=1, le=3)] = 2,
    format: Annotated[GraphFormat, Query()] = GraphFormat.GRAPHML,
    derived: DerivedQuery = False,
    table: TableQuery = None,
) -> Response:
    """The units within `hops` of a unit along flows and reporting lines, and the
    relationships among them."""
    render = _renderer(format, table)
    return render(
        await exchange.export_neighbourhood(store, unit_id=unit, hops=hops, derived=derived)
    )
