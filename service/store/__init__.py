"""The graph store: one port, two adapters, chosen by KFLOW_GRAPH_URL."""

from service.settings import Settings
from service.store.engine import EngineConfig
from service.store.port import GraphStore


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


async def connect_store(settings: Settings) -> GraphStore:
    """Connect to (or start) the store the settings name; its schema is the caller's to set."""
    if settings.backend == "embedded":
        from service.store.embedded import EmbeddedStore

        return await EmbeddedStore.start(
            engine_config(settings), graph_name=settings.graph_name, pool_size=settings.pool_size
        )
    from service.store.neo4j import Neo4jStore

    password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
    return await Neo4jStore.connect(
        settings.graph_url,
        user=settings.neo4j_user,
        password=password,
        database=settings.neo4j_database,
        pool_size=settings.pool_size,
        query_timeout_ms=settings.query_timeout_ms,
    )
