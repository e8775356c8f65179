"""The store port: the only way services reach the graph, whichever engine holds it."""

import datetime
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, TextIO

from service.cypher import Query
from service.model.case import CaseFile

Row = dict[str, Any]
# The name an analyst's own statement goes by in errors (kflow's statements have file names).
ADHOC_STATEMENT = "cypher"
MAX_PARAM_DEPTH = 16
MAX_PARAM_ITEMS = 200_000
MAX_STRING_LENGTH = 1_000_000
MIN_INT, MAX_INT = -(2**63), 2**63  # the engines hold 64-bit integers


def count_values(value: Any) -> int:
    """How many values a parameter holds, as the limit MAX_PARAM_ITEMS counts them."""
    if isinstance(value, dict):
        return 1 + sum(count_values(item) for item in value.values())
    if isinstance(value, list | tuple):
        return 1 + sum(count_values(item) for item in value)
    return 1


class StoreError(Exception):
    """Something went wrong talking to the graph; the message says what."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (engine down, Neo4j unreachable, bad credentials)."""


class StoreFilesLost(StoreUnavailable):
    """The engine's data files were deleted or replaced under it; writes are refused. The
    message is kflow's own words (no path, no engine text), so clients may read it."""


class EngineStartError(StoreUnavailable):
    """The embedded engine did not start; the message names the cause and the log."""


class LoadInProgress(StoreUnavailable):
    """The graph holds a load that is not published yet (Neo4j, where a load is written in
    batches in place): reads are refused until it is whole, so none sees part of it. A
    second load while one runs is refused with it too."""


class LoadTargetNotEmpty(StoreError):
    """A whole store's load (with the keys) found the store holding data when it began."""


class QueryParameterError(StoreError):
    """The parameters given do not match what the statement declares, or cannot be sent."""


class ParameterValueError(QueryParameterError):
    """A parameter value the engines cannot receive intact; the message names where it is."""


class QueryFailed(StoreError):
    """The engine rejected or could not finish one of kflow's own statements."""

    def __init__(self, query: str, message: str) -> None:
        self.query = query
        self.engine_message = message
        super().__init__(f"query '{query}' failed: {message}")


class ConstraintViolation(QueryFailed):
    """A write broke a uniqueness constraint; nothing was written."""


class StatementRejected(QueryFailed):
    """The engine refused an analyst's own statement (a syntax error, an unknown function):
    the engine's message is about the caller's text and is the way to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(ADHOC_STATEMENT, message)


class WriteRefused(StoreError):
    """Ad-hoc Cypher that would change the graph; nothing ran."""


class QueryTimedOut(StoreError):
    """A query ran past its time limit and was stopped."""


class OperationRefused(WriteRefused):
    """Ad-hoc Cypher whose plan holds an operation or procedure analysts may not use (files,
    the network, writes); nothing ran."""


@dataclass(frozen=True)
class AdhocLimits:
    """What one analyst statement may take: time, rows, and bytes of the engine's reply."""

    timeout_ms: int
    row_cap: int
    max_bytes: int


@dataclass(frozen=True)
class StatementPlan:
    """What the engine will do with a statement, from its own parse (EXPLAIN).

    `operations` are the plan's operators as the engine names them; `procedures` the
    procedures it calls, or None when the engine's plan does not name them (the embedded
    engine says only `ProcedureCall`); `query_type` is Neo4j's (r, rw, w, s), None elsewhere.
    """

    backend: str
    operations: tuple[str, ...]
    procedures: tuple[str, ...] | None
    query_type: str | None


PlanCheck = Callable[[StatementPlan], None]


@dataclass(frozen=True)
class AdhocResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    # "rows" or "bytes" when the answer was cut, by which cap.
    cut_by: str | None = None


@dataclass(frozen=True)
class StoreInfo:
    backend: str
    engine_version: str
    location: str


