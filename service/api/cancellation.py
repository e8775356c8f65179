"""Stopping the work of a request whose client has gone.

A client that disconnects (closed the page, or gave up after its own timeout) would
otherwise leave its request running to the end: a deep GraphQL walk keeps its statement
busy in the store for up to the query timeout. `CancelOnDisconnect` listens for the
disconnect while the request runs and cancels it. The store adapters close the connection
of a cancelled statement: Neo4j then terminates the statement's transaction; the embedded
engine cannot stop a running statement from outside, so there the engine's own timeout
(KFLOW_QUERY_TIMEOUT_MS) bounds it.
"""

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLIENT_CLOSED = 499


class CancelOnDisconnect:
    """Cancels an HTTP request's handling when its client disconnects before the answer is
    complete. The request's messages are read by one task and handed on, so the handler
    and the listener never wait on the connection at once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        messages: asyncio.Queue[Message] = asyncio.Queue()
        answered = False

        async def handed_on() -> Message:
            message = await messages.get()
            if message["type"] == "http.disconnect":
                messages.put_nowait(message)  # every later read sees it too
            return message

        async def sending(message: Message) -> None:
            nonlocal answered
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                answered = True

        handling = asyncio.ensure_future(self.app(scope, handed_on, sending))

        async def listen() -> None:
            while True:
                message = await receive()
                messages.put_nowait(message)
                if message["type"] == "http.disconnect":
                    if not answered:
                        handling.cancel()
                    return

        listening = asyncio.ensure_future(listen())
        try:
            await handling
        except asyncio.CancelledError:
            this_request = asyncio.current_task()
            if this_request is None or this_request.cancelling():  # cancelled from outside
                raise
            # Nobody reads this answer (the server drops it): it is what the request's log
            # line and metrics record, 499 as in "client closed request", not a failure.
            await send({"type": "http.response.start", "status": CLIENT_CLOSED, "headers": []})
            await send({"type": "http.response.body", "body": b""})
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening
