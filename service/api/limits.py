"""Limits on what a client may send: request bodies, and GraphQL documents' size and depth.

- `BodySizeLimit`: a body over KFLOW_MAX_BODY_BYTES gets 413 before the app sees it.
- `depth_limit`: GraphQL operations nested deeper than KFLOW_GRAPHQL_MAX_DEPTH are refused.
- `DocumentLimits` and `DocumentCache`: the token limit applied while parsing, and a cache of
  small parsed documents bounded by the characters it holds.
"""

import json
from collections import OrderedDict
from collections.abc import Iterator

from graphql import (
    SKIP,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    parse,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from service.api.asgi import send_json
from service.api.errors import error_body, is_graphql, refusal_media_type


class BodySizeLimit:
    """Refuses HTTP requests whose body is larger than the limit, naming the limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, int(declared), scope)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        # No declared length (chunked): read it all, up to the limit, then replay it.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._refuse(send, size, scope)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, size: int, scope: Scope) -> None:
        detail = (
            f"the request body is {size} bytes or more; the limit is {self.max_bytes} "
            "(KFLOW_MAX_BODY_BYTES)"
        )
        path = str(scope.get("path", ""))
        graphql = is_graphql(None, path)
        payload = json.dumps(error_body("body_too_large", detail, graphql=graphql)).encode()
        accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
        await send_json(send, 413, payload, media_type=refusal_media_type(path, accept))


# --- GraphQL documents -----------------------------------------------------------------

# `ofType` unwraps a list or non-null wrapper: one object, no fan-out, so it adds no depth
# (the standard introspection query nests it nine times).
DEPTH_FREE_FIELDS = frozenset({"ofType"})
# Parsed documents take about 120 bytes of memory per character of text; the cache keeps
# only small documents and at most this many characters of them (so a few megabytes).
CACHED_DOCUMENT_CHARS = 4_000
CACHE_BUDGET_CHARS = 100_000


def depth_limit(max_depth: int) -> type[ValidationRule]:
    """A validation rule refusing operations nested deeper than `max_depth` fields.

    Every field counts, introspection included; fragments are measured once each, so a
    document of fragments spreading fragments costs time in proportion to its size.
    """

    class DepthLimit(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: object) -> object:
            fragments = {
                d.name.value: d for d in node.definitions if isinstance(d, FragmentDefinitionNode)
            }
            spans: dict[str, int] = {}

            def span(selections: SelectionSetNode, visiting: frozenset[str]) -> int:
                deepest = 0
                for selection in selections.selections:
                    if isinstance(selection, FieldNode) and selection.selection_set:
                        step = 0 if selection.name.value in DEPTH_FREE_FIELDS else 1
                        deepest = max(deepest, step + span(selection.selection_set, visiting))
                    elif isinstance(selection, InlineFragmentNode):
                        deepest = max(deepest, span(selection.selection_set, visiting))
                    elif isinstance(selection, FragmentSpreadNode):
                        name = selection.name.value
                        if name in visiting or name not in fragments:
                            continue  # a cycle or an unknown fragment: other rules say so
                        if name not in spans:
                            spans[name] = span(fragments[name].selection_set, visiting | {name})
                        deepest = max(deepest, spans[name])
                return deepest

            for definition in node.definitions:
                if (
                    isinstance(definition, OperationDefinitionNode)
                    and span(definition.selection_set, frozenset()) > max_depth
                ):
                    name = definition.name.value if definition.name else "anonymous"
                    self.report_error(
                        GraphQLError(
                            f"operation '{name}' is nested deeper than the limit of "
                            f"{max_depth} levels (KFLOW_GRAPHQL_MAX_DEPTH)",
                            definition,
                        )
                    )
            return SKIP

    return DepthLimit


class DocumentCache:
    """Parsed small documents and their validation errors, bounded by characters held.

    A document that fails to parse is not kept; a large one is parsed every time (the
    token and size limits bound that work) and never kept.
    """

    def __init__(self, *, budget_chars: int = CACHE_BUDGET_CHARS) -> None:
        self.budget_chars = budget_chars
        self.held_chars = 0
        self._entries: OrderedDict[str, tuple[DocumentNode, list[GraphQLError] | None]] = (
            OrderedDict()
        )

    def document(self, text: str, *, max_tokens: int) -> DocumentNode | None:
        """The parsed document for `text` if it is small (None: parse it the usual way)."""
        if len(text) > CACHED_DOCUMENT_CHARS:
            return None
        if text in self._entries:
            self._entries.move_to_end(text)
            return self._entries[text][0]
        try:
            parsed = parse(text, max_tokens=max_tokens)
        except GraphQLError:
            return None  # strawberry parses it again and answers the error
        self._entries[text] = (parsed, None)
        self.held_chars += len(text)
        while self.held_chars > self.budget_chars:
            dropped, _ = self._entries.popitem(last=False)
            self.held_chars -= len(dropped)
        return parsed

    def errors(self, text: str) -> list[GraphQLError] | None:
        """The validation errors kept for `text` (None: not validated yet, or not kept)."""
        entry = self._entries.get(text)
        return entry[1] if entry else None

    def keep_errors(self, text: str, document: DocumentNode, errors: list[GraphQLError]) -> None:
        """Keep the validation errors of a kept document."""
        entry = self._entries.get(text)
        if entry is not None and entry[0] is document:
            self._entries[text] = (document, errors)


class DocumentLimits(SchemaExtension):
    """Size and token limits applied while parsing, and the small-document cache.

    The byte limit is checked by the schema before this runs (see GuardedSchema); the token
    limit stops the parser as soon as it is passed, so an oversized document costs no more
    than a document at the limit.
    """

    def __init__(self, *, cache: DocumentCache, max_tokens: int) -> None:
        super().__init__()
        self.cache = cache
        self.max_tokens = max_tokens

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        if context.query is not None and context.graphql_document is None:
            context.graphql_document = self.cache.document(
                context.query, max_tokens=self.max_tokens
            )
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        kept = self.cache.errors(context.query) if context.query is not None else None
        if kept is not None:
            context.pre_execution_errors = kept
            yield
            return
        yield
        if context.query is not None and context.graphql_document is not None:
            self.cache.keep_errors(
                context.query, context.graphql_document, context.pre_execution_errors or []
            )
