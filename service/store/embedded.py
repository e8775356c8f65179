"""The embedded adapter: the store port on a FalkorDB engine that kflow runs itself."""

import asyncio
import datetime
import logging
import math
import re
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import redis
from falkordb.asyncio import FalkorDB
from falkordb.asyncio.query_result import QueryResult
from falkordb.edge import Edge
from falkordb.helpers import stringify_param_value
from falkordb.node import Node
from falkordb.path import Path as FalkorPath
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.connection import UnixDomainSocketConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from service import cypher
from service.cypher import Query
from service.store.case_graph import GraphCases
from service.store.engine import EngineConfig, EngineProcess
from service.store.engine_share import EngineLease
from service.store.keys import GraphKeyStore
from service.store.port import (
    MAX_INT,
    MAX_PARAM_DEPTH,
    MAX_PARAM_ITEMS,
    MAX_STRING_LENGTH,
    MIN_INT,
    AdhocLimits,
    AdhocResult,
    BulkLoad,
    ConstraintViolation,
    GraphStore,
    KeyStore,
    LoadTargetNotEmpty,
    PlanCheck,
    QueryFailed,
    QueryTimedOut,
    Row,
    StatementPlan,
    StatementRejected,
    StoreError,
    StoreFilesLost,
    StoreInfo,
    StoreUnavailable,
    WriteRefused,
    check_param_names,
    encode_params,
    is_unicode,
)
from service.store.reply_stream import ReplyStream, ReplyTooLarge

# A graph copy refused because the engine could not fork is tried again after its log
# rewrite: a few times, as another rewrite may start in between.
COPY_ATTEMPTS = 5
# How long a copy waits for the engine's child: this many query limits (a large graph's log
# rewrite takes a minute or more), polled every CHILD_POLL_S.
CHILD_WAIT_QUERY_LIMITS = 30
CHILD_POLL_S = 0.1
ENGINE_CHILDREN = ("aof_rewrite_in_progress", "rdb_bgsave_in_progress")
log = logging.getLogger("kflow.store")

_NODE_INDEX = re.compile(r"^CREATE INDEX FOR \((\w+):(\w+)\) ON \(\1\.(\w+)\)$")
_RELATIONSHIP_INDEX = re.compile(r"^CREATE INDEX FOR \(\)-\[(\w+):(\w+)\]-\(\) ON \(\1\.(\w+)\)$")
_NAME = re.compile(r"^\w+$")
CONSTRAINT_WAIT_S = 30.0
ENGINE_GRACE_S = 60.0
SCHEMA_STATEMENTS = cypher.load_schema("embedded")
COUNT_NODES = cypher.load("store/count_graph_nodes")


_SCALARS = (str, int, float, bool, type(None))


# Turns of the event loop a statement waits before it is sent. A client's hang-up that the
# kernel holds already takes four to reach the request: the socket's end is read, the server
# drops the connection, the request's listener hears of it, and the listener cancels the
# request (CancelOnDisconnect). The engine cannot stop a statement once sent, so a request
# cancelled between two statements (busy with the first one's answer while the hang-up came)
# must not send the second; one more turn for margin.
TURNS_BEFORE_A_STATEMENT = 5


async def let_cancellation_land() -> None:
    """Let a cancellation already on its way reach this task before a statement is sent."""
    for _ in range(TURNS_BEFORE_A_STATEMENT):
        await asyncio.sleep(0)


def params_header(values: Mapping[str, Any]) -> str:
    """The `CYPHER name=value ...` header, as the falkordb client writes it."""
    if not values:
        return ""
    return "CYPHER " + "".join(
        f"`{name}`={stringify_param_value(value)} " for name, value in values.items()
    )


class _Unusual(Exception):
    """A value the one-pass header writer leaves to the port's checks and `params_header`."""


# Header text of map keys found sendable: a load's rows repeat a few dozen keys millions of
# times. Bounded, as analysts' parameters may bring any keys.
_KEY_TEXT: dict[str, str] = {}
_KEY_TEXT_SIZE = 4096


def _write_key(key: Any) -> str:
    """A map key's header text, remembered; raise _Unusual for a key the port may refuse."""
    if type(key) is not str or not key or "`" in key:
        raise _Unusual
    text = f"`{key}`:"
    if len(_KEY_TEXT) < _KEY_TEXT_SIZE:
        _KEY_TEXT[key] = text
    return text


