"""Per-request loaders for the navigation fields: one statement per field per level.

A relationship field asked of many parents (20 units' flowsOut) is collected by its loader
and answered by one statement for all of them; parents asking with different arguments
(aliases) are grouped, one statement per distinct set of arguments.
"""

from collections.abc import Awaitable, Callable, Hashable
from functools import cached_property, partial
from typing import Generic, TypeVar

from pydantic import BaseModel
from strawberry.dataloader import DataLoader

from service.model.views import (
    FlowView,
    IntegrationEventView,
    KnowledgeView,
    LearningView,
    UnitView,
)
from service.services import navigation
from service.services.navigation import EventFilter, FlowFilter, Page, Related, UnitFilter
from service.services.paging import KeysetRequest
from service.store.port import GraphStore

V = TypeVar("V", bound=BaseModel)
A = TypeVar("A", bound=Hashable)
Fetch = Callable[[list[str], A], Awaitable[dict[str | None, Page[V]]]]


def _request_of(args: Hashable) -> KeysetRequest:
    return args if isinstance(args, KeysetRequest) else args.page  # type: ignore[attr-defined]


class PageLoader(Generic[A, V]):
    """Pages of one relationship field, batched across the parents of a level."""

    def __init__(self, fetch: Fetch[A, V], remember: Callable[[Related], None]) -> None:
        self._fetch = fetch
        self._remember = remember
        self._loader = DataLoader[tuple[str, A], Page[V]](self._batch)

    async def _batch(self, keys: list[tuple[str, A]]) -> list[Page[V]]:
        groups: dict[A, list[str]] = {}
        for parent, args in keys:
            groups.setdefault(args, []).append(parent)
        found: dict[tuple[str, A], Page[V]] = {}
        for args, parents in groups.items():
            pages = await self._fetch(sorted(set(parents)), args)
            for page in pages.values():
                self._remember(page.related)
            empty: Page[V] = Page.empty(_request_of(args))
            found |= {(parent, args): pages.get(parent, empty) for parent in parents}
        return [found[key] for key in keys]

    def load(self, parent: str, args: A) -> Awaitable[Page[V]]:
        """The parent's page for these arguments (batched with the level's other parents)."""
        return self._loader.load((parent, args))


class NavigationLoaders:
    """The navigation fields' loaders of one request, each made when a field first asks (most
    requests use none or one of them, and every request makes this object)."""

    def __init__(self, store: GraphStore, *, remember: Callable[[Related], None]) -> None:
        self._store = store
        self._remember = remember

    def _pages(
        self,
        list_pages: Callable[..., Awaitable[dict[str | None, Page[V]]]],
        *,
        parents: str,
        arguments: str = "filters",
    ) -> PageLoader[A, V]:
        """A loader over a navigation service function: the level's parent ids go in under
        the keyword `parents`, the field's arguments under `arguments`."""
        return PageLoader(
            lambda ids, args: list_pages(self._store, **{parents: ids, arguments: args}),
            self._remember,
        )

    @cached_property
    def firm_units(self) -> PageLoader[UnitFilter, UnitView]:
        return self._pages(navigation.list_firm_units, parents="firms")

    @cached_property
    def firm_knowledge(self) -> PageLoader[KeysetRequest, KnowledgeView]:
        return self._pages(navigation.list_firm_knowledge, parents="firms", arguments="page")

    @cached_property
    def subordinates(self) -> PageLoader[KeysetRequest, UnitView]:
        return self._pages(navigation.list_unit_subordinates, parents="units", arguments="page")

    @cached_property
    def flows_out(self) -> PageLoader[FlowFilter, FlowView]:
        return self._pages(partial(navigation.list_unit_flows, outgoing=True), parents="units")

    @cached_property
    def flows_in(self) -> PageLoader[FlowFilter, FlowView]:
        return self._pages(partial(navigation.list_unit_flows, outgoing=False), parents="units")

    @cached_property
    def knowledge_flows(self) -> PageLoader[FlowFilter, FlowView]:
        return self._pages(navigation.list_knowledge_flows, parents="items")

    @cached_property
    def unit_learning(self) -> PageLoader[EventFilter, LearningView]:
        return self._pages(navigation.list_unit_learning_events, parents="units")

    @cached_property
    def unit_integrations(self) -> PageLoader[EventFilter, IntegrationEventView]:
        return self._pages(navigation.list_unit_integration_events, parents="units")

    @cached_property
    def learning_knowledge(self) -> DataLoader[str, list[str]]:
        return DataLoader(self._load_learning_knowledge)

    async def _load_learning_knowledge(self, events: list[str]) -> list[list[str]]:
        found = await navigation.get_learning_knowledge(self._store, events=events)
        return [found.get(event, []) for event in events]
