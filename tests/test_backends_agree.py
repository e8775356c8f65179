"""The two backends answer alike: the embedded engine and Neo4j, both seeded with the case
demos, give the same answer to every named query and to a query of every GraphQL root field
(every field of its answer, a few levels deep), compared in a canonical order."""

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    build_schema,
)

from service.contract import SCHEMA_DIR
from service.services.analyst import list_named_queries
from tests.backends import NEO4J_VERSION, backend_named
from tests.helpers import Served, kflow, serve
from tests.test_analyst import NAMED_ANSWERS

pytestmark = pytest.mark.e2e

SCHEMA = build_schema((SCHEMA_DIR / "schema.graphql").read_text())
DEPTH = 5
# The arguments each root field needs on the demos; fields not named here take none.
ROOT_ARGUMENTS = {
    "firm": '(id: "huawei")',
    "unit": '(id: "huawei-uk")',
    "node": '(id: "huawei-rhq")',
    "nodes": '(ids: ["huawei-rhq", "huawei-uk", "huawei"])',
    "firmNetwork": '(firm: "huawei")',
    "reverseTransferPaths": '(from: "huawei-uk")',
    "circulation": '(knowledge: "huawei-uk-customer-feedback")',
    "dissemination": '(from: "huawei-ccd")',
    "integrationMatrix": '(firm: "zte")',
    "hubMetrics": '(firm: "huawei")',
    "supportBalance": '(firm: "beta")',
    "projectInterdependence": '(project: "gamma-nissan-mexico-deal")',
    "capabilityProvenance": '(capability: "huawei-cap-customer-value")',
    "criticalUnits": '(firm: "huawei")',
    "customerManagement": '(firm: "senn-logistics")',
    "firmOverview": '(firm: "huawei")',
    "firmScorecard": '(firm: "huawei")',
    "flows": '(firm: "huawei")',
    "releaseImpact": '(unit: "huawei-rhq")',
    "transferLag": '(firm: "zte")',
}
# The walk asks for every field five levels deep, far over a client's cost budget.
WALK_COST_BUDGET = "10000000"
# Differs by design: which engine answered.
BACKEND_FIELDS = {"storeStatus"}


def named(kind: GraphQLOutputType) -> Any:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def selection(field: GraphQLField, depth: int) -> str:
    """Every field of the type the field returns that needs no argument, `depth` levels down;
    an object field at the bottom is left out."""
    kind = named(field.type)
    if not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
        return ""
    parts = []
    for name, sub in sorted(kind.fields.items()):
        if any(
            isinstance(a.type, GraphQLNonNull)
            and a.default_value is Undefined
            and not (a.ast_node and a.ast_node.default_value)
            for a in sub.args.values()
        ):
            continue
        if isinstance(named(sub.type), GraphQLObjectType | GraphQLInterfaceType):
            if depth > 1:
                parts.append(f"{name} {selection(sub, depth - 1)}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts) + " }"


def root_queries() -> dict[str, str]:
    query_type = SCHEMA.query_type
    assert query_type is not None
    return {
        name: f"{{ {name}{ROOT_ARGUMENTS.get(name, '')} {selection(field, DEPTH)} }}"
        for name, field in sorted(query_type.fields.items())
        if name not in BACKEND_FIELDS
    }


def canonical(value: Any) -> Any:
    """Lists sorted by their items' JSON, recursively: the same answer in any order."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return sorted((canonical(item) for item in value), key=json.dumps)
    return value


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Served]]:
    """`kflow serve` on each backend, both seeded with the demos."""
    with contextlib.ExitStack() as stack:
        served = {}
        for name in ("embedded", "neo4j"):
            backend = stack.enter_context(backend_named(name))
            data = tmp_path_factory.mktemp(f"twin-{name}")
            seeded = kflow("seed", data=data, backend=backend)
            assert seeded.returncode == 0, seeded.stderr
            served[name] = stack.enter_context(
                serve(data, backend=backend, KFLOW_GRAPHQL_MAX_COST=WALK_COST_BUDGET)
            )
        yield served


def both(twins: dict[str, Served], ask: Any) -> tuple[Any, Any]:
    return ask(twins["embedded"]), ask(twins["neo4j"])


def test_each_says_which_backend_and_version_answered(twins: dict[str, Served]) -> None:
    query = "{ storeStatus { backend engineVersion nodes relationships } }"
    embedded, neo4j = both(twins, lambda s: s.graphql(query)["data"]["storeStatus"])
    assert (embedded["backend"], neo4j["backend"]) == ("embedded", "neo4j")
    assert embedded["engineVersion"].startswith("FalkorDB ")
    assert neo4j["engineVersion"] == f"Neo4j/{NEO4J_VERSION}"
    assert (embedded["nodes"], embedded["relationships"]) == (
        neo4j["nodes"],
        neo4j["relationships"],
    )


@pytest.mark.parametrize("name", sorted(q.name for q in list_named_queries()))
def test_every_named_query_answers_alike(twins: dict[str, Served], name: str) -> None:
    params, expected = NAMED_ANSWERS[name]

    def ask(served: Served) -> Any:
        answer = served.post_named_query(name, params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    embedded, neo4j = both(twins, ask)
    assert bool(embedded["rows"]) == (expected is not None), name
    assert canonical(embedded) == canonical(neo4j)


@pytest.mark.parametrize("field", sorted(root_queries()))
def test_every_graphql_root_field_answers_alike(twins: dict[str, Served], field: str) -> None:
    query = root_queries()[field]
    embedded, neo4j = both(twins, lambda s: s.graphql(query))
    assert "errors" not in embedded, (query, embedded)
    assert embedded["data"][field], field
    # The answers, not the extensions: how many round trips a DataLoader batch took may differ.
    assert canonical(embedded["data"]) == canonical(neo4j["data"])
    assert "errors" not in neo4j, (query, neo4j)