class GraphReader(Protocol):
    """Anything that runs read statements: a store, or a consistent snapshot of one."""

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement and return its rows as maps keyed by column."""
        ...


class CaseReader(Protocol):
    """The whole cases a graph (or a snapshot of it) holds, one firm's case each."""

    async def list_firm_ids(self) -> list[str]:
        """The ids of the firms in the graph, in order."""
        ...

    async def read_case(self, firm_id: str) -> CaseFile | None:
        """A firm's case as the graph holds it (None: no such firm)."""
        ...

    async def write_case_json(
        self, out: TextIO, *, firm_id: str, depth: int, prefix: str = ""
    ) -> bool:
        """Write `prefix` and a firm's case as `read_case`'s case dumps to JSON (by alias,
        without nulls) with `json.dumps(indent=2)`, rendered `depth` levels deep; False, with
        nothing written, when the graph holds no such firm. A large firm is read a page at a
        time, never whole."""
        ...


class CaseStore(CaseReader, Protocol):
    """Whole cases written and checked: what seeding and import need of the graph."""

    async def put_case(self, case: CaseFile) -> None:
        """Write a validated case in one atomic write, replacing the firm's previous version
        (its records no longer in the case go). Raises ParameterValueError, with nothing
        written, for a value the engines cannot take. Ids another firm holds are the
        caller's to refuse first (`find_foreign_ids`)."""
        ...

    async def find_foreign_ids(self, *, firm_id: str, ids: Sequence[str]) -> dict[str, str]:
        """Which of `ids` the graph holds for a firm other than `firm_id`: id -> that firm."""
        ...

    async def count_graph(self) -> tuple[int, int]:
        """How many nodes and relationships the graph holds."""
        ...


class GraphSnapshot(GraphReader, Protocol):
    """A consistent read-only view of the graph, its cases included."""

    @property
    def cases(self) -> CaseReader:
        """The cases as of the snapshot."""
        ...


class GraphWriter(Protocol):
    """Anything that runs write statements: a store, or a load that appears all at once."""

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write statement and return its rows."""
        ...


class GraphStore(Protocol):
    """The graph, reached through named Cypher statements from `cypher/`.

    Every method returns plain Python values: dicts, lists, str, int, float, bool,
    None and `datetime.date`; never a driver's own objects. Each `write` is atomic:
    it is one statement on the embedded engine and one managed transaction on Neo4j,
    so it either happens whole or not at all.
    """

    backend: str

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement and return its rows as maps keyed by column.

        Raises QueryParameterError when `params` lacks or adds a name the statement
        declares, QueryFailed when the engine rejects it, and refuses a write statement.
        """
        ...

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write statement atomically and return its rows (same errors as `read`)."""
        ...

    async def profile(self, query: Query, params: Mapping[str, Any] | None = None) -> list[str]:
        """Run a read statement under the engine's PROFILE; its plan, one operator a line."""
        ...

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, limits: AdhocLimits, check: PlanCheck
    ) -> AdhocResult:
        """Run an analyst's own Cypher strictly read-only, within the limits.

        The engine first plans the exact statement that will run (EXPLAIN) and `check`
        judges that plan: it raises to refuse, and then nothing runs. The statement runs
        read-only (the embedded engine's read-only command; a Neo4j read transaction that
        is rolled back) with the engine's own time limit. Rows are read one by one and
        reading stops at `row_cap` + 1 rows or `max_bytes` of reply, so a huge answer never
        reaches this process whole. Raises WriteRefused for anything that would write,
        QueryTimedOut past `timeout_ms`, and QueryFailed with the engine's message.
        """
        ...

    def snapshot(self) -> AbstractAsyncContextManager[GraphSnapshot]:
        """A read-only view of the graph frozen at one instant, for consistent backups.

        The embedded engine copies the graph server-side (GRAPH.COPY) and reads the copy;
        Neo4j reads everything in one read transaction.
        """
        ...

    @property
    def keys(self) -> "KeyStore":
        """The API keys: a graph apart from the one analysts query (embedded); the same
        database on Neo4j, where analyst Cypher refuses to name :ApiKey."""
        ...

    @property
    def cases(self) -> CaseStore:
        """Whole cases: each firm's read back, written whole, its ids checked."""
        ...

    def bulk_load(self, *, with_keys: bool = False) -> AbstractAsyncContextManager["BulkLoad"]:
        """Somewhere to write a load too large for one statement, all or nothing.

        Where the engine can, the load goes into a copy of the graph (and of the keys, with
        `with_keys`) that replaces the graph in one atomic step when the block ends, or is
        dropped when it raises: `staged` is then True. Neo4j holds no second copy: a load
        takes the database's one load slot, which its process holds until it ends, and every
        node written through its `graph` must carry `tag` (the load's id; its `keys` add it
        themselves). Publishing is one commit that marks the load kept, then its tags go; a
        failed unpublished load's tagged nodes are removed at once, and a killed one's by the
        next process to find the slot free, which also finishes untagging a published one
        (`staged` True too). Reads are refused while an announced load is unpublished, so
        none sees part of it. A load raises LoadInProgress while another one runs, and a
        load `with_keys` (a whole store's) LoadTargetNotEmpty when the store holds data as
        it begins (another load may have finished first). So a load is whole or nothing on
        both backends; a store that cannot stage one (`staged` False) writes in place, and
        the caller undoes it when it raises.
        """
        ...

    async def ping(self) -> None:
        """Return when the store answers; raise StoreUnavailable otherwise."""
        ...

    async def info(self) -> StoreInfo:
        """The backend's name, the engine's version and where the data lives."""
        ...

    async def ensure_schema(self) -> None:
        """Create the indexes and uniqueness constraints of `cypher/schema/`, idempotently."""
        ...

    async def close(self) -> None:
        """Release connections, and stop the engine when this store started it."""
        ...


