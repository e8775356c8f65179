"""The PartialDate scalar: a date at the precision its source gives (docs/partial-date.md)."""

from typing import Any, NewType

import strawberry
from graphql import GraphQLError, StringValueNode, ValueNode
from strawberry.types.scalar import ScalarDefinition

# Where the API serves the specification (docs/partial-date.md), under its public URL if set.
SPECIFICATION_PATH = "/docs/partial-date.md"
NOT_A_STRING = f"a PartialDate is a string: YYYY, YYYY-MM or YYYY-MM-DD ({SPECIFICATION_PATH})"

PartialDate = NewType("PartialDate", str)


# Only the type is checked here: the services check the date where they read the argument,
# so the error names it (`since: month 13 does not exist`), whether the value came as a
# literal or in a variable. Refusals are GraphQLErrors, a client's mistake, never masked.
def _parse_value(value: object) -> str:
    if not isinstance(value, str):
        raise GraphQLError(NOT_A_STRING)
    return value


def _parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> str:
    if not isinstance(node, StringValueNode):
        raise GraphQLError(NOT_A_STRING)
    return node.value


def partial_date_scalar(public_url: str = "") -> ScalarDefinition:
    """The PartialDate scalar, its specification's URL absolute under the server's public URL
    (KFLOW_PUBLIC_URL), or the path the server serves it at."""
    return strawberry.scalar(
        name="PartialDate",
        description="A date at the precision its source gives: YYYY, YYYY-MM or YYYY-MM-DD "
        "(year 1800-2100, a real month and day). Compared at the coarser of two precisions.",
        specified_by_url=public_url.rstrip("/") + SPECIFICATION_PATH,
        serialize=str,
        parse_value=_parse_value,
        parse_literal=_parse_literal,
    )


def stored_date(value: str | None) -> PartialDate | None:
    """A date read from the graph (checked when it was written) as a PartialDate."""
    return None if value is None else PartialDate(value)
