"""A per-caller request budget: over KFLOW_RATE_LIMIT_PER_MINUTE requests in a minute, 429.

A caller is the API key it presents (however the header is spelt), or its address when it
presents none, or nothing shaped like a key. Windows are whole minutes, counted in the
process: with several workers each counts its own callers. The health probes are never
counted.
"""

import hashlib
import json
import math
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from service.api.errors import error_body, is_graphql
from service.failures import answer_of, details_of
from service.services.access import TOKEN_SHAPE
from service.services.errors import RateLimited

WINDOW_S = 60.0
UNCOUNTED_PATHS = frozenset({"/healthz", "/readyz"})
# Callers kept apart in one minute; past it, a new key shares its address's budget, so a
# stream of made-up keys neither escapes the limit nor grows the table without end.
MAX_CALLERS = 10_000


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
        if scope["type"] != "http" or scope.get("path") in UNCOUNTED_PATHS:
            await self.app(scope, receive, send)
            return
        now = self.clock()
        window = int(now // WINDOW_S)
        if window != self._window:  # a new minute: every caller starts again
            self._window, self._counts = window, {}
        caller, address = _caller(scope)
        if caller not in self._counts and len(self._counts) >= MAX_CALLERS:
            caller = address
        self._counts[caller] = self._counts.get(caller, 0) + 1
        if self._counts[caller] <= self.per_minute:
            await self.app(scope, receive, send)
            return
        await self._refuse(send, scope, retry_after=math.ceil((window + 1) * WINDOW_S - now))

    async def _refuse(self, send: Send, scope: Scope, *, retry_after: int) -> None:
        detail = (
            f"more than {self.per_minute} requests this minute from this caller "
            f"(KFLOW_RATE_LIMIT_PER_MINUTE); retry in {retry_after} s"
        )
        refusal = RateLimited(detail, retry_after=retry_after)
        answer = answer_of(refusal)
        assert answer is not None
        graphql = is_graphql(None, str(scope.get("path", "")))
        body = error_body(answer.code, detail, graphql=graphql, **details_of(refusal))
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"retry-after", str(retry_after).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _caller(scope: Scope) -> tuple[str, str]:
    """Who is asking (a digest of the key it presents, else its address), and its address."""
    client = scope.get("client")
    address = f"address:{client[0] if client else 'unknown'}"
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() == "bearer" and TOKEN_SHAPE.fullmatch(token.strip()):
        return "key:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32], address
    return address, address
