"""Pages with opaque cursors (offsets, or keysets of sort key and id) and a hard cap on size."""

import base64
import binascii
import json
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


def page_size(*, first: int | None, max_size: int) -> int:
    """The page size `first` asks for (the default when not given), within 1..max_size."""
    size = min(DEFAULT_PAGE_SIZE, max_size) if first is None else first
    if not 1 <= size <= max_size:
        raise InvalidArgument(
            "first", f"must be between 1 and {max_size}, not {size} (KFLOW_MAX_PAGE_SIZE)"
        )
    return size


def page_request(
    *, first: int | None, after: str | None, max_size: int = MAX_PAGE_SIZE
) -> PageRequest:
    """Validate `first`/`after` and ask the store for one row more than the page."""
    size = page_size(first=first, max_size=max_size)
    skip = 0 if after is None else decode_cursor(after) + 1
    return PageRequest(skip=skip, limit=size + 1)


@dataclass(frozen=True)
class KeysetRequest:
    """A page after a keyset cursor: the sort key and id of the last item seen."""

    size: int
    after_key: str | None = None
    after_id: str | None = None

    def params(self) -> dict[str, object]:
        """The statement parameters: the cursor's key and id, and one row more than the page."""
        return {"afterKey": self.after_key, "afterId": self.after_id, "limit": self.size + 1}


def encode_keyset_cursor(key: str, node_id: str) -> str:
    """The opaque cursor of an item: its sort key and its id, stable under inserts."""
    return base64.urlsafe_b64encode(json.dumps(["key", key, node_id]).encode()).decode()


def _decode_keyset_cursor(cursor: str) -> tuple[str, str]:
    try:
        kind, key, node_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if kind == "key" and isinstance(key, str) and isinstance(node_id, str):
            return key, node_id
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        pass
    raise InvalidArgument("after", f"'{cursor}' is not a cursor this list gave out")


def keyset_request(
    *, first: int | None, after: str | None, max_size: int = MAX_PAGE_SIZE
) -> KeysetRequest:
    """Validate `first`/`after` for a keyset-paged list."""
    size = page_size(first=first, max_size=max_size)
    if after is None:
        return KeysetRequest(size=size)
    key, node_id = _decode_keyset_cursor(after)
    return KeysetRequest(size=size, after_key=key, after_id=node_id)
