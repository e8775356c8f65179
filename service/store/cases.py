"""A case as the rows of the statements that write it, and stored properties as a record's
fields again: the map between the case model and the graph."""

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter

from service import cypher
from service.model.case import CaseFile, Citation, Fact, Flow
from service.model.enums import FlowDirection, UnitRole
from service.model.graph import (
    KNOWLEDGE_TRANSFER_DATES,
    PROVENANCE,
    REFERENCE_FIELDS,
    UNIT_METRICS,
)
from service.store.port import GraphReader

CASES = cypher.Folder("cases")
# Start nodes per page of a case's relationships: a unit of the large firm starts ~190 flows,
# so a page stays well inside the engines' per-statement memory and time limits.
RELATIONSHIP_PAGE_NODES = 1000
# The events each cell of an integration matrix keeps listed, first in time order (every
# write of integration events keeps them, so a cell's events cost the same at any size).
CELL_EVENTS = 50


def stored_properties(record: Fact, *, section: str, firm_id: str) -> dict[str, Any]:
    """The properties a record is stored with: its own fields plus provenance."""
    values = record.model_dump(mode="json", exclude=_unstored(section), exclude_none=True)
    _add_provenance(values, record.cite, firm_id)
    return values


def section_properties(
    records: Sequence[Fact], *, section: str, firm_id: str
) -> list[dict[str, Any]]:
    """`stored_properties` of each record of one section, dumped in one call.

    One call for the whole section rather than one a record: a large case's million flows
    spent more time getting in and out of the serializer than in it.
    """
    if not records:
        return []
    rows: list[dict[str, Any]] = _section_dumper(type(records[0])).dump_python(
        tuple(records), mode="json", exclude={"__all__": _unstored(section)}, exclude_none=True
    )
    for values, record in zip(rows, records, strict=True):
        _add_provenance(values, record.cite, firm_id)
    return rows


def _unstored(section: str) -> set[str]:
    """The fields of a section's records that are relationships or provenance, not properties."""
    return REFERENCE_FIELDS.get(section, set()) | {"cite"}


@functools.cache
def _section_dumper(model: type[Fact]) -> TypeAdapter[tuple[Fact, ...]]:
    """A serializer of a tuple of one model's records, made once a model."""
    return TypeAdapter(tuple[model, ...])  # type: ignore[valid-type]


def _add_provenance(values: dict[str, Any], cite: Citation, firm_id: str) -> None:
    values.update(
        firm=firm_id,
        citation=cite.render(),
        cite_paper=str(cite.paper),  # a StrEnum's text is its value
        cite_where=cite.where,
    )


Pick = Callable[[Any], Any]
_ENDS: dict[str, Pick] = {"from": lambda r: r.source, "to": lambda r: r.target}
# What a section's statement rows carry beside the record's id and properties: the records
# it references, by the name the statements (`cases/merge_case`, `bulk/`) read them by.
_REFERENCES: dict[str, dict[str, Pick]] = {
    "units": {"reportsTo": lambda u: u.reports_to},
    "actors": {},
    "actor_links": _ENDS,
    "capabilities": {},
    "learning": {
        "unit": lambda e: e.unit,
        "source": lambda e: e.source,
        "knowledge": lambda e: list(e.knowledge),
    },
    "flows": _ENDS,
    "resources": {"heldBy": lambda r: r.held_by},
    "integrations": {
        "sponsors": lambda e: list(e.sponsors),
        "beneficiaries": lambda e: list(e.beneficiaries),
        "coordinator": lambda e: e.coordinator,
        "knowledge": lambda e: list(e.knowledge),
        "resources": lambda e: list(e.resources),
    },
    "support": _ENDS,
    "tensions": {"units": lambda t: list(t.units)},
    "customer_management": {"unit": lambda m: m.unit, "customer": lambda m: m.customer},
    "case_analyses": {},
}


def record_rows(case: CaseFile, section: str) -> list[dict[str, Any]]:
    """A section's records as statement rows: id, stored properties and references."""
    records = getattr(case, section)
    every_props = section_properties(records, section=section, firm_id=case.firm.id)
    refs = _REFERENCES[section]
    return [
        {"id": r.id, "props": props, **{name: pick(r) for name, pick in refs.items()}}
        for r, props in zip(records, every_props, strict=True)
    ]


def recorded_params(
    record: Fact, *, section: str, firm_id: str, recorded_at: int
) -> dict[str, Any]:
    """The parameters of the statement that records one record through the API: its
    properties, stamped with when it came in, and its references."""
    stamped = record.model_copy(update={"recorded_at": recorded_at})
    props = stored_properties(stamped, section=section, firm_id=firm_id)
    return {"props": props, **{name: pick(record) for name, pick in _REFERENCES[section].items()}}


