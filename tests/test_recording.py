"""Recording through the API: the seed rules apply, failures are typed, nothing is written on
failure, and subscribers see what was recorded."""

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.helpers import (
    RECORD_FLOW,
    Backend,
    Served,
    acme_subsidiary,
    flow_input,
    seed_tiny_firm,
    serve,
)

pytestmark = pytest.mark.e2e


def size(server: Served) -> tuple[int, int]:
    ready = httpx.get(f"{server.base}/readyz").json()
    return ready["nodes"], ready["relationships"]


def rejected(server: Served, mutation: str, **variables: Any) -> list[tuple[str, str]]:
    before = size(server)
    answer = server.graphql(mutation, **variables)
    assert "errors" not in answer, answer
    [result] = answer["data"].values()
    assert result["__typename"] == "Rejected", result
    assert size(server) == before, "a rejected record wrote something"
    return [(p["field"], p["message"]) for p in result["problems"]]


def test_a_recorded_flow_becomes_part_of_a_reverse_transfer_path(server: Served) -> None:
    answer = server.graphql(
        RECORD_FLOW,
        input=flow_input("acme-f-up-1", "acme-uk", "acme-europe", "UPWARD", date="2024-03"),
    )
    recorded = answer["data"]["recordFlow"]
    assert recorded["__typename"] == "FlowRecorded"
    assert recorded["flow"]["recordedAt"].startswith("20")
    server.graphql(
        RECORD_FLOW, input=flow_input("acme-f-up-2", "acme-europe", "acme-ccd", "UPWARD")
    )
    paths = server.graphql(
        '{ reverseTransferPaths(from: "acme-uk") { edges { node { hops { unit { id } } } } } }'
    )
    hops = [
        [h["unit"]["id"] for h in e["node"]["hops"]]
        for e in paths["data"]["reverseTransferPaths"]["edges"]
    ]
    assert ["acme-uk", "acme-europe", "acme-ccd"] in hops


@pytest.mark.parametrize(
    ("flow", "field", "reason"),
    [
        (("acme-f-x1", "acme-europe", "acme-uk", "UPWARD"), "direction", "is not upward"),
        (("acme-f-x2", "acme-uk", "acme-mars", "UPWARD"), "to", "no unit with id 'acme-mars'"),
        (("acme-f-x3", "acme-uk", "huawei-rhq", "UPWARD"), "to", "belongs to firm 'huawei'"),
        (("acme-f-x4", "acme-uk", "acme-uk", "HORIZONTAL"), "to", "from a unit to itself"),
        (("huawei-uk-feedback-to-rhq", "acme-uk", "acme-europe", "UPWARD"), "id", "already used"),
    ],
)
def test_a_flow_that_breaks_a_rule_is_rejected_by_field(
    server: Served, flow: tuple[str, str, str, str], field: str, reason: str
) -> None:
    problems = rejected(server, RECORD_FLOW, input=flow_input(*flow))
    assert any(f == field and reason in m for f, m in problems), problems


RECORD_EVENT = """mutation($input: IntegrationEventInput!) { recordIntegrationEvent(input: $input) {
  __typename
  ... on IntegrationEventRecorded { event {
    id step tier unit { id } sponsors { id } beneficiaries { id } coordinator { id }
    resources { id } } }
  ... on Rejected { problems { field message } } } }"""


def integration_event(
    event_id: str, step: str, tier: str, description: str, **fields: Any
) -> dict[str, Any]:
    """An IntegrationEventInput, cited to Fu et al.'s Table 3."""
    cited = {"cite": {"paper": "FU2018", "where": "Table 3"}}
    return {"id": event_id, "step": step, "tier": tier, "description": description} | fields | cited


def test_a_release_must_name_a_resource_of_the_firm(server: Served) -> None:
    event = integration_event(
        "acme-release-1", "RELEASE", "HIGH", "sold a plant", coordinator="acme-hq"
    )
    problems = rejected(server, RECORD_EVENT, input=event)
    assert ("input", "a release must name the resource(s) the firm lets go") in problems
    problems = rejected(server, RECORD_EVENT, input=event | {"resources": ["huawei-avansys"]})
    assert problems[0][0] == "resources[0]"


