"""Whether the store answers, and what it holds."""

from pydantic import BaseModel

from service import cypher
from service.store.port import GraphStore

COUNT_NODES = cypher.load("store/count_graph_nodes")
COUNT_RELATIONSHIPS = cypher.load("store/count_graph_relationships")
DELETE_ALL = cypher.load("store/delete_all")


class PublicReadiness(BaseModel):
    """What /readyz shows anyone: no location (a path or a URL says too much)."""

    backend: str
    engine_version: str
    nodes: int
    relationships: int


class Readiness(PublicReadiness):
    location: str


async def get_readiness(store: GraphStore) -> Readiness:
    """Ping the store and report its backend, engine version and size."""
    await store.ping()
    info = await store.info()
    nodes, relationships = await count_graph(store)
    return Readiness(
        backend=info.backend,
        engine_version=info.engine_version,
        location=info.location,
        nodes=nodes,
        relationships=relationships,
    )


async def count_graph(store: GraphStore) -> tuple[int, int]:
    """How many nodes and relationships the graph holds (two statements, each O(1))."""
    nodes = await store.read(COUNT_NODES)
    relationships = await store.read(COUNT_RELATIONSHIPS)
    return (
        int(nodes[0]["nodes"]) if nodes else 0,
        int(relationships[0]["relationships"]) if relationships else 0,
    )


async def clear_graph(store: GraphStore) -> int:
    """Delete every node and relationship; return how many nodes went."""
    rows = await store.write(DELETE_ALL)
    return int(rows[0]["deleted"]) if rows else 0
