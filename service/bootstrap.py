"""The composition root: settings -> store (its schema and data brought up to date, wrapped
in the caller's decorator) -> what the services need. The API and the CLI start here; nothing
below them builds a store or picks an adapter.
"""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from service.services.access import KeyChecker
from service.services.migration import (
    migrate_flow_data,
    migrate_integration_counts,
    migrate_integration_roles,
    migrate_transfer_dates,
)
from service.settings import Settings
from service.store import connect_store
from service.store.port import GraphStore

log = logging.getLogger("kflow.migration")


@dataclass(frozen=True)
class Root:
    """What a running kflow is made of: its settings, its store and its key checker.

    `bare_store` is the store without the caller's decorator: what a health probe pings, so
    that a probe is not counted as a store call.
    """

    settings: Settings
    store: GraphStore
    keys: KeyChecker
    bare_store: GraphStore


async def open_store(settings: Settings, *, report: Callable[[str], None] = log.info) -> GraphStore:
    """Open the store the settings name, its schema and flow-derived data brought up to date."""
    store = await connect_store(settings)
    try:
        await store.ensure_schema()
        # A graph an older kflow wrote lacks the data routes and metrics read: derive it
        # before anything reads (`report` hears each firm; an up-to-date graph costs a scan).
        await migrate_flow_data(store, report=report)
        await migrate_integration_roles(store, report=report)
        await migrate_integration_counts(store, report=report)
        await migrate_transfer_dates(store, report=report)
    except BaseException:
        await store.close()
        raise
    return store


@asynccontextmanager
async def running(
    settings: Settings,
    *,
    report: Callable[[str], None] = log.info,
    decorate: Callable[[GraphStore], GraphStore] = lambda store: store,
    store: GraphStore | None = None,
) -> AsyncIterator[Root]:
    """kflow's parts for as long as the block runs: the store opened (and wrapped in
    `decorate`, e.g. the API's timing), then closed.

    A `store` given is used as it is and left open: its owner (a test's in-memory store)
    made it and closes it.
    """
    bare = store if store is not None else await open_store(settings, report=report)
    decorated = decorate(bare)
    try:
        yield Root(
            settings=settings, store=decorated, keys=KeyChecker(decorated.keys), bare_store=bare
        )
    finally:
        if store is None:
            await decorated.close()
