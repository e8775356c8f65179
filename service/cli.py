"""The `kflow` command: serve the API, install the engine, seed, export and import."""

import asyncio
import dataclasses
import datetime
import json
import logging
import os
import socket
import sys
from collections.abc import Awaitable, Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from service.bootstrap import running
from service.failures import exit_code_of
from service.model.enums import GraphFormat
from service.model.files import CaseFileInvalid
from service.remote import RemoteError, RemoteServer
from service.services.errors import ExpectedFailure
from service.services.seeding import LoadSummary
from service.settings import Settings, get_settings
from service.store.engine_module import EngineModuleError, install_engine_module
from service.store.port import GraphStore, StoreError

app = typer.Typer(
    help="kflow: how knowledge flows through a multinational firm.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
engine_app = typer.Typer(help="The embedded graph engine.", no_args_is_help=True)
schema_app = typer.Typer(
    help="The contract in schema/: graph model, GraphQL SDL, seed JSON Schema.",
    no_args_is_help=True,
)
keys_app = typer.Typer(help="API keys for the HTTP API (stored hashed).", no_args_is_help=True)
analytics_app = typer.Typer(
    help="What-if release, transfer lag and the robustness scorecard (computed, not Cypher).",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")
app.add_typer(analytics_app, name="analytics")
app.add_typer(engine_app, name="engine")
app.add_typer(schema_app, name="schema")
if TYPE_CHECKING:
    from service.services.analyst import QueryAnswer
    from service.store.engine_share import EngineLease, EngineStatus

err = Console(stderr=True, soft_wrap=True)
# Piped output is for reading later or for other tools: do not squeeze it to 80 columns,
# unless COLUMNS says how wide to be.
out = Console(width=None if sys.stdout.isatty() or "COLUMNS" in os.environ else 240)
T = TypeVar("T")
# A request that never ends (a client that sends half a body) would hold a shutdown for
# ever; after this long, open connections and sockets are cut.
GRACEFUL_SHUTDOWN_S = 5


class TableFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


# Commands that run on a server elsewhere with --url; every other one needs the store here.
REMOTE_COMMANDS = ("cypher", "query", "export", "status")


@app.callback()
def main(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            envvar="KFLOW_API_URL",
            help="Run cypher, query, export or status on the kflow server at this URL.",
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", envvar="KFLOW_API_KEY", help="API key for --url (an analyst's)."),
    ] = None,
) -> None:
    """kflow: how knowledge flows through a multinational firm."""
    if url is None:
        source = ctx.get_parameter_source("key")
        if source is not None and source.name == "COMMANDLINE":
            raise _fail("--key goes with --url (the server the key is for)", code=2)
        return
    if not url.startswith(("http://", "https://")):
        raise _fail(f"--url {url!r}: give the server's address as http(s)://HOST:PORT", code=2)
    if ctx.invoked_subcommand not in REMOTE_COMMANDS:
        raise _fail(
            f"`kflow {ctx.invoked_subcommand}` runs on this machine's store; with --url only "
            f"{', '.join(REMOTE_COMMANDS)} run on a server elsewhere",
            code=2,
        )
    from service.remote import RemoteServer

    ctx.obj = RemoteServer(url=url, key=key)


def _remote(ctx: typer.Context) -> "RemoteServer | None":
    return ctx.obj if isinstance(ctx.obj, RemoteServer) else None


def _ask_remote(call: Callable[[], T]) -> T:
    try:
        return call()
    except RemoteError as error:
        raise _fail(str(error)) from None


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as error:
        for problem in error.errors(include_url=False):
            variable = f"KFLOW_{str(problem['loc'][0]).upper()}" if problem["loc"] else "settings"
            message = problem["msg"].removeprefix("Value error, ")
            err.print(f"[red]error:[/] {variable}: {message}", highlight=False)
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _report_invalid(error: CaseFileInvalid) -> typer.Exit:
    for problem in error.problems:
        err.print(f"  {problem}", highlight=False, markup=False)
    return _fail(f"{len(error.problems)} problem(s); nothing was written")


def _with_store(work: Callable[[GraphStore], Awaitable[T]]) -> T:
    """Open the configured store, run the work, close the store; errors become exit codes."""
    settings = _settings()

    def report(line: str) -> None:
        err.print(line, highlight=False)

    async def run() -> T:
        async with running(settings, report=report) as root:
            return await work(root.store)

    try:
        return asyncio.run(run())
    except CaseFileInvalid as error:
        raise _report_invalid(error) from None
    except (StoreError, ExpectedFailure) as error:
        raise _fail(str(error), exit_code_of(error)) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (KFLOW_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind (KFLOW_PORT).")] = None,
    workers: Annotated[
        int,
        typer.Option(min=1, max=64, help="API processes on the one store (one per core)."),
    ] = 1,
) -> None:
    """Run the HTTP API (GraphQL at /graphql, health at /healthz and /readyz)."""
    import uvicorn

    from service.api.app import create_app
    from service.api.observability import configure_logging
    from service.services.health import get_readiness

    settings = _settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    with socket.socket(socket.AF_INET6 if ":" in bind_host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind_host, bind_port))
        except OSError as error:
            raise _fail(
                f"cannot listen on {bind_host}:{bind_port} ({error.strerror}); "
                "choose another with --port or KFLOW_PORT"
            ) from None
    # Every line the server writes, uvicorn's included, goes through kflow's handler: JSON
    # (or text) with a request id, never a query string.
    configure_logging(settings)
    # Open the store once before serving, so a broken setup fails with one clear line.
    # With workers, the embedded engine stays up from here until the server stops, for all
    # of them. One worker is this process: its app is the engine's user, and stops it when
    # it shuts down, before uvicorn re-raises the signal that stopped it.
    lease = _hold_engine(settings) if workers > 1 else _NoLease()
    try:
        readiness = _with_store(get_readiness)
    except BaseException:
        lease.stop()
        raise
    shown = "localhost" if bind_host in ("127.0.0.1", "0.0.0.0") else bind_host
    logging.getLogger("kflow.serve").info(
        "kflow on %s at %s: %d nodes, %d relationships; explorer http://%s:%d/explore, "
        "GraphQL http://%s:%d/graphql, readiness http://%s:%d/readyz",
        readiness.engine_version,
        readiness.location,
        readiness.nodes,
        readiness.relationships,
        *(shown, bind_port) * 3,
    )
    if workers > 1 and settings.rate_limit_per_minute:
        logging.getLogger("kflow.serve").warning(
            "each of the %d workers counts KFLOW_RATE_LIMIT_PER_MINUTE=%d on its own: a caller "
            "may make up to %d requests a minute",
            workers,
            settings.rate_limit_per_minute,
            workers * settings.rate_limit_per_minute,
        )
    # kflow logs every request itself (structured, with its id): no second access log.
    # Workers are separate processes that each build the app from the same environment.
    try:
        uvicorn.run(
            "service.api.app:create_app" if workers > 1 else create_app(settings),
            factory=workers > 1,
            workers=workers,
            host=bind_host,
            port=bind_port,
            log_config=None,
            log_level=settings.log_level,
            access_log=False,
            ws_max_size=settings.max_body_bytes,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            # A worker opens the store before it answers uvicorn's health check; on a busy
            # machine that takes longer than uvicorn's 5 s, which would kill it for ever.
            timeout_worker_healthcheck=int(settings.engine_start_timeout_s),
        )
    finally:
        lease.stop()


class _NoLease:
    def stop(self) -> None:
        """Nothing to leave: the store is not the embedded engine."""


def _hold_engine(settings: Settings) -> "EngineLease | _NoLease":
    """Keep the embedded engine up while this process runs (Neo4j needs nothing)."""
    if settings.backend != "embedded":
        return _NoLease()
    from service.store import engine_config
    from service.store.engine_share import EngineLease

    lease = EngineLease(engine_config(settings))
    try:
        lease.attach()
    except StoreError as error:
        raise _fail(str(error)) from None
    return lease


@engine_app.command("install")
def engine_install() -> None:
    """Download and verify the FalkorDB 4.22.1 module the embedded engine needs."""
    try:
        install_engine_module(report=lambda line: err.print(line, highlight=False))
    except EngineModuleError as error:
        raise _fail(str(error)) from None


def _embedded_settings(command: str) -> Settings:
    settings = _settings()
    if settings.backend != "embedded":
        raise _fail(
            f"`kflow engine {command}` is for the embedded engine; KFLOW_GRAPH_URL names Neo4j"
        )
    return settings


def _print_engine(status: "EngineStatus") -> None:
    out.print_json(json.dumps(dataclasses.asdict(status)))


@engine_app.command("start")
def engine_start() -> None:
    """Start the embedded engine on the data directory, and keep it when no kflow uses it."""
    from service.store import engine_config
    from service.store.engine_share import keep_engine

    try:
        status = keep_engine(engine_config(_embedded_settings("start")))
    except StoreError as error:
        raise _fail(str(error)) from None
    _print_engine(status)


@engine_app.command("stop")
def engine_stop() -> None:
    """Stop keeping the engine: it stops now, or when the last kflow process using it ends."""
    from service.store.engine_share import release_engine

    status = release_engine(_embedded_settings("stop").embedded_dir)
    if status.running:
        err.print(
            f"the engine stops when the kflow processes using it end: {list(status.users)}",
            highlight=False,
        )
    _print_engine(status)


@engine_app.command("status")
def engine_status() -> None:
    """Whether the engine runs on the data directory, its owner, users and socket."""
    from service.store.engine_share import get_engine_status

    _print_engine(get_engine_status(_embedded_settings("status").embedded_dir))


@app.command()
def status(ctx: typer.Context) -> None:
    """Start the store and print its backend, engine version and size."""
    from service.services.health import get_readiness

    remote = _remote(ctx)
    if remote is not None:
        out.print_json(json.dumps(_ask_remote(remote.get_status)))
        return
    readiness = _with_store(get_readiness)
    out.print_json(readiness.model_dump_json())


@app.command()
def seed(
    cases: Annotated[
        list[str] | None,
        typer.Argument(help="Case names (file stems in seed/); all cases when none is given."),
    ] = None,
    seed_dir: Annotated[Path | None, typer.Option(help="Directory of case files.")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only validate the files; write nothing.")
    ] = False,
) -> None:
    """Load the cited case demos into the graph (idempotent; all-or-nothing per file)."""
    from service.services.seeding import (
        SEED_DIR,
        UnknownCase,
        seed_cases,
        select_case_files,
        validate_case_files,
    )

    try:
        paths = select_case_files(cases or [], seed_dir or SEED_DIR)
    except UnknownCase as error:
        raise _fail(str(error)) from None
    if check:
        try:
            validated = validate_case_files(paths)
        except CaseFileInvalid as error:
            raise _report_invalid(error) from None
        err.print(f"{len(validated)} case file(s) valid")
        return

    progress = Progress(
        TextColumn("seeding {task.fields[case]:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )
    summaries: list[LoadSummary] = []

    async def work(store: GraphStore) -> None:
        task = progress.add_task("seed", total=len(paths), case="")

        def loaded(summary: LoadSummary) -> None:
            progress.update(task, advance=1, case=summary.case)
            summaries.append(summary)

        with progress:
            await seed_cases(store, paths=paths, on_loaded=loaded)

    _with_store(work)
    _print_summaries("Seeded", summaries)


def _print_summaries(title: str, summaries: list[LoadSummary]) -> None:
    table = Table("case", "firm", "records", "nodes", "relationships", "written", title=title)
    for summary in summaries:
        table.add_row(
            summary.case,
            summary.firm,
            str(sum(summary.records.values())),
            f"{summary.nodes_after - summary.nodes_before:+d}",
            f"{summary.relationships_after - summary.relationships_before:+d}",
            "yes" if summary.written else "no: unchanged",
        )
    out.print(table)


@app.command("export")
def export_command(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File (json, graphml, cytoscape) or directory (csv); default: stdout.",
        ),
    ] = None,
    firm: Annotated[str | None, typer.Option(help="Only this firm's case.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="Only this unit's neighbourhood (graphml, cytoscape, csv).")
    ] = None,
    hops: Annotated[int, typer.Option(help="Neighbourhood radius for --unit (1-3).")] = 2,
    fmt: Annotated[
        GraphFormat, typer.Option("--format", help="json, csv, graphml or cytoscape.")
    ] = GraphFormat.JSON,
    derived: Annotated[
        bool,
        typer.Option(
            "--derived",
            help="Also the data computed from flows (SENDS_* pair edges, unit flow counts).",
        ),
    ] = False,
) -> None:
    """Write the graph, a firm or a unit's neighbourhood for other tools (facts only)."""
    from service.services.exchange import (
        export_cases,
        export_graph,
        export_neighbourhood,
        render_cases_json,
        render_csv,
        render_cytoscape,
        render_graphml,
    )

    if fmt is GraphFormat.CSV and output is None:
        raise _fail(
            "CSV export writes two tables (nodes.csv, relationships.csv): give a directory with -o"
        )
    if unit is not None and fmt is GraphFormat.JSON:
        raise _fail("a unit's neighbourhood is not a case: export it as graphml, cytoscape or csv")
    if derived and fmt is GraphFormat.JSON:
        raise _fail("--derived: a JSON export holds cases, which hold facts only")

    async def work(store: GraphStore) -> dict[str, str]:
        if fmt is GraphFormat.JSON:
            return {"kflow.json": render_cases_json(await export_cases(store, firm_id=firm))}
        if unit is not None:
            graph = await export_neighbourhood(store, unit_id=unit, hops=hops, derived=derived)
        else:
            graph = await export_graph(store, firm_id=firm, derived=derived)
        if fmt is GraphFormat.CSV:
            return render_csv(graph)
        if fmt is GraphFormat.CYTOSCAPE:
            return {"kflow.cyjs": render_cytoscape(graph)}
        return {"kflow.graphml": render_graphml(graph)}

    remote = _remote(ctx)
    if remote is None:
        files = _with_store(work)
    elif fmt is GraphFormat.JSON:
        raise _fail("over --url, export as graphml, cytoscape or csv (cases are exported here)")
    else:
        files = _ask_remote(
            lambda: remote.export_graph(
                firm=firm, unit=unit, hops=hops, fmt=fmt.value, derived=derived
            )
        )
    if output is None:
        sys.stdout.write(next(iter(files.values())))
        return
    if len(files) > 1:
        output.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (output / name).write_text(text, encoding="utf-8")
        err.print(f"wrote {', '.join(str(output / n) for n in files)}")
    else:
        output.write_text(next(iter(files.values())), encoding="utf-8")
        err.print(f"wrote {output}")


def _parse_params(pairs: list[str], *, as_json: bool) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise _fail(f"--param '{pair}': write it as name=value")
        if as_json:
            try:
                params[name] = json.loads(value)
            except json.JSONDecodeError:
                params[name] = value  # plain text is a string
        else:
            params[name] = value
    return params


# A column squeezed narrower than this says nothing; past it, columns are left out instead.
MIN_COLUMN_WIDTH = 10


def _fit_widths(natural: list[int], available: int) -> list[int]:
    """Column widths that fit `available` cells: the widest shrink first, none below its
    minimum; columns that still do not fit get width 0 (left out)."""
    widths = list(natural)
    floors = [min(width, MIN_COLUMN_WIDTH) for width in natural]
    kept = len(widths)
    # Each column costs its cells plus three for its padding and border.
    while kept > 1 and sum(floors[:kept]) + 3 * kept + 1 > available:
        kept -= 1
    widths[kept:] = [0] * (len(widths) - kept)
    room = available - 3 * kept - 1
    while sum(widths) > room:
        widest = max(range(kept), key=lambda i: widths[i] - floors[i])
        if widths[widest] <= floors[widest]:
            break
        widths[widest] -= 1
    return widths


def _print_table(columns: list[str], rows: list[list[str]], *, wide: bool) -> None:
    """A table fitted to the terminal: long cells cut with an ellipsis, columns past the edge
    left out and named; `wide` shows every cell whole however long the lines get."""
    natural = [
        max([cell_len(header), *(cell_len(row[i]) for row in rows)])
        for i, header in enumerate(columns)
    ]
    widths = natural if wide else _fit_widths(natural, out.width)
    shown = [i for i, width in enumerate(widths) if width > 0]
    table = Table(*(columns[i] for i in shown))
    for position, i in enumerate(shown):
        column = table.columns[position]
        column.width, column.no_wrap, column.overflow = widths[i], True, "ellipsis"
    for row in rows:
        table.add_row(*(row[i] for i in shown))
    if wide:
        Console(width=sum(widths) + 3 * len(widths) + 1, no_color=out.no_color).print(table)
    else:
        out.print(table)
    left_out = [columns[i] for i, width in enumerate(widths) if width == 0]
    if left_out:
        err.print(
            f"{len(left_out)} column(s) did not fit the terminal: {', '.join(left_out)} "
            "(--wide shows them, or --format csv)",
            highlight=False,
            soft_wrap=False,
        )


def _print_answer(answer: "QueryAnswer", fmt: TableFormat, *, wide: bool) -> None:
    from service.services.exchange import render_cell
    from service.services.rendering import AnswerRenderer

    if fmt is TableFormat.TABLE:
        rows = [[render_cell(value) for value in row] for row in answer.rows]
        _print_table(answer.columns, rows, wide=wide)
        shown = f"{len(answer.rows)} row(s)"
        err.print(
            shown + (f"; cut at the row cap of {answer.row_cap}" if answer.truncated else ""),
            highlight=False,
        )
    else:
        sys.stdout.write(AnswerRenderer(answer, fmt=fmt.value, max_bytes=None).render())
    if answer.truncated:
        err.print(
            f"[yellow]warning:[/] more rows than the cap of {answer.row_cap} "
            "(KFLOW_ANALYST_ROW_CAP); the rest were cut"
        )


ParamOption = Annotated[
    list[str] | None,
    typer.Option("--param", "-p", help="name=value; repeat for more parameters."),
]
FormatOption = Annotated[TableFormat, typer.Option("--format", help="table, json or csv.")]
WideOption = Annotated[
    bool,
    typer.Option("--wide", help="Show every table cell whole (tables fit the terminal otherwise)."),
]


@app.command("cypher")
def cypher_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Cypher that only reads.")],
    param: ParamOption = None,
    fmt: FormatOption = TableFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """Run read-only Cypher (writes are refused), with a time limit and a row cap.

    Parameter values are read as JSON when they parse (5, true, ["a"]), as text otherwise.
    """
    from service.services.analyst import run_cypher

    params = _parse_params(param or [], as_json=True)
    remote = _remote(ctx)
    if remote is not None:
        answer = _ask_remote(lambda: remote.run_cypher(text=query, params=params))
        _print_answer(answer, fmt, wide=wide)
        return
    settings = _settings()
    answer = _with_store(
        lambda store: run_cypher(
            store,
            text=query,
            params=params,
            timeout_ms=settings.analyst_timeout_ms,
            row_cap=settings.analyst_row_cap,
            max_bytes=settings.analyst_max_response_bytes,
            max_chars=settings.analyst_max_query_chars,
        )
    )
    _print_answer(answer, fmt, wide=wide)


@app.command("query")
def query_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A named query, or `list` for the catalogue.")],
    param: ParamOption = None,
    fmt: FormatOption = TableFormat.TABLE,
    wide: WideOption = False,
) -> None:
    """Run a named question from the library (`kflow query list` shows them all)."""
    from service.services.analyst import get_named_query, list_named_queries, run_named_query

    remote = _remote(ctx)
    if name == "list":
        rows = []
        catalogue = _ask_remote(remote.list_named_queries) if remote else list_named_queries()
        for query in catalogue:
            signature = ", ".join(
                f"{p.name}: {p.type}" + ("" if p.required else f" = {json.dumps(p.default)}")
                for p in query.params
            )
            kind = "computed" if query.computed else "cypher"
            rows.append([query.name, query.title, signature, ", ".join(query.columns), kind])
        _print_table(["query", "answers", "parameters", "columns", "kind"], rows, wide=wide)
        return
    if remote is not None:
        params = _parse_params(param or [], as_json=False)
        answer = _ask_remote(lambda: remote.run_named_query(name=name, params=params))
        _print_answer(answer, fmt, wide=wide)
        return
    try:
        get_named_query(name=name)
    except ExpectedFailure as error:
        raise _fail(f"{error}; `kflow query list` shows the catalogue") from None
    settings = _settings()
    params = _parse_params(param or [], as_json=False)
    answer = _with_store(
        lambda store: run_named_query(
            store, name=name, params=params, row_cap=settings.analyst_row_cap
        )
    )
    _print_answer(answer, fmt, wide=wide)


@app.command("explain")
def explain_command(
    name: Annotated[
        str,
        typer.Argument(
            help="A read statement of cypher/, e.g. paths/list_reverse_transfer_routes."
        ),
    ],
    param: ParamOption = None,
) -> None:
    """PROFILE a statement on the configured graph: its plan with rows and db hits."""
    from service.services.explain import profile_statement

    params = _parse_params(param or [], as_json=False)
    try:
        lines = _with_store(lambda store: profile_statement(store, name=name, params=params))
    except ExpectedFailure as error:
        raise _fail(str(error)) from None
    for line in lines:
        typer.echo(line)


@app.command("import")
def import_command(
    source: Annotated[
        Path, typer.Argument(metavar="FILE", help="A JSON file written by `kflow export`.")
    ],
) -> None:
    """Load a JSON export back into the graph (validated whole before anything is written)."""
    from service.services.exchange import import_cases

    if source.suffix.lower() != ".json":
        raise _fail(
            f"{source}: `kflow import` reads the JSON that `kflow export --format json` "
            "writes; CSV and GraphML exports are for other tools"
        )
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise _fail(f"{source}: {error.strerror}") from None

    summaries = _with_store(lambda store: import_cases(store, text=text, name=str(source)))
    _print_summaries("Imported", summaries)


@app.command()
def generate(
    size: Annotated[
        str, typer.Option(help="small, medium or large (10,000 subsidiaries, 1M flows).")
    ] = "large",
    firm: Annotated[str, typer.Option(help="The new firm's id (and its ids' prefix).")] = "synth",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same firm.")] = (
        20240601
    ),
    hubs: Annotated[int | None, typer.Option(help="Regional hubs (replaces the size's).")] = None,
    subsidiaries: Annotated[int | None, typer.Option(help="Subsidiaries.")] = None,
    flows: Annotated[int | None, typer.Option(help="Knowledge flows.")] = None,
    learning: Annotated[int | None, typer.Option(help="Learning events.")] = None,
    integrations: Annotated[int | None, typer.Option(help="Integration events.")] = None,
    batch_size: Annotated[int, typer.Option(help="Rows per write statement.")] = 10_000,
) -> None:
    """Make a synthetic firm and load it (validated whole first, then written in batches)."""
    from service.services.bulk import FirmExists
    from service.services.synthetic import SIZES, GeneratedFirm, generate_firm, resolve_firm_size

    if size not in SIZES:
        raise _fail(f"--size must be one of {', '.join(SIZES)}, not '{size}'", 2)
    if not 1 <= batch_size <= 50_000:
        raise _fail("--batch-size must be between 1 and 50000", 2)
    try:
        chosen = resolve_firm_size(
            size=size,
            hubs=hubs,
            subsidiaries=subsidiaries,
            flows=flows,
            learning=learning,
            integrations=integrations,
        )
    except ValueError as error:
        raise _fail(str(error), 2) from None
    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[phase]}"),
        console=err,
        transient=True,
    )
    task = progress.add_task("generating firm", total=None, phase="")

    async def work(store: GraphStore) -> GeneratedFirm:
        with progress:
            return await generate_firm(
                store,
                size=chosen,
                firm_id=firm,
                seed=seed,
                batch_size=batch_size,
                on_stage=lambda stage: progress.update(task, description=f"{stage} {firm}"),
                on_start=lambda rows: progress.update(task, total=rows, completed=0),
                on_progress=lambda phase, rows: progress.update(task, advance=rows, phase=phase),
            )

    try:
        result = _with_store(work)
    except FirmExists as error:
        raise _fail(str(error)) from None
    load = result.load
    table = Table("stage", "seconds", "detail", title=f"Generated firm {result.firm}")
    table.add_row("generate", f"{result.generate_seconds:.1f}", f"seed {result.seed}")
    table.add_row(
        "validate", f"{result.validate_seconds:.1f}", f"{sum(load.records.values()):,} records"
    )
    table.add_row("check ids", f"{load.check_seconds:.1f}", "against the graph")
    table.add_row(
        "write",
        f"{load.write_seconds:.1f}",
        f"{load.rows:,} rows in {load.statements} statements "
        f"({load.rows / max(load.write_seconds, 1e-9):,.0f} rows/s; "
        + ("staged, then published at once)" if load.staged else "not staged)"),
    )
    out.print(table)


