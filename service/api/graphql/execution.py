"""The executor: graphql-core's, with plain data fields read straight from their object.

A page of 100 units asks 400 scalar fields that have no resolver of their own. graphql-core
executes each as it would a resolver: a path, a resolve info, the resolver's call and the
completion's checks, about five times what reading the attribute and serialising it costs.
Such a field (no resolver, no arguments, a scalar or enum type) is read here as Strawberry's
default resolver would read it and serialised with its type's own serialiser; anything else,
and any value that is not plainly a value of its type (a null where the type forbids one, a
value the serialiser refuses), goes through graphql-core as before, so answers and errors
are the same.
"""

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


class PlainField(NamedTuple):
    """How to answer one plain field: read the attribute, serialise it with the type."""

    read: Callable[[Any, str], Any]
    attribute: str
    type: GraphQLLeafType
    nullable: bool


Plan = dict[str, PlainField]

BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF


def plain_leaf(definition: GraphQLField, node: FieldNode) -> GraphQLLeafType | None:
    """The scalar or enum type of a field answered by reading its attribute (Strawberry's
    default resolver, no arguments), or None for any other field."""
    field_type = definition.type
    leaf = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not getattr(definition.resolve, "_is_default", False) or node.arguments:
        return None
    return leaf if isinstance(leaf, (GraphQLScalarType, GraphQLEnumType)) else None


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, answering plain fields without graphql-core's
    per-field machinery (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list's items share one grouped field set (graphql-core memoises it), so its plan
        # is made once per request; the set is kept beside it so its id stays its own.
        self._plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}

    def _plan(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> Plan:
        known = self._plans.get(id(fields))
        if known is not None:
            return known[1]
        plan: Plan = {}
        # An extension that wraps resolvers (none of kflow's does) must see every field.
        middleware = self.middleware_manager
        if middleware is None or not middleware.middlewares:
            for response_name, details in fields.items():
                node = details[0].node
                definition = self.schema.get_field(parent_type, node.name.value)
                if definition is None:
                    continue
                leaf = plain_leaf(definition, node)
                field = definition.extensions.get(BACKREF)
                if leaf is None or not isinstance(field, StrawberryField):
                    continue
                nullable = not isinstance(definition.type, GraphQLNonNull)
                plan[response_name] = PlainField(
                    field.default_resolver, field.python_name, leaf, nullable
                )
        self._plans[id(fields)] = (fields, plan)
        return plan

    def _read_plain(self, plan: Plan, source: Any) -> dict[str, Any] | None:
        """The plain fields' answers, or None where one needs graphql-core's handling."""
        values: dict[str, Any] = {}
        try:
            for response_name, (read, attribute, leaf, nullable) in plan.items():
                value = read(source, attribute)
                if value is None:
                    if not nullable:
                        return None
                    values[response_name] = None
                    continue
                serialised = leaf.coerce_output_value(value)
                if serialised is None or serialised is Undefined:
                    return None
                values[response_name] = serialised
        except Exception:  # graphql-core meets it again, and reports it where it happened
            return None
        return values

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Answer the plain fields here and the others through graphql-core, in the order
        the document asks them."""
        plan = self._plan(parent_type, grouped_field_set)
        plain = self._read_plain(plan, source_value) if plan else None
        if plain is None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        if len(plain) == len(grouped_field_set):
            return plain
        rest = {name: fields for name, fields in grouped_field_set.items() if name not in plan}
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if isinstance(others, dict):
            return _merged(grouped_field_set, plain, others)
        return self._merged_later(grouped_field_set, plain, others)

    async def _merged_later(
        self,
        fields: GroupedFieldSet,
        plain: dict[str, Any],
        others: Awaitable[dict[str, Any]],
    ) -> dict[str, Any]:
        return _merged(fields, plain, await others)


def _merged(
    fields: GroupedFieldSet, plain: dict[str, Any], others: dict[str, Any]
) -> dict[str, Any]:
    """Both halves of an object's answer, in the document's order (a field graphql-core
    leaves out, unknown to the type, stays out)."""
    return {
        name: plain[name] if name in plain else others[name]
        for name in fields
        if name in plain or name in others
    }
