"""The GraphQL schema: the domains merged into one root, with guards on cost and errors."""

import datetime
import json
import time
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import is_abstract_type
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from service.api.errors import PublicErrors, is_unexpected
from service.api.graphql.analytics import AnalyticsQuery
from service.api.graphql.context import Context, OperationTally, current_tally
from service.api.graphql.cost import CostLimiter
from service.api.graphql.customers import CustomersQuery
from service.api.graphql.execution import PlainFieldExecutor
from service.api.graphql.integration import IntegrationQuery
from service.api.graphql.metrics import MetricsQuery
from service.api.graphql.navigation import NavigationQuery
from service.api.graphql.network import FirmNetworkQuery, NetworkQuery
from service.api.graphql.overview import OverviewQuery
from service.api.graphql.paths import PathsQuery
from service.api.graphql.recording import RecordingMutation, RecordingSubscription
from service.api.graphql.scalars import PartialDate, partial_date_scalar
from service.api.graphql.store import StoreQuery
from service.api.graphql.types import DateTime
from service.api.guard import AuthoriseOperation, GuardedSchema
from service.api.limits import DocumentCache, DocumentLimits, depth_limit
from service.failures import graphql_status_of

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000
MAX_DOCUMENT_BYTES = 100_000


class StoreRoundTrips(SchemaExtension):
    """Reports in each response the operation's own store round trips, cost and duration."""

    def on_operation(self) -> Iterator[None]:
        # Not reset afterwards: a subscription's operation ends in another context than it
        # began, and the next operation (its own task, or request) sets its own.
        self.tally = OperationTally()
        current_tally.set(self.tally)
        context = self.execution_context.context
        if isinstance(context, Context):
            context.fresh_loaders()
        self.started = time.perf_counter()
        yield

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        status = graphql_status_of(e.original_error for e in errors)
        if status is not None and isinstance(context, Context) and context.response is not None:
            context.response.status_code = status
        return {
            "storeRoundTrips": self.tally.round_trips,
            "cost": self.tally.cost,
            "durationMs": round((time.perf_counter() - self.started) * 1000, 1),
        }


Query = merge_types(
    "Query",
    (
        NetworkQuery,
        NavigationQuery,
        FirmNetworkQuery,
        OverviewQuery,
        PathsQuery,
        IntegrationQuery,
        CustomersQuery,
        MetricsQuery,
        AnalyticsQuery,
        StoreQuery,
    ),
)

Mutation = merge_types("Mutation", (RecordingMutation,))
Subscription = merge_types("Subscription", (RecordingSubscription,))


def create_schema(
    *,
    max_depth: int = MAX_DEPTH,
    max_aliases: int = MAX_ALIASES,
    max_tokens: int = MAX_TOKENS,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
    public_url: str = "",
) -> strawberry.Schema:
    """The schema with its cost limits (settings KFLOW_GRAPHQL_MAX_*), its authorisation, and
    its scalars' specifications under the public URL (KFLOW_PUBLIC_URL)."""
    # The limits' validation rules are built once, so a document's validation result can be
    # kept with its parsed form: parsing and validating a document cost more than answering a
    # small query, and clients send the same documents again and again. Only small documents
    # are kept, within a budget of characters; a refused document is never kept.
    limits = [
        depth_limit(max_depth),
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    ]
    documents = DocumentCache()
    return GuardedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        max_document_bytes=max_document_bytes,
        execution_context_class=PlainFieldExecutor,
        config=StrawberryConfig(
            scalar_map={
                datetime.datetime: DateTime,
                PartialDate: partial_date_scalar(public_url),
            }
        ),
        extensions=[
            lambda: DocumentLimits(cache=documents, max_tokens=max_tokens),
            lambda: AddValidationRules(limits),
            AuthoriseOperation,
            CostLimiter,
            lambda: PublicErrors(should_mask_error=is_unexpected),
            StoreRoundTrips,
        ],
    )


schema = create_schema()


def export_sdl() -> str:
    """The schema as SDL, as committed in schema/schema.graphql."""
    return schema.as_str() + "\n"


def export_possible_types() -> str:
    """Each interface and union with the object types that can stand for it, as Apollo
    Client's `possibleTypes` takes it; committed in schema/possible-types.json."""
    graphql_schema = schema._schema
    possible = {
        name: sorted(t.name for t in graphql_schema.get_possible_types(abstract))
        for name, abstract in graphql_schema.type_map.items()
        if is_abstract_type(abstract) and not name.startswith("__")
    }
    return json.dumps(dict(sorted(possible.items())), indent=2) + "\n"
