"""What a request shows of the list being resolved, so its statement can read it along."""

from collections.abc import Iterable, Sequence

from strawberry.types.nodes import SelectedField, Selection

from service.api.graphql.context import Info
from service.services.navigation import Along


def _fields(selections: Sequence[Selection]) -> list[SelectedField]:
    """The fields selected, fragments flattened."""
    found: list[SelectedField] = []
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.append(selection)
        else:
            found += _fields(selection.selections)
    return found


def shown_fields(info: Info) -> set[str]:
    """The fields the request shows of each item of the list being resolved: those under
    `edges { node }` of a connection, or of the list itself."""
    shown: set[str] = set()
    for field in info.selected_fields:
        for child in _fields(field.selections):
            if child.name != "edges":
                shown.add(child.name)
                continue
            for edge_field in _fields(child.selections):
                if edge_field.name == "node":
                    shown |= {f.name for f in _fields(edge_field.selections)}
    return shown


def along(info: Info, *, units: Iterable[str], knowledge: Iterable[str]) -> Along:
    """What to read beside the list's items: the units when any of the `units` fields is
    shown, the knowledge items when any of the `knowledge` fields is."""
    shown = shown_fields(info)
    return Along(units=not shown.isdisjoint(units), knowledge=not shown.isdisjoint(knowledge))