def case_params(case: CaseFile) -> dict[str, Any]:
    """The parameters of the one statement that writes a whole case."""
    return {
        "firmId": case.firm.id,
        "firm": firm_properties(case),
        "ids": list(node_ids(case)),
        "units": unit_rows(case),
        "actors": record_rows(case, "actors"),
        "actorLinks": record_rows(case, "actor_links"),
        "capabilities": record_rows(case, "capabilities"),
        "knowledge": knowledge_rows(case),
        "learning": record_rows(case, "learning"),
        "flows": record_rows(case, "flows"),
        "sends": sends_rows(case),
        "resources": record_rows(case, "resources"),
        "integrations": record_rows(case, "integrations"),
        "projects": project_rows(case),
        "support": record_rows(case, "support"),
        "tensions": record_rows(case, "tensions"),
        "management": record_rows(case, "customer_management"),
        "caseAnalyses": record_rows(case, "case_analyses"),
        "cellEvents": CELL_EVENTS,
    }


_TIER = {
    UnitRole.HQ: "hq",
    UnitRole.CAPABILITY_CENTRE: "hq",
    UnitRole.REGIONAL_HQ: "hub",
    UnitRole.CORE_SUBSIDIARY: "peer",
    UnitRole.SUBSIDIARY: "peer",
}


def unit_metrics(case: CaseFile) -> dict[str, dict[str, int]]:
    """Each unit's flows in and out by the counterpart's tier, and its brokerage."""
    # Counted pair by pair: a large case has about ten flows per pair of units.
    return count_unit_metrics(
        roles={u.id: u.role for u in case.units},
        pair_flows=Counter((f.source, f.target) for f in case.flows),
    )


def count_unit_metrics(
    *, roles: Mapping[str, UnitRole], pair_flows: Mapping[tuple[str, str], int]
) -> dict[str, dict[str, int]]:
    """Flows in and out by the counterpart's tier, and brokerage, from flows counted by pair.

    Brokerage (Gould & Fernandez) counts the distinct pairs (a, b) with flows a -> unit -> b,
    a != b, and no flow a -> b: |in| x |out| - |in and out| - the pairs already linked, the
    last counted as the sum over a in `in` of |out(a) and out(unit)| (set intersections, so
    a hub with thousands of neighbours costs thousands of steps, not millions).
    """
    tier = {unit: _TIER[role] for unit, role in roles.items()}
    metrics = {unit: dict.fromkeys(UNIT_METRICS, 0) for unit in roles}
    outs: dict[str, set[str]] = defaultdict(set)
    ins: dict[str, set[str]] = defaultdict(set)
    for (source, target), count in pair_flows.items():
        if not count:
            continue
        metrics[source][f"outflow_{tier[target]}"] += count
        metrics[target][f"inflow_{tier[source]}"] += count
        outs[source].add(target)
        ins[target].add(source)
    for unit_id, values in metrics.items():
        sources, targets = ins[unit_id], outs[unit_id]
        linked = sum(len(outs[a] & targets) for a in sources)
        values["brokerage"] = len(sources) * len(targets) - len(sources & targets) - linked
    return metrics


def knowledge_rows(case: CaseFile) -> list[dict[str, Any]]:
    """A case's knowledge items as statement rows, each with the pairs of units that passed it.

    `flowed` lists "source>target" for every pair with a flow carrying the item (ids never
    hold '>'): the item's flows are then read from those pairs, not found among all flows,
    as relationship indexes cannot be used on the embedded engine.
    """
    pairs = flowed_pairs(case)
    dates = transfer_dates(case)
    rows = []
    every_props = section_properties(case.knowledge, section="knowledge", firm_id=case.firm.id)
    for item, props in zip(case.knowledge, every_props, strict=True):
        if item.id in pairs:
            props["flowed"] = pairs[item.id]
        props |= dates[item.id]
        rows.append({"id": item.id, "props": props, "builds": list(item.builds)})
    return rows


def flowed_pairs(case: CaseFile) -> dict[str, list[str]]:
    """Each knowledge item's `flowed` pairs, "source>target", for the items some flow carries."""
    pairs: dict[str, set[str]] = defaultdict(set)
    for flow in case.flows:
        if flow.knowledge is not None:
            pairs[flow.knowledge].add(f"{flow.source}>{flow.target}")
    return {item: sorted(found) for item, found in sorted(pairs.items())}


def transfer_dates(case: CaseFile) -> dict[str, dict[str, Any]]:
    """Each knowledge item's KNOWLEDGE_TRANSFER_DATES: the distinct dates (sorted) of the
    flows that carried it into the HQ level from a unit below and of the integration events
    that used it, and how many of each are undated."""
    hq_level = {u.id for u in case.units if _TIER[u.role] == "hq"}
    arrivals: dict[str, list[str | None]] = defaultdict(list)
    for flow in case.flows:
        if flow.knowledge and flow.target in hq_level and flow.source not in hq_level:
            arrivals[flow.knowledge].append(flow.date)
    uses: dict[str, list[str | None]] = defaultdict(list)
    for event in case.integrations:
        for used in event.knowledge:
            uses[used].append(event.date)

    def kept(steps: list[str | None]) -> tuple[list[str], int]:
        return sorted({d for d in steps if d is not None}), steps.count(None)

    return {
        item.id: dict(
            zip(
                KNOWLEDGE_TRANSFER_DATES,
                (*kept(arrivals[item.id]), *kept(uses[item.id])),
                strict=True,
            )
        )
        for item in case.knowledge
    }


