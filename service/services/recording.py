"""Recording new facts through the API: the seed rules, checked against the graph first.

Each record is validated by the same pydantic model as a seed file, then checked against
what the graph holds (references exist, belong to one firm, directions fit the hierarchy,
ids are unused), and only then written, in one statement.
"""

import time
from typing import Any, TypeVar

from pydantic import BaseModel

from service import cypher
from service.cypher import Query
from service.model import case
from service.model.enums import CHANNEL_OF_SOURCE, ActorKind, UnitRole
from service.model.views import FlowView, IntegrationEventView, LearningView, SupportView, UnitView
from service.services.errors import FieldProblem, RecordRejected
from service.services.network import find_nodes
from service.store.cases import CELL_EVENTS, recorded_params
from service.store.port import GraphStore

NETWORK = cypher.Folder("network")
RECORDING = cypher.Folder("recording")
V = TypeVar("V", bound=BaseModel)


class Recorded(BaseModel):
    """One flow or integration event the `recorded` feed streams."""

    recorded_at: int
    id: str
    flow: FlowView | None
    event: IntegrationEventView | None


_COORDINATING_ROLES = {role.value for role in case.COORDINATING_ROLES}


def now_ms() -> int:
    """Wall-clock time in epoch milliseconds (what recorded_at holds)."""
    return time.time_ns() // 1_000_000


