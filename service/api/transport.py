"""GraphQL's transports: HTTP GET and POST, and WebSockets (graphql-transport-ws, graphql-ws).

Every transport ends in the schema, whose `AuthoriseOperation` authorises each operation;
this module only establishes who the caller is and shapes the answers:

- HTTP: the key is in the Authorization header (checked by the context, before parsing).
  Answers are `application/json`, or `application/graphql-response+json` when the client
  asks for it, with the GraphQL-over-HTTP status codes (4xx when the document fails to
  parse or validate). Refusals are in GraphQL's error shape, with a code.
- WebSocket: the key is in the `connection_init` payload (`{"Authorization": "Bearer
  <key>"}` or `{"apiKey": "<key>"}`; the handshake's Authorization header is accepted
  from clients that can set one). A missing or bad key closes the socket with 4401 and a
  reason, a key that may not read with 4403. While the socket is open its key is checked
  every second (against a cache of a few seconds), and the socket is closed with 4401
  once the key is revoked, live subscriptions and all.
"""

import asyncio
import contextlib
import json
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET, UnsetType

from service.api.deps import Credential, bearer_token, credential_of
from service.api.errors import GRAPHQL_RESPONSE, JSON, error_body, wants_graphql_response
from service.api.guard import CONNECTION_INIT_HINT, audit_log
from service.api.observability import ObservedGraphQLRouter
from service.failures import answer_of
from service.services.access import NotAllowed, NotAuthenticated, Role, require
from service.store.port import StoreError

KEY_CHECK_EVERY_S = 1.0
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
MAX_CLOSE_REASON_BYTES = 123  # RFC 6455: a close frame's reason fits in 123 bytes


def close_reason(text: str) -> str:
    """`text` cut to what a WebSocket close frame can carry."""
    return text.encode()[:MAX_CLOSE_REASON_BYTES].decode(errors="ignore")


async def close_socket(websocket: WebSocket, code: int, reason: str) -> None:
    """Close the socket with `code` and `reason`, unless it is closed already."""
    if websocket.application_state is WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError):  # the client left meanwhile
            await websocket.close(code=code, reason=close_reason(reason))


def connection_token(params: object, header: str | None) -> str | None:
    """The key a WebSocket client presents: connection_init payload first, then the header."""
    given = params if isinstance(params, Mapping) else {}
    authorization = given.get("Authorization", given.get("authorization"))
    api_key = given.get("apiKey")
    if authorization is not None:
        if not isinstance(authorization, str):
            raise NotAuthenticated(f"Authorization must be a string: {CONNECTION_INIT_HINT}")
        return bearer_token(authorization)
    if api_key is not None:
        if not isinstance(api_key, str) or not api_key:
            raise NotAuthenticated(f"apiKey must be a non-empty string: {CONNECTION_INIT_HINT}")
        return api_key
    return bearer_token(header)


async def watch_credential(websocket: WebSocket, credential: Credential) -> None:
    """Close the socket with 4401 as soon as its key stops being valid (e.g. revoked)."""
    while websocket.application_state is WebSocketState.CONNECTED:
        await asyncio.sleep(KEY_CHECK_EVERY_S)
        try:
            caller = await credential.caller()
        except NotAuthenticated as refusal:
            audit_log.warning(
                "closed a GraphQL WebSocket: %s",
                refusal,
                extra={"transport": "websocket", "outcome": "closed", "reason": str(refusal)},
            )
            await close_socket(websocket, CLOSE_UNAUTHENTICATED, str(refusal))
            return
        except StoreError:
            continue  # the store is down: the operations fail on their own; check again
        if caller.role is None or caller.role < Role.READER:
            await close_socket(websocket, CLOSE_FORBIDDEN, "this key may no longer read")
            return


