"""The executor answers plain fields itself and everything else through graphql-core: its
answers and errors are graphql-core's, field for field."""

import asyncio
import enum
from typing import Any

import pytest
import strawberry
from strawberry.dataloader import DataLoader
from strawberry.permission import BasePermission
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from service.api.graphql.context import held
from service.api.graphql.execution import PlainFieldExecutor

pytestmark = pytest.mark.unit


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    """An interface gives Item Strawberry's type check, which an Other fails."""

    id: strawberry.ID


class NeverAllowed(BasePermission):
    message = "not for you"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Item(Named):
    name: str
    colour: Colour
    size: int | None
    required: int
    # A field without a resolver of its own but with a check, which must run.
    secret: str | None = strawberry.field(default="hidden", permission_classes=[NeverAllowed])

    @strawberry.field
    def label(self) -> str:
        return f"{self.name}!"

    @strawberry.field
    async def later(self) -> str:
        return self.name.upper()


ITEMS = [
    Item(id=strawberry.ID("a"), name="A", colour=Colour.RED, size=1, required=1),
    Item(id=strawberry.ID("b"), name="B", colour=Colour.BLUE, size=None, required=2),
]
# A value its type cannot serialise (past 32 bits), and a null where the type forbids one.
BROKEN = [
    Item(id=strawberry.ID("c"), name="C", colour=Colour.RED, size=2**40, required=3),
    Item(id=strawberry.ID("d"), name="D", colour=Colour.RED, size=None, required=None),  # type: ignore[arg-type]
]


@strawberry.type
class Other:
    id: strawberry.ID


@strawberry.type
class Holder:
    """Objects held as plain data, as a connection's edge holds its node."""

    node: Item
    maybe: Item | None


HOLDERS = [
    Holder(node=ITEMS[0], maybe=None),
    Holder(node=BROKEN[1], maybe=ITEMS[1]),  # a null deep inside a non-null object
    Holder(node=None, maybe=ITEMS[0]),  # type: ignore[arg-type]
    Holder(node=Other(id=strawberry.ID("x")), maybe=ITEMS[0]),  # type: ignore[arg-type]
]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS

    @strawberry.field
    def broken(self) -> list[Item | None]:
        return BROKEN

    @strawberry.field
    def holders(self) -> list[Holder | None]:
        return HOLDERS


def schema(executor: type[StrawberryGraphQLCoreExecutionContext]) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=executor)


DOCUMENTS = [
    "{ items { id name colour size } }",
    "{ items { n: name id, label later colour ...on Item { size name } } }",
    "{ items { name @skip(if: true) size @include(if: true) __typename } }",
    "{ broken { id size } }",
    "{ broken { id required later } }",
    "{ holders { node { id later } maybe { id name } } }",
    "{ holders { node { required } maybe { id required } } }",
    "{ items { id secret } }",
]


def answer(result: Any) -> tuple[Any, list[dict[str, Any]]]:
    return result.data, [error.formatted for error in result.errors or []]


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_answers_and_errors_are_graphql_cores(document: str) -> None:
    ours = await schema(PlainFieldExecutor).execute(document)
    theirs = await schema(StrawberryGraphQLCoreExecutionContext).execute(document)
    assert answer(ours) == answer(theirs)


async def test_plain_fields_are_not_resolved_through_graphql_core() -> None:
    asked: list[str] = []

    class Counting(PlainFieldExecutor):
        def build_resolve_info(self, field_def: Any, field_nodes: Any, *args: Any) -> Any:
            asked.append(field_nodes[0].name.value)
            return super().build_resolve_info(field_def, field_nodes, *args)

    result = await schema(Counting).execute("{ items { id name colour size label } }")
    assert result.errors is None
    assert asked == ["items", "label", "label"]
    asked.clear()
    result = await schema(Counting).execute("{ holders { node { label } } }")
    # The first two hold an Item; the others go through graphql-core (a null, an Other).
    assert asked == ["holders", "label", "label", "node", "node"]


async def test_held_gives_a_loaders_values_only_when_it_holds_them_all() -> None:
    loader: DataLoader[str, str] = DataLoader(load_fn=lambda keys: _upper(keys))
    loader.prime_many({"a": "A", "b": "B"})
    assert held(loader, ["b", "a"]) == ["B", "A"]
    assert held(loader, []) == []
    assert held(loader, ["a", "c"]) is None
    pending = loader.load("c")
    assert held(loader, ["c"]) is None
    assert await pending == "C"
    assert held(loader, ["c", "a"]) == ["C", "A"]


async def _upper(keys: list[str]) -> list[str]:
    await asyncio.sleep(0)
    return [key.upper() for key in keys]