def test_a_leverage_event_is_recorded_and_listed(server: Served) -> None:
    event = integration_event(
        "acme-leverage-1",
        "LEVERAGE",
        "LOW",
        "reused the UK brand",
        activity="MARKETING_AND_SALES",
        sponsors=["acme-uk"],
        beneficiaries=["acme-de"],
        coordinator="acme-ccd",
        date="2024",
    )
    answer = server.graphql(RECORD_EVENT, input=event)
    recorded = answer["data"]["recordIntegrationEvent"]["event"]
    assert recorded["unit"] == {"id": "acme-uk"}  # the deprecated alias: the first sponsor
    assert (recorded["sponsors"], recorded["beneficiaries"], recorded["coordinator"]) == (
        [{"id": "acme-uk"}],
        [{"id": "acme-de"}],
        {"id": "acme-ccd"},
    )
    listed = server.graphql(
        '{ integrationEvents(firm: "acme", step: LEVERAGE) { edges { node { id } } } }'
    )
    assert {"node": {"id": "acme-leverage-1"}} in listed["data"]["integrationEvents"]["edges"]
    as_beneficiary = server.graphql(
        '{ integrationEvents(unit: "acme-de") { edges { node { id } } } }'
    )
    assert as_beneficiary["data"]["integrationEvents"]["edges"] == [
        {"node": {"id": "acme-leverage-1"}}
    ]


def test_an_integration_event_needs_a_unit_of_one_firm_in_a_role(server: Served) -> None:
    event = integration_event(
        "acme-renew-1", "RENEW", "HIGH", "new products from subsidiaries' skills"
    )
    problems = rejected(server, RECORD_EVENT, input=event)
    assert problems[0][0] == "sponsors" and "name at least one unit" in problems[0][1]
    problems = dict(
        rejected(server, RECORD_EVENT, input=event | {"sponsors": ["acme-uk", "huawei-uk"]})
    )
    assert "belongs to firm 'huawei'" in problems["sponsors[1]"]
    subsidiary_coordinates = event | {"sponsors": ["acme-uk"], "coordinator": "acme-de"}
    problems = dict(rejected(server, RECORD_EVENT, input=subsidiary_coordinates))
    assert "not a subsidiary" in problems["coordinator"]


RECORD_UNIT = """mutation($input: UnitInput!) { recordUnit(input: $input) {
  __typename
  ... on UnitRecorded { unit { id role reportsTo { id } firm { id } } }
  ... on Rejected { problems { field message } } } }"""


def test_a_new_subsidiary_joins_the_hierarchy_and_a_second_hq_is_refused(server: Served) -> None:
    unit = acme_subsidiary("acme-fr") | {"name": "Acme France"}
    answer = server.graphql(RECORD_UNIT, input=unit)
    assert answer["data"]["recordUnit"]["unit"] == {
        "id": "acme-fr",
        "role": "SUBSIDIARY",
        "reportsTo": {"id": "acme-europe"},
        "firm": {"id": "acme"},
    }
    problems = rejected(
        server, RECORD_UNIT, input=unit | {"id": "acme-hq2", "role": "HQ", "reportsTo": None}
    )
    assert ("role", "firm 'acme' has its HQ already; a firm has one HQ") in problems


RECORD_LEARNING = """mutation($input: LearningEventInput!) { recordLearningEvent(input: $input) {
  __typename ... on Rejected { problems { field message } } } }"""


def test_learning_must_come_from_an_outside_source_of_the_firm(server: Served) -> None:
    event = {
        "id": "acme-learn-1",
        "unit": "acme-uk",
        "source": "huawei-uk-customers",
        "channel": "CUSTOMERS",
        "knowledge": ["acme-nothing"],
        "cite": {"paper": "FU2018", "where": "Table 2"},
    }
    problems = dict(rejected(server, RECORD_LEARNING, input=event))
    assert "belongs to firm 'huawei'" in problems["source"]
    assert "no knowledge with id 'acme-nothing'" in problems["knowledge[0]"]


