"""Reading an engine reply value by value, so a caller can stop before the whole of it.

redis-py reads a reply whole before handing it over, so an answer of millions of rows
would sit in this process (gigabytes) before any cap applied. This reader speaks just
enough of the Redis protocol (RESP2) to take a graph query's reply row by row, counting
the bytes it reads, and lets the caller hang up when it has enough.
"""

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import redis


class ReplyTooLarge(Exception):
    """More bytes than the reader was allowed to take."""


class ReplyStream:
    """One private connection to the engine, for one command and its reply."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, max_bytes: int
    ) -> None:
        self._reader = reader
        self._writer = writer
        self.max_bytes = max_bytes
        self.bytes_read = 0

    @classmethod
    async def open(cls, socket_path: Path, *, max_bytes: int) -> "ReplyStream":
        """Connect to the engine's unix socket."""
        reader, writer = await asyncio.open_unix_connection(str(socket_path))
        return cls(reader, writer, max_bytes)

    async def send(self, *args: str | int) -> None:
        """Send one command."""
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = str(arg).encode()
            parts.append(f"${len(data)}\r\n".encode() + data + b"\r\n")
        self._writer.write(b"".join(parts))
        await self._writer.drain()

    def _count(self, size: int) -> None:
        self.bytes_read += size
        if self.bytes_read > self.max_bytes:
            raise ReplyTooLarge

    async def _line(self) -> bytes:
        line = await self._reader.readuntil(b"\r\n")
        self._count(len(line))
        return line[:-2]

    async def array_length(self) -> int:
        """The length of the array that comes next (an error reply is raised)."""
        line = await self._line()
        if line[:1] == b"-":
            raise redis.ResponseError(line[1:].decode(errors="replace"))
        if line[:1] != b"*":
            raise redis.ResponseError(f"unexpected reply from the engine: {line[:40]!r}")
        return int(line[1:])

    async def value(self) -> Any:
        """The next whole value; an error inside the reply is returned as a ResponseError."""
        line = await self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            self._count(size + 2)
            data = await self._reader.readexactly(size + 2)
            return data[:-2].decode(errors="replace")
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [await self.value() for _ in range(size)]
        if kind == b":":
            return int(rest)
        if kind == b"+":
            return rest.decode(errors="replace")
        if kind == b"-":
            return redis.ResponseError(rest.decode(errors="replace"))
        raise redis.ResponseError(f"unexpected reply from the engine: {line[:40]!r}")

    async def close(self) -> None:
        """Hang up (a reply not read to its end is dropped by the engine)."""
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()
