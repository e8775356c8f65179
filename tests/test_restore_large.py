"""The large synthetic firm (10,022 units, a million flows) restored from a backup by a real
`kflow restore` process with the default limits: the graph holds what the document holds, and
named questions answer what the document says (computed here, independently of kflow)."""

import gc
import json
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from service.model.case import count_records
from service.model.files import validate_case_document
from service.services.backup import BACKUP_FORMAT
from service.services.synthetic import SIZES, generate_case_document
from tests.helpers import kflow

pytestmark = pytest.mark.e2e

HUB_ROLES = ("regional_hq", "capability_centre", "hq")
LARGE = SIZES["large"]  # as `kflow generate --size large`: 10,022 units, 1,000,000 flows
SENDS_BY_DIRECTION = {"upward": "flows_up", "downward": "flows_down", "horizontal": "flows_across"}


def expected_answers(case: dict[str, Any]) -> dict[str, Any]:
    """Counts and answers of the named questions, read from a case document alone."""
    records = count_records(validate_case_document(case, name="large"))
    firm = case["firm"]["id"]
    # Nodes: one per record of the node sections, and one integration cell per tier and step
    # the firm's integration events use.
    sections = ("firm", "units", "actors", "capabilities", "knowledge", "learning")
    nodes = sum(records[s] for s in (*sections, "resources", "integrations"))
    nodes += len({(event["tier"], event["step"]) for event in case.get("integrations", [])})

    roles = Counter(unit["role"] for unit in case["units"])
    directions = Counter(flow["direction"] for flow in case["flows"])
    steps = Counter(event["step"] for event in case.get("integrations", []))
    comparison = {
        "firm": firm,
        "units": records["units"],
        "subsidiaries": roles["subsidiary"] + roles["core_subsidiary"],
        "learning_events": records["learning"],
        **{column: directions[d] for d, column in SENDS_BY_DIRECTION.items()},
        **{step: steps[step] for step in ("leverage", "renew", "release")},
    }

    flows = nx.MultiDiGraph()
    flows.add_edges_from((flow["from"], flow["to"]) for flow in case["flows"])
    hubs = [
        {
            "firm": firm,
            "unit": unit["id"],
            "role": unit["role"],
            "outflow": flows.out_degree(unit["id"]),
            "receivers": len(set(flows.successors(unit["id"]))),
        }
        for unit in case["units"]
        if unit["role"] in HUB_ROLES and unit["id"] in flows and flows.out_degree(unit["id"])
    ]
    hubs.sort(key=lambda hub: (-hub["outflow"], -hub["receivers"], hub["unit"]))
    return {
        "nodes": nodes,
        "flows": records["flows"],
        "roles": roles,
        "comparison": comparison,
        "hubs": hubs,
    }


def ask(question: str, *params: str, data: Path) -> list[dict[str, Any]]:
    """The rows `kflow query` answers to a named question."""
    answered = kflow("query", question, *params, "--format", "json", data=data, timeout=600)
    assert answered.returncode == 0, answered.stderr
    rows: list[dict[str, Any]] = json.loads(answered.stdout)["rows"]
    return rows


def test_the_large_firm_restored_from_a_backup_holds_and_answers_what_the_document_says(
    tmp_path: Path,
) -> None:
    backup, data = tmp_path / "large.json", tmp_path / "restored"
    case = generate_case_document(firm_id="large", size=LARGE)
    expected = expected_answers(case)
    with backup.open("w") as out:
        document = {"format": BACKUP_FORMAT, "created_at": "2026-01-01T00:00:00+00:00"}
        json.dump({**document, "cases": [case], "api_keys": []}, out)
    del case  # the restore below is the memory-hungry process, not this one
    gc.collect()

    # Minutes on a busy machine: more than kflow()'s default limit.
    restored = kflow("restore", str(backup), data=data, timeout=3600)
    assert restored.returncode == 0, restored.stderr
    assert "restored 1 case(s) and 0 API key(s)" in restored.stderr

    status = json.loads(kflow("status", data=data, timeout=600).stdout)
    assert status["nodes"] == expected["nodes"]
    assert sum(expected["roles"].values()) == LARGE.hubs + LARGE.subsidiaries + 2
    assert f"{status['nodes']} nodes, {status['relationships']} relationships" in restored.stderr

    [comparison] = ask("count_firm_comparison", "-p", "firms=large", data=data)
    assert {column: comparison[column] for column in expected["comparison"]} == (
        expected["comparison"]
    )
    directions = sum(comparison[column] for column in SENDS_BY_DIRECTION.values())
    assert directions == expected["flows"] == LARGE.flows

    hubs = ask("list_hubs_by_outflow", "-p", "firm=large", data=data)
    assert hubs and hubs == expected["hubs"][: len(hubs)]
    assert len(hubs) >= min(len(expected["hubs"]), 10)
