"""The analyst workbench: read-only Cypher that cannot damage the graph, the named query
library on the seeded demos, and exports that desktop tools (networkx) can read."""

import csv
import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import termios
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import pytest
from rich.cells import cell_len

from service.cypher import Query
from service.model.files import validate_case_document
from service.services.analyst import (
    COMPUTED,
    LIBRARY,
    run_named_query,
)
from service.services.bulk import load_case_in_batches
from service.services.health import get_readiness
from service.services.seeding import seed_cases
from service.services.synthetic import SIZES, generate_case_document, generate_firm
from service.store.embedded import EmbeddedStore
from service.store.port import (
    AdhocLimits,
    GraphStore,
    QueryTimedOut,
    Row,
    StatementPlan,
    WriteRefused,
)
from tests.helpers import KFLOW, REPO, SEED_DIR, Backend, Served, kflow, kflow_rows
from tests.test_synthetic import upstream_routes

pytestmark = pytest.mark.e2e

WRITES = [
    "CREATE (n:Unit {id: 'intruder'}) RETURN n",
    "create (n:Unit {id: 'intruder'})",
    "MERGE (n:Unit {id: 'intruder'}) RETURN n",
    "MATCH (u:Unit {id: 'huawei-uk'}) SET u.name = 'Hacked' RETURN u",
    "MATCH (u:Unit {id: 'huawei-uk'}) REMOVE u.name RETURN u",
    "MATCH (u:Unit {id: 'huawei-uk'}) DELETE u",
    "MATCH (u:Unit {id: 'huawei-uk'}) DETACH DELETE u",
    "MATCH (u:Unit) FOREACH (x IN [1] | SET u.flag = x)",
    "CREATE INDEX FOR (n:Unit) ON (n.name)",
    "DROP INDEX FOR (n:Unit) ON (n.id)",
    "CALL db.idx.fulltext.createNodeIndex('Unit', 'name')",
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "MATCH (u:Unit) WITH u CALL { WITH u SET u.touched = true } RETURN count(*)",
    "/* harmless */ MATCH (u:Unit) // note\nSET u.x = 1",
]


def size(server: Served) -> tuple[int, int]:
    ready = httpx.get(f"{server.base}/readyz").json()
    return ready["nodes"], ready["relationships"]


def post_cypher(server: Served, query: str, **extra: Any) -> httpx.Response:
    return httpx.post(f"{server.base}/cypher", json={"query": query, **extra}, timeout=30)


@pytest.mark.parametrize("query", WRITES)
def test_every_kind_of_write_is_refused_and_the_graph_is_untouched(
    server: Served, query: str
) -> None:
    before = size(server)
    response = post_cypher(server, query)
    assert response.status_code == 403, response.text
    assert response.json()["error"] == "write_refused"
    assert "read-only" in response.json()["detail"]
    assert size(server) == before
    name = server.graphql('{ unit(id: "huawei-uk") { name } }')["data"]["unit"]["name"]
    assert name == "Huawei UK"


def allow_any_plan(plan: StatementPlan) -> None:
    """No sandbox: what the engine's own read-only mode does on its own."""


LIMITS = AdhocLimits(timeout_ms=1000, row_cap=10, max_bytes=1_000_000)


async def test_the_engine_refuses_writes_even_past_the_sandbox(store: GraphStore) -> None:
    with pytest.raises(WriteRefused):
        await store.run_readonly(
            "CREATE (:Unit {id: 'x'})", {}, limits=LIMITS, check=allow_any_plan
        )
    result = await store.run_readonly(
        "MATCH (n) RETURN count(n) AS nodes", {}, limits=LIMITS, check=allow_any_plan
    )
    assert result.rows == [[0]]


