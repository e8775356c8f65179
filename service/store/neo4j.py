"""The Neo4j adapter: the store port on Neo4j 5 through the official async driver."""

import asyncio
import datetime
import json
import logging
import math
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable, Mapping
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
from service.store.case_graph import GraphCaseReader, GraphCases
from service.store.keys import GraphKeyStore
from service.store.port import (
    AdhocLimits,
    AdhocResult,
    BulkLoad,
    ConstraintViolation,
    LoadInProgress,
    LoadsInThisProcess,
    LoadTargetNotEmpty,
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
LOAD = cypher.Folder("load")
LOAD_SLOT_CONSTRAINT = cypher.load("schema/neo4j/create_constraint_load_lock_slot")
COUNT_NODES = cypher.load("store/count_graph_nodes")
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
# A read that fails on something retryable (a dropped connection) is tried again this often.
READ_ATTEMPTS = 3
READ_RETRY_DELAY_S = 0.2
WRITE_TIMEOUT_FACTOR = 10
# The transaction that holds the load slot lives as long as the load (minutes for a large
# firm); if the loading process dies, the server ends it when the connection drops.
LOAD_TIMEOUT_S = 24 * 3600
# How long to wait for the load slot: a live load holds it for its whole length.
LOAD_PROBE_TIMEOUT_S = 2
# Relationships, then nodes, of an unfinished load deleted per transaction.
UNFINISHED_CHUNK = 10_000
# The node property that marks a node as written by a load not yet published.
LOAD_TAG = "kflow_load"
# How long a process trusts its last look for unpublished loads before a read. A load waits
# twice this between announcing itself and writing its first node, so a reader that looked
# just before the announcement looks again before any of the load is there.
LOAD_CHECK_INTERVAL_S = 1.0
# How often a process that finds an announced load checks whether its loader died.
DEAD_LOAD_CHECK_INTERVAL_S = 30.0


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


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _walk(value: Any, other: Callable[[Any], Any]) -> Any:
    """Scalars, lists and maps as plain Python data; `other` gives any other value's."""
    # Exact types first: a reply is nearly all scalars, lists and maps, and this runs on
    # every value of every row.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [_walk(item, other) for item in value]
    if kind is dict:
        return {key: _walk(item, other) for key, item in value.items()}
    return other(value)


def _driver_value(value: Any) -> Any:
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


def plain(value: Any) -> Any:
    """A Neo4j driver value as plain Python data."""
    return _walk(value, _driver_value)


class _NotPlain(Exception):
    """A record holds a value that `Record.data` exports (a node, a path, a temporal value)."""


def _not_plain(value: Any) -> Any:
    raise _NotPlain


def row_of(record: neo4j.Record) -> Row:
    """A record as plain Python data, keyed by its columns: what `plain(record.data())`
    gives, in one walk for the usual reply of scalars, lists and maps."""
    try:
        return {
            key: _walk(value, _not_plain) for key, value in zip(record.keys(), record, strict=True)
        }
    except _NotPlain:
        return plain(record.data())  # type: ignore[no-any-return]


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
        # Loads this process runs (its own reads see them), and the last look for others'.
        self._own_loads: set[str] = set()
        self._loads_in_this_process = LoadsInThisProcess(f"Neo4j at {self.url}")
        self._foreign_loads: list[Row] = []
        self._loads_checked_at = -math.inf
        self._dead_loads_checked_at = -math.inf

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
        log.debug("query %s (%s)", query.name, mode)
        try:
            if mode == "read":
                return await self._read_autocommit(statement, values)
            records, _, _ = await self._driver.execute_query(
                statement, values, routing_=RoutingControl.WRITE, database_=self.database
            )
        except (ServiceUnavailable, SessionExpired, AuthError, Neo4jError) as err:
            raise write_error(err, query=query.name, url=self.url, timeout_s=timeout) from None
        return [row_of(record) for record in records]

    async def _read_autocommit(self, statement: neo4j.Query, values: dict[str, Any]) -> list[Row]:
        """A read as one auto-commit transaction: one network round trip, where a managed
        transaction adds its commit's. It shares `execute_query`'s bookmarks (so it sees
        this process's writes) and, like it, tries again what the driver calls retryable
        (a connection the server dropped, a leader switch)."""
        for attempt in range(1, READ_ATTEMPTS):
            try:
                return await self._read_once(statement, values)
            except (DriverError, Neo4jError) as err:
                if not err.is_retryable():
                    raise
                await asyncio.sleep(READ_RETRY_DELAY_S * attempt)
        return await self._read_once(statement, values)

    async def _read_once(self, statement: neo4j.Query, values: dict[str, Any]) -> list[Row]:
        async with self._driver.session(
            database=self.database,
            default_access_mode=neo4j.READ_ACCESS,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        ) as session:
            result = await session.run(statement, values)
            return [row_of(record) async for record in result]

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement in a read transaction routed to a reader (refused while the
        graph holds another process's unpublished load)."""
        await self._refuse_during_load()
        return await self._run(query, params, mode="read")

    async def _refuse_during_load(self) -> None:
        """Raise LoadInProgress while another process's load is announced and unpublished;
        look at most once a LOAD_CHECK_INTERVAL_S, and now and then remove a dead one."""
        now = time.monotonic()
        if now - self._loads_checked_at >= LOAD_CHECK_INTERVAL_S:
            markers = await self._run(LOAD.list_load_markers, None, mode="read")
            foreign = [m for m in markers if m["id"] not in self._own_loads]
            if foreign and now - self._dead_loads_checked_at >= DEAD_LOAD_CHECK_INTERVAL_S:
                self._dead_loads_checked_at = now
                await self.remove_dead_load()
                markers = await self._run(LOAD.list_load_markers, None, mode="read")
                foreign = [m for m in markers if m["id"] not in self._own_loads]
            self._foreign_loads = foreign
            self._loads_checked_at = time.monotonic()
        if self._foreign_loads:
            raise LoadInProgress(
                f"Neo4j at {self.url} holds a restore (or a generated firm) that is not whole "
                f"yet (started "
                f"{self._foreign_loads[0]['startedAt']}): kflow reads the graph again once it "
                "is published; one whose process died is removed by the next kflow command, "
                "or by this process within a minute"
            )

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write statement in one managed write transaction."""
        return await self._run(query, params, mode="write")

    async def profile(self, query: Query, params: Mapping[str, Any] | None = None) -> list[str]:
        """PROFILE a read statement in a read transaction: each operator with its rows and
        db hits, indented by depth, and a last line with the total db hits and time."""
        values = check_params(query, params, mode="read")
        await self._refuse_during_load()
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
        await self._refuse_during_load()
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
        await self._refuse_during_load()
        async with self._driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            # A backup of a large firm reads for minutes in this one transaction, and one of
            # its pages (a hub's 200,000 flows) can take Neo4j and the driver more than a
            # minute: the snapshot has the load's limit, not a query's.
            transaction = await session.begin_transaction(timeout=LOAD_TIMEOUT_S)
            try:
                yield Neo4jSnapshot(transaction)
            finally:
                await transaction.rollback()

    @asynccontextmanager
    async def _holding_load_slot(self, load_id: str) -> AsyncIterator[neo4j.AsyncTransaction]:
        """A transaction that holds the database's one load slot until the block ends (it
        commits only what the block wrote in it); LoadInProgress if another process holds it.
        """
        await self._run(LOAD_SLOT_CONSTRAINT, None, mode="write")
        async with self._driver.session(
            database=self.database, default_access_mode=neo4j.WRITE_ACCESS
        ) as session:
            slot = await session.begin_transaction(
                timeout=LOAD_TIMEOUT_S, metadata={"kflow_query": "load"}
            )
            try:
                try:
                    # A live load's uncommitted lock node makes this wait; a committed one is
                    # a stray that would keep every load out, so it goes first.
                    async with asyncio.timeout(LOAD_PROBE_TIMEOUT_S):
                        await _run_in(slot, LOAD.delete_load_locks, None)
                        await _run_in(slot, LOAD.create_load_lock, {"loadId": load_id})
                except TimeoutError:
                    markers = await self._run(LOAD.list_load_markers, None, mode="read")
                    since = f" (started {markers[0]['startedAt']})" if markers else ""
                    raise LoadInProgress(
                        f"another restore into Neo4j at {self.url} (or `kflow generate`) is in "
                        f"progress{since}: run one load at a time"
                    ) from None
                yield slot
            finally:
                await slot.close()

    @asynccontextmanager
    async def _load_behind_marker(self, *, into_empty: bool) -> AsyncIterator[str]:
        """A load in batches, each its own transaction, while this process holds the load
        slot; every node it writes carries the load's id (LOAD_TAG). Publishing marks the
        marker published in one short commit (from then on the load is kept), untags the
        nodes in chunks and removes the marker; readers are refused until it is gone.
        Community Edition has one database and no room in memory for a large load in one
        transaction, so an unpublished load cut short is removed instead, by its id only: at
        once if it fails, and by the next process to find the slot free if its process died
        (the server then rolls the slot's transaction back). `into_empty`: a whole store's
        load, refused (LoadTargetNotEmpty) unless the store is empty."""
        load_id = secrets.token_hex(16)
        try:
            async with self._holding_load_slot(load_id) as slot:
                await self._remove_loads_announced()
                if into_empty and (await self._run(COUNT_NODES, None, mode="read"))[0]["nodes"]:
                    raise LoadTargetNotEmpty(
                        f"Neo4j at {self.url} holds data: a restore goes into an empty store "
                        "(did another restore finish first?)"
                    )
                self._own_loads.add(load_id)
                await self._run(
                    LOAD.create_load_marker, {"loadId": load_id, "startedAt": _now()}, mode="write"
                )
                await asyncio.sleep(2 * LOAD_CHECK_INTERVAL_S)
                try:
                    yield load_id
                    await self._mark_published(slot, load_id)
                except BaseException:
                    await self._remove_own_load(load_id)
                    raise
                started = time.perf_counter()
                untagged = await self._finish_publishing(load_id)
                await _run_in(slot, LOAD.delete_load_locks, None)
                await slot.commit()
                log.info(
                    "published load %s in %s: %d nodes untagged in %.2f s",
                    load_id,
                    self.url,
                    untagged,
                    time.perf_counter() - started,
                )
        except (ServiceUnavailable, SessionExpired, AuthError, Neo4jError) as err:
            raise write_error(err, query="load", url=self.url) from None
        finally:
            self._own_loads.discard(load_id)
            self._loads_checked_at = -math.inf

    async def _mark_published(self, slot: neo4j.AsyncTransaction, load_id: str) -> None:
        """Check that this load's marker is there (once), then mark it published: one short
        commit, after which the load is kept whatever happens to this process."""
        markers = await _run_in(slot, LOAD.list_load_markers, None)
        if [m["id"] for m in markers].count(load_id) != 1:
            raise StoreError(
                f"this restore's marker in Neo4j at {self.url} was removed or copied by "
                "another process: nothing of it is published"
            )
        await self._run(LOAD.set_load_marker_published, {"loadId": load_id}, mode="write")

    async def _finish_publishing(self, load_id: str) -> int:
        """Untag a published load's nodes in chunks (so the large firm's 318,000 never meet
        a transaction's memory limit), then remove its marker: readers, refused while it is
        there, then see the load whole. How many nodes were untagged."""
        untagged = 0
        params = {"loadId": load_id, "limit": UNFINISHED_CHUNK}
        while count := (await self.write(LOAD.set_load_nodes_untagged, params))[0]["untagged"]:
            untagged += count
        await self.write(LOAD.delete_load_markers, {"loadIds": [load_id]})
        return untagged

    async def _remove_own_load(self, load_id: str) -> None:
        """Remove a failed load's nodes; if that fails too (the server went away), the next
        process to find the slot free removes them."""
        try:
            await self._remove_loads([load_id])
        except (StoreError, Neo4jError, DriverError) as err:
            log.warning("could not remove the failed load %s from %s: %s", load_id, self.url, err)

    async def remove_dead_load(self) -> None:
        """Remove what loads whose process died left behind (announced, and the load slot
        free) and a committed lock node, which would keep every restore out; a load still
        running is left alone (its lock node is never committed, so nobody else sees it)."""
        if (
            not await self._run(LOAD.list_load_markers, None, mode="read")
            and not (await self._run(LOAD.count_load_locks, None, mode="read"))[0]["locks"]
        ):
            return
        try:
            async with self._holding_load_slot(secrets.token_hex(16)) as slot:
                await self._remove_loads_announced()
                # Commits the removal of a stray committed lock (its own lock goes too).
                await _run_in(slot, LOAD.delete_load_locks, None)
                await slot.commit()
        except LoadInProgress:
            log.warning("a load into %s is in progress: its graph is not whole yet", self.url)

    async def _remove_loads_announced(self) -> None:
        """With the slot held (so no load is live): remove every announced load that was not
        published, and finish untagging those that were."""
        markers = await self._run(LOAD.list_load_markers, None, mode="read")
        dead = [m["id"] for m in markers if not m["published"] and isinstance(m["id"], str)]
        if markers:
            log.warning("removing %d unfinished load(s) left in %s", len(dead), self.url)
            await self._remove_loads(dead)
        for marker in markers:
            if marker["published"] and isinstance(marker["id"], str):
                await self._finish_publishing(marker["id"])

    async def _remove_loads(self, load_ids: list[str]) -> None:
        """Delete the nodes tagged with these loads' ids (and their relationships), in
        chunks, then their markers; nothing else in the graph is touched."""
        params = {"loadIds": load_ids, "limit": UNFINISHED_CHUNK}
        for statement in (LOAD.delete_unfinished_relationships, LOAD.delete_unfinished_nodes):
            while (await self.write(statement, params))[0]["deleted"]:
                pass
        await self.write(LOAD.delete_load_markers, {"loadIds": load_ids})

    @property
    def cases(self) -> GraphCases:
        """Whole cases, read and written with `cypher/cases/`."""
        return GraphCases(self)

    @property
    def keys(self) -> GraphKeyStore:
        """The same database: Community Edition has one; analyst Cypher refuses :ApiKey."""
        return self._keys

    @asynccontextmanager
    async def bulk_load(self, *, with_keys: bool = False) -> AsyncIterator[BulkLoad]:
        """A load holding the load slot, its nodes tagged with its id and published in one
        step, removed by that id if it fails or its process dies; a whole store's load
        (`with_keys`) goes into an empty store only."""
        with self._loads_in_this_process.one_at_a_time():
            async with self._load_behind_marker(into_empty=with_keys) as load_id:
                tag = {LOAD_TAG: load_id}
                yield BulkLoad(graph=self, keys=GraphKeyStore(self, tag=tag), staged=True, tag=tag)

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


async def _run_in(
    transaction: neo4j.AsyncTransaction, query: Query, params: Mapping[str, Any] | None
) -> list[Row]:
    """Run one of kflow's statements inside an explicit transaction."""
    result = await transaction.run(query.text, check_params(query, params, mode=query.mode))
    return [row_of(record) async for record in result]


class Neo4jSnapshot:
    """Reads inside one Neo4j read transaction: a consistent view of the graph."""

    def __init__(self, transaction: neo4j.AsyncTransaction) -> None:
        self._transaction = transaction

    @property
    def cases(self) -> GraphCaseReader:
        """The cases as of the snapshot's transaction."""
        return GraphCaseReader(self)

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement inside the snapshot's transaction."""
        values = check_params(query, params, mode="read")
        try:
            result = await self._transaction.run(query.text, values)
            return [row_of(record) async for record in result]
        except Neo4jError as err:
            raise QueryFailed(query.name, err.message or str(err)) from None
