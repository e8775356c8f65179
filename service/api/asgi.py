"""Answers sent from ASGI middleware, below the framework's own responses."""

from starlette.types import Send


async def send_json(send: Send, status: int, body: bytes) -> None:
    """Send a whole JSON response with this status."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