async def test_subscribers_see_flows_as_they_are_recorded(server: Served) -> None:
    await assert_subscriber_sees_flow(subscriber=server, writer=server, flow_id="acme-f-live")


async def test_a_flow_recorded_through_one_process_reaches_anothers_subscribers(
    neo4j_backend: Backend, tmp_path: Path
) -> None:
    # Two API processes on one Neo4j, the second through the routing driver (neo4j://) a
    # cluster is reached with: subscriptions must not rely on one process's memory.
    seed_tiny_firm(tmp_path, neo4j_backend)
    routed = replace(neo4j_backend, url=neo4j_backend.url.replace("bolt://", "neo4j://"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        serve(tmp_path / "a", backend=neo4j_backend, KFLOW_ANONYMOUS_ROLE="editor") as writer,
        serve(tmp_path / "b", backend=routed) as subscriber,
    ):
        await assert_subscriber_sees_flow(
            subscriber=subscriber, writer=writer, flow_id="acme-f-elsewhere"
        )


async def test_every_worker_of_a_server_serves_and_sees_recorded_flows(
    backend: Backend, tmp_path: Path
) -> None:
    seed_tiny_firm(tmp_path, backend)
    with serve(
        tmp_path, backend=backend, options=("--workers", "2"), KFLOW_ANONYMOUS_ROLE="editor"
    ) as server:
        # Connections go to whichever worker accepts first: ask until both have answered.
        async with httpx.AsyncClient(limits=httpx.Limits(max_keepalive_connections=0)) as client:
            for _ in range(20):
                answers = await asyncio.gather(
                    *(
                        client.post(f"{server.base}/graphql", json={"query": "{ firms { id } }"})
                        for _ in range(8)
                    )
                )
                assert all(a.json()["data"]["firms"] == [{"id": "acme"}] for a in answers)
                if len(request_pids(server)) == 2:
                    break
        assert len(request_pids(server)) == 2, "one worker answered every request"
        # Subscriptions spread over both workers all hear a flow recorded through either.
        await assert_subscriber_sees_flow(
            subscriber=server, writer=server, flow_id="acme-f-workers", subscriptions=6
        )


def request_pids(server: Served) -> set[int]:
    """The processes that logged a GraphQL request."""
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line[:1] == "{"]
    return {line["pid"] for line in lines if line.get("path") == "/graphql"}


async def subscribe(url: str) -> websockets.ClientConnection:
    socket = await websockets.connect(url, subprotocols=["graphql-transport-ws"])
    await socket.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": 'subscription { recorded(firm: "acme") { recordedAt flow { id } '
                    "integrationEvent { id } } }"
                },
            }
        )
    )
    return socket


async def assert_subscriber_sees_flow(
    *, subscriber: Served, writer: Served, flow_id: str, subscriptions: int = 1
) -> None:
    """A flow recorded through `writer` reaches every subscription held on `subscriber`."""
    url = subscriber.base.replace("http://", "ws://") + "/graphql"
    sockets = [await subscribe(url) for _ in range(subscriptions)]
    try:
        await asyncio.sleep(0.5)
        async with httpx.AsyncClient() as client:
            written = await client.post(
                f"{writer.base}/graphql",
                json={
                    "query": RECORD_FLOW,
                    "variables": {"input": flow_input(flow_id, "acme-de", "acme-uk", "HORIZONTAL")},
                },
            )
        assert written.status_code == 200 and "errors" not in written.json(), written.text
        for socket in sockets:
            message = json.loads(await asyncio.wait_for(socket.recv(), 10))
            assert message["type"] == "next"
            assert message["payload"]["data"]["recorded"]["flow"] == {"id": flow_id}
    finally:
        for socket in sockets:
            await socket.close()
