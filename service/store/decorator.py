"""One way to wrap the store port: each decorator (timing, counting) overrides `around`."""

from collections.abc import Awaitable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TextIO, TypeVar

from service.cypher import Query
from service.model.case import CaseFile
from service.store.port import (
    AdhocLimits,
    AdhocResult,
    BulkLoad,
    CaseStore,
    GraphSnapshot,
    GraphStore,
    KeyStore,
    PlanCheck,
    Row,
    StoreInfo,
)

T = TypeVar("T")


class StoreDecorator:
    """The store port around another store; every call that reaches the engine goes
    through `around(mode, call)`, which a decorator overrides to count or time it."""

    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.backend = inner.backend
        self._keys: DecoratedKeys | None = None
        self._cases: DecoratedCases | None = None

    async def around(self, mode: str, call: Awaitable[T]) -> T:
        """Await the call; a decorator adds what it does before and after."""
        return await call

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement."""
        return await self.around("read", self.inner.read(query, params))

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write statement."""
        return await self.around("write", self.inner.write(query, params))

    async def profile(self, query: Query, params: Mapping[str, Any] | None = None) -> list[str]:
        """PROFILE a read statement (as a read)."""
        return await self.around("read", self.inner.profile(query, params))

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, limits: AdhocLimits, check: PlanCheck
    ) -> AdhocResult:
        """Run analyst Cypher read-only."""
        return await self.around(
            "adhoc", self.inner.run_readonly(text, params, limits=limits, check=check)
        )

    def snapshot(self) -> AbstractAsyncContextManager[GraphSnapshot]:
        """The wrapped store's snapshot."""
        return self.inner.snapshot()

    @property
    def keys(self) -> KeyStore:
        """The wrapped store's API keys, each call through `around` too."""
        if self._keys is None:
            self._keys = DecoratedKeys(self.inner.keys, self)
        return self._keys

    @property
    def cases(self) -> CaseStore:
        """The wrapped store's cases, each call through `around` too."""
        if self._cases is None:
            self._cases = DecoratedCases(self.inner.cases, self)
        return self._cases

    def bulk_load(self, *, with_keys: bool = False) -> AbstractAsyncContextManager[BulkLoad]:
        """The wrapped store's bulk load (its writes are the load's own, not the app's)."""
        return self.inner.bulk_load(with_keys=with_keys)

    async def ping(self) -> None:
        """Ping the store."""
        await self.around("ping", self.inner.ping())

    async def info(self) -> StoreInfo:
        """Backend, engine version and location."""
        return await self.around("info", self.inner.info())

    async def ensure_schema(self) -> None:
        """Create indexes and constraints."""
        await self.around("schema", self.inner.ensure_schema())

    async def close(self) -> None:
        """Close the wrapped store."""
        await self.inner.close()


class DecoratedKeys:
    """A store's KeyStore with each call through its decorator's `around`, as mode 'auth'."""

    def __init__(self, inner: KeyStore, decorator: StoreDecorator) -> None:
        self.inner = inner
        self.decorator = decorator

    async def add_key(self, record: Mapping[str, Any]) -> Row:
        """Keep a new key."""
        return await self.decorator.around("auth", self.inner.add_key(record))

    async def get_key(self, key_id: str) -> Row | None:
        """The key with this id, hash included."""
        return await self.decorator.around("auth", self.inner.get_key(key_id))

    async def list_keys(self) -> list[Row]:
        """Every key without its hash."""
        return await self.decorator.around("auth", self.inner.list_keys())

    async def list_key_records(self) -> list[Row]:
        """Every key with its hash."""
        return await self.decorator.around("auth", self.inner.list_key_records())

    async def revoke_key(self, key_id: str, *, at: int) -> Row | None:
        """Mark the key revoked."""
        return await self.decorator.around("auth", self.inner.revoke_key(key_id, at=at))


class DecoratedCases:
    """A store's CaseStore with each call through its decorator's `around`, by what it does."""

    def __init__(self, inner: CaseStore, decorator: StoreDecorator) -> None:
        self.inner = inner
        self.decorator = decorator

    async def list_firm_ids(self) -> list[str]:
        """The ids of the firms in the graph."""
        return await self.decorator.around("read", self.inner.list_firm_ids())

    async def read_case(self, firm_id: str) -> CaseFile | None:
        """A firm's case."""
        return await self.decorator.around("read", self.inner.read_case(firm_id))

    async def write_case_json(
        self, out: TextIO, *, firm_id: str, depth: int, prefix: str = ""
    ) -> bool:
        """Write a firm's case as JSON."""
        call = self.inner.write_case_json(out, firm_id=firm_id, depth=depth, prefix=prefix)
        return await self.decorator.around("read", call)

    async def put_case(self, case: CaseFile) -> None:
        """Write a case whole."""
        await self.decorator.around("write", self.inner.put_case(case))

    async def find_foreign_ids(self, *, firm_id: str, ids: Sequence[str]) -> dict[str, str]:
        """Which of the ids another firm holds."""
        return await self.decorator.around(
            "read", self.inner.find_foreign_ids(firm_id=firm_id, ids=ids)
        )

    async def count_graph(self) -> tuple[int, int]:
        """How many nodes and relationships the graph holds."""
        return await self.decorator.around("read", self.inner.count_graph())
