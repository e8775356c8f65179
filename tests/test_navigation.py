"""Walking the graph over real HTTP on the seeded demos: every relationship a field, both
ways, paged by keyset, batched per level, and every field reachable without a null where
the schema promises a value."""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from graphql import build_client_schema, get_introspection_query
from graphql.language import Lexer, Source, TokenKind
from graphql.type import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from tests.helpers import EMBEDDED, REPO, Served, create_key, kflow, serve, tiny_firm

pytestmark = pytest.mark.e2e

# Ids from the seeded demos for the root fields' required arguments, by argument name.
SAMPLE_IDS = {
    "firm": "huawei",
    "from": "huawei-uk",
    "unit": "huawei-uk",
    "knowledge": "huawei-uk-customer-feedback",
    "project": "beta-qatar-stadium",
    "capability": "huawei-cap-customer-value",
}
ID_OF_ROOT = {"firm": "huawei", "unit": "huawei-uk", "node": "huawei-uk"}
WALK_DEPTH = 4
MAX_TOKENS = 1800  # under the server's KFLOW_GRAPHQL_MAX_TOKENS


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


def _unwrap(kind: Any) -> Any:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def _arguments(root: str | None, name: str, field: GraphQLField) -> str:
    given = []
    for arg_name, arg in field.args.items():
        if arg_name == "first":
            given.append("first: 2")
        elif root is None and name == "nodes" and arg_name == "ids":
            given.append('ids: ["huawei", "huawei-uk"]')
        elif isinstance(arg.type, GraphQLNonNull) and _unwrap(arg.type).name == "ID":
            value = ID_OF_ROOT[name] if root is None and arg_name == "id" else SAMPLE_IDS[arg_name]
            given.append(f'{arg_name}: "{value}"')
        elif root is None and name == "flows" and arg_name == "firm":
            given.append('firm: "huawei"')
    return f"({', '.join(given)})" if given else ""


