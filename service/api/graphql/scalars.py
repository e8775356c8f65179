"""The PartialDate scalar: a date at the precision its source gives, checked as case files are."""

from typing import Any, NewType

import strawberry
from graphql import (
    ArgumentNode,
    GraphQLError,
    ObjectFieldNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    get_named_type,
)

from service.services.dating import partial_date_problem

SPECIFICATION = "docs/partial-date.md"


def _parse_value(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"{value!r} is not a partial date: give a string (YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    problem = partial_date_problem(value=value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> str:
    # A string literal is checked by PartialDateLiterals, whose error names the argument.
    if isinstance(node, StringValueNode):
        return node.value
    raise GraphQLError(f"a PartialDate is a string: YYYY, YYYY-MM or YYYY-MM-DD ({SPECIFICATION})")


PartialDate = NewType("PartialDate", str)

PARTIAL_DATE = strawberry.scalar(
    name="PartialDate",
    description="A date at the precision its source gives: YYYY, YYYY-MM or YYYY-MM-DD "
    "(year 1800-2100, a real month and day). Compared at the coarser of two precisions.",
    specified_by_url=SPECIFICATION,
    serialize=str,
    parse_value=_parse_value,
    parse_literal=_parse_literal,
)


class PartialDateLiterals(ValidationRule):
    """Refuse a PartialDate literal that is not one, naming its argument or input field."""

    def enter_string_value(self, node: StringValueNode, _key: Any, parent: Any, *_: Any) -> None:
        kind = get_named_type(self.context.get_input_type())
        if kind is None or kind.name != "PartialDate":
            return
        problem = partial_date_problem(value=node.value)
        if problem is None:
            return
        name = parent.name.value if isinstance(parent, ArgumentNode | ObjectFieldNode) else "date"
        self.report_error(
            GraphQLError(
                f"{name}: {problem} ({SPECIFICATION})",
                node,
                extensions={"code": "INVALID_ARGUMENT", "argument": name},
            )
        )


def stored_date(value: str | None) -> PartialDate | None:
    """A date read from the graph (checked when it was written) as a PartialDate."""
    return None if value is None else PartialDate(value)