def _write_value(value: Any, depth: int, budget: list[int]) -> str:
    """A value as header text when the port would send it unchanged; raise _Unusual if not.

    NUL characters and lone surrogates are not looked for here but in the whole header.
    """
    kind = type(value)
    if kind is str:
        if len(value) > MAX_STRING_LENGTH:
            raise _Unusual
        if '"' in value or "\\" in value:
            value = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{value}"'
    if value is None:
        return "null"
    if kind is int:
        if not MIN_INT <= value < MAX_INT:
            raise _Unusual
        return str(value)
    if kind is dict or kind is list or kind is tuple:
        budget[0] -= len(value)
        if budget[0] < 0 or (value and depth >= MAX_PARAM_DEPTH):
            raise _Unusual
        inner = depth + 1
        if kind is dict:
            keys = _KEY_TEXT
            parts = []
            for key, item in value.items():
                key_text = (type(key) is str and keys.get(key)) or _write_key(key)
                # Most values are plain text: written here, without a call each.
                if (
                    type(item) is str
                    and len(item) <= MAX_STRING_LENGTH
                    and '"' not in item
                    and "\\" not in item
                ):
                    parts.append(f'{key_text}"{item}"')
                else:
                    parts.append(key_text + _write_value(item, inner, budget))
            return "{" + ",".join(parts) + "}"
        return "[" + ",".join([_write_value(item, inner, budget) for item in value]) + "]"
    if kind is bool or (kind is float and math.isfinite(value)):
        return str(value)
    raise _Unusual


def encode_header(params: Mapping[str, Any]) -> str:
    """The header of `params_header(encode_params(params))`, checked and written in one pass.

    Checking every value (`encode_params`) and then writing it (`params_header`) walked a
    large write's parameters twice, most of its time in Python. Any value out of the
    ordinary, refused ones included, goes through those two instead, so what is sent and
    every error are exactly theirs.
    """
    budget = [MAX_PARAM_ITEMS - len(params)]
    try:
        parts = []
        for name, value in params.items():
            if type(name) is not str or not name.isidentifier():
                raise _Unusual
            parts.append(f"`{name}`={_write_value(value, 0, budget)} ")
        header = "CYPHER " + "".join(parts) if parts else ""
        if budget[0] < 0 or "\x00" in header or not is_unicode(header):
            raise _Unusual
    except _Unusual:
        return params_header(encode_params(params))
    return header


class _NotPlain(Exception):
    """A reply value that is not a map, list or scalar (left to the client's decoder)."""


def _decode(cell: list[Any]) -> Any:
    """One value of a compact reply, [type, value], as plain Python data."""
    kind, value = cell
    if kind == 2:  # string
        return value
    if kind == 3:  # integer
        return int(value)
    if kind == 1:  # null
        return None
    if kind == 10:  # map: key, [type, value], key, ...
        items = iter(value)
        return {key: _decode(item) for key, item in zip(items, items, strict=True)}
    if kind == 6:  # array
        return [_decode(item) for item in value]
    if kind == 4:  # boolean
        return value == "true"
    if kind == 5:  # double
        return float(value)
    raise _NotPlain


def _decode_rows(raw_rows: list[Any]) -> list[list[Any]]:
    """Compact reply rows as plain values (raises _NotPlain for nodes, paths, times)."""
    return [[_decode(cell) for cell in row] for row in raw_rows]


def plain(value: Any) -> Any:
    """A FalkorDB reply value as plain Python data (no client objects, naive times)."""
    if type(value) in _SCALARS:  # most values: checked first, as replies hold thousands
        return value
    if isinstance(value, Node | Edge):
        return {key: plain(item) for key, item in value.properties.items()}
    if isinstance(value, FalkorPath):
        return {
            "nodes": [plain(n) for n in value.nodes()],
            "relationships": [plain(e) for e in value.edges()],
        }
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return value


