"""The store port: the only way services reach the graph, whichever engine holds it."""

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from service.cypher import Query

Row = dict[str, Any]
MAX_PARAM_DEPTH = 16
MAX_PARAM_ITEMS = 200_000
MAX_STRING_LENGTH = 1_000_000


class StoreError(Exception):
    """Something went wrong talking to the graph; the message says what."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (engine down, Neo4j unreachable, bad credentials)."""


class EngineStartError(StoreUnavailable):
    """The embedded engine did not start; the message names the cause and the log."""


class QueryParameterError(StoreError):
    """The parameters given do not match what the statement declares, or cannot be sent."""


class QueryFailed(StoreError):
    """The engine rejected or could not finish a statement."""

    def __init__(self, query: str, message: str) -> None:
        self.query = query
        self.engine_message = message
        super().__init__(f"query '{query}' failed: {message}")


class ConstraintViolation(QueryFailed):
    """A write broke a uniqueness constraint; nothing was written."""


class WriteRefused(StoreError):
    """Ad-hoc Cypher that would change the graph; nothing ran."""


class QueryTimedOut(StoreError):
    """A query ran past its time limit and was stopped."""


@dataclass(frozen=True)
class AdhocResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


@dataclass(frozen=True)
class StoreInfo:
    backend: str
    engine_version: str
    location: str


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

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, timeout_ms: int, row_cap: int
    ) -> AdhocResult:
        """Run an analyst's own Cypher strictly read-only, within a time limit and row cap.

        The embedded engine runs it through its read-only command; Neo4j checks the query
        type with EXPLAIN first and runs it in a read transaction. Raises WriteRefused for
        anything that would write (nothing runs), QueryTimedOut past `timeout_ms`, and
        QueryFailed with the engine's message (syntax errors carry their position). At most
        `row_cap` rows come back; `truncated` says whether there were more.
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
    if query.mode != mode:
        raise QueryParameterError(
            f"query '{query.name}' is a {query.mode} statement; it cannot run as a {mode}"
        )
    given = dict(params or {})
    missing = query.param_names - given.keys()
    extra = given.keys() - query.param_names
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(sorted(missing))}")
        if extra:
            parts.append(f"unexpected {', '.join(sorted(extra))}")
        raise QueryParameterError(f"query '{query.name}': {'; '.join(parts)}")
    return encode_params(given)


def encode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters both engines receive intact, within size and nesting limits."""
    budget = [MAX_PARAM_ITEMS]
    for name in params:
        if not isinstance(name, str) or not name.isidentifier():
            raise QueryParameterError(f"parameter name {name!r} is not an identifier")
    return {name: encode_value(value, f"${name}", 0, budget) for name, value in params.items()}


def encode_value(value: Any, where: str, depth: int, budget: list[int]) -> Any:
    """A parameter value both engines receive intact, or a QueryParameterError naming it."""
    if depth > MAX_PARAM_DEPTH:
        raise QueryParameterError(f"{where}: nested deeper than {MAX_PARAM_DEPTH} levels")
    budget[0] -= 1
    if budget[0] < 0:
        raise QueryParameterError(f"parameters hold more than {MAX_PARAM_ITEMS} values")
    if value is None or isinstance(value, bool | int | str):
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not (-(2**63) <= value < 2**63)
        ):
            raise QueryParameterError(f"{where}: integer {value} does not fit in 64 bits")
        if isinstance(value, str):
            if "\x00" in value:
                raise QueryParameterError(f"{where}: text contains a NUL character")
            if len(value) > MAX_STRING_LENGTH:
                raise QueryParameterError(f"{where}: text longer than {MAX_STRING_LENGTH}")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QueryParameterError(f"{where}: {value} is not a finite number")
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        encoded = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise QueryParameterError(f"{where}: map key {key!r} is not text")
            encoded[key] = encode_value(item, f"{where}.{key}", depth + 1, budget)
        return encoded
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [
            encode_value(item, f"{where}[{i}]", depth + 1, budget) for i, item in enumerate(value)
        ]
    raise QueryParameterError(f"{where}: a {type(value).__name__} cannot be sent to the graph")
