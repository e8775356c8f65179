"""Offset pages with opaque cursors and a hard cap on page size."""

import base64
import binascii
from dataclasses import dataclass

from service.services.errors import InvalidArgument

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class PageRequest:
    skip: int
    limit: int


def encode_cursor(offset: int) -> str:
    """The opaque cursor of the item at an offset."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; InvalidArgument when it is not one of ours."""
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidArgument("after", f"'{cursor}' is not a cursor this API gave out")


def page_request(
    *, first: int | None, after: str | None, max_size: int = MAX_PAGE_SIZE
) -> PageRequest:
    """Validate `first`/`after` and ask the store for one row more than the page."""
    size = min(DEFAULT_PAGE_SIZE, max_size) if first is None else first
    if not 1 <= size <= max_size:
        raise InvalidArgument(
            "first", f"must be between 1 and {max_size}, not {size} (KFLOW_MAX_PAGE_SIZE)"
        )
    skip = 0 if after is None else decode_cursor(after) + 1
    return PageRequest(skip=skip, limit=size + 1)