def test_words_that_only_look_like_writes_are_read(server: Served) -> None:
    response = post_cypher(
        server,
        "MATCH (u:Unit {id: $id}) RETURN u.set AS set, "
        "{create: 1, delete: 'x'} AS words, 'SET n.x = 1' AS text",
        parameters={"id": "huawei-uk"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == [
        {"set": None, "words": {"create": 1, "delete": "x"}, "text": "SET n.x = 1"}
    ]


def test_the_row_cap_cuts_and_says_so(server: Served) -> None:
    answer = post_cypher(server, "UNWIND range(1, 1500) AS n RETURN n").json()
    assert (len(answer["rows"]), answer["truncated"], answer["rowCap"]) == (1000, True, 1000)
    small = post_cypher(server, "UNWIND range(1, 5) AS n RETURN n").json()
    assert (len(small["rows"]), small["truncated"]) == (5, False)
    as_csv = httpx.post(
        f"{server.base}/cypher?format=csv", json={"query": "UNWIND range(1, 1500) AS n RETURN n"}
    )
    assert as_csv.headers["x-kflow-truncated"] == "true"
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == 1001


async def test_a_query_past_its_time_limit_is_stopped(store: GraphStore) -> None:
    with pytest.raises(QueryTimedOut, match="ms limit"):
        await store.run_readonly(
            "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*)",
            {},
            limits=AdhocLimits(timeout_ms=100, row_cap=10, max_bytes=1_000_000),
            check=allow_any_plan,
        )


def test_a_timeout_on_the_command_line_names_the_limit(tmp_path: Path, backend: Backend) -> None:
    result = kflow(
        "cypher",
        "UNWIND range(1, 20000) AS a UNWIND range(1, 20000) AS b RETURN count(*)",
        data=tmp_path,
        backend=backend,
        KFLOW_ANALYST_TIMEOUT_MS="200",
    )
    assert result.returncode == 1
    assert "the query ran past the 200 ms limit (KFLOW_ANALYST_TIMEOUT_MS)" in result.stderr


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("MATCH (n RETURN n", "line: 1, column: 10"),
        ("RETURN $missing", "Missing parameters"),
    ],
)
def test_cypher_the_engine_refuses_gets_a_400_naming_the_problem(
    server: Served, query: str, detail: str
) -> None:
    response = post_cypher(server, query)
    assert response.status_code == 400, response.text
    assert detail in response.json()["detail"]


NAMED_ANSWERS: dict[str, tuple[dict[str, Any], Any]] = {
    # name: (parameters, a row (as a dict subset) the answer must hold, or None: no row)
    "list_reverse_transfer_paths": (
        {"unit": "huawei-uk", "knowledge": "huawei-uk-customer-feedback"},
        {"route": ["huawei-uk", "huawei-rhq", "huawei-ccd"]},
    ),
    "find_knowledge_sources": (
        {"firm": "huawei"},
        {"unit": "huawei-uk", "source_kind": "customer", "channel": "customers"},
    ),
    "list_disseminations": (
        {"firm": "huawei"},
        {"from_unit": "huawei-rhq", "to_unit": "huawei-uk", "direction": "downward"},
    ),
    "list_integration_events": (
        {"firm": "huawei", "step": "release"},
        {"step": "release", "date": "2001"},
    ),
    "list_unit_roles": ({"firm": "huawei"}, {"unit": "huawei-rhq", "role": "regional_hq"}),
    "list_one_way_support": ({"firm": "beta"}, {"from_unit": "beta-usa", "to_unit": "beta-china"}),
    "list_project_dependencies": (
        {"project": "gamma-nissan-mexico-deal"},
        {"from_unit": "gamma-mexico", "to_unit": "gamma-japan", "kind": "sequential"},
    ),
    "count_firm_comparison": (
        {"firms": ["lenovo", "tcl"]},
        {"firm": "tcl", "outcome": "failed", "learning_events": 0},
    ),
    # Every learning subsidiary of the demos reaches its HQ: ZTE Africa's solar battery
    # storage went on to be leveraged worldwide (Fu et al., Table 3).
    "list_learners_not_feeding_hq": ({}, None),
    "list_hubs_by_outflow": ({"firm": "huawei"}, {"unit": "huawei-rhq"}),
    "list_learned_knowledge_integrated": ({}, {"firm": "zte", "channel": "host_country"}),
    "list_customer_asset_cases": (
        {"depth": "high"},
        {"case_no": 80, "firm": "senn-firm-5", "knowledge_advantage": "high"},
    ),
    # Computed by the service; test_analytics checks them against their GraphQL fields.
    "list_release_impact": ({"unit": "huawei-rhq"}, {"kind": "unit", "id": "huawei-uk"}),
    "list_critical_units": ({"firm": "huawei"}, {"unit": "huawei-rhq", "cut_off": 3}),
    "list_transfer_lag": ({"firm": "zte"}, {"level": "firm", "id": "zte", "step": "to_hq"}),
    "list_firm_scorecard": ({"firm": "tcl"}, {"measure": "route_share", "value": 0}),
}


