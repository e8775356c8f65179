"""Reading a graph query's reply row by row, so a caller can stop before the whole of it.

redis-py reads a reply whole before handing it over, so an answer of millions of rows
would sit in this process (gigabytes) before any cap applied. A graph reply is one array:
header, rows, statistics. This reader takes the array's framing and the header itself,
then hands the rows, one complete value at a time, to hiredis's C parser as bytes arrive,
counting the bytes, so the caller can hang up at a row or byte cap. It blocks: run it in a
worker thread, so the event loop (health checks, other requests) never waits on it.
"""

import socket
from pathlib import Path
from typing import Any

import hiredis
import redis

READ_CHUNK = 1 << 16


class ReplyTooLarge(Exception):
    """More bytes than the reader was allowed to take."""


class ReplyStream:
    """One private connection to the engine, for one command and its reply."""

    def __init__(self, socket_path: Path, *, max_bytes: int, timeout_s: float) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.settimeout(timeout_s)
        try:
            self._socket.connect(str(socket_path))
        except OSError:
            self._socket.close()
            raise
        self.max_bytes = max_bytes
        self.bytes_read = 0
        self._buffer = bytearray()
        self._reader = hiredis.Reader(
            replyError=redis.ResponseError, encoding="utf-8", errors="replace"
        )

    def send(self, *args: str | int) -> None:
        """Send one command."""
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = str(arg).encode()
            parts.append(f"${len(data)}\r\n".encode() + data + b"\r\n")
        self._socket.sendall(b"".join(parts))

    def _receive(self) -> bytes:
        if self.bytes_read > self.max_bytes:
            raise ReplyTooLarge
        chunk = self._socket.recv(READ_CHUNK)
        if not chunk:
            raise ConnectionError("the engine closed the connection mid-reply")
        self.bytes_read += len(chunk)
        return chunk

    def _line(self) -> bytes:
        while (end := self._buffer.find(b"\r\n")) < 0:
            self._buffer += self._receive()
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        return line

    def framing(self) -> Any:
        """The next small value, read here so the framing after it is not consumed (the
        header of a reply, before its rows' array)."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"*":
            return [self.framing() for _ in range(int(rest))]
        if kind == b"$":
            size = int(rest)
            while len(self._buffer) < size + 2:
                self._buffer += self._receive()
            data = bytes(self._buffer[:size])
            del self._buffer[: size + 2]
            return data.decode(errors="replace")
        if kind == b":":
            return int(rest)
        if kind == b"-":
            return redis.ResponseError(rest.decode(errors="replace"))
        return rest.decode(errors="replace")

    def array_length(self) -> int:
        """The length of the array whose first line comes next (an error reply is raised)."""
        line = self._line()
        if line[:1] == b"-":
            raise redis.ResponseError(line[1:].decode(errors="replace"))
        if line[:1] != b"*":
            raise redis.ResponseError(f"unexpected reply from the engine: {line[:40]!r}")
        return int(line[1:])

    def value(self) -> Any:
        """The next whole value; an error inside the reply is returned as a ResponseError."""
        if self._buffer:
            self._reader.feed(bytes(self._buffer))
            self._buffer.clear()
        while (item := self._reader.gets()) is False:
            self._reader.feed(self._receive())
        return item

    def close(self) -> None:
        """Hang up (a reply not read to its end is dropped by the engine)."""
        self._socket.close()