@schema_app.command("export")
def schema_export(
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Fail if schema/ differs from the code instead of writing it."
        ),
    ] = False,
) -> None:
    """Write (or check) schema/: the SDL, the case JSON Schema and possible-types.json."""
    from service.contract import SCHEMA_DIR, render_contract

    stale = []
    for name, text in render_contract().items():
        path = SCHEMA_DIR / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
            err.print(f"wrote {path}")
    if stale:
        raise _fail(f"schema/ is out of date for {', '.join(stale)}: run `kflow schema export`")
    err.print(f"schema/ is up to date ({', '.join(render_contract())})")


@app.command()
def sources(
    check: Annotated[
        bool,
        typer.Option("--check", help="Fail if docs/sources.md differs instead of writing it."),
    ] = False,
) -> None:
    """Write (or check) docs/sources.md: each seeded firm's sources and assumptions."""
    from service.services.sources import SOURCES_PATH, render_sources

    try:
        text = render_sources()
    except CaseFileInvalid as error:
        raise _report_invalid(error) from None
    current = SOURCES_PATH.read_text(encoding="utf-8") if SOURCES_PATH.exists() else None
    if current == text:
        err.print(f"{SOURCES_PATH} is up to date")
        return
    if check:
        raise _fail(f"{SOURCES_PATH} is out of date: run `kflow sources`")
    SOURCES_PATH.parent.mkdir(parents=True, exist_ok=True)
    SOURCES_PATH.write_text(text, encoding="utf-8")
    err.print(f"wrote {SOURCES_PATH}")