def check_params(query: Query, params: Mapping[str, Any] | None, *, mode: str) -> dict[str, Any]:
    """The parameters to send, after checking them against the statement's header."""
    return encode_params(check_param_names(query, params, mode=mode))


def check_param_names(
    query: Query, params: Mapping[str, Any] | None, *, mode: str
) -> dict[str, Any]:
    """The parameters as given, after checking their names (not values) against the header."""
    if query.mode != mode:
        raise QueryParameterError(
            f"query '{query.name}' is a {query.mode} statement; it cannot run as a {mode}"
        )
    given = dict(params or {})
    odd = [name for name in given if not isinstance(name, str)]
    if odd:
        raise QueryParameterError(f"query '{query.name}': parameter name {odd[0]!r} is not text")
    missing = query.param_names - given.keys()
    extra = given.keys() - query.param_names
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(sorted(missing))}")
        if extra:
            parts.append(f"unexpected {', '.join(sorted(extra))}")
        raise QueryParameterError(f"query '{query.name}': {'; '.join(parts)}")
    return given


def encode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters both engines receive intact, within size and nesting limits."""
    budget = [MAX_PARAM_ITEMS]
    for name in params:
        if not isinstance(name, str) or not name.isidentifier():
            raise ParameterValueError(f"parameter name {name!r} is not an identifier")
    return {name: encode_value(value, f"${name}", 0, budget) for name, value in params.items()}


def encode_value(value: Any, where: str, depth: int, budget: list[int]) -> Any:
    """A parameter value both engines receive intact, or a QueryParameterError naming it."""
    return _encode(value, where, depth, budget)


# Where a value sits, e.g. $rows[3].props.id: built only when a value is refused, because a
# bulk load sends millions of values and formatting each one's place would double the cost.
_Place = str | tuple[Any, Any, bool]


def _where(place: _Place) -> str:
    parts: list[str] = []
    while isinstance(place, tuple):
        place, key, is_index = place
        parts.append(f"[{key}]" if is_index else f".{key}")
    return place + "".join(reversed(parts))


def is_unicode(text: str) -> bool:
    """Whether text can be sent as UTF-8 (no lone surrogates); ASCII is checked at once."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain_leaf(item: Any, depth: int, budget: list[int]) -> bool:
    """Whether a common leaf (text, None, int) passes every check; counts it if so."""
    kind = type(item)
    if depth > MAX_PARAM_DEPTH or budget[0] <= 0:
        return False
    if kind is str:
        if "\x00" in item or len(item) > MAX_STRING_LENGTH or not is_unicode(item):
            return False
    elif not (item is None or (kind is int and MIN_INT <= item < MAX_INT)):
        return False
    budget[0] -= 1
    return True


