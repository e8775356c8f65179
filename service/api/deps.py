"""Dependencies the routes and resolvers receive, as named types."""

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from service.settings import Settings
from service.store.port import GraphStore


def get_store(request: HTTPConnection) -> GraphStore:
    """The store the application opened at start-up."""
    store: GraphStore = request.app.state.store
    return store


def get_app_settings(request: HTTPConnection) -> Settings:
    """The settings the application was created with."""
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