@app.command()
def backup(
    output: Annotated[Path, typer.Option("--output", "-o", help="The backup file (JSON).")],
) -> None:
    """Write a consistent snapshot of the graph and the API keys (hashed) to a file."""
    from service.services.backup import write_backup

    # Written beside the file and renamed at the end: a backup cut short leaves no file.
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as out_file:
            _with_store(lambda store: write_backup(store, out_file))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    err.print(f"wrote {output} ({output.stat().st_size // 1024} KiB)")


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(metavar="FILE", help="A file `kflow backup` wrote.")],
) -> None:
    """Load a backup into an empty store (validated whole before anything is written)."""
    from service.services.backup import restore_backup

    try:
        data = source.read_bytes()
    except OSError as error:
        raise _fail(f"{source}: {error.strerror}") from None
    restored = _with_store(lambda store: restore_backup(store, data=data, name=str(source)))
    table = Table("case", "firm", "records", title="Restored")
    for case in restored.cases:
        table.add_row(case.case, case.firm, str(sum(case.records.values())))
    out.print(table)
    err.print(
        f"restored {len(restored.cases)} case(s) and {restored.api_keys} API key(s): "
        f"{restored.nodes} nodes, {restored.relationships} relationships "
        f"in {restored.seconds:.1f} s"
    )


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who or what the key is for.")],
    role: Annotated[str, typer.Option(help="reader, analyst, editor or admin.")],
) -> None:
    """Issue an API key; its token is printed once and never stored."""
    from service.services.access import create_api_key, parse_role

    try:
        chosen = parse_role(role)
    except ExpectedFailure as error:
        raise _fail(str(error)) from None
    issued = _with_store(lambda store: create_api_key(store.keys, name=name, role=chosen))
    err.print(
        f"key {issued.key.id} ({issued.key.role}) for {issued.key.name}; "
        "the token below is shown only now:",
        highlight=False,
    )
    sys.stdout.write(issued.token + "\n")


