"""Pages with opaque cursors (offsets, or keysets of sort key and id) and a hard cap on size.

Every list pages forward (`first` items `after` a cursor) or backward (`last` items `before`
one), as Relay's connections do; a request mixing the two directions is refused.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from service.services.errors import InvalidArgument

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class PageRequest:
    """Rows skip..skip+limit of a list ordered by position.

    Forward, limit is one more than the page, to learn whether a next page exists. Backward,
    limit is the page itself, ending at the `before` cursor or, without one, the list's end.
    """

    skip: int
    limit: int
    backward: bool = False
    at_end: bool = False


def encode_cursor(offset: int) -> str:
    """The opaque cursor of the item at an offset."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def decode_cursor(cursor: str, *, argument: str = "after") -> int:
    """The offset a cursor stands for; InvalidArgument when it is not one of ours."""
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidArgument(argument, f"'{cursor}' is not a cursor this API gave out")


def page_size(*, first: int | None, max_size: int, argument: str = "first") -> int:
    """The page size `first` or `last` asks for (the default if not given), in 1..max_size."""
    size = min(DEFAULT_PAGE_SIZE, max_size) if first is None else first
    if not 1 <= size <= max_size:
        raise InvalidArgument(
            argument, f"must be between 1 and {max_size}, not {size} (KFLOW_MAX_PAGE_SIZE)"
        )
    return size


def is_backward(
    *, first: int | None, after: str | None, last: int | None, before: str | None
) -> bool:
    """Whether the arguments page backward (last/before); InvalidArgument when they mix ways."""
    backward = last is not None or before is not None
    if backward and (first is not None or after is not None):
        mixed = "last" if last is not None else "before"
        raise InvalidArgument(
            mixed, "page forward with first/after or backward with last/before, not both"
        )
    return backward


def page_request(
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    total: int | None = None,
    max_size: int = MAX_PAGE_SIZE,
) -> PageRequest:
    """Validate the paging arguments of a list ordered by position.

    `total` (the list's length) is needed only to page backward from the end.
    """
    if not is_backward(first=first, after=after, last=last, before=before):
        size = page_size(first=first, max_size=max_size)
        skip = 0 if after is None else decode_cursor(after) + 1
        return PageRequest(skip=skip, limit=size + 1)
    size = page_size(first=last, max_size=max_size, argument="last")
    if before is not None:
        end = decode_cursor(before, argument="before")
    elif total is not None:
        end = total
    else:
        raise ValueError("paging backward from the end needs the list's total")
    skip = max(0, end - size)
    return PageRequest(skip=skip, limit=end - skip, backward=True, at_end=before is None)


@dataclass(frozen=True)
class KeysetRequest:
    """A page next to a keyset cursor: the sort key and id of the item it starts from.

    Forward, the page holds the items after the cursor (or from the list's start); backward,
    the items before it (or up to the list's end), read nearest first.
    """

    size: int
    cursor_key: str | None = None
    cursor_id: str | None = None
    backward: bool = False

    def params(self) -> dict[str, object]:
        """The statement parameters: the cursor, the direction, and one row more than the page."""
        return {
            "cursorKey": self.cursor_key,
            "cursorId": self.cursor_id,
            "backward": self.backward,
            "limit": self.size + 1,
        }


def encode_keyset_cursor(key: str, node_id: str) -> str:
    """The opaque cursor of an item: its sort key and its id, stable under inserts."""
    return base64.urlsafe_b64encode(json.dumps(["key", key, node_id]).encode()).decode()


def _decode_keyset_cursor(cursor: str, argument: str) -> tuple[str, str]:
    try:
        kind, key, node_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if kind == "key" and isinstance(key, str) and isinstance(node_id, str):
            return key, node_id
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        pass
    raise InvalidArgument(argument, f"'{cursor}' is not a cursor this list gave out")


def keyset_request(
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    max_size: int = MAX_PAGE_SIZE,
) -> KeysetRequest:
    """Validate the paging arguments of a keyset-paged list."""
    backward = is_backward(first=first, after=after, last=last, before=before)
    size = page_size(
        first=last if backward else first,
        max_size=max_size,
        argument="last" if backward else "first",
    )
    cursor, argument = (before, "before") if backward else (after, "after")
    if cursor is None:
        return KeysetRequest(size=size, backward=backward)
    key, node_id = _decode_keyset_cursor(cursor, argument)
    return KeysetRequest(size=size, cursor_key=key, cursor_id=node_id, backward=backward)
