"""The one authorisation step every GraphQL operation passes, whatever carried it.

HTTP GET and POST, both WebSocket protocols, queries, mutations and subscriptions all run
through the schema, and the schema runs `AuthoriseOperation` before any resolver: it picks
the one operation that will execute (graphql-core's own rule: the named one, or the only
one), checks the caller's key again (so a revoked key stops at its next operation), checks
the role against the operation's type, and writes one audit line either way.

`GuardedSchema` refuses a document over the byte limit before it is parsed, and logs no
document text (strawberry's own error log quotes the document).
"""

import logging
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext as StrawberryExecutionContext
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from service.api.deps import Credential
from service.api.errors import publish
from service.services.access import NotAllowed, NotAuthenticated, Role, require
from service.services.errors import ExpectedFailure, TooLarge

audit_log = logging.getLogger("kflow.audit")
CONNECTION_INIT_HINT = (
    "send the API key in the connection_init payload, as "
    '{"Authorization": "Bearer <key>"} or {"apiKey": "<key>"}'
)


class AmbiguousOperation(ExpectedFailure):
    """A document with several operations and no operationName saying which to run."""


class DocumentTooLarge(TooLarge):
    """A GraphQL document over KFLOW_GRAPHQL_MAX_DOCUMENT_BYTES; it was not parsed."""


async def authorise_operation(
    *, context: Any, document: DocumentNode, operation_name: str | None
) -> None:
    """Refuse the operation unless the caller's key is live and its role allows the type."""
    operation = get_operation_ast(document, operation_name)
    transport = getattr(context, "transport", "http")
    credential: Credential | None = getattr(context, "credential", None)
    audit: dict[str, Any] = {
        "transport": transport,
        "operation_type": operation.operation.value if operation else None,
        "operation": operation.name.value if operation and operation.name else None,
    }
    try:
        if operation is None:
            raise AmbiguousOperation(
                "the document holds several operations (or none); name the one to run "
                "in operationName"
                if operation_name is None
                else f"the document has no operation named '{operation_name}'"
            )
        if credential is None:
            raise NotAuthenticated(f"the GraphQL API needs an API key: {CONNECTION_INIT_HINT}")
        caller = await credential.caller()
        audit.update(key_id=caller.key_id, role=caller.role.label if caller.role else None)
        if hasattr(context, "role"):
            context.role = caller.role
        if operation.operation is OperationType.MUTATION:
            require(caller.role, Role.EDITOR, what="a GraphQL mutation")
        else:
            require(caller.role, Role.READER, what="the GraphQL API")
    except (AmbiguousOperation, NotAuthenticated, NotAllowed) as refusal:
        audit_log.warning(
            "refused a GraphQL %s: %s",
            audit["operation_type"] or "document",
            type(refusal).__name__,
            extra={**audit, "outcome": "refused", "reason": type(refusal).__name__},
        )
        raise
    # An HTTP read already has its access line; every write and every operation on a
    # socket (which has no access line of its own) is written at info.
    routine = transport == "http" and operation.operation is not OperationType.MUTATION
    audit_log.log(
        logging.DEBUG if routine else logging.INFO,
        "allowed a GraphQL %s",
        audit["operation_type"],
        extra={**audit, "outcome": "allowed"},
    )


class AuthoriseOperation(SchemaExtension):
    """Runs `authorise_operation` after validation and before any resolver, every time."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        assert execution.graphql_document is not None
        await authorise_operation(
            context=execution.context,
            document=execution.graphql_document,
            # What the client named, not strawberry's guess of the first operation.
            operation_name=provided_operation_name(execution),
        )
        yield


def provided_operation_name(execution: StrawberryExecutionContext) -> str | None:
    """The operationName the client sent (None when it sent none)."""
    # Strawberry keeps it only privately: its public operation_name falls back to the
    # first operation's name, which is the very guess that let a mutation pass as a read.
    name: str | None = execution._provided_operation_name
    return name


class GuardedSchema(strawberry.Schema):
    """The schema: documents over the byte limit refused unparsed; no document text logged."""

    def __init__(self, *args: Any, max_document_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_document_bytes = max_document_bytes

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: StrawberryExecutionContext | None = None,
    ) -> None:
        """Publish each expected failure (its code from the one map), and log nothing: the
        errors quote the document (secrets, too); unexpected ones are logged where they are
        masked, and HTTP answers count errors by kind."""
        for error in errors:
            publish(error)

    def _oversized(self, query: str | None) -> PreExecutionError | None:
        if query is None or len(query) * 4 <= self.max_document_bytes:
            return None
        size = len(query.encode("utf-8", "surrogatepass"))
        if size <= self.max_document_bytes:
            return None
        refusal = DocumentTooLarge(
            f"the GraphQL document is {size} bytes; the limit is {self.max_document_bytes} "
            "(KFLOW_GRAPHQL_MAX_DOCUMENT_BYTES)"
        )
        error = GraphQLError(str(refusal), original_error=refusal)
        publish(error)
        return PreExecutionError(data=None, errors=[error])

    async def execute(self, query: str | None, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Execute, unless the document is over the byte limit."""
        return self._oversized(query) or await super().execute(query, *args, **kwargs)

    async def stream(self, query: str | None, *args: Any, **kwargs: Any) -> Any:
        """Stream, unless the document is over the byte limit."""
        refusal = self._oversized(query)
        if refusal is None:
            return await super().stream(query, *args, **kwargs)

        async def once() -> AsyncGenerator[ExecutionResult, None]:
            yield refusal

        return once()