@pytest.mark.parametrize("name", sorted(NAMED_ANSWERS))
def test_every_named_query_answers_on_the_seeded_demos(server: Served, name: str) -> None:
    params, expected = NAMED_ANSWERS[name]
    rows = server.named_rows(name, **params)
    if expected is None:
        assert rows == []
        return
    assert rows, f"{name} gave no rows"
    assert any(all(row.get(k) == v for k, v in expected.items()) for row in rows), rows[:5]


async def test_routes_past_the_row_cap_are_cut_at_the_cap_and_say_so(store: GraphStore) -> None:
    # On the small synthetic firm a subsidiary has 73 routes of up to 4 hops to the centre and
    # over 1,000 of up to 6: every one of them counts towards the cap.
    await generate_firm(store, size=SIZES["small"])
    document = generate_case_document(size=SIZES["small"])
    unit = "synth-sub-00007"
    for hops, cap in [(4, 1000), (6, 10), (6, 250), (6, 1000)]:
        routes = upstream_routes(document, unit, "synth-ccd", hops)
        answer = await run_named_query(
            store,
            name="list_reverse_transfer_paths",
            params={"unit": unit, "maxHops": hops},
            row_cap=cap,
        )
        got = [row[answer.columns.index("route")] for row in answer.rows]
        assert (got, answer.truncated) == (routes[:cap], len(routes) > cap), (hops, cap)
    assert len(routes) > 1000 and answer.truncated


def records_produced(store: GraphStore, query: Query, params: Mapping[str, Any]) -> list[int]:
    """How many records each operation of the statement's plan produced, run on the engine."""
    header = "CYPHER " + " ".join(f"{k}={json.dumps(v)}" for k, v in params.items()) + " "
    client = store.engine.client(decode_responses=True)
    plan = client.execute_command("GRAPH.PROFILE", store.graph_name, header + query.text)
    return [int(n) for line in plan for n in re.findall(r"Records produced: (\d+)", line)]


async def test_learners_cut_off_from_hq_are_found_walking_units_not_routes(
    embedded_store: EmbeddedStore,
) -> None:
    store = embedded_store
    # The small synthetic firm with every flow to the HQ and the centre gone but one
    # subsidiary's: most learners still reach it within 4 hops, some do not.
    document = generate_case_document(size=SIZES["small"])
    roles = {u["id"]: u["role"] for u in document["units"]}
    tops = {unit for unit, role in roles.items() if role in ("hq", "capability_centre")}
    document["flows"] = [
        f for f in document["flows"] if f["to"] not in tops or f["from"] == "synth-sub-00027"
    ]
    case = validate_case_document(document, name="cut")
    await load_case_in_batches(store, case=case, name="cut")
    links: dict[str, set[str]] = {unit: set() for unit in roles}
    for flow in document["flows"]:
        links[flow["from"]].add(flow["to"])
    events = Counter(event["unit"] for event in document["learning"])
    expected = []
    for unit in sorted(events):
        reached, ring = set(), {unit}
        for _ in range(4):
            ring = {b for a in ring for b in links[a]}
            reached |= ring
        if roles[unit] in ("subsidiary", "core_subsidiary") and not reached & tops:
            expected.append(["synth", unit, events[unit]])
    answer = await run_named_query(
        store, name="list_learners_not_feeding_hq", params={}, row_cap=1000
    )
    assert answer.rows == expected and 0 < len(expected) < len(events) - 20
    # Each subsidiary cut off has thousands of routes of up to 4 hops going nowhere near HQ;
    # no step of the search may walk more records than the firm has units and links.
    ready = await get_readiness(store)
    size = ready.nodes + ready.relationships
    records = records_produced(
        store, LIBRARY["list_learners_not_feeding_hq"], {"firm": None, "rowLimit": 1001}
    )
    assert max(records) <= size, (max(records), size)


