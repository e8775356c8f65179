"""Ids a person types: each must name a node of its kind, or the answer suggests near ones."""

import difflib
from collections.abc import Iterable

from service import cypher
from service.services.errors import NotFound
from service.services.network import find_nodes
from service.store.port import GraphReader

# The kinds of id an analyst names, with the label that holds them and where to look for
# near ids when one is misspelt.
LOOKUP = cypher.Folder("lookup")
ID_KINDS: dict[str, tuple[str, cypher.Query]] = {
    "firm": ("Firm", LOOKUP.list_firm_ids_from),
    "unit": ("Unit", LOOKUP.list_unit_ids_from),
    "knowledge": ("Knowledge", LOOKUP.list_knowledge_ids_from),
    "project": ("Project", LOOKUP.list_project_ids_from),
}
# Enough ids to find a near one among a large firm's units, few enough to compare quickly.
MAX_CANDIDATES = 5000
MAX_SUGGESTIONS = 3
SIMILARITY_CUTOFF = 0.6


async def check_known_ids(store: GraphReader, *, kind: str, ids: Iterable[str]) -> None:
    """Raise NotFound, with the nearest ids as suggestions, for an id no node of `kind` has."""
    label, _ = ID_KINDS[kind]
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return
    nodes = await find_nodes(store, ids=wanted)
    known = {node_id for node_id, node in nodes.items() if label in node["labels"]}
    for node_id in wanted:
        if node_id not in known:
            raise NotFound(
                kind, node_id, suggestions=await nearest_ids(store, kind=kind, text=node_id)
            )


async def nearest_ids(store: GraphReader, *, kind: str, text: str) -> list[str]:
    """The ids of `kind` closest to a misspelt one: first among those sharing its first
    letter, then among any."""
    _, listing = ID_KINDS[kind]
    for prefix in dict.fromkeys((text[:1], "")):
        rows = await store.read(listing, {"prefix": prefix, "limit": MAX_CANDIDATES})
        near = difflib.get_close_matches(
            text, [str(row["id"]) for row in rows], n=MAX_SUGGESTIONS, cutoff=SIMILARITY_CUTOFF
        )
        if near:
            return near
    return []
