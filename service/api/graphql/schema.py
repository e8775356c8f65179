"""The GraphQL schema: the domain queries merged into one root, with guards on cost."""

import strawberry
from strawberry.extensions import MaskErrors, MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from service.api.graphql.store import StoreQuery

Query = merge_types("Query", (StoreQuery,))

schema = strawberry.Schema(
    query=Query,
    extensions=[
        lambda: QueryDepthLimiter(max_depth=12),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        lambda: MaxTokensLimiter(max_token_count=2000),
        MaskErrors,
    ],
)


def export_sdl() -> str:
    """The schema as SDL, as committed in schema/kflow.graphql."""
    return schema.as_str() + "\n"
