"""A per-caller request budget: over KFLOW_RATE_LIMIT_PER_MINUTE requests in a minute, 429.

A caller is the API key it presents (however the header is spelt), or its address when it
presents none, or nothing shaped like a key. Windows are whole minutes, counted in the
process: with several workers each counts its own callers. The health probes are never
counted.

A WebSocket counts as a request when it opens (over budget, its upgrade gets the 429) and
again for every message its client sends (connection_init, subscribe, ping, ...): the
message over budget closes the socket with 4429 and the same reason. A browser's key comes
in connection_init, after the upgrade, so its socket counts against its address.
"""

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.asgi import send_json
from service.api.errors import error_body, is_graphql, refusal_media_type
from service.api.transport import close_reason
from service.failures import answer_of, details_of
from service.services.access import TOKEN_SHAPE
from service.services.errors import RateLimited

WINDOW_S = 60.0
UNCOUNTED_PATHS = frozenset({"/healthz", "/readyz"})
# Callers kept apart in one minute; past it, a new key shares its address's budget, so a
# stream of made-up keys neither escapes the limit nor grows the table without end.
MAX_CALLERS = 10_000
# graphql-transport-ws's own code for "too many" (there: connection_init messages).
CLOSE_TOO_MANY_REQUESTS = 4429


class RateLimit:
    """Refuses a caller's requests beyond its budget for the minute, saying when to retry."""

    def __init__(
        self, app: ASGIApp, *, per_minute: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("path") in UNCOUNTED_PATHS:
            await self.app(scope, receive, send)
            return
        retry_after = self._admit(scope)
        if retry_after is None and scope["type"] == "http":
            await self.app(scope, receive, send)
        elif retry_after is None:
            await self._count_messages(scope, receive, send)
        elif scope["type"] == "http":
            await send_refusal(send, self._refusal(scope, retry_after), "http.response")
        else:
            await receive()  # the handshake's websocket.connect, then the upgrade's answer
            await send_refusal(send, self._refusal(scope, retry_after), "websocket.http.response")

    def _admit(self, scope: Scope) -> int | None:
        """Count one request of the scope's caller: None within its budget, else the seconds
        until the next minute."""
        now = self.clock()
        window = int(now // WINDOW_S)
        if window != self._window:  # a new minute: every caller starts again
            self._window, self._counts = window, {}
        caller, address = _caller(scope)
        if caller not in self._counts and len(self._counts) >= MAX_CALLERS:
            caller = address
        self._counts[caller] = self._counts.get(caller, 0) + 1
        if self._counts[caller] <= self.per_minute:
            return None
        return math.ceil((window + 1) * WINDOW_S - now)

    async def _count_messages(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the socket, counting each message its client sends; close it over budget."""
        closed = False

        async def counted() -> Message:
            nonlocal closed
            message = await receive()
            if message["type"] != "websocket.receive" or closed:
                return message
            retry_after = self._admit(scope)
            if retry_after is None:
                return message
            closed = True
            reason = close_reason(self._detail(retry_after))
            await send(
                {"type": "websocket.close", "code": CLOSE_TOO_MANY_REQUESTS, "reason": reason}
            )
            return {"type": "websocket.disconnect", "code": CLOSE_TOO_MANY_REQUESTS}

        async def unless_closed(message: Message) -> None:
            if not closed:  # the app's last words after the socket was closed under it
                await send(message)

        await self.app(scope, counted, unless_closed)

    def _detail(self, retry_after: int) -> str:
        return (
            f"more than {self.per_minute} requests this minute from this caller "
            f"(KFLOW_RATE_LIMIT_PER_MINUTE); retry in {retry_after} s"
        )

    def _refusal(self, scope: Scope, retry_after: int) -> "Refusal":
        """The 429: status, body (GraphQL's shape on /graphql), media type, Retry-After."""
        detail = self._detail(retry_after)
        refusal = RateLimited(detail, retry_after=retry_after)
        answer = answer_of(refusal)
        assert answer is not None
        path = str(scope.get("path", ""))
        body = error_body(
            answer.code, detail, graphql=is_graphql(None, path), **details_of(refusal)
        )
        accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
        return Refusal(answer.status, body, refusal_media_type(path, accept), retry_after)


@dataclass(frozen=True)
class Refusal:
    status: int
    body: dict[str, Any]
    media_type: str
    retry_after: int


async def send_refusal(send: Send, refusal: Refusal, kind: str) -> None:
    """Send the refusal as an HTTP answer (`kind`: a request's, or a WebSocket upgrade's)."""
    await send_json(
        send,
        refusal.status,
        json.dumps(refusal.body).encode(),
        media_type=refusal.media_type,
        headers=[(b"retry-after", str(refusal.retry_after).encode())],
        kind=kind,
    )


def _caller(scope: Scope) -> tuple[str, str]:
    """Who is asking (a digest of the key it presents, else its address), and its address."""
    client = scope.get("client")
    address = f"address:{client[0] if client else 'unknown'}"
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() == "bearer" and TOKEN_SHAPE.fullmatch(token.strip()):
        return "key:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32], address
    return address, address