@keys_app.command("list")
def keys_list() -> None:
    """List API keys (no secrets), revoked ones included."""
    from service.services.access import list_api_keys

    table = Table("id", "name", "role", "created", "revoked")
    for key in _with_store(lambda store: list_api_keys(store.keys)):
        table.add_row(
            key.id,
            key.name,
            key.role,
            _when(key.created_at),
            _when(key.revoked_at) if key.revoked_at else "",
        )
    out.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(metavar="ID")]) -> None:
    """Revoke an API key (within seconds on every replica)."""
    from service.services.access import revoke_api_key

    key = _with_store(lambda store: revoke_api_key(store.keys, key_id=key_id))
    err.print(f"revoked key {key.id} ({key.name})")


def _when(epoch_ms: int) -> str:
    return datetime.datetime.fromtimestamp(epoch_ms / 1000, tz=datetime.UTC).strftime(
        "%Y-%m-%d %H:%M UTC"
    )


def _print_rows(columns: list[str], rows: list[list[Any]], fmt: TableFormat) -> None:
    from service.services.analyst import QueryAnswer

    answer = QueryAnswer(columns=columns, rows=rows, truncated=False, row_cap=len(rows))
    _print_answer(answer, fmt, wide=False)


@analytics_app.command("critical")
def analytics_critical(
    firm: Annotated[str, typer.Argument(metavar="FIRM")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Only links dated on or before YYYY[-MM[-DD]].")
    ] = None,
    fmt: FormatOption = TableFormat.TABLE,
) -> None:
    """The units whose release would cut others off from the HQ capability centre, most first."""
    from service.services.analytics import list_critical_units
    from service.services.dating import parse_as_of

    try:
        date = parse_as_of(value=as_of)
    except ExpectedFailure as error:
        raise _fail(str(error).replace("asOf", "--as-of", 1)) from None
    found = _with_store(lambda store: list_critical_units(store, firm_id=firm, as_of=date))
    _print_rows(["unit", "cut_off"], [[c.unit, c.cut_off] for c in found.ranked], fmt)
    err.print(
        f"target {found.target}; {found.units_with_route} unit(s) with a route, "
        f"{found.units_without_route} without; {found.links} link(s) used"
        + (
            f", {found.undated_links} undated and {found.later_links} later left out"
            if date
            else ""
        ),
        highlight=False,
    )


