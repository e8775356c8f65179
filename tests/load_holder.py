"""A kflow process that holds a whole store's load open, for tests that kill it or start a
second restore beside it: it opens the store as kflow does, writes the case given on the
command line (JSON) through a load with the keys, prints "loading", and then publishes the
load when it reads "publish" on its standard input, or fails it on anything else."""

import asyncio
import json
import sys

from service.bootstrap import open_store
from service.services.bulk import write_case
from service.settings import Settings
from tests.helpers import as_case


async def hold(document: dict[str, object]) -> None:
    store = await open_store(Settings())
    try:
        async with store.bulk_load(with_keys=True) as load:
            await write_case(load.graph, case=as_case(document), tag=load.tag)
            print("loading", flush=True)
            if (await asyncio.to_thread(sys.stdin.readline)).strip() != "publish":
                raise RuntimeError("told to fail")
        print("published", flush=True)
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(hold(json.loads(sys.argv[1])))
