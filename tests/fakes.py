"""A store held in memory, for fast unit tests of services that need only the capabilities it
offers: the API keys, bulk loads of keys, ping and info. It runs no Cypher: anything that
would send a statement raises, so a service that reaches the graph is tested on the real
adapters instead. tests/test_key_store_contract.py holds it to the same contract as them."""

import copy
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, NoReturn

from service.cypher import Query
from service.store.port import (
    AdhocLimits,
    AdhocResult,
    BulkLoad,
    GraphReader,
    PlanCheck,
    Row,
    StoreInfo,
)

PUBLIC_FIELDS = ("id", "name", "role", "created_at", "revoked_at")


class MemoryKeyStore:
    """API keys in a dict, by id."""

    def __init__(self, records: dict[str, Row] | None = None) -> None:
        self.records: dict[str, Row] = records if records is not None else {}

    @staticmethod
    def _public(record: Row) -> Row:
        return {name: record.get(name) for name in PUBLIC_FIELDS}

    async def add_key(self, record: Mapping[str, Any]) -> Row:
        """Keep a new key; return it without its hash."""
        kept = {"revoked_at": None, **copy.deepcopy(dict(record))}
        self.records[kept["id"]] = kept
        return self._public(kept)

    async def get_key(self, key_id: str) -> Row | None:
        """The key with this id, hash included."""
        found = self.records.get(key_id)
        return {**self._public(found), "hash": found["hash"]} if found else None

    async def list_keys(self) -> list[Row]:
        """Every key without its hash, newest first (ties by id)."""
        ordered = sorted(self.records.values(), key=lambda k: (-k["created_at"], k["id"]))
        return [self._public(record) for record in ordered]

    async def list_key_records(self) -> list[Row]:
        """Every key with its hash, by id."""
        return [
            {**self._public(record), "hash": record["hash"]}
            for _, record in sorted(self.records.items())
        ]

    async def revoke_key(self, key_id: str, *, at: int) -> Row | None:
        """Mark the key revoked (an earlier revocation stays)."""
        found = self.records.get(key_id)
        if found is None:
            return None
        if found.get("revoked_at") is None:
            found["revoked_at"] = at
        return self._public(found)


class MemoryStore:
    """The store port's key capabilities in memory; a staged load works on a copy."""

    backend = "memory"

    def __init__(self) -> None:
        self.keys = MemoryKeyStore()
        self.closed = False

    @staticmethod
    def _no_cypher() -> NoReturn:
        raise NotImplementedError("the in-memory store runs no Cypher: test this on a real one")

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Not offered: the in-memory store runs no Cypher."""
        self._no_cypher()

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Not offered: the in-memory store runs no Cypher."""
        self._no_cypher()

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, limits: AdhocLimits, check: PlanCheck
    ) -> AdhocResult:
        """Not offered: the in-memory store runs no Cypher."""
        self._no_cypher()

    def snapshot(self) -> AbstractAsyncContextManager[GraphReader]:
        """Not offered: a snapshot is read with Cypher."""
        self._no_cypher()

    @asynccontextmanager
    async def bulk_load(self, *, with_keys: bool = False) -> AsyncIterator[BulkLoad]:
        """A staged load: the keys are copied, and the copy replaces them when the block
        ends (the graph itself runs no Cypher, so it is this store, unwritable)."""
        staged = MemoryKeyStore(copy.deepcopy(self.keys.records)) if with_keys else self.keys
        yield BulkLoad(graph=self, keys=staged, staged=True)
        self.keys = staged

    async def ping(self) -> None:
        """Answer at once."""

    async def info(self) -> StoreInfo:
        """The backend's name; no engine."""
        return StoreInfo(backend=self.backend, engine_version="in memory", location="memory")

    async def ensure_schema(self) -> None:
        """Nothing to create."""

    async def close(self) -> None:
        """Forget nothing; mark the store closed."""
        self.closed = True