class GuardedWebSocketAdapter(ASGIWebSocketAdapter):
    """Strawberry's socket adapter, for a socket the server may close under it."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        if self.ws.application_state is not WebSocketState.CONNECTED:
            raise WebSocketDisconnected
        await super().send_json(message)

    async def close(self, code: int, reason: str) -> None:
        await close_socket(self.ws, code, reason)


def decode_json_safely(data: str | bytes) -> object:
    """JSON from a body or a message; bad UTF-8 or nesting too deep is bad JSON (a 4xx)."""
    try:
        return json.loads(data)
    except (RecursionError, UnicodeDecodeError) as error:
        raise json.JSONDecodeError(f"unreadable JSON ({type(error).__name__})", "", 0) from None


class GraphQLTransport(ObservedGraphQLRouter):
    """The GraphQL router: who the caller is, per transport, and the answers' shape."""

    websocket_adapter_class = GuardedWebSocketAdapter

    def decode_json(self, data: str | bytes) -> object:
        return decode_json_safely(data)

    def encode_json(self, data: object) -> str:
        # An answer holds only JSON values (the schema serialised them), so orjson renders
        # what json.dumps would, faster; as text, since multipart answers embed it in text.
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:  # an integer past 64 bits, which json writes whole
            return json.dumps(data, separators=(",", ":"))

    async def parse_http_body(self, request: Any) -> Any:
        if request.method == "POST":
            media, _ = parse_content_type(request.content_type or "")
            if media.lower() != JSON:
                raise HTTPException(415, f"send the GraphQL request as {JSON}, not '{media[:64]}'")
        return await super().parse_http_body(request)

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        websocket: WebSocket = context.request
        try:
            token = connection_token(
                context.connection_params, websocket.headers.get("authorization")
            )
            credential = credential_of(websocket, token)
            caller = await credential.caller()
            require(caller.role, Role.READER, what="the GraphQL API")
        except (NotAuthenticated, NotAllowed) as refusal:
            code = (
                CLOSE_UNAUTHENTICATED if isinstance(refusal, NotAuthenticated) else CLOSE_FORBIDDEN
            )
            audit_log.warning(
                "refused a GraphQL WebSocket: %s",
                type(refusal).__name__,
                extra={"transport": "websocket", "outcome": "refused", "close_code": code},
            )
            await close_socket(websocket, code, str(refusal))
            raise ConnectionRejectionError from None
        context.credential = credential
        audit_log.info(
            "opened a GraphQL WebSocket",
            extra={
                "transport": "websocket",
                "outcome": "allowed",
                "key_id": caller.key_id,
                "role": caller.role.label if caller.role else None,
            },
        )
        websocket.state.key_watch = asyncio.create_task(watch_credential(websocket, credential))
        no_payload: UnsetType = UNSET
        return no_payload

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, WebSocket):
            try:
                return await super().run(request, context, root_value)
            finally:
                watch: asyncio.Task[None] | None = getattr(request.state, "key_watch", None)
                if watch is not None:
                    watch.cancel()
        try:
            response = await super().run(request, context, root_value)
        except HTTPException as error:
            return JSONResponse(
                error_body("bad_request", error.reason, graphql=True),
                status_code=error.status_code,
            )
        return self._shape(request, response)

    def _shape(self, request: Request, response: Response) -> Response:
        """Set the media type the client asked for and the status of a refused request."""
        if not isinstance(response, Response) or response.media_type != JSON:
            return response  # GraphiQL's page
        refusal: int | None = getattr(request.state, "graphql_refusal", None)
        if wants_graphql_response(request.headers.get("accept", "")):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if refusal is not None:
                response.status_code = refusal
        elif refusal is not None and refusal != 400:
            response.status_code = refusal  # who may do what, and size, in both media types
        return response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        answer = await super().process_result(request, result)
        if isinstance(result, PreExecutionError):
            # Nothing ran: a request error. GraphQL-over-HTTP leaves `data` out of it.
            original = result.errors[0].original_error if result.errors else None
            found = answer_of(original) if original is not None else None
            request.state.graphql_refusal = found.status if found else 400
            answer.pop("data", None)
        return answer
