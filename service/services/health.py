"""Whether the store answers, and what it holds."""

from pydantic import BaseModel

from service import cypher
from service.store.port import GraphStore

STORE = cypher.Folder("store")


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
    return Readiness(**vars(info), nodes=nodes, relationships=relationships)


async def count_graph(store: GraphStore) -> tuple[int, int]:
    """How many nodes and relationships the graph holds (two statements, each O(1))."""
    nodes = await store.read(STORE.count_graph_nodes)
    relationships = await store.read(STORE.count_graph_relationships)
    return (
        int(nodes[0]["nodes"]) if nodes else 0,
        int(relationships[0]["relationships"]) if relationships else 0,
    )
