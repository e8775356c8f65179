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
from inspect import isawaitable
from typing import Any, NamedTuple, cast

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
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


class PlainObject(NamedTuple):
    """How to answer a field holding an object: read the attribute, then its fields."""

    read: Callable[[Any, str], Any]
    attribute: str
    type: GraphQLObjectType
    declared: GraphQLOutputType


def _plain(definition: GraphQLField, node: FieldNode) -> tuple[Any, StrawberryField] | None:
    """The type (non-null unwrapped) and Strawberry field of a field answered by reading its
    attribute (Strawberry's default resolver, no arguments), or None for any other field."""
    field = definition.extensions.get(BACKREF)
    plain = getattr(definition.resolve, "_is_default", False) and not node.arguments
    # A field with extensions (a permission check) runs them: it is no plain read.
    if not plain or not isinstance(field, StrawberryField) or not field.is_basic_field:
        return None
    field_type = definition.type
    return (field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type), field


class PlainFieldExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, answering plain fields without graphql-core's
    per-field machinery (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A list's items share one grouped field set (graphql-core memoises it), so its plan
        # is made once per request; the set is kept beside it so its id stays its own.
        self._plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}
        self._objects: dict[int, tuple[FieldDetailsList, PlainObject | None]] = {}

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
                plain = _plain(definition, node)
                if plain is None or not isinstance(plain[0], (GraphQLScalarType, GraphQLEnumType)):
                    continue
                leaf, field = plain
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
                if isinstance(value, Exception) or isawaitable(value):
                    return None  # graphql-core raises the one and awaits the other
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

    def _plain_object(
        self, parent_type: GraphQLObjectType, details: FieldDetailsList
    ) -> PlainObject | None:
        known = self._objects.get(id(details))
        if known is not None:
            return known[1]
        found = None
        middleware = self.middleware_manager
        definition = self.schema.get_field(parent_type, details[0].node.name.value)
        if (middleware is None or not middleware.middlewares) and definition is not None:
            plain = _plain(definition, details[0].node)
            if plain is not None and isinstance(plain[0], GraphQLObjectType):
                found = PlainObject(
                    plain[1].default_resolver, plain[1].python_name, plain[0], definition.type
                )
        self._objects[id(details)] = (details, found)
        return found

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """A field holding an object (a connection's node, a hop's unit) goes straight to
        its own fields, as graphql-core would after resolving and checking it; a null, or
        any value not plainly of its type, goes through graphql-core."""
        plain = self._plain_object(parent_type, field_details_list)
        if plain is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        info = cast("GraphQLResolveInfo[Any]", None)
        try:
            value = plain.read(source, plain.attribute)
            is_type_of = plain.type.is_type_of
            # Strawberry's own check reads the object alone, never the resolve info.
            typed = (
                value is not None
                and not isinstance(value, Exception)
                and not isawaitable(value)
                and (is_type_of is None or is_type_of(value, info) is True)
            )
        except Exception:  # graphql-core meets it again, and reports it where it happened
            typed = False
        if not typed:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        return_type = plain.declared
        try:
            completed = self.collect_and_execute_subfields(
                plain.type, field_details_list, path, value, position_context
            )
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._completed_later(completed, return_type, field_details_list, path)
        return completed

    async def _completed_later(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

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