def _selection(kind: GraphQLNamedType, depth: int, seen: frozenset[str]) -> str:
    """Every field of a type, expanding object fields until the depth, a type once a path."""
    if isinstance(kind, GraphQLUnionType | GraphQLInterfaceType):
        # An interface is selected through its own fields, a union through its members.
        members = kind.types if isinstance(kind, GraphQLUnionType) else ()
        parts = ["__typename"]
        if isinstance(kind, GraphQLInterfaceType):
            parts += [n for n, f in kind.fields.items() if not _is_composite(f)]
        for member in members:
            parts.append(f"... on {member.name} {{ {_selection(member, depth, seen)} }}")
        return " ".join(parts)
    assert isinstance(kind, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in kind.fields.items():
        target = get_named_type(field.type)
        if not _is_composite(field):
            parts.append(name)
        elif depth > 0 and target.name not in seen:
            inner = _selection(target, depth - 1, seen | {target.name})
            parts.append(f"{name}{_arguments(kind.name, name, field)} {{ {inner} }}")
        elif "id" in getattr(target, "fields", {}):
            parts.append(f"{name}{_arguments(kind.name, name, field)} {{ __typename id }}")
    return " ".join(parts)


def _is_composite(field: GraphQLField) -> bool:
    return isinstance(
        _unwrap(field.type), GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
    )


def _tokens(document: str) -> int:
    lexer, count = Lexer(Source(document)), 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


def walk_queries(schema: GraphQLSchema) -> list[str]:
    """One document per root field, as deep as the token limit allows."""
    assert schema.query_type is not None
    documents = []
    for name, field in schema.query_type.fields.items():
        target = get_named_type(field.type)
        for depth in range(WALK_DEPTH, -1, -1):
            if isinstance(target, GraphQLObjectType | GraphQLUnionType | GraphQLInterfaceType):
                inner = _selection(target, depth, frozenset({target.name}))
                document = f"{{ {name}{_arguments(None, name, field)} {{ {inner} }} }}"
            else:
                document = f"{{ {name}{_arguments(None, name, field)} }}"
            if _tokens(document) <= MAX_TOKENS:
                documents.append(document)
                break
        else:
            raise AssertionError(f"{name}: no walk fits in {MAX_TOKENS} tokens")
    return documents


def test_every_field_reachable_from_the_root_is_answered_without_a_broken_promise(
    server: Served,
) -> None:
    schema = build_client_schema(data(server.graphql(get_introspection_query())))
    documents = walk_queries(schema)
    problems = []
    flows_seen = 0
    for document in documents:
        answer = server.graphql(document)
        problems += [f"{e.get('path')}: {e['message']}" for e in answer.get("errors", [])]
        flows_seen += str(answer.get("data")).count("'__typename': 'Flow'")
    assert problems == []
    assert flows_seen > 50  # the walk reached flows through many fields


def test_flows_reached_through_paths_networks_and_circulation_have_both_ends(
    server: Served,
) -> None:
    ends = "from { id } to { id }"
    answer = data(
        server.graphql(
            f"""{{
          reverseTransferPaths(from: "huawei-uk", first: 10) {{
            edges {{ node {{ hops {{ flow {{ {ends} knowledge {{ id }} }} }} }} }} }}
          firmNetwork(firm: "huawei") {{ links {{ flows {{ {ends} }} }} }}
          dissemination(from: "huawei-ccd") {{ route {{ flow {{ {ends} }} }} }}
          circulation(knowledge: "huawei-uk-customer-feedback") {{
            disseminations {{ {ends} }} timeline {{ flow {{ {ends} }} }} }}
        }}"""
        )
    )
    hop_flows = [
        hop["flow"]
        for edge in answer["reverseTransferPaths"]["edges"]
        for hop in edge["node"]["hops"]
        if hop["flow"]
    ]
    link_flows = [f for link in answer["firmNetwork"]["links"] for f in link["flows"]]
    reach_flows = [h["flow"] for r in answer["dissemination"] for h in r["route"] if h["flow"]]
    assert len(hop_flows) >= 8 and len(link_flows) == 15 and len(reach_flows) >= 7
    for flow in hop_flows + link_flows + reach_flows:
        assert flow["from"]["id"] and flow["to"]["id"]


FIRM_UNITS = """
query FirmUnits($firm: ID!, $after: String) {
  firm(id: $firm) {
    units(first: 100, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id flowsOut { totalCount } flowsIn { totalCount } } }
    }
  }
}"""


def test_flows_out_and_in_of_a_firms_units_add_up_to_the_firms_flows(server: Served) -> None:
    for firm in ("huawei", "zte", "haier"):
        units = data(server.graphql(FIRM_UNITS, firm=firm))["firm"]["units"]
        assert not units["pageInfo"]["hasNextPage"]
        assert len(units["edges"]) == units["totalCount"] > 0
        total = data(server.graphql(f'{{ flows(firm: "{firm}") {{ totalCount }} }}'))["flows"]
        outgoing = sum(e["node"]["flowsOut"]["totalCount"] for e in units["edges"])
        incoming = sum(e["node"]["flowsIn"]["totalCount"] for e in units["edges"])
        assert outgoing == total["totalCount"] == incoming > 0


FLOW_PAGE = """
query FlowPage($firm: ID!, $after: String, $orderBy: FlowOrder!) {
  flows(firm: $firm, first: 5, after: $after, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id date } }
  }
}"""


def test_paging_a_firms_flows_five_at_a_time_returns_each_flow_once(server: Served) -> None:
    for order in ("DATE_ASC", "DATE_DESC"):
        seen: list[str] = []
        after = None
        while True:
            page = data(server.graphql(FLOW_PAGE, firm="huawei", after=after, orderBy=order))
            flows = page["flows"]
            assert len(flows["edges"]) <= 5
            assert flows["pageInfo"]["hasPreviousPage"] is (after is not None)
            seen += [edge["node"]["id"] for edge in flows["edges"]]
            if not flows["pageInfo"]["hasNextPage"]:
                break
            after = flows["pageInfo"]["endCursor"]
            assert after == flows["edges"][-1]["cursor"]
        assert len(seen) == len(set(seen)) == flows["totalCount"] == 15


def test_every_subordinate_of_the_hq_reports_to_it(server: Served) -> None:
    for firm in ("huawei", "zte", "acme"):
        hq = data(
            server.graphql(
                """query($firm: ID!) { firm(id: $firm) { units(role: HQ) { edges { node { id
                  subordinates { totalCount edges { node { id reportsTo { id } } } } } } } } }""",
                firm=firm,
            )
        )["firm"]["units"]["edges"]
        assert len(hq) == 1
        subordinates = hq[0]["node"]["subordinates"]
        assert subordinates["totalCount"] == len(subordinates["edges"]) > 0
        for edge in subordinates["edges"]:
            assert edge["node"]["reportsTo"]["id"] == hq[0]["node"]["id"]


def test_units_order_by_flow_volume_most_first(server: Served) -> None:
    units = data(
        server.graphql(
            """{ firm(id: "huawei") { units(orderBy: FLOW_VOLUME) { edges { node {
                 id flowsOut { totalCount } flowsIn { totalCount } } } } } }"""
        )
    )["firm"]["units"]["edges"]
    volumes = [
        e["node"]["flowsOut"]["totalCount"] + e["node"]["flowsIn"]["totalCount"] for e in units
    ]
    assert volumes == sorted(volumes, reverse=True) and volumes[0] > volumes[-1]


def test_learning_events_name_the_knowledge_they_yielded(server: Served) -> None:
    events = data(
        server.graphql(
            """{ learningEvents(firm: "huawei", first: 50) { totalCount edges { node {
                 id unit { id } knowledge { id } } } } }"""
        )
    )["learningEvents"]
    assert events["totalCount"] == len(events["edges"]) > 0
    for edge in events["edges"]:
        assert edge["node"]["knowledge"], edge
        assert edge["node"]["unit"]["id"].startswith("huawei-")


NESTED = """
query Nested($firm: ID!) {
  firm(id: $firm) {
    units(first: 20) { edges { node { id
      flowsOut(first: 5) { edges { node { id
        to { id flowsOut(first: 5) { totalCount edges { node { id from { id } } } } }
      } } }
    } } }
  }
}"""


def test_a_nested_walk_takes_a_constant_number_of_round_trips(server: Served) -> None:
    small = server.graphql(NESTED, firm="zte")
    large = server.graphql(NESTED, firm="huawei")
    assert "errors" not in small and "errors" not in large
    units = large["data"]["firm"]["units"]["edges"]
    assert sum(len(u["node"]["flowsOut"]["edges"]) for u in units) >= 10
    # firm, units, flowsOut (their `to` units read along), their flowsOut (their `from`
    # units read along): one statement per level.
    assert large["extensions"]["storeRoundTrips"] == small["extensions"]["storeRoundTrips"] == 4


def test_a_query_over_the_cost_budget_is_refused_before_it_runs(server: Served) -> None:
    answer = server.graphql(
        NESTED.replace("units(first: 20)", "units(first: 100)")
        .replace("flowsOut(first: 5)", "flowsOut(first: $size)")
        .replace("query Nested($firm: ID!)", "query Nested($firm: ID!, $size: Int)"),
        firm="huawei",
        size=50,
    )
    assert answer["data"] is None
    (refusal,) = answer["errors"]
    assert refusal["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    # 1 firm + 1 units + 100 flowsOut + 5,000 `to` + 5,000 flowsOut + 250,000 `from`
    assert refusal["extensions"]["cost"] == 260_102 > refusal["extensions"]["budget"]
    assert "260,102" in refusal["message"]
    assert answer["extensions"]["storeRoundTrips"] == 0


def test_the_cost_of_a_query_is_reported_and_within_budget_it_runs(server: Served) -> None:
    answer = server.graphql(NESTED, firm="huawei")
    assert "errors" not in answer
    # 1 firm + 1 units + 20 flowsOut + 100 `to` + 100 flowsOut + 500 `from`
    assert answer["extensions"]["cost"] == 722


def test_a_missing_firm_or_unit_nulls_only_its_own_field(server: Served) -> None:
    answer = server.graphql(
        """{ firm(id: "nokia") { id } unit(id: "nowhere") { id }
             found: firm(id: "huawei") { id units(first: 1) { totalCount } }
             firmNetwork(firm: "nokia") { units { id } }
             hubMetrics(firm: "nokia") { outflowThreshold } }"""
    )
    assert answer["data"]["found"]["units"]["totalCount"] > 0
    assert answer["data"]["firm"] is None and answer["data"]["unit"] is None
    assert answer["data"]["firmNetwork"] is None and answer["data"]["hubMetrics"] is None
    errors = {tuple(e["path"]): e for e in answer["errors"]}
    assert set(errors) == {("firm",), ("unit",), ("firmNetwork",), ("hubMetrics",)}
    assert all(e["extensions"]["code"] == "NOT_FOUND" for e in errors.values())
    assert "no firm with id 'nokia'" in errors[("firm",)]["message"]


def test_flows_need_a_firm_a_knowledge_item_or_a_unit(server: Served) -> None:
    answer = server.graphql("{ flows { totalCount } }")
    assert answer["errors"][0]["extensions"] == {"code": "INVALID_ARGUMENT", "argument": "firm"}


NETWORK_PAGE = """
query Network($firm: ID!, $after: String) {
  firmNetwork(firm: $firm, first: 2, after: $after) {
    totalUnits pageInfo { hasNextPage endCursor }
    units { id } links { volume from { id } to { id } }
  }
}"""


def test_a_firm_network_pages_through_its_units_and_holds_each_link_once(
    server: Served,
) -> None:
    whole = data(server.graphql(NETWORK_PAGE.replace("first: 2, ", ""), firm="huawei"))
    units: list[str] = []
    links: list[tuple[str, str, int]] = []
    after = None
    while True:
        network = data(server.graphql(NETWORK_PAGE, firm="huawei", after=after))["firmNetwork"]
        assert len(network["units"]) <= 2
        units += [u["id"] for u in network["units"]]
        links += [(k["from"]["id"], k["to"]["id"], k["volume"]) for k in network["links"]]
        if not network["pageInfo"]["hasNextPage"]:
            break
        after = network["pageInfo"]["endCursor"]
    everything = whole["firmNetwork"]
    assert not everything["pageInfo"]["hasNextPage"]
    assert sorted(units) == sorted(u["id"] for u in everything["units"])
    assert len(units) == everything["totalUnits"] == 6
    assert sorted(links) == sorted(
        (k["from"]["id"], k["to"]["id"], k["volume"]) for k in everything["links"]
    )
    assert sum(volume for _, _, volume in links) == 15


README_EXAMPLES = re.findall(r"```graphql\n(.*?)```", (REPO / "README.md").read_text(), re.S)


@pytest.mark.parametrize("example", README_EXAMPLES, ids=lambda q: q.splitlines()[0][2:50])
def test_the_readmes_examples_run_on_the_demos(server: Served, example: str) -> None:
    answer = server.graphql(example)
    assert "errors" not in answer, answer["errors"]
    # One statement per field per level: never more than the deepest example has levels.
    assert answer["extensions"]["cost"] <= 5_000 and answer["extensions"]["storeRoundTrips"] <= 6


SAME_ITEM = """query($from: ID!, $same: Boolean!) {
  reverseTransferPaths(from: $from, sameKnowledge: $same, first: 50) {
    totalCount edges { node { hops { unit { id } flow { knowledge { id } } } } } } }"""


def test_reverse_paths_of_one_item_each_carry_it_on_every_hop(server: Served) -> None:
    trails = data(server.graphql(SAME_ITEM, **{"from": "huawei-uk", "same": True}))
    routes = data(server.graphql(SAME_ITEM, **{"from": "huawei-uk", "same": False}))
    edges = trails["reverseTransferPaths"]["edges"]
    assert trails["reverseTransferPaths"]["totalCount"] == len(edges) > 0
    carried = []
    for edge in edges:
        items = {hop["flow"]["knowledge"]["id"] for hop in edge["node"]["hops"][1:]}
        assert len(items) == 1, edge
        carried.append(([h["unit"]["id"] for h in edge["node"]["hops"]], items.pop()))
    assert (
        ["huawei-uk", "huawei-rhq", "huawei-ccd"],
        "huawei-uk-customer-feedback",
    ) in carried
    # Routes show the earliest flow of each hop, whatever it carries: some change item.
    assert any(
        len(
            {
                hop["flow"]["knowledge"]["id"] if hop["flow"]["knowledge"] else None
                for hop in edge["node"]["hops"][1:]
            }
        )
        > 1
        for edge in routes["reverseTransferPaths"]["edges"]
    )


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, dict[str, str]]]:
    """A server with keys, a small default budget, and a larger one for admins."""
    data = tmp_path_factory.mktemp("budgeted")
    seeds = tmp_path_factory.mktemp("budgeted-seed")
    (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme")))
    assert kflow("seed", "--seed-dir", str(seeds), data=data).returncode == 0
    tokens = {role: create_key(data, role) for role in ("reader", "admin")}
    with serve(
        data,
        backend=EMBEDDED,
        KFLOW_ENV="test",
        KFLOW_GRAPHQL_MAX_COST="100",
        KFLOW_GRAPHQL_MAX_COST_BY_ROLE='{"admin": 1000}',
    ) as served:
        yield served, tokens


def test_each_role_gets_its_own_cost_budget(budgeted: tuple[Served, dict[str, str]]) -> None:
    served, tokens = budgeted

    def ask(role: str) -> dict[str, Any]:
        response = httpx.post(
            f"{served.base}/graphql",
            json={"query": NESTED, "variables": {"firm": "acme"}},
            headers={"Authorization": f"Bearer {tokens[role]}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    refused = ask("reader")
    assert refused["errors"][0]["extensions"] == {
        "code": "COST_LIMIT_EXCEEDED",
        "cost": 722,
        "budget": 100,
    }
    assert refused["data"] is None and refused["extensions"]["storeRoundTrips"] == 0
    allowed = ask("admin")
    assert "errors" not in allowed and allowed["extensions"]["cost"] == 722
    assert allowed["data"]["firm"]["units"]["edges"]
