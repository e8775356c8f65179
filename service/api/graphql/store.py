"""GraphQL: the store's status."""

import strawberry

from service.api.graphql.context import Info
from service.services.health import get_readiness


@strawberry.type(description="Which graph store answers, and how much it holds.")
class StoreStatus:
    backend: str
    engine_version: str
    nodes: int
    relationships: int


@strawberry.type
class StoreQuery:
    @strawberry.field(description="The graph store behind this API and its size.")
    async def store_status(self, info: Info) -> StoreStatus:
        readiness = await get_readiness(info.context.store)
        return StoreStatus(
            backend=readiness.backend,
            engine_version=readiness.engine_version,
            nodes=readiness.nodes,
            relationships=readiness.relationships,
        )