async def test_a_capped_named_query_says_truncated_and_the_engine_stops_at_the_cap(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_cases(store, paths=sorted(SEED_DIR.glob("*.yaml")))
    returned: list[int] = []
    read = store.read

    async def counted(query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        rows = await read(query, params)
        returned.append(len(rows))
        return rows

    monkeypatch.setattr(store, "read", counted)
    cut = 0
    for name, (params, expected) in sorted(NAMED_ANSWERS.items()):
        if expected is None or name in COMPUTED:
            continue  # no row to cut, or no one statement to stop at the cap
        full = await run_named_query(store, name=name, params=params, row_cap=1000)
        assert not full.truncated and full.rows, name
        capped = await run_named_query(store, name=name, params=params, row_cap=1)
        assert returned[-1] == min(len(full.rows), 2), name
        assert (len(capped.rows), capped.truncated, capped.row_cap) == (1, len(full.rows) > 1, 1)
        assert capped.rows[0] in full.rows, name
        cut += len(full.rows) > 2
    assert cut >= 4
    # A large answer: the engine sends the cap and one row, however many rows there are.
    answer = await run_named_query(store, name="find_knowledge_sources", params={}, row_cap=3)
    assert (len(answer.rows), answer.truncated, returned[-1]) == (3, True, 4)


def test_the_row_limit_is_not_an_analyst_parameter(server: Served) -> None:
    response = httpx.post(
        f"{server.base}/queries/list_unit_roles",
        json={"parameters": {"firm": "huawei", "rowLimit": 5000}},
    )
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == (
        "rowLimit: is not a parameter of this query (it takes: firm)"
    )


def test_unit_roles_count_flows_and_brokerage_and_isolated_units_broker_nothing(
    server: Served,
) -> None:
    rows = httpx.post(
        f"{server.base}/queries/list_unit_roles", json={"parameters": {"firm": "huawei"}}
    ).json()["rows"]
    first = {k: rows[0][k] for k in ("unit", "inflow", "outflow", "brokerage", "isolated")}
    assert first == {
        "unit": "huawei-rhq",
        "inflow": 5,
        "outflow": 4,
        "brokerage": 9,
        "isolated": False,
    }
    alpha = httpx.post(
        f"{server.base}/queries/list_unit_roles", json={"parameters": {"firm": "alpha"}}
    ).json()["rows"]
    assert alpha and all(row["isolated"] and row["brokerage"] == 0 for row in alpha)


def test_the_hub_is_ranked_first_by_outflow(server: Served) -> None:
    rows = httpx.post(
        f"{server.base}/queries/list_hubs_by_outflow", json={"parameters": {"firm": "huawei"}}
    ).json()["rows"]
    assert rows[0]["unit"] == "huawei-rhq"


def test_the_catalogue_documents_parameters_and_columns(server: Served) -> None:
    catalogue = {q["name"]: q for q in httpx.get(f"{server.base}/queries").json()}
    paths = catalogue["list_reverse_transfer_paths"]
    assert paths["title"].startswith("Which path did knowledge take")
    assert {(p["name"], p["type"], p["required"], p["default"]) for p in paths["params"]} == {
        ("unit", "STRING", True, None),
        ("knowledge", "STRING", False, None),
        ("maxHops", "INTEGER", False, 4),
    }
    assert paths["columns"] == [
        "hops",
        "route",
        "flows",
        "knowledge_carried",
        "citation",
        "assumption",
    ]


def test_a_units_neighbourhood_opens_in_networkx_as_graphml_and_cytoscape(
    server: Served, tmp_path: Path
) -> None:
    graphml = httpx.get(f"{server.base}/export/units/huawei-uk?hops=1&format=graphml")
    path = tmp_path / "uk.graphml"
    path.write_text(graphml.text)
    graph = nx.read_graphml(path)
    assert "huawei-rhq" in graph and graph.has_edge("huawei-uk", "huawei-rhq")
    cyjs = httpx.get(f"{server.base}/export/units/huawei-uk?hops=1&format=cytoscape").json()
    same = nx.cytoscape_graph(cyjs)
    assert set(same.nodes) == set(graph.nodes)
    assert same.number_of_edges() == graph.number_of_edges()


def test_a_firm_exports_as_graphml(server: Served, tmp_path: Path) -> None:
    response = httpx.get(f"{server.base}/export/firms/gamma?format=graphml")
    path = tmp_path / "gamma.graphml"
    path.write_text(response.text)
    assert nx.read_graphml(path).number_of_nodes() > 10
    assert httpx.get(f"{server.base}/export/firms/nokia").status_code == 404


def test_analysts_work_from_the_command_line_too(tmp_path: Path, backend: Backend) -> None:
    data = tmp_path / "data"
    assert kflow("seed", "huawei", "zte", data=data, backend=backend).returncode == 0
    listed = kflow("query", "list", data=data, backend=backend)
    assert listed.returncode == 0 and "list_unit_roles" in listed.stdout
    rows = kflow_rows("query", "count_firm_comparison", data=data, backend=backend)
    assert {row["firm"] for row in rows} == {"huawei", "zte"}
    refused = kflow("cypher", "MATCH (u:Unit) SET u.x = 1", data=data, backend=backend)
    assert refused.returncode == 1 and "writes; analyst Cypher runs read-only" in refused.stderr
    unknown = kflow("query", "list_everything", data=data, backend=backend)
    assert unknown.returncode == 1 and "kflow query list" in unknown.stderr
    exported = tmp_path / "uk.graphml"
    assert (
        kflow(
            "export",
            "--unit",
            "huawei-uk",
            "--format",
            "graphml",
            "-o",
            str(exported),
            data=data,
            backend=backend,
        ).returncode
        == 0
    )
    assert nx.read_graphml(exported).has_node("huawei-ccd")


@pytest.mark.parametrize(
    ("method", "path", "params", "suggested"),
    [
        ("POST", "/queries/list_unit_roles", {"firm": "huawie"}, "huawei"),
        ("GET", "/queries/list_unit_roles?format=csv&firm=huawie", {}, "huawei"),
        ("POST", "/queries/list_reverse_transfer_paths", {"unit": "huawei-ku"}, "huawei-uk"),
        ("POST", "/queries/count_firm_comparison", {"firms": ["huawei", "zet"]}, "zte"),
        (
            "POST",
            "/queries/find_knowledge_sources",
            {"knowledge": "huawei-uk-customer-feedbak"},
            "huawei-uk-customer-feedback",
        ),
        ("GET", "/export/firms/huawie", {}, "huawei"),
        ("GET", "/export/units/huawei-ku?hops=1", {}, "huawei-uk"),
    ],
)
def test_a_misspelt_id_is_refused_naming_the_nearest_ids(
    server: Served, method: str, path: str, params: dict[str, Any], suggested: str
) -> None:
    if method == "POST":
        response = httpx.post(f"{server.base}{path}", json={"parameters": params})
    else:
        response = httpx.get(f"{server.base}{path}")
    assert response.status_code == 404, response.text
    body = response.json()
    assert body["error"] == "not_found"
    assert suggested == body["suggestions"][0]
    assert f"did you mean {suggested}" in body["detail"]


def test_an_id_of_another_kind_is_not_taken_for_the_one_asked(server: Served) -> None:
    # huawei-uk is a unit, not a firm: the query must not run as if it named one.
    response = httpx.post(
        f"{server.base}/queries/list_unit_roles", json={"parameters": {"firm": "huawei-uk"}}
    )
    assert response.status_code == 404
    assert response.json()["detail"].startswith("no firm with id 'huawei-uk'")


def test_named_queries_answer_get_in_the_formats_of_the_command_line(server: Served) -> None:
    posted = httpx.post(
        f"{server.base}/queries/list_unit_roles?format=csv",
        json={"parameters": {"firm": "huawei"}},
    )
    got = httpx.get(f"{server.base}/queries/list_unit_roles?format=csv&firm=huawei")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.text == posted.text and got.text.startswith("unit,role,")
    as_json = httpx.get(f"{server.base}/queries/list_unit_roles?format=json&firm=huawei").json()
    assert len(as_json["rows"]) == got.text.count("\n") - 1
    described = httpx.get(f"{server.base}/queries/list_unit_roles").json()
    assert described["name"] == "list_unit_roles" and "rows" not in described


def test_exports_over_http_hold_facts_only_and_csv_tables(server: Served) -> None:
    facts = httpx.get(f"{server.base}/export/firms/huawei?format=csv&table=relationships")
    derived = httpx.get(
        f"{server.base}/export/firms/huawei?format=csv&table=relationships&derived=true"
    )
    fact_types = {row["type"] for row in csv.DictReader(io.StringIO(facts.text))}
    all_types = {row["type"] for row in csv.DictReader(io.StringIO(derived.text))}
    assert "FLOWS" in fact_types and not any(kind.startswith("SENDS_") for kind in fact_types)
    assert {"SENDS_UP", "SENDS_DOWN"} <= all_types


def test_a_units_neighbourhood_follows_flows_and_reporting_lines_not_the_firm(
    server: Served,
) -> None:
    firm = httpx.get(f"{server.base}/export/firms/huawei?format=json").json()
    walked = nx.Graph()
    for rel in firm["relationships"]:
        if rel["type"] in ("FLOWS", "REPORTS_TO"):
            walked.add_edge(rel["source"], rel["target"])
    for hops in (1, 2):
        expected = set(nx.single_source_shortest_path_length(walked, "huawei-uk", cutoff=hops))
        export = httpx.get(f"{server.base}/export/units/huawei-uk?hops={hops}&format=json").json()
        assert {node["id"] for node in export["nodes"]} == expected
        assert all("Unit" in node["labels"] for node in export["nodes"])
    # Through the firm node, two hops reached every node of the firm (its 100-odd records).
    assert "huawei" not in expected and len(expected) < len(firm["nodes"]) / 5


def read_terminal(args: list[str], *, data: Path, columns: int) -> str:
    """Run kflow in a real pseudo-terminal `columns` wide; what the terminal shows, without
    colour codes."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    environment |= {"KFLOW_GRAPH_URL": f"embedded://{data}", "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [*KFLOW, *args],
        cwd=REPO,
        env=environment,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the command has finished
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=120) == 0, b"".join(chunks).decode()
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode()).replace("\r", "")


def test_tables_fit_the_terminal_and_wide_or_csv_show_every_cell(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kflow("seed", "huawei", data=data).returncode == 0
    question = ["query", "list_disseminations", "-p", "firm=huawei"]
    for columns in (60, 100):
        shown = read_terminal(question, data=data, columns=columns)
        lines = [line for line in shown.splitlines() if line.strip()]
        assert max(cell_len(line) for line in lines) <= columns, shown
        assert "huawei-ccd" in shown
    narrow = read_terminal(question, data=data, columns=60)
    assert "…" in narrow and "did not fit the terminal" in narrow
    wide = read_terminal([*question, "--wide"], data=data, columns=60)
    assert max(cell_len(line) for line in wide.splitlines()) > 60
    assert "…" not in wide
    # What the table cut, CSV keeps whole.
    rows = list(csv.DictReader(io.StringIO(kflow(*question, "--format", "csv", data=data).stdout)))
    longest = max((value for row in rows for value in row.values()), key=len)
    assert len(longest) > 20 and longest in wide and longest not in narrow

    misspelt = kflow("query", "list_unit_roles", "-p", "firm=huawie", data=data)
    assert misspelt.returncode == 1
    assert "no firm with id 'huawie'; did you mean huawei?" in misspelt.stderr
    exported = kflow("export", "--unit", "huawei-ku", "--format", "graphml", data=data)
    assert exported.returncode == 1 and "did you mean huawei-uk" in exported.stderr
