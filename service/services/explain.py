"""A catalogue statement's plan on the configured engine, with its rows and db hits."""

import json
from typing import Any

from service.cypher import CATALOGUE
from service.services.errors import InvalidArgument, NotFound
from service.store.port import GraphStore


async def profile_statement(store: GraphStore, *, name: str, params: dict[str, str]) -> list[str]:
    """Run a read statement of `cypher/` under PROFILE; each parameter not given is null."""
    query = CATALOGUE.get(name)
    if query is None:
        raise NotFound("statement", name)
    if query.mode != "read":
        raise InvalidArgument("name", f"'{name}' writes; only read statements are profiled")
    unknown = set(params) - query.param_names
    if unknown:
        raise InvalidArgument("param", f"'{name}' has no parameter {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {p.name: None for p in query.params}
    for key, text in params.items():
        try:
            values[key] = json.loads(text)
        except json.JSONDecodeError:
            values[key] = text  # plain text is a string
    return await store.profile(query, values)
