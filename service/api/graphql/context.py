"""The typed context every resolver receives: the store, counted, and per-request loaders."""

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

import strawberry
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from service.api.deps import Credential, SettingsDep, StoreDep, get_credential
from service.api.graphql.loaders import NavigationLoaders
from service.model.views import FirmView, KnowledgeView, UnitView
from service.services.access import Role, require
from service.services.navigation import Related
from service.services.network import get_firms_by_id, get_knowledge_by_id, get_units_by_id
from service.services.paging import MAX_PAGE_SIZE
from service.store.decorator import StoreDecorator
from service.store.port import GraphStore, StoreInfo

T = TypeVar("T")
K = TypeVar("K")


@dataclass
class OperationTally:
    """What one operation cost: a WebSocket runs many operations on one context."""

    round_trips: int = 0
    cost: int = 0


# Set for each operation in its own task, so concurrent operations on one socket count apart.
current_tally: ContextVar[OperationTally | None] = ContextVar("current_tally", default=None)


class CountingStore(StoreDecorator):
    """The request's view of the store: counts round trips, so a test can bound them."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(store)
        self.round_trips = 0

    async def around(self, mode: str, call: Awaitable[T]) -> T:
        """Count the call (on the request, and on the operation in flight)."""
        self.round_trips += 1
        tally = current_tally.get()
        if tally is not None:
            tally.round_trips += 1
        return await call

    async def info(self) -> StoreInfo:
        """Backend and engine version (known to the adapter: no round trip counted)."""
        return await self.inner.info()

    async def close(self) -> None:
        """Not for requests: the application owns the store."""
        raise NotImplementedError


class Context(BaseContext):
    def __init__(
        self,
        store: GraphStore,
        *,
        max_page_size: int = MAX_PAGE_SIZE,
        credential: Credential | None = None,
        cost_budget: Callable[[str | None], int] | None = None,
    ) -> None:
        super().__init__()
        self.store = CountingStore(store)
        self.max_page_size = max_page_size
        # None until the caller has shown a key (a WebSocket shows it in connection_init).
        self.credential = credential
        self.transport = "http"
        # The caller's role, once the operation is authorised; its cost budget follows it.
        self.role: Role | None = None
        self.cost_budget = cost_budget
        self.cost = 0
        self.fresh_loaders()

    def fresh_loaders(self) -> None:
        """New loaders for each operation: a WebSocket keeps one context for many operations,
        and a query after a mutation must not answer from the earlier operation's cache."""
        # Annotated, not subscripted: calling a subscripted generic costs a request more.
        self.units: DataLoader[str, UnitView | None] = DataLoader(self._load_units)
        self.firms: DataLoader[str, FirmView | None] = DataLoader(self._load_firms)
        self.knowledge: DataLoader[str, KnowledgeView | None] = DataLoader(self._load_knowledge)
        self.navigation = NavigationLoaders(self.store, remember=self.remember)

    def remember(self, related: Related) -> None:
        """Prime the loaders with the nodes a statement read beside its page."""
        self.units.prime_many(related.units)
        self.knowledge.prime_many(related.knowledge)
        if related.learning_knowledge:
            self.navigation.learning_knowledge.prime_many(related.learning_knowledge)

    async def _load_units(self, ids: list[str]) -> list[UnitView | None]:
        found = await get_units_by_id(self.store, ids=ids)
        return [found.get(i) for i in ids]

    async def _load_firms(self, ids: list[str]) -> list[FirmView | None]:
        found = await get_firms_by_id(self.store, ids=ids)
        return [found.get(i) for i in ids]

    async def _load_knowledge(self, ids: list[str]) -> list[KnowledgeView | None]:
        found = await get_knowledge_by_id(self.store, ids=ids)
        return [found.get(i) for i in ids]


Info: TypeAlias = strawberry.Info[Context, None]


def held(loader: DataLoader[K, T], keys: Sequence[K]) -> list[T] | None:
    """The loader's values for these keys if it holds every one already (primed with a page,
    or loaded earlier in the request), so a resolver can answer without awaiting; else None."""
    values = []
    for key in keys:
        future = loader.cache_map.get(key)
        if future is None or not future.done() or future.cancelled() or future.exception():
            return None
        values.append(future.result())
    return values


async def get_context(
    store: StoreDep, settings: SettingsDep, connection: HTTPConnection
) -> Context:
    """A fresh context per HTTP request or WebSocket connection.

    An HTTP request shows its key in the Authorization header and is refused here, before
    anything is parsed, unless it may at least read. A WebSocket shows its key in its
    `connection_init` message (see the router). Either way every operation is then
    authorised by its type, by the schema's one authorisation step.
    """
    context = Context(
        store,
        max_page_size=settings.max_page_size,
        cost_budget=settings.graphql_cost_budget,
    )
    if isinstance(connection, WebSocket):
        context.transport = "websocket"
        return context
    context.credential = await get_credential(connection)
    require((await context.credential.caller()).role, Role.READER, what="the GraphQL API")
    return context
