"""The typed context every resolver receives."""

from typing import TypeAlias

import strawberry
from strawberry.fastapi import BaseContext

from service.api.deps import StoreDep
from service.store.port import GraphStore


class Context(BaseContext):
    def __init__(self, store: GraphStore) -> None:
        super().__init__()
        self.store = store


Info: TypeAlias = strawberry.Info[Context, None]


async def get_context(store: StoreDep) -> Context:
    """A fresh context per request (per-request loaders go here, never shared ones)."""
    return Context(store)
