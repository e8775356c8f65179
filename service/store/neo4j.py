"""The Neo4j adapter: the store port on Neo4j 5 through the official async driver."""

import datetime
import json
import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import neo4j
from neo4j import AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)
from neo4j.graph import Node, Path, Relationship

from service import cypher
from service.cypher import Query
from service.store.keys import GraphKeyStore
from service.store.port import (
    AdhocLimits,
    AdhocResult,
    BulkLoad,
    ConstraintViolation,
    PlanCheck,
    QueryFailed,
    QueryTimedOut,
    Row,
    StatementPlan,
    StatementRejected,
    StoreError,
    StoreInfo,
    StoreUnavailable,
    WriteRefused,
    check_params,
    encode_params,
)

SCHEMA_STATEMENTS = cypher.load_schema("neo4j")
PING = cypher.load("store/get_ping")
CREATE_LOAD_MARKER = cypher.load("load/create_load_marker")
GET_LOAD_MARKER = cypher.load("load/get_load_marker")
CLAIM_LOAD_MARKER = cypher.load("load/set_load_marker_claimed")
DELETE_LOAD_MARKER = cypher.load("load/delete_load_marker")
DELETE_UNFINISHED_RELATIONSHIPS = cypher.load("load/delete_unfinished_relationships")
DELETE_UNFINISHED_NODES = cypher.load("load/delete_unfinished_nodes")
log = logging.getLogger("kflow.store")


class NotificationsToDebug(logging.Filter):
    """The driver logs every server notification (e.g. "property key does not exist" on an
    empty graph) as a warning; they are hints about our own statements, so they go to
    kflow's log at DEBUG instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        log.debug("Neo4j notification: %s", record.getMessage())
        return False


logging.getLogger("neo4j.notifications").addFilter(NotificationsToDebug())
FETCH_SIZE = 1000
WRITE_TIMEOUT_FACTOR = 10
# The transaction that holds a load's marker lives as long as the load (minutes for a
# large firm); if the loading process dies, the server ends it when the connection drops.
LOAD_TIMEOUT_S = 24 * 3600
# How long to wait for a load's marker: a live load holds it for its whole length.
LOAD_PROBE_TIMEOUT_S = 2
# Relationships, then nodes, of an unfinished load deleted per transaction.
UNFINISHED_CHUNK = 10_000


def statement_plan(summary: neo4j.ResultSummary) -> StatementPlan:
    """The operators and procedures of an EXPLAIN summary's plan, and its query type."""
    operations: list[str] = []
    procedures: list[str] = []
    pending = [summary.plan or {}]
    while pending:
        step = pending.pop()
        operator = str(step.get("operatorType", "")).split("@")[0]
        operations.append(operator)
        if operator == "ProcedureCall":
            details = str((step.get("args") or {}).get("Details", ""))
            procedures.append(details.split("(")[0].strip())
        pending.extend(step.get("children") or [])
    return StatementPlan(
        backend="neo4j",
        operations=tuple(operations),
        procedures=tuple(procedures),
        query_type=summary.query_type,
    )


def plain(value: Any) -> Any:
    """A Neo4j driver value as plain Python data."""
    if isinstance(value, Node | Relationship):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Path):
        return {
            "nodes": [plain(n) for n in value.nodes],
            "relationships": [plain(r) for r in value.relationships],
        }
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


# EXPLAIN goes on a line of its own, so a position in the user's query is off by one line
# (and the prefix's length in offset) and the echoed line is the user's own.
EXPLAIN_LINE = "EXPLAIN\n"
NEO4J_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