def unit_rows(case: CaseFile) -> list[dict[str, Any]]:
    """A case's units as statement rows: their properties with the derived flow metrics."""
    metrics = unit_metrics(case)
    every_props = section_properties(case.units, section="units", firm_id=case.firm.id)
    return [
        {"id": u.id, "props": props | metrics[u.id], "reportsTo": u.reports_to}
        for u, props in zip(case.units, every_props, strict=True)
    ]


def firm_properties(case: CaseFile) -> dict[str, Any]:
    """The properties of a case's firm node."""
    return stored_properties(case.firm, section="firm", firm_id=case.firm.id) | {
        "case": case.case,
        "title": case.title,
    }


def project_rows(case: CaseFile) -> list[dict[str, Any]]:
    """A case's projects as statement rows: the project, its actors, members, dependencies."""
    firm_id = case.firm.id
    return [
        {
            "id": p.id,
            "props": stored_properties(p, section="projects", firm_id=firm_id),
            "customer": p.customer,
            "thirdActors": list(p.third_actors),
            "coordinator": p.coordinator,
            "units": [
                {"unit": m.unit, "props": {"part": m.part} if m.part else {}} for m in p.units
            ],
            "dependencies": [
                {
                    "from": d.source,
                    "to": d.target,
                    "props": {"project": p.id, "kind": d.kind.value},
                }
                for d in p.dependencies
            ],
        }
        for p in case.projects
    ]


def _earliest_first(flow: Flow) -> tuple[bool, str, str]:
    return (flow.date is None, flow.date or "", flow.id)


def count_sends(case: CaseFile) -> int:
    """How many rows `sends_rows` gives (one per ordered pair of units and direction)."""
    return len({(flow.source, flow.target, flow.direction) for flow in case.flows})


def sends_rows(case: CaseFile) -> list[dict[str, Any]]:
    """The derived SENDS_UP / SENDS_DOWN / SENDS_ACROSS relationships of a case's flows.

    One per ordered pair of units and direction.

    Each counts its flows and repeats the earliest one's fields (by date, undated last, then
    id). Traversals walk these instead of the flows themselves, so that many flows between
    the same two units do not multiply the paths through them, and a path's hop still shows
    a flow without reading every flow between the two units.
    """
    # Keyed by the direction itself, a StrEnum (hashed and ordered as its text): its value
    # is looked up once a pair, not once a flow.
    groups: dict[tuple[str, str, FlowDirection], list[Flow]] = defaultdict(list)
    for flow in case.flows:
        groups[(flow.source, flow.target, flow.direction)].append(flow)
    rows = []
    for (source, target, member), flows in sorted(groups.items()):
        direction = member.value
        first = min(flows, key=_earliest_first)
        props = {
            "direction": direction,
            "flows": len(flows),
            "firm": case.firm.id,
            "first_flow": first.id,
            "first_mode": first.mode.value,
            "first_knowledge": first.knowledge,
            "first_date": first.date,
            "first_citation": first.cite.render(),
            "first_assumption": first.assumption,
            "first_recorded_at": first.recorded_at,
        }
        rows.append(
            {
                "from": source,
                "to": target,
                "direction": direction,
                "props": {k: v for k, v in props.items() if v is not None},
            }
        )
    return rows


_NODE_SECTIONS = (
    "units",
    "actors",
    "capabilities",
    "knowledge",
    "learning",
    "resources",
    "integrations",
    "projects",
    "tensions",
    "case_analyses",
)


def node_ids(case: CaseFile) -> Iterator[str]:
    """Every node id a case defines (the firm's included)."""
    yield case.firm.id
    for section in _NODE_SECTIONS:
        for record in getattr(case, section):
            yield record.id


def record_fields(props: dict[str, Any], *, drop: Iterable[str] = ()) -> dict[str, Any]:
    """A stored node's or relationship's properties as a record's fields, provenance as `cite`."""
    fields = {k: v for k, v in props.items() if k not in {*PROVENANCE, *drop}}
    fields["cite"] = Citation(paper=props["cite_paper"], where=props["cite_where"])
    return fields


async def list_case_relationships(
    store: GraphReader,
    *,
    firm_id: str,
    node_ids: Sequence[str],
    page_nodes: int = RELATIONSHIP_PAGE_NODES,
) -> list[dict[str, Any]]:
    """The relationships starting at a firm's nodes (`node_ids`, in id order), read a page of
    start nodes at a time, ordered by start id, type, end id and relationship id."""
    relationships: list[dict[str, Any]] = []
    for start in range(0, len(node_ids), page_nodes):
        page = node_ids[start : start + page_nodes]
        rows = await store.read(
            CASES.list_case_relationships_page,
            {"firmId": firm_id, "firstId": page[0], "lastId": page[-1]},
        )
        relationships += [row["relationship"] for row in rows]
    return relationships
