"""The typed context every resolver receives: the store, counted, and per-request loaders."""

import functools
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeAlias

import strawberry
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.requests import HTTPConnection, Request
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from service.api.deps import RoleDep, SettingsDep, StoreDep
from service.api.graphql.loaders import NavigationLoaders
from service.cypher import Query
from service.model.views import FirmView, KnowledgeView, UnitView
from service.services.access import Role, require
from service.services.network import get_firms_by_id, get_knowledge_by_id, get_units_by_id
from service.services.paging import MAX_PAGE_SIZE
from service.store.port import AdhocResult, GraphReader, GraphStore, Row, StoreInfo


class CountingStore:
    """The request's view of the store: counts round trips, so a test can bound them."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.backend = store.backend
        self.round_trips = 0

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read statement (counted)."""
        self.round_trips += 1
        return await self._store.read(query, params)

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a write statement (counted)."""
        self.round_trips += 1
        return await self._store.write(query, params)

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, timeout_ms: int, row_cap: int
    ) -> AdhocResult:
        """Not for GraphQL: analyst Cypher has its own route."""
        raise NotImplementedError

    def snapshot(self) -> AbstractAsyncContextManager[GraphReader]:
        """Not for GraphQL: backups have their own command."""
        raise NotImplementedError

    async def auth_store(self) -> GraphStore:
        """Not for GraphQL: keys have their own routes."""
        raise NotImplementedError

    async def ping(self) -> None:
        """Ping the store (counted)."""
        self.round_trips += 1
        await self._store.ping()

    async def info(self) -> StoreInfo:
        """Backend and engine version."""
        return await self._store.info()

    async def ensure_schema(self) -> None:
        """Not for requests: the application sets the schema up at start."""
        raise NotImplementedError

    async def close(self) -> None:
        """Not for requests: the application owns the store."""
        raise NotImplementedError


class Context(BaseContext):
    def __init__(
        self,
        store: GraphStore,
        *,
        max_page_size: int = MAX_PAGE_SIZE,
        max_cost: int | None = None,
    ) -> None:
        super().__init__()
        self.store = CountingStore(store)
        self.max_page_size = max_page_size
        self.max_cost = max_cost
        self.cost = 0
        self.units = DataLoader[str, UnitView | None](self._load_units)
        self.firms = DataLoader[str, FirmView | None](self._load_firms)
        self.knowledge = DataLoader[str, KnowledgeView | None](self._load_knowledge)
        self.navigation = NavigationLoaders(self.store)

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


# Clients send the same few documents again and again; parsing one costs more than a small
# query's whole answer, so parsed documents are kept (bounded; a document that fails to parse
# raises and is not kept).
_parse = functools.lru_cache(maxsize=512)(parse)


async def _operation_type(connection: HTTPConnection) -> OperationType | None:
    """The type of the operation a GraphQL HTTP request asks for (None if unreadable)."""
    if not isinstance(connection, Request):
        return None  # a WebSocket: its subscriptions only read
    try:
        if connection.method == "GET":
            document, name = connection.query_params.get("query"), None
        else:
            body = await connection.json()
            document, name = body.get("query"), body.get("operationName")
        parsed = _parse(document) if isinstance(document, str) else None
    except (ValueError, GraphQLError, AttributeError):
        return None  # not ours to judge: Strawberry answers the malformed request
    operations = [
        d for d in (parsed.definitions if parsed else []) if isinstance(d, OperationDefinitionNode)
    ]
    if name is not None:
        chosen = [op for op in operations if op.name is not None and op.name.value == name]
    else:
        chosen = operations if len(operations) == 1 else []
    return chosen[0].operation if chosen else None


async def get_context(
    store: StoreDep, settings: SettingsDep, role: RoleDep, connection: HTTPConnection
) -> Context:
    """A fresh context per request, after checking the caller may run this operation.

    Queries and subscriptions need the reader role, mutations the editor role; the check
    happens before anything runs, so a refused request changes nothing.
    """
    require(role, Role.READER, what="the GraphQL API")
    if await _operation_type(connection) is OperationType.MUTATION:
        require(role, Role.EDITOR, what="a GraphQL mutation")
    return Context(
        store,
        max_page_size=settings.max_page_size,
        max_cost=settings.graphql_cost_budget(role.label if role else None),
    )