def analyst_error(err: Neo4jError, *, explained: bool) -> str:
    """A Neo4j error on analyst Cypher in the embedded engine's words, at the user's own
    positions: "line: L, column: C", "Missing parameters: $name". `explained`: the error
    came from the EXPLAIN, whose text has the EXPLAIN line in front."""
    message = err.message or str(err)
    if err.code and "ParameterMissing" in err.code:
        names = message.split(":", 1)[-1].strip()
        return "Missing parameters: " + ", ".join(f"${n.strip()}" for n in names.split(","))

    def user_position(match: re.Match[str]) -> str:
        line, column, offset = (int(group) for group in match.groups())
        if explained:
            line, offset = line - 1, offset - len(EXPLAIN_LINE)
        return f"(line: {line}, column: {column}, offset: {offset})"

    return NEO4J_POSITION.sub(user_position, message)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def write_error(
    err: Neo4jError | DriverError, *, query: str, url: str, timeout_s: float | None = None
) -> StoreError:
    """The port's error for a failed statement of the service's own."""
    if isinstance(err, ServiceUnavailable | SessionExpired | AuthError):
        return StoreUnavailable(f"Neo4j at {url}: {err.message or err}")
    if timeout_s is not None and err.code and "TransactionTimedOut" in err.code:
        return QueryTimedOut(
            f"query '{query}' ran past the {round(timeout_s * 1000)} ms limit "
            "(KFLOW_QUERY_TIMEOUT_MS)"
        )
    if err.code and "ConstraintValidationFailed" in err.code:
        return ConstraintViolation(query, err.message or str(err))
    if err.code and "MemoryPoolOutOfMemory" in err.code:
        return QueryFailed(
            query,
            "the statement needed more memory than one transaction may use "
            "(db.memory.transaction.max on the Neo4j server)",
        )
    return QueryFailed(query, err.message or str(err))


