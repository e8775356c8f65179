"""Whether the store answers, and what it holds."""

from pydantic import BaseModel

from service.store.port import GraphStore


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
    """How many nodes and relationships the graph holds."""
    return await store.cases.count_graph()
