"""The `recorded` feed: what is recorded from now on, read from the store, so every API
replica sees every record whichever replica wrote it."""

import asyncio
from collections.abc import AsyncIterator

from service.services.recording import Recorded, list_recorded_since, now_ms
from service.store.port import GraphStore

FEED_POLL_SECONDS = 0.25
FEED_BATCH = 100


async def watch_recorded(
    store: GraphStore,
    *,
    firm_id: str | None,
    batch_size: int = FEED_BATCH,
    poll_seconds: float = FEED_POLL_SECONDS,
) -> AsyncIterator[Recorded]:
    """Each flow and integration event recorded from now on, oldest first, once."""
    since = now_ms()
    seen: set[str] = set()
    while True:
        batch = await list_recorded_since(store, since_ms=since, firm_id=firm_id, limit=batch_size)
        for record in batch:
            if record.id not in seen:
                yield record
        if batch:
            # Records of the newest millisecond may still be joined by others: poll from
            # that instant again, skipping the ones already sent.
            newest = batch[-1].recorded_at
            if newest != since:
                seen = set()
            seen |= {r.id for r in batch if r.recorded_at == newest}
            since = newest
        await asyncio.sleep(poll_seconds)