class EmbeddedStore:
    """GraphStore on an embedded FalkorDB engine; see the port for the contract."""

    backend = "embedded"

    def __init__(
        self,
        engine: EngineProcess | EngineLease,
        *,
        graph_name: str,
        pool_size: int,
        query_timeout_ms: int,
        owns_engine: bool = True,
    ) -> None:
        self.engine = engine
        self.owns_engine = owns_engine
        self._auth: EmbeddedStore | None = None
        self._keys: GraphKeyStore | None = None
        self._watchdog: asyncio.Task[None] | None = None
        self.graph_name = graph_name
        self.query_timeout_ms = query_timeout_ms
        self._pool = BlockingConnectionPool(
            connection_class=UnixDomainSocketConnection,
            path=str(engine.socket_path),
            max_connections=pool_size,
            timeout=None,
            decode_responses=True,
            # redis-py's 5 s default would cut off any longer query as a dead engine; the
            # engine stops reads at the query timeout itself, so wait that long and more.
            socket_timeout=query_timeout_ms / 1000 + ENGINE_GRACE_S,
        )
        self._db = FalkorDB(connection_pool=self._pool)
        # No silent re-sends: a retried write after a dropped connection may apply twice.
        # Set after the client is built, because its cluster probe copies these options
        # into a synchronous client, which cannot use an asyncio Retry.
        self._pool.connection_kwargs["retry"] = Retry(NoBackoff(), 0)
        self._graph = self._db.select_graph(graph_name)

    @classmethod
    async def start(
        cls, config: EngineConfig, *, graph_name: str, pool_size: int
    ) -> "EmbeddedStore":
        """Attach to the data directory's engine (starting it if none runs), connect, and
        watch over it."""
        engine = EngineLease(config)
        await asyncio.to_thread(engine.attach)
        store = cls(
            engine,
            graph_name=graph_name,
            pool_size=pool_size,
            query_timeout_ms=config.query_timeout_ms,
        )
        store._watchdog = asyncio.create_task(store._watch(config.watch_interval_s))
        return store

    async def _watch(self, interval_s: float) -> None:
        # If the engine dies (a crash, the OOM killer, kill -9), start it again, or attach
        # to the one its host started again; it replays its append-only file, losing no
        # acknowledged write.
        while True:
            await asyncio.sleep(interval_s)
            if self.engine.lost_reason is None and self.engine.watch_files() is not None:
                log.error("the embedded engine's files are lost: %s", self.engine.lost_reason)
            if self.engine.running or self.engine.lost_reason is not None:
                continue
            log.warning("the embedded engine stopped; restarting it (see %s)", self.engine.log_path)
            try:
                await asyncio.to_thread(self.engine.restart)
            except StoreError as err:
                log.error("the embedded engine did not restart: %s", err)
                continue
            await self._pool.disconnect(inuse_connections=True)
            log.warning("the embedded engine is back (FalkorDB %s)", self.engine.module_version)

    def _refuse_if_lost(self) -> None:
        """Before a write (and in readiness): a look at the engine's files, two stat calls."""
        if self.engine.watch_files() is not None:
            raise StoreFilesLost(f"the embedded store cannot be trusted: {self.engine.lost_reason}")

    async def _run(self, query: Query, params: Mapping[str, Any] | None, *, mode: str) -> list[Row]:
        header = encode_header(check_param_names(query, params, mode=mode))
        await let_cancellation_land()
        if mode == "write":
            self._refuse_if_lost()
        log.debug("query %s (%s)", query.name, mode)
        try:
            if mode == "read":
                return await self._read_rows(header + query.text)
            async with self.engine.loads.write_turn(wait_s=self.query_timeout_ms / 1000):
                result = await self._graph.query(header + query.text)
            columns = [column[1] for column in result.header]
            return [
                dict(zip(columns, (plain(v) for v in row), strict=True))
                for row in result.result_set
            ]
        except redis.ResponseError as err:
            message = str(err)
            if "unique constraint violation" in message:
                raise ConstraintViolation(query.name, message) from None
            if "empty key" in message and mode == "read":
                return []  # the graph has never been written to: nothing to read
            if "timed out" in message.lower():
                raise QueryTimedOut(
                    f"query '{query.name}' ran past the {self.query_timeout_ms} "
                    "ms limit (KFLOW_QUERY_TIMEOUT_MS)"
                ) from None
            raise QueryFailed(query.name, message) from None
        except (redis.ConnectionError, redis.TimeoutError, OSError) as err:
            raise StoreUnavailable(
                f"the embedded engine did not answer query '{query.name}': {err}"
                + (
                    ""
                    if self.engine.running
                    else f" (the engine has stopped; see {self.engine.log_path})"
                )
            ) from None
        except (ValueError, OverflowError) as err:
            raise QueryFailed(
                query.name, f"the engine returned a value Python cannot hold: {err}"
            ) from None

    async def _read_rows(self, statement: str) -> list[Row]:
        """Run a read and decode its reply in one pass over the values.

        The client decodes each value of a reply with its own awaited coroutine, which took
        more time than the engine on answers of a few thousand values. Our statements return
        maps, lists and scalars, decoded here directly; a reply holding anything else (nodes,
        temporal values) goes to the client's decoder as before.
        """
        reply = await self._db.connection.execute_command(
            "GRAPH.RO_QUERY",
            self.graph_name,
            statement,
            "--compact",
            "timeout",
            self.query_timeout_ms,
        )
        if isinstance(reply[-1], redis.ResponseError):
            raise reply[-1]
        if len(reply) < 3:
            return []
        columns = [column[1] for column in reply[0]]
        try:
            return [
                dict(zip(columns, (_decode(cell) for cell in row), strict=True)) for row in reply[1]
            ]
        except _NotPlain:
            result = QueryResult(self._graph)
            await result.parse(reply)
            return [
                dict(zip(columns, (plain(v) for v in row), strict=True))
                for row in result.result_set
            ]

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement through the engine's read-only command."""
        return await self._run(query, params, mode="read")

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one write statement (atomic on the engine)."""
        return await self._run(query, params, mode="write")

    async def profile(self, query: Query, params: Mapping[str, Any] | None = None) -> list[str]:
        """The engine's GRAPH.PROFILE of a read statement: each operation with its records
        produced and time, indented by depth."""
        header = encode_header(check_param_names(query, params, mode="read"))
        await let_cancellation_land()
        try:
            lines = await self._db.connection.execute_command(
                "GRAPH.PROFILE", self.graph_name, header + query.text
            )
        except redis.ResponseError as err:
            raise QueryFailed(query.name, str(err)) from None
        return [line.decode() if isinstance(line, bytes) else str(line) for line in lines]

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, limits: AdhocLimits, check: PlanCheck
    ) -> AdhocResult:
        """Run analyst Cypher read-only, capped inside the engine (see the port).

        The engine answers a query whole, so the row cap goes into the statement: it runs
        as `CALL { <text> } RETURN * LIMIT <cap + 1>`, which the engine stops at the cap
        (a statement that cannot be wrapped, such as a bare `CALL db.labels()`, runs as
        written). The plan checked is the plan of what runs.
        """
        header = params_header(encode_params(params))
        wrapped = f"{header}CALL {{\n{text}\n}} RETURN * LIMIT {limits.row_cap + 1}"
        try:
            try:
                statement, plan = wrapped, await self._explain(wrapped)
            except redis.ResponseError as err:
                if "empty key" in str(err):
                    raise
                statement = header + text
                plan = await self._explain(statement)
            check(plan)
            await let_cancellation_land()
            return await self._stream_readonly(statement, limits)
        except redis.ResponseError as err:
            message = str(err)
            if "read-only queries" in message:
                raise WriteRefused(
                    "the query would write to the graph; analyst Cypher runs read-only"
                ) from None
            if "timed out" in message.lower():
                raise QueryTimedOut(
                    f"the query ran past the {limits.timeout_ms} ms limit "
                    "(KFLOW_ANALYST_TIMEOUT_MS)"
                ) from None
            if "empty key" in message:
                return AdhocResult(columns=[], rows=[], truncated=False)
            if "mem consumption exceeded" in message:
                message = (
                    "the query needed more memory than one query may use (KFLOW_QUERY_MEMORY_MB)"
                )
            raise StatementRejected(message) from None
        except TimeoutError:
            raise QueryTimedOut(
                f"the query ran past the {limits.timeout_ms} ms limit (KFLOW_ANALYST_TIMEOUT_MS)"
                " and the engine did not answer"
            ) from None
        except (redis.ConnectionError, OSError) as err:
            raise StoreUnavailable(f"the embedded engine did not answer: {err}") from None
        except (ValueError, OverflowError) as err:
            raise StatementRejected(
                f"the engine returned a value Python cannot hold: {err}"
            ) from None

    async def _explain(self, statement: str) -> StatementPlan:
        """The engine's plan of a statement: one operation per line, indented by depth."""
        lines = await self._db.connection.execute_command(
            "GRAPH.EXPLAIN", self.graph_name, statement
        )
        return StatementPlan(
            backend=self.backend,
            operations=tuple(line.strip().split(" | ")[0] for line in lines),
            procedures=None,
            query_type=None,
        )

    async def _stream_readonly(self, statement: str, limits: AdhocLimits) -> AdhocResult:
        """Read a read-only query's reply row by row, in a worker thread; stop at the caps."""
        header, raw_rows, cut_by = await asyncio.to_thread(self._read_capped, statement, limits)
        try:
            rows = await asyncio.to_thread(_decode_rows, raw_rows)
        except _NotPlain:  # nodes, paths, times: the client's decoder, which needs the loop
            result = QueryResult(self._graph)
            await result.parse([header, raw_rows, []])
            rows = [[plain(value) for value in row] for row in result.result_set]
        return AdhocResult(
            columns=[column[1] for column in header],
            rows=rows,
            truncated=cut_by is not None,
            cut_by=cut_by,
        )

    def _read_capped(
        self, statement: str, limits: AdhocLimits
    ) -> tuple[list[Any], list[Any], str | None]:
        """The reply's header, at most `row_cap` raw rows, and which cap cut it, if any."""
        stream = ReplyStream(
            self.engine.socket_path,
            max_bytes=limits.max_bytes,
            timeout_s=limits.timeout_ms / 1000 + ENGINE_GRACE_S,
        )
        try:
            stream.send(
                "GRAPH.RO_QUERY",
                self.graph_name,
                statement,
                "--compact",
                "timeout",
                limits.timeout_ms,
            )
            parts = stream.array_length()
            header = stream.framing()
            if isinstance(header, redis.ResponseError):
                raise header
            if parts < 3:
                return [], [], None
            raw_rows: list[Any] = []
            try:
                for _ in range(stream.array_length()):
                    if len(raw_rows) == limits.row_cap:
                        return header, raw_rows, "rows"
                    raw_rows.append(stream.value())
            except ReplyTooLarge:
                return header, raw_rows, "bytes"
            for _ in range(parts - 2):
                if isinstance(tail := stream.value(), redis.ResponseError):
                    raise tail
            return header, raw_rows, None
        finally:
            stream.close()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator["EmbeddedStore"]:
        """A server-side copy of the graph, read and then dropped."""
        copy = self._sibling(f"{self.graph_name}.snapshot-{secrets.token_hex(4)}")
        try:
            try:
                await self._copy_graph(copy.graph_name)
            except redis.ResponseError as err:
                if "empty key" not in str(err) and "not exist" not in str(err).lower():
                    raise StoreError(f"could not snapshot graph {self.graph_name}: {err}") from None
            yield copy
        finally:
            await copy.drop_graph()
            await copy.close()

    @property
    def cases(self) -> GraphCases:
        """Whole cases, read and written with `cypher/cases/`."""
        return GraphCases(self)

    @property
    def keys(self) -> GraphKeyStore:
        """API keys in a sibling graph on the same engine, out of analysts' reach."""
        if self._keys is None:
            self._keys = GraphKeyStore(self._keys_graph(), prepare=self._keys_graph().ensure_schema)
        return self._keys

    def _keys_graph(self) -> "EmbeddedStore":
        if self._auth is None:
            self._auth = self._sibling(f"{self.graph_name}-auth")
        return self._auth

    def _sibling(self, graph_name: str) -> "EmbeddedStore":
        """Another graph on this store's engine (the keys, a snapshot, a staged copy)."""
        return EmbeddedStore(
            self.engine,
            graph_name=graph_name,
            pool_size=2,
            query_timeout_ms=self.query_timeout_ms,
            owns_engine=False,
        )

    @asynccontextmanager
    async def bulk_load(self, *, with_keys: bool = False) -> AsyncIterator[BulkLoad]:
        """Staged copies of the graph (and of the keys graph), published together in one
        atomic step when the block ends, dropped when it raises."""
        with self.engine.loads.in_this_process.one_at_a_time():
            graph = await self.open_staging()
            pairs: list[tuple[GraphStore, GraphStore]] = [(self, graph)]
            keys: KeyStore = self.keys
            try:
                if with_keys:
                    await self.keys.ready()
                    keys_copy = await self._keys_graph().open_staging()
                    pairs.append((self._keys_graph(), keys_copy))
                    keys = GraphKeyStore(keys_copy)
                    # A whole store's load waits for any other load first: the copies show
                    # whether one finished meanwhile.
                    if (await graph.read(COUNT_NODES))[0]["nodes"] or await keys.list_key_records():
                        raise LoadTargetNotEmpty(
                            f"graph {self.graph_name} holds data: a restore goes into an empty "
                            "store (did another restore finish first?)"
                        )
                yield BulkLoad(graph=graph, keys=keys, staged=True)
            except BaseException:
                for _, copy in pairs:
                    await self.discard_staging(copy)
                raise
            await self.publish_together(pairs)
        await self.compact_log()

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the engine answers."""
        self._refuse_if_lost()
        try:
            await self._db.connection.ping()
        except (redis.RedisError, OSError) as err:
            raise StoreUnavailable(f"the embedded engine does not answer: {err}") from None

    async def info(self) -> StoreInfo:
        """Backend, FalkorDB version and data directory."""
        return StoreInfo(
            backend=self.backend,
            engine_version=f"FalkorDB {self.engine.module_version}",
            location=str(self.engine.data_dir),
        )

    async def ensure_schema(self) -> None:
        """Create each id index, then the uniqueness constraint that rests on it."""
        try:
            existing = (await self._graph.list_indices()).result_set
        except redis.ResponseError as err:
            if "empty key" not in str(err):
                raise StoreError(f"could not list the engine's indexes: {err}") from None
            existing = []  # a new graph: nothing indexed yet
        indexed = {(row[6], row[0], prop) for row in existing for prop in row[1]}
        await self._drop_relationship_indexes(indexed)
        for statement in SCHEMA_STATEMENTS:
            text = statement.text.strip()
            match = _NODE_INDEX.match(text) or _RELATIONSHIP_INDEX.match(text)
            if match is None:
                raise StoreError(
                    f"{statement.name}: embedded schema files hold one index, "
                    "'CREATE INDEX FOR (n:Label) ON (n.property)' or "
                    "'CREATE INDEX FOR ()-[r:TYPE]-() ON (r.property)'"
                )
            entity = "NODE" if match.re is _NODE_INDEX else "RELATIONSHIP"
            _, name, prop = match.groups()
            if (entity, name, prop) not in indexed:
                try:
                    await self._run(statement, None, mode="write")
                except QueryFailed as err:
                    if "already indexed" not in str(err):
                        raise  # else another process sharing the engine made it meanwhile
            if entity == "NODE" and prop == "id":
                await self._ensure_unique(name, prop)

    async def _drop_relationship_indexes(self, indexed: set[tuple[str, str, str]]) -> None:
        """Drop relationship indexes that earlier versions created.

        FalkorDB 4.22.1 does not finish loading a snapshot (the append-only file's RDB
        base, written by every log rewrite) of a graph whose relationship index covers
        tens of thousands of relationships: it spins in "Constructing indexes" and never
        answers. So the embedded schema declares node indexes only.
        """
        for entity, rel_type, prop in sorted(indexed):
            if entity == "RELATIONSHIP" and _NAME.match(rel_type) and _NAME.match(prop):
                await self._graph.query(f"DROP INDEX FOR ()-[r:{rel_type}]-() ON (r.{prop})")

    async def _ensure_unique(self, label: str, prop: str) -> None:
        constraints = await self._graph.list_constraints()
        if not any(
            c["label"] == label and c["properties"] == [prop] and c["type"] == "UNIQUE"
            for c in constraints
        ):
            try:
                await self._graph.create_node_unique_constraint(label, prop)
            except redis.ResponseError as err:
                if "already exists" not in str(err).lower():
                    raise StoreError(f"could not constrain :{label}({prop}): {err}") from None
        deadline = asyncio.get_running_loop().time() + CONSTRAINT_WAIT_S
        while True:
            status = next(
                c["status"]
                for c in await self._graph.list_constraints()
                if c["label"] == label and c["properties"] == [prop]
            )
            if status == "OPERATIONAL":
                return
            if status == "FAILED" or asyncio.get_running_loop().time() > deadline:
                raise StoreError(
                    f"the uniqueness constraint on :{label}({prop}) is {status}: the graph "
                    f"holds two :{label} nodes with the same {prop}"
                )
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        """Close the pool, and stop the engine if this store started it."""
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._auth is not None:
            await self._auth.close()
        await self._pool.disconnect()
        if self.owns_engine:
            self.engine.loads.abandon()
            await asyncio.to_thread(self.engine.stop)

    async def drop_graph(self) -> None:
        """Delete this store's graph key with its indexes (tests use one graph each)."""
        try:
            await self._graph.delete()
        except redis.ResponseError as err:
            if "empty key" not in str(err):
                raise StoreError(f"could not drop graph {self.graph_name}: {err}") from None

    async def _copy_graph(self, target: str) -> None:
        """GRAPH.COPY of this graph to `target`. The copy forks the engine, which cannot fork
        while its log rewrite (started after the last load) still runs in a child: then wait
        for the rewrite to end and copy again."""
        for attempt in range(COPY_ATTEMPTS):
            try:
                await self._db.connection.execute_command("GRAPH.COPY", self.graph_name, target)
                return
            except redis.ResponseError as err:
                if "fork" not in str(err) or attempt == COPY_ATTEMPTS - 1:
                    raise
            await self._log_rewrite_ended()

    async def _log_rewrite_ended(self) -> None:
        """Return once the engine's child (a log rewrite or a save) is gone, polled as the
        engine signals nothing; raise StoreError if it outlasts a load's wait."""
        waited_s = 0.0
        while True:
            persistence = await self._db.connection.info("persistence")
            if not any(persistence[child] for child in ENGINE_CHILDREN):
                return
            if waited_s > self.query_timeout_ms / 1000 * CHILD_WAIT_QUERY_LIMITS:
                raise StoreError(
                    f"the engine's log rewrite still runs after {waited_s:.0f} s, so the graph "
                    "cannot be copied for a load or snapshot; try again when it ends"
                )
            await asyncio.sleep(CHILD_POLL_S)
            waited_s += CHILD_POLL_S

    async def open_staging(self) -> "EmbeddedStore":
        """A copy of this graph under `<name>.staging`; a stale copy from a crash is replaced."""
        self._refuse_if_lost()
        staging = self._sibling(f"{self.graph_name}.staging")
        await self.engine.loads.begin_load(wait_s=self.query_timeout_ms / 1000)
        try:
            await staging.drop_graph()
            await self._copy_graph(staging.graph_name)
        except BaseException as err:
            self.engine.loads.end_load()
            await staging.close()
            if not isinstance(err, redis.RedisError):
                raise
            raise StoreError(
                f"could not copy graph {self.graph_name} to stage a load: {err}"
            ) from None
        return staging

    async def publish_staging(self, staging: "GraphStore") -> None:
        """Replace this graph with the staged copy (RENAME is atomic), then release the copy."""
        await self.publish_together([(self, staging)])

    async def publish_together(self, staged: Sequence[tuple[GraphStore, GraphStore]]) -> None:
        """Replace each graph with its staged copy in one MULTI/EXEC of RENAMEs: the engine
        runs (and logs) the transaction whole, so a crash leaves all graphs old or all new."""
        self._refuse_if_lost()
        pairs = []
        for graph, copy in staged:
            assert isinstance(graph, EmbeddedStore) and isinstance(copy, EmbeddedStore)
            pairs.append((graph, copy))
        try:
            async with self._db.connection.pipeline(transaction=True) as transaction:
                for graph, copy in pairs:
                    transaction.rename(copy.graph_name, graph.graph_name)
                await transaction.execute()
        except redis.RedisError as err:
            raise StoreError(f"could not publish the staged graph: {err}") from None
        finally:
            for _, copy in pairs:
                self.engine.loads.end_load()
                await copy.close()

    async def discard_staging(self, staging: "GraphStore") -> None:
        """Delete the staged copy; this graph stays as it was."""
        assert isinstance(staging, EmbeddedStore)
        try:
            await staging.drop_graph()
        finally:
            self.engine.loads.end_load()
            await staging.close()

    async def compact_log(self) -> None:
        """Start the engine's append-only-file rewrite (BGREWRITEAOF) after a large load."""
        await asyncio.to_thread(self.engine.rewrite_log)
