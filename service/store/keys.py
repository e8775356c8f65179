"""API keys kept as :ApiKey nodes, through the statements of `cypher/keys/`."""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from service import cypher
from service.store.port import GraphStore, Row

KEYS = cypher.Folder("keys")


class GraphKeyStore:
    """The KeyStore on a graph: each adapter keeps its keys in one of its graphs."""

    def __init__(
        self,
        graph: GraphStore,
        *,
        prepare: Callable[[], Awaitable[None]] | None = None,
        tag: Mapping[str, str] | None = None,
    ) -> None:
        self.graph = graph
        self._prepare = prepare
        # Properties every key node it writes carries (a bulk load's, see `BulkLoad.tag`).
        self._tag = dict(tag or {})

    async def ready(self) -> GraphStore:
        """The graph, its schema made on first use when it is a graph of its own."""
        if self._prepare is not None:
            await self._prepare()
            self._prepare = None
        return self.graph

    async def add_key(self, record: Mapping[str, Any]) -> Row:
        """Keep a new key; return it without its hash."""
        rows = await (await self.ready()).write(
            KEYS.create_api_key, {"key": {**record, **self._tag}}
        )
        key: Row = rows[0]["key"]
        return key

    async def get_key(self, key_id: str) -> Row | None:
        """The key with this id, hash included."""
        rows = await (await self.ready()).read(KEYS.get_api_key, {"id": key_id})
        return rows[0]["key"] if rows else None

    async def list_keys(self) -> list[Row]:
        """Every key without its hash, newest first."""
        return [row["key"] for row in await (await self.ready()).read(KEYS.list_api_keys)]

    async def list_key_records(self) -> list[Row]:
        """Every key with its hash, by id."""
        return [row["key"] for row in await (await self.ready()).read(KEYS.list_api_key_records)]

    async def revoke_key(self, key_id: str, *, at: int) -> Row | None:
        """Mark the key revoked (an earlier revocation stays)."""
        rows = await (await self.ready()).write(KEYS.set_api_key_revoked, {"id": key_id, "at": at})
        return rows[0]["key"] if rows else None