class _Checks:
    """Collects the problems of one record against the nodes it refers to."""

    def __init__(self, nodes: dict[str, dict[str, Any]]) -> None:
        self.nodes = nodes
        self.problems: list[FieldProblem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(FieldProblem(field, message))

    def unused(self, record_id: str, taken_relationships: set[str]) -> None:
        if record_id in self.nodes or record_id in taken_relationships:
            self.fail("id", f"'{record_id}' is already used")

    def node(self, field: str, node_id: str, label: str, firm: str | None) -> dict[str, Any]:
        node = self.nodes.get(node_id)
        if node is None or label not in node["labels"]:
            self.fail(field, f"no {label.lower()} with id '{node_id}'")
            return {}
        properties: dict[str, Any] = node["properties"]
        if firm is not None and properties.get("firm") != firm:
            self.fail(
                field, f"'{node_id}' belongs to firm '{properties.get('firm')}', not '{firm}'"
            )
        return properties

    def done(self) -> None:
        if self.problems:
            raise RecordRejected(self.problems)


async def _checks(store: GraphStore, record_id: str, refs: list[str | None]) -> _Checks:
    """The nodes a record refers to, and whether its own id is free: ids are unique across
    every node and every flow or support in the graph, whatever their kind."""
    wanted = sorted({i for i in [record_id, *refs] if i is not None})
    checks = _Checks(await find_nodes(store, ids=wanted))
    taken = {
        row["id"] for row in await store.read(RECORDING.find_relationship_ids, {"ids": [record_id]})
    }
    checks.unused(record_id, taken)
    return checks


async def record_unit(store: GraphStore, *, firm_id: str, unit: case.Unit) -> UnitView:
    """Add a unit to a firm's hierarchy (one HQ per firm; everyone else reports to a unit)."""
    checks = await _checks(store, unit.id, [firm_id, unit.reports_to])
    checks.node("firm", firm_id, "Firm", None)
    if unit.reports_to is not None:
        checks.node("reportsTo", unit.reports_to, "Unit", firm_id)
    elif unit.role is not UnitRole.HQ:
        checks.fail("reportsTo", f"a {unit.role.value} reports to another unit of its firm")
    if unit.role is UnitRole.HQ:
        checks.fail("role", f"firm '{firm_id}' has its HQ already; a firm has one HQ")
    checks.done()
    return await _write_record(
        store,
        RECORDING.create_unit,
        UnitView,
        unit,
        section="units",
        firm_id=firm_id,
        extra={"firm": firm_id},
    )


async def record_flow(store: GraphStore, *, flow: case.Flow) -> FlowView:
    """Add a flow between two units of one firm, going the way it claims."""
    checks = await _checks(store, flow.id, [flow.source, flow.target, flow.knowledge])
    source = checks.node("from", flow.source, "Unit", None)
    firm = source.get("firm")
    target = checks.node("to", flow.target, "Unit", firm)
    if flow.knowledge is not None:
        checks.node("knowledge", flow.knowledge, "Knowledge", firm)
    if flow.source == flow.target:
        checks.fail("to", "a flow cannot go from a unit to itself")
    elif source and target and not await _direction_fits(store, flow):
        checks.fail(
            "direction",
            f"a flow from {source['role']} '{flow.source}' to "
            f"{target['role']} '{flow.target}' is not "
            f"{flow.direction.value}",
        )
    checks.done()
    return await _write_record(
        store, RECORDING.create_flow, FlowView, flow, section="flows", firm_id=str(firm)
    )


async def _direction_fits(store: GraphStore, flow: case.Flow) -> bool:
    rows = await store.read(NETWORK.list_unit_lineage, {"ids": [flow.source, flow.target]})
    places = {
        row["lineage"]["id"]: case.UnitPlace(
            row["lineage"]["id"],
            UnitRole(row["lineage"]["role"]),
            tuple(boss["id"] for boss in row["lineage"]["bosses"]),
        )
        for row in rows
    }
    return case.flow_direction_fits(places[flow.source], places[flow.target], flow.direction)


async def record_support(store: GraphStore, *, support: case.Support) -> SupportView:
    """Add support one unit gave another unit of its firm."""
    checks = await _checks(store, support.id, [support.source, support.target, support.project])
    firm = checks.node("from", support.source, "Unit", None).get("firm")
    checks.node("to", support.target, "Unit", firm)
    if support.project is not None:
        checks.node("project", support.project, "Project", firm)
    if support.source == support.target:
        checks.fail("to", "a unit cannot support itself")
    checks.done()
    return await _write_record(
        store, RECORDING.create_support, SupportView, support, section="support", firm_id=str(firm)
    )


async def record_learning_event(store: GraphStore, *, event: case.LearningEvent) -> LearningView:
    """Add what a unit learned from an outside source, through the source's channel."""
    checks = await _checks(store, event.id, [event.unit, event.source, *event.knowledge])
    firm = checks.node("unit", event.unit, "Unit", None).get("firm")
    source = checks.node("source", event.source, "Actor", firm)
    for index, knowledge_id in enumerate(event.knowledge):
        checks.node(f"knowledge[{index}]", knowledge_id, "Knowledge", firm)
    if source:
        expected = CHANNEL_OF_SOURCE.get(ActorKind(source["kind"]))
        if expected is None:
            checks.fail(
                "source",
                f"'{event.source}' is a {source['kind']}, not a learning "
                "source (customer, collaborator or host country)",
            )
        elif expected is not event.channel:
            checks.fail(
                "channel",
                f"learning from a {source['kind']} goes through the "
                f"'{expected.value}' channel, not '{event.channel.value}'",
            )
    checks.done()
    return await _write_record(
        store,
        RECORDING.create_learning_event,
        LearningView,
        event,
        section="learning",
        firm_id=str(firm),
    )


async def record_integration_event(
    store: GraphStore, *, event: case.IntegrationEvent
) -> IntegrationEventView:
    """Add a leverage, renew or release event; a release names resources the firm holds.

    The event belongs to the firm of the units in its roles, so it must name at least one.
    """
    roles = [
        *((f"sponsors[{i}]", unit_id) for i, unit_id in enumerate(event.sponsors)),
        *((f"beneficiaries[{i}]", unit_id) for i, unit_id in enumerate(event.beneficiaries)),
        *([("coordinator", event.coordinator)] if event.coordinator else []),
    ]
    checks = await _checks(
        store, event.id, [*(u for _, u in roles), *event.knowledge, *event.resources]
    )
    if not roles:
        checks.fail(
            "sponsors", "name at least one unit (sponsor, beneficiary or coordinator) of the firm"
        )
        checks.done()
    firm = None
    for field, unit_id in roles:
        unit = checks.node(field, unit_id, "Unit", firm)
        firm = firm or unit.get("firm")
        if field == "coordinator" and unit and unit["role"] not in _COORDINATING_ROLES:
            checks.fail(
                field,
                "integration is coordinated by the HQ, its capability centre or a regional HQ, "
                f"not a {unit['role']}",
            )
    for index, knowledge_id in enumerate(event.knowledge):
        checks.node(f"knowledge[{index}]", knowledge_id, "Knowledge", firm)
    for index, resource_id in enumerate(event.resources):
        checks.node(f"resources[{index}]", resource_id, "Resource", firm)
    checks.done()
    return await _write_record(
        store,
        RECORDING.create_integration_event,
        IntegrationEventView,
        event,
        section="integrations",
        firm_id=str(firm),
        extra={"cellEvents": CELL_EVENTS},
    )


async def list_recorded_since(
    store: GraphStore, *, since_ms: int, firm_id: str | None, limit: int
) -> list[Recorded]:
    """Flows and integration events recorded at or after an instant, oldest first."""
    rows = await store.read(
        RECORDING.list_recorded_since, {"since": since_ms, "firm": firm_id, "limit": limit}
    )
    records = [row["record"] for row in rows]
    records.sort(key=lambda r: (r["recordedAt"], r["id"]))
    return [
        Recorded(recorded_at=r["recordedAt"], id=r["id"], flow=r["flow"], event=r["event"])
        for r in records[:limit]
    ]


async def _write_record(
    store: GraphStore,
    statement: Query,
    view: type[V],
    fact: case.Fact,
    *,
    section: str,
    firm_id: str,
    extra: dict[str, Any] | None = None,
) -> V:
    """Write one checked record, stamped now, and read it back as the statement returns it
    (its one column)."""
    params = recorded_params(fact, section=section, firm_id=firm_id, recorded_at=now_ms())
    rows = await store.write(statement, params | (extra or {}))
    (column,) = statement.returns
    return view.model_validate(rows[0][column])
