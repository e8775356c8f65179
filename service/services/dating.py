"""Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) as arguments: `asOf`, and comparing them."""

from pydantic import TypeAdapter, ValidationError

from service.model.case import PartialDate
from service.services.errors import InvalidArgument

_partial_date = TypeAdapter(PartialDate)


def parse_as_of(*, value: str | None) -> str | None:
    """The `asOf` argument checked as a partial date, or InvalidArgument naming it."""
    if value is None:
        return None
    problem = partial_date_problem(value=value)
    if problem is not None:
        raise InvalidArgument("asOf", problem)
    return value


def partial_date_problem(*, value: str) -> str | None:
    """What keeps a text from being a partial date (the case files' rules), or None."""
    try:
        _partial_date.validate_python(value)
    except ValidationError as error:
        return str(error.errors()[0]["msg"])
    return None


def is_on_or_before(*, date: str, as_of: str) -> bool:
    """Whether a partial date falls on or before another, compared at the coarser precision.

    A fact dated 2001 counts as of 2001-05: the source does not say it came later. Cypher
    statements taking `$asOf` compare the same way, with `left()` on both sides.
    """
    precision = min(len(date), len(as_of))
    return date[:precision] <= as_of[:precision]
