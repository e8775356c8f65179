"""Answers sent from ASGI middleware, below the framework's own responses."""

from collections.abc import Iterable

from starlette.types import Send


async def send_json(
    send: Send,
    status: int,
    body: bytes,
    *,
    media_type: str = "application/json",
    headers: Iterable[tuple[bytes, bytes]] = (),
    kind: str = "http.response",
) -> None:
    """Send a whole JSON answer with this status (`kind`: a request's, or a WebSocket
    upgrade's refusal)."""
    await send(
        {
            "type": f"{kind}.start",
            "status": status,
            "headers": [
                (b"content-type", media_type.encode()),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": f"{kind}.body", "body": body})