def _encode(value: Any, place: _Place, depth: int, budget: list[int]) -> Any:
    if depth > MAX_PARAM_DEPTH:
        raise ParameterValueError(f"{_where(place)}: nested deeper than {MAX_PARAM_DEPTH} levels")
    budget[0] -= 1
    if budget[0] < 0:
        raise ParameterValueError(f"parameters hold more than {MAX_PARAM_ITEMS} values")
    if value is None or isinstance(value, bool | int | str):
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not (MIN_INT <= value < MAX_INT)
        ):
            raise ParameterValueError(f"{_where(place)}: integer {value} does not fit in 64 bits")
        if isinstance(value, str):
            if "\x00" in value:
                raise ParameterValueError(f"{_where(place)}: text contains a NUL character")
            if not is_unicode(value):
                raise ParameterValueError(
                    f"{_where(place)}: text is not valid Unicode (a lone surrogate)"
                )
            if len(value) > MAX_STRING_LENGTH:
                raise ParameterValueError(f"{_where(place)}: text longer than {MAX_STRING_LENGTH}")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterValueError(f"{_where(place)}: {value} is not a finite number")
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    child = depth + 1
    if isinstance(value, Mapping):
        encoded = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise ParameterValueError(f"{_where(place)}: map key {key!r} is not text")
            if "\x00" in key or "`" in key or not is_unicode(key):
                raise ParameterValueError(
                    f"{_where(place)}: map key {key!r} holds a NUL, a backtick or a lone "
                    "surrogate, which the engines cannot take"
                )
            encoded[key] = (
                item
                if _plain_leaf(item, child, budget)
                else _encode(item, (place, key, False), child, budget)
            )
        return encoded
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [
            item
            if _plain_leaf(item, child, budget)
            else _encode(item, (place, i, True), child, budget)
            for i, item in enumerate(value)
        ]
    raise ParameterValueError(
        f"{_where(place)}: a {type(value).__name__} cannot be sent to the graph"
    )


class KeyStore(Protocol):
    """Where API keys are kept (hashed): records of id, name, role, hash, created_at and
    revoked_at (milliseconds since the epoch)."""

    async def add_key(self, record: Mapping[str, Any]) -> Row:
        """Keep a new key; return it without its hash."""
        ...

    async def get_key(self, key_id: str) -> Row | None:
        """The key with this id, hash included (None: no such key)."""
        ...

    async def list_keys(self) -> list[Row]:
        """Every key without its hash, newest first (ties by id)."""
        ...

    async def list_key_records(self) -> list[Row]:
        """Every key with its hash, by id: what a backup keeps."""
        ...

    async def revoke_key(self, key_id: str, *, at: int) -> Row | None:
        """Mark the key revoked at `at` (an earlier revocation stays); None: no such key."""
        ...


@dataclass(frozen=True)
class BulkLoad:
    """Where a bulk load writes: the graph (or its staged copy) and the keys (or theirs),
    and the properties every node it writes must carry (none where the load is staged)."""

    graph: GraphStore
    keys: KeyStore
    staged: bool
    tag: Mapping[str, str] = field(default_factory=dict)


class LoadsInThisProcess:
    """One load at a time into a store from this process. The lock that keeps other
    processes' loads out is this process's own to take again, so a second load beside the
    first would write into the first's staged copy (or wait out the load slot it holds)."""

    def __init__(self, store: str) -> None:
        self.store = store
        self._running = False

    @contextmanager
    def one_at_a_time(self) -> Iterator[None]:
        """Run the block as this process's one load; LoadInProgress while another runs."""
        if self._running:
            raise LoadInProgress(
                f"another load into {self.store} by this kflow process (pid {os.getpid()}) "
                "is in progress: run one load at a time"
            )
        self._running = True
        try:
            yield
        finally:
            self._running = False
