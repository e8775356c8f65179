"""Whether the store answers, and what it holds."""

from pydantic import BaseModel

from service import cypher
from service.store.port import GraphStore

COUNT_GRAPH = cypher.load("store/count_graph")
DELETE_ALL = cypher.load("store/delete_all")


class Readiness(BaseModel):
    backend: str
    engine_version: str
    location: str
    nodes: int
    relationships: int


async def get_readiness(store: GraphStore) -> Readiness:
    """Ping the store and report its backend, engine version and size."""
    await store.ping()
    info = await store.info()
    rows = await store.read(COUNT_GRAPH)
    return Readiness(
        backend=info.backend,
        engine_version=info.engine_version,
        location=info.location,
        nodes=int(rows[0]["nodes"]),
        relationships=int(rows[0]["relationships"]),
    )


async def clear_graph(store: GraphStore) -> int:
    """Delete every node and relationship; return how many nodes went."""
    rows = await store.write(DELETE_ALL)
    return int(rows[0]["deleted"]) if rows else 0
