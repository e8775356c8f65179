"""What a GraphQL document costs, refused before it runs when over the caller's budget.

Each field that returns an object costs one per parent it is asked of; a connection
multiplies what is below it by its `first` (the default page size when not given), and any
other list field by LIST_SIZE (a field taking `ids`, by how many it is given); a
connection's edges and nodes are what its field paid for.
Scalars are free, and so is introspection. The rule runs with the request's variables,
after validation and before execution, so a refused document never reaches the store.
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.type import GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLUnionType
from strawberry.extensions import SchemaExtension

from service.api.graphql.context import current_tally
from service.services.paging import DEFAULT_PAGE_SIZE

LIST_SIZE = 10  # what a list field without `first` is assumed to hold
COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
PAGE_PARTS = ("Connection", "Edge")


def _is_list(kind: Any) -> bool:
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)


class DocumentCost:
    """The cost of one operation of a document, given its variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any] | None,
        page_size: int,
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._variables = variables or {}
        self._page_size = page_size

    def of_operation(self, operation: OperationDefinitionNode) -> int:
        """The operation's cost."""
        root = self._schema.get_root_type(operation.operation)
        return self._selection_cost(root, operation.selection_set, 1, frozenset()) if root else 0

    def _fields(
        self, kind: Any, selection_set: SelectionSetNode, seen: frozenset[str]
    ) -> Iterator[tuple[Any, FieldNode]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield kind, selection
            elif isinstance(selection, InlineFragmentNode):
                inner = (
                    self._schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else kind
                )
                yield from self._fields(inner, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                if fragment is not None and name not in seen:
                    inner = self._schema.get_type(fragment.type_condition.name.value)
                    yield from self._fields(inner, fragment.selection_set, seen | {name})

    def _ids_given(self, node: FieldNode) -> int | None:
        """How many ids a field asks for by `ids` (nodes), from the document or its variables."""
        for argument in node.arguments or ():
            if argument.name.value != "ids":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                given = self._variables.get(value.name.value)
                return len(given) if isinstance(given, list) else None
            return len(value.values) if isinstance(value, ListValueNode) else 1
        return None

    def _first(self, node: FieldNode) -> int | None:
        """The `first` (or `last`) a field asks for, from the document or its variables."""
        for argument in node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                given = self._variables.get(value.name.value)
                return given if isinstance(given, int) else None
            return int(value.value) if isinstance(value, IntValueNode) else None
        return None

    def _selection_cost(
        self, kind: Any, selection_set: SelectionSetNode, multiplier: int, seen: frozenset[str]
    ) -> int:
        total = 0
        for parent, node in self._fields(kind, selection_set, seen):
            name = node.name.value
            if name.startswith("__") or not isinstance(
                parent, GraphQLObjectType | GraphQLInterfaceType
            ):
                continue
            field = parent.fields.get(name)
            if field is None or node.selection_set is None:
                continue  # scalars are free; unknown fields fail validation anyway
            target = get_named_type(field.type)
            if parent.name.endswith(PAGE_PARTS):
                # A connection's edges, nodes and pageInfo are the page its field paid for.
                total += self._selection_cost(target, node.selection_set, multiplier, seen)
                continue
            total += multiplier
            inner = multiplier
            if "first" in field.args and target.name.endswith("Connection"):
                first = self._first(node)
                inner *= first if first is not None and first > 0 else self._page_size
            elif _is_list(field.type):
                inner *= self._ids_given(node) or LIST_SIZE
            if isinstance(target, GraphQLUnionType):
                for member in target.types:
                    total += self._selection_cost(member, node.selection_set, inner, seen)
            else:
                total += self._selection_cost(target, node.selection_set, inner, seen)
        return total


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    page_size: int,
) -> tuple[int, OperationDefinitionNode] | None:
    """The cost of the operation that will run, and the operation (None: the document has
    no single such operation, which execution reports)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name and d.name.value == operation_name))
    ]
    if len(operations) != 1:
        return None
    cost = DocumentCost(schema, fragments, variables, page_size).of_operation(operations[0])
    return cost, operations[0]


class CostLimiter(SchemaExtension):
    """Refuses a document over the caller's cost budget before it runs; reports the cost."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        context = execution.context
        budget_of = getattr(context, "cost_budget", None)
        role = getattr(context, "role", None)
        budget = budget_of(role.label if role is not None else None) if budget_of else None
        document = execution.graphql_document
        if isinstance(budget, int) and document is not None:
            # Measured straight from the operation: a validation pass over the whole
            # document for one number cost more than many a small query's resolvers.
            measured = operation_cost(
                execution.schema._schema,
                document,
                variables=execution.variables,
                operation_name=execution.operation_name,
                page_size=min(DEFAULT_PAGE_SIZE, getattr(context, "max_page_size", 100)),
            )
            context.cost = measured[0] if measured else 0
            tally = current_tally.get()
            if tally is not None:
                tally.cost = context.cost
            if measured is not None and measured[0] > budget:
                cost, operation = measured
                refusal = GraphQLError(
                    f"the query costs {cost:,}, over the budget of {budget:,}: ask for "
                    "smaller pages (first) or fewer nested lists",
                    operation,
                    extensions={"code": COST_LIMIT_EXCEEDED, "cost": cost, "budget": budget},
                )
                execution.result = ExecutionResult(data=None, errors=[refusal])
        yield
