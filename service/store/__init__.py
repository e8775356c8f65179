"""The graph store: one port, two adapters, chosen by KFLOW_GRAPH_URL."""

import logging
from collections.abc import Callable

from service.settings import Settings
from service.store.engine import EngineConfig
from service.store.port import GraphStore

log = logging.getLogger("kflow.migration")


def engine_config(settings: Settings) -> EngineConfig:
    """The embedded engine's settings."""
    return EngineConfig(
        data_dir=settings.embedded_dir,
        module=settings.engine_module,
        fsync=settings.engine_fsync,
        start_timeout_s=settings.engine_start_timeout_s,
        query_timeout_ms=settings.query_timeout_ms,
        query_memory_mb=settings.query_memory_mb,
        watch_interval_s=settings.engine_watch_s,
    )


async def open_store(settings: Settings, *, report: Callable[[str], None] = log.info) -> GraphStore:
    """Open the store the settings name, its schema and flow-derived data brought up to date."""
    # Imported here: the services import the store's port, so a module-level import cycles.
    from service.services.migration import migrate_flow_data, migrate_integration_roles

    if settings.backend == "embedded":
        from service.store.embedded import EmbeddedStore

        store: GraphStore = await EmbeddedStore.start(
            engine_config(settings), graph_name=settings.graph_name, pool_size=settings.pool_size
        )
    else:
        from service.store.neo4j import Neo4jStore

        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        store = await Neo4jStore.connect(
            settings.graph_url,
            user=settings.neo4j_user,
            password=password,
            database=settings.neo4j_database,
            pool_size=settings.pool_size,
            query_timeout_ms=settings.query_timeout_ms,
        )
    try:
        await store.ensure_schema()
        # A graph an older kflow wrote lacks the data routes and metrics read: derive it
        # before anything reads (`report` hears each firm; an up-to-date graph costs a scan).
        await migrate_flow_data(store, report=report)
        await migrate_integration_roles(store, report=report)
    except BaseException:
        await store.close()
        raise
    return store