@analytics_app.command("release")
def analytics_release(
    unit: Annotated[str, typer.Argument(metavar="UNIT")],
    fmt: FormatOption = TableFormat.TABLE,
) -> None:
    """What would no longer reach the HQ capability centre if UNIT were released."""
    from service.services.analytics import get_release_impact

    impact = _with_store(lambda store: get_release_impact(store, unit_id=unit))
    rows = [["unit", u, None] for u in impact.cut_off] + [
        ["knowledge", k.id, k.citation] for k in impact.lost_knowledge
    ]
    _print_rows(["kind", "id", "citation"], rows, fmt)
    err.print(
        f"{len(impact.cut_off)} unit(s) cut off from {impact.target}, "
        f"{len(impact.lost_knowledge)} knowledge item(s) lost"
        + ("" if impact.has_route else f"; {unit} itself has no route"),
        highlight=False,
    )


@analytics_app.command("lag")
def analytics_lag(
    firm: Annotated[str, typer.Argument(metavar="FIRM")],
    fmt: FormatOption = TableFormat.TABLE,
) -> None:
    """Months from learning to HQ arrival and to integration, per learning unit and firm."""
    from service.services.analytics import measure_transfer_lag

    lag = _with_store(lambda store: measure_transfer_lag(store, firm_id=firm))
    rows = []
    for unit, to_hq, to_integration in [
        (firm, lag.to_hq, lag.to_integration),
        *((u.unit, u.to_hq, u.to_integration) for u in lag.units),
    ]:
        for step, d in (("to_hq", to_hq), ("to_integration", to_integration)):
            rows.append([unit, step, d.count, d.median_months, d.p90_months, d.undated, d.never])
    _print_rows(
        ["unit", "step", "count", "median_months", "p90_months", "undated", "never"], rows, fmt
    )


@analytics_app.command("scorecard")
def analytics_scorecard(
    firm: Annotated[
        str | None, typer.Argument(metavar="[FIRM]", help="One firm; all with an outcome if none.")
    ] = None,
    fmt: FormatOption = TableFormat.TABLE,
) -> None:
    """The robustness scorecard: each measure with its value, definition and source."""
    from service.services.analytics import compare_firm_scorecards, get_firm_scorecard

    async def work(store: GraphStore) -> list[Any]:
        if firm is None:
            return await compare_firm_scorecards(store)
        return [await get_firm_scorecard(store, firm_id=firm)]

    rows = [
        [card.firm.id, card.firm.outcome, m.name, m.value, m.named_by_paper, m.definition, m.source]
        for card in _with_store(work)
        for m in card.measures
    ]
    _print_rows(
        ["firm", "outcome", "measure", "value", "named_by_paper", "definition", "source"], rows, fmt
    )


if __name__ == "__main__":
    app()