class Neo4jStore:
    """GraphStore on Neo4j 5; see the port for the contract."""

    backend = "neo4j"

    def __init__(
        self,
        url: str,
        *,
        user: str,
        password: str,
        database: str | None,
        pool_size: int,
        query_timeout_ms: int,
    ) -> None:
        self.url = url
        self.database = database
        self.timeout_s = query_timeout_ms / 1000
        self._driver = AsyncGraphDatabase.driver(
            url, auth=(user, password), max_connection_pool_size=pool_size
        )
        self._keys = GraphKeyStore(self)

    @classmethod
    async def connect(cls, url: str, **options: Any) -> "Neo4jStore":
        """Connect, check that the server answers and accepts the credentials, and remove
        what a killed load left behind."""
        store = cls(url, **options)
        try:
            await store.ping()
            await store.remove_dead_load()
        except BaseException:
            await store.close()
            raise
        return store

    async def _run(self, query: Query, params: Mapping[str, Any] | None, *, mode: str) -> list[Row]:
        values = check_params(query, params, mode=mode)
        # A write is one whole case or batch, and Neo4j counts the planning of a long
        # statement (seconds, the first time on a busy server) against its timeout.
        timeout = self.timeout_s if mode == "read" else self.timeout_s * WRITE_TIMEOUT_FACTOR
        statement = neo4j.Query(query.text, metadata={"kflow_query": query.name}, timeout=timeout)
        routing = RoutingControl.READ if mode == "read" else RoutingControl.WRITE
        log.debug("query %s (%s)", query.name, mode)
        try:
            records, _, _ = await self._driver.execute_query(
                statement, values, routing_=routing, database_=self.database
            )
        except (ServiceUnavailable, SessionExpired, AuthError, Neo4jError) as err:
            raise write_error(err, query=query.name, url=self.url, timeout_s=timeout) from None
        return [plain(record.data()) for record in records]

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement in a read transaction routed to a reader."""
        return await self._run(query, params, mode="read")

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write statement in one managed write transaction."""
        return await self._run(query, params, mode="write")

    async def profile(self, query: Query, params: Mapping[str, Any] | None = None) -> list[str]:
        """PROFILE a read statement in a read transaction: each operator with its rows and
        db hits, indented by depth, and a last line with the total db hits and time."""
        values = check_params(query, params, mode="read")
        try:
            async with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                result = await session.run(f"PROFILE\n{query.text}", values)
                summary = await result.consume()
        except Neo4jError as err:
            raise QueryFailed(query.name, err.message or str(err)) from None
        lines: list[str] = []
        hits = 0

        def walk(step: dict[str, Any], depth: int) -> None:
            nonlocal hits
            args = step.get("args", {})
            hits += int(args.get("DbHits", 0))
            details = " ".join(str(args.get("Details", "")).split())
            lines.append(
                f"{'  ' * depth}{step['operatorType'].split('@')[0]} {details}"
                f" | rows {args.get('Rows', '?')} | db hits {args.get('DbHits', '?')}"
            )
            for child in step.get("children", []):
                walk(child, depth + 1)

        if summary.profile:
            walk(summary.profile, 0)
        total_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        lines.append(f"{hits} db hits in all, {total_ms} ms on the server")
        return lines

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, limits: AdhocLimits, check: PlanCheck
    ) -> AdhocResult:
        """EXPLAIN first and let `check` judge the plan; then run in a read transaction with
        a server-side timeout, reading records one by one up to the caps, and roll back."""
        values = encode_params(params)
        explaining = True
        rows: list[list[Any]] = []
        cut_by: str | None = None
        try:
            async with self._driver.session(
                database=self.database,
                default_access_mode=neo4j.READ_ACCESS,
                fetch_size=min(limits.row_cap + 1, FETCH_SIZE),
            ) as session:
                explained = await session.run(f"{EXPLAIN_LINE}{text}", values)
                check(statement_plan(await explained.consume()))
                explaining = False
                transaction = await session.begin_transaction(
                    timeout=limits.timeout_ms / 1000, metadata={"kflow_query": "analyst"}
                )
                try:
                    result = await transaction.run(text, values)
                    columns = list(result.keys())
                    size = 0
                    async for record in result:
                        row = [plain(value) for value in record.values()]
                        size += len(json.dumps(row, default=str, ensure_ascii=False))
                        if size > limits.max_bytes:
                            cut_by = "bytes"
                            break
                        rows.append(row)
                        if len(rows) > limits.row_cap:
                            cut_by = "rows"
                            break
                finally:
                    await transaction.rollback()
        except (ServiceUnavailable, SessionExpired, AuthError) as err:
            raise StoreUnavailable(f"Neo4j at {self.url}: {err.message or err}") from None
        except Neo4jError as err:
            if err.code and "TransactionTimedOut" in err.code:
                raise QueryTimedOut(
                    f"the query ran past the {limits.timeout_ms} ms limit "
                    "(KFLOW_ANALYST_TIMEOUT_MS)"
                ) from None
            if err.code and "MemoryPoolOutOfMemory" in err.code:
                raise StatementRejected(
                    "the query needed more memory than one transaction may use "
                    "(db.memory.transaction.max on the Neo4j server)"
                ) from None
            if err.code and "AccessMode" in err.code:
                # The read transaction refused a write the plan check let through.
                raise WriteRefused(
                    "the query would write to the graph; analyst Cypher runs read-only"
                ) from None
            raise StatementRejected(analyst_error(err, explained=explaining)) from None
        return AdhocResult(
            columns=columns,
            rows=rows[: limits.row_cap],
            truncated=cut_by is not None,
            cut_by=cut_by,
        )

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator["Neo4jSnapshot"]:
        """One read transaction that every read of the snapshot goes through."""
        async with self._driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            transaction = await session.begin_transaction(timeout=self.timeout_s * 10)
            try:
                yield Neo4jSnapshot(transaction)
            finally:
                await transaction.rollback()

    @asynccontextmanager
    async def _load_behind_marker(self) -> AsyncIterator[None]:
        """Batches in their own transactions, behind a marker this process holds locked in
        one open transaction; deleting the marker publishes the load. Community Edition has
        one database and no room in memory for a large load in one transaction, so a load
        cut short is removed instead: at once if it fails, and by the next open of the store
        if its process died (the server then rolls back the lock). For empty stores only."""
        await self.write(CREATE_LOAD_MARKER, {"startedAt": _now()})
        try:
            async with self._driver.session(
                database=self.database, default_access_mode=neo4j.WRITE_ACCESS
            ) as session:
                guard = await session.begin_transaction(
                    timeout=LOAD_TIMEOUT_S, metadata={"kflow_query": "load"}
                )
                try:
                    claim = await guard.run(CLAIM_LOAD_MARKER.text, {"claimedAt": _now()})
                    if (await claim.single(strict=True))["claimed"] != 1:
                        raise StoreError(
                            f"another kflow process removed this load's marker in {self.url}: "
                            "run one restore at a time"
                        )
                    yield
                    await (await guard.run(DELETE_LOAD_MARKER.text)).consume()
                    await guard.commit()
                finally:
                    await guard.close()
        except (ServiceUnavailable, SessionExpired, AuthError, Neo4jError) as err:
            await self._remove_unfinished_load()
            raise write_error(err, query="load", url=self.url) from None
        except BaseException:
            await self._remove_unfinished_load()
            raise

    async def remove_dead_load(self) -> None:
        """Remove what a load whose process died left behind (its marker is no longer
        locked); a load still running is left alone."""
        if not await self.read(GET_LOAD_MARKER):
            return
        try:
            async with self._driver.session(
                database=self.database, default_access_mode=neo4j.WRITE_ACCESS
            ) as session:
                probe = await session.begin_transaction(timeout=LOAD_PROBE_TIMEOUT_S)
                try:
                    await (await probe.run(CLAIM_LOAD_MARKER.text, {"claimedAt": _now()})).consume()
                finally:
                    await probe.close()
        except Neo4jError as err:
            if err.code and any(
                code in err.code
                for code in ("TransactionTimedOut", "Terminated", "LockClientStopped")
            ):
                log.warning("a load into %s is in progress: its graph is not whole yet", self.url)
                return
            raise write_error(err, query=CLAIM_LOAD_MARKER.name, url=self.url) from None
        log.warning("removing an unfinished load left in %s by a process that died", self.url)
        await self._remove_unfinished_load()

    async def _remove_unfinished_load(self) -> None:
        for statement in (DELETE_UNFINISHED_RELATIONSHIPS, DELETE_UNFINISHED_NODES):
            while (await self.write(statement, {"limit": UNFINISHED_CHUNK}))[0]["deleted"]:
                pass
        await self.write(DELETE_LOAD_MARKER)

    @property
    def keys(self) -> GraphKeyStore:
        """The same database: Community Edition has one; analyst Cypher refuses :ApiKey."""
        return self._keys

    @asynccontextmanager
    async def bulk_load(self, *, with_keys: bool = False) -> AsyncIterator[BulkLoad]:
        """A whole store's load (`with_keys`, into an empty store) behind a locked marker,
        removed whole if it fails or its process dies; any other load in the graph itself,
        which the caller undoes if it fails (Neo4j holds no second copy)."""
        if not with_keys:
            yield BulkLoad(graph=self, keys=self.keys, staged=False)
            return
        async with self._load_behind_marker():
            yield BulkLoad(graph=self, keys=self.keys, staged=True)

    async def ping(self) -> None:
        """Raise StoreUnavailable unless Neo4j answers, accepts the credentials and has the
        database."""
        try:
            await self._driver.verify_connectivity()
            await self._driver.execute_query(
                neo4j.Query(PING.text, metadata={"kflow_query": PING.name}),
                database_=self.database,
                routing_=RoutingControl.READ,
            )
        except AuthError as err:
            raise StoreUnavailable(
                f"Neo4j at {self.url} rejected the credentials (KFLOW_NEO4J_USER / "
                f"KFLOW_NEO4J_PASSWORD): {err.message}"
            ) from None
        except Neo4jError as err:
            if err.code and "DatabaseNotFound" in err.code:
                raise StoreUnavailable(
                    f"Neo4j at {self.url} has no database '{self.database}' "
                    "(KFLOW_NEO4J_DATABASE): Community Edition has one user database, "
                    "'neo4j' unless configured otherwise; unset KFLOW_NEO4J_DATABASE to use "
                    "the server's home database"
                ) from None
            raise StoreUnavailable(f"Neo4j at {self.url} cannot be reached: {err}") from None
        except (ServiceUnavailable, OSError, ValueError) as err:
            raise StoreUnavailable(f"Neo4j at {self.url} cannot be reached: {err}") from None

    async def info(self) -> StoreInfo:
        """Backend, server agent (e.g. Neo4j/5.26.0) and URL."""
        server = await self._driver.get_server_info()
        return StoreInfo(backend=self.backend, engine_version=server.agent, location=self.url)

    async def ensure_schema(self) -> None:
        """Create the uniqueness constraints (IF NOT EXISTS makes this idempotent)."""
        for statement in SCHEMA_STATEMENTS:
            await self._run(statement, None, mode="write")

    async def close(self) -> None:
        """Close the driver's connections."""
        await self._driver.close()


class Neo4jSnapshot:
    """Reads inside one Neo4j read transaction: a consistent view of the graph."""

    def __init__(self, transaction: neo4j.AsyncTransaction) -> None:
        self._transaction = transaction

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement inside the snapshot's transaction."""
        values = check_params(query, params, mode="read")
        try:
            result = await self._transaction.run(query.text, values)
            return [plain(record.data()) async for record in result]
        except Neo4jError as err:
            raise QueryFailed(query.name, err.message or str(err)) from None
