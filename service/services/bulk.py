"""Loading a case too large for one statement: checked whole first, then written in batches.

A case of a million flows cannot be one statement (`cypher/cases/merge_case.cypher`), so it
goes in as batches of about 10,000 rows, one statement per batch, from `cypher/bulk/`. The
case is validated whole before anything is written, like any import. What differs is how
all-or-nothing the write is:

- On the embedded engine the batches go into a copy of the graph (`GRAPH.COPY`), which
  replaces the graph in one atomic `RENAME` once every batch is in. A failed load drops the
  copy, so readers never see half a firm and the graph stays as it was. (Only one kflow
  process can use a data directory, so nothing else writes to the graph meanwhile.)
- On Neo4j each batch is its own transaction, inside the database's one load slot: every
  node carries the load's id until the load is published, and a failed or killed load is
  removed by that id (see `GraphStore.bulk_load`).

Only a firm the graph does not hold yet can be loaded this way, and none of the case's ids
may be taken by another firm's nodes.
"""

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from service import cypher
from service.cypher import Query
from service.model.case import CaseFile, Fact, count_records
from service.model.files import CaseFileInvalid, FileProblem, paused_gc
from service.services.network import find_nodes, get_firms_by_id
from service.store.cases import (
    CELL_EVENTS,
    count_sends,
    firm_properties,
    knowledge_rows,
    node_ids,
    project_rows,
    record_rows,
    section_properties,
    sends_rows,
    unit_rows,
)
from service.store.port import GraphStore, GraphWriter, count_values

BULK = cypher.Folder("bulk")
INTEGRATION = cypher.Folder("integration")

BATCH_SIZE = 10_000
IN_FLIGHT = 2
DELETE_CHUNK = 10_000
# Values one statement's parameters may hold (the port refuses more than 200,000).
VALUES_PER_BATCH = 150_000

Rows = list[dict[str, Any]]
FactT = TypeVar("FactT", bound=Fact)
Progress = Callable[[str, int], None]


class FirmExists(Exception):
    """The graph holds the firm already; a load in batches only brings in new firms."""


def integration_role_rows(case: CaseFile) -> Iterator[dict[str, Any]]:
    """The rows of `link_integration_roles`: one per event and unit in a role."""
    for event in case.integrations:
        for role, unit_id in event.roles():
            yield {"from": event.id, "to": unit_id, "role": role}


@dataclass(frozen=True)
class Phase:
    """One kind of row, written by one statement, batch by batch."""

    name: str
    query: Query
    rows: Callable[[], Iterable[dict[str, Any]]]
    count: int
    firm_param: bool = False
    # How many records a row stands for (flows come grouped by pair); one when absent.
    weight: Callable[[dict[str, Any]], int] | None = None
    # Whether each row creates a node from its `props` (which a load's tag then joins).
    nodes: bool = False


class BulkSummary(BaseModel):
    firm: str
    records: dict[str, int]
    rows: int
    statements: int
    staged: bool
    check_seconds: float
    write_seconds: float


def list_phases(case: CaseFile) -> list[Phase]:
    """The statements that write a case, in dependency order, with their rows (lazily)."""
    c = case

    def records(section: str) -> Callable[[], Iterable[dict[str, Any]]]:
        return lambda: record_rows(c, section)

    def pairs(section: str, field: str) -> Callable[[], Iterable[dict[str, Any]]]:
        return lambda: (
            {"from": r.id, "to": target}
            for r in getattr(c, section)
            for target in getattr(r, field)
        )

    def count_pairs(section: str, field: str) -> int:
        return sum(len(getattr(r, field)) for r in getattr(c, section))

    return [
        Phase("units", BULK.create_units, lambda: unit_rows(c), len(c.units), True, nodes=True),
        Phase(
            "reporting lines",
            BULK.link_reporting_lines,
            lambda: ({"from": u.id, "to": u.reports_to} for u in c.units if u.reports_to),
            sum(1 for u in c.units if u.reports_to),
        ),
        Phase("actors", BULK.create_actors, records("actors"), len(c.actors), True, nodes=True),
        Phase("actor links", BULK.create_actor_links, records("actor_links"), len(c.actor_links)),
        Phase(
            "capabilities",
            BULK.create_capabilities,
            records("capabilities"),
            len(c.capabilities),
            True,
            nodes=True,
        ),
        Phase(
            "knowledge",
            BULK.create_knowledge,
            lambda: knowledge_rows(c),
            len(c.knowledge),
            True,
            nodes=True,
        ),
        Phase(
            "knowledge builds",
            BULK.link_knowledge_capabilities,
            pairs("knowledge", "builds"),
            count_pairs("knowledge", "builds"),
        ),
        Phase(
            "learning events",
            BULK.create_learning_events,
            records("learning"),
            len(c.learning),
            nodes=True,
        ),
        Phase(
            "learning yields",
            BULK.link_learning_knowledge,
            pairs("learning", "knowledge"),
            count_pairs("learning", "knowledge"),
        ),
        Phase(
            "flows",
            BULK.create_flows,
            lambda: _flow_groups(c),
            len(c.flows),
            weight=lambda row: len(row["flows"]),
        ),
        # Worked out when written, not before the load starts: seconds for a large case.
        Phase("flow summaries", BULK.create_sends, lambda: sends_rows(c), count_sends(c)),
        Phase(
            "resources", BULK.create_resources, records("resources"), len(c.resources), nodes=True
        ),
        Phase(
            "integration events",
            BULK.create_integration_events,
            records("integrations"),
            len(c.integrations),
            nodes=True,
        ),
        Phase(
            "integration roles",
            BULK.link_integration_roles,
            lambda: integration_role_rows(c),
            sum(len(i.roles()) for i in c.integrations),
        ),
        Phase(
            "integration knowledge",
            BULK.link_integration_knowledge,
            pairs("integrations", "knowledge"),
            count_pairs("integrations", "knowledge"),
        ),
        Phase(
            "integration resources",
            BULK.link_integration_resources,
            pairs("integrations", "resources"),
            count_pairs("integrations", "resources"),
        ),
        Phase(
            "projects",
            BULK.create_projects,
            lambda: project_rows(c),
            len(c.projects),
            True,
            nodes=True,
        ),
        Phase("support", BULK.create_support, records("support"), len(c.support)),
        Phase(
            "tensions", BULK.create_tensions, records("tensions"), len(c.tensions), True, nodes=True
        ),
        Phase(
            "customer management",
            BULK.create_customer_management,
            records("customer_management"),
            len(c.customer_management),
        ),
        Phase(
            "case analyses",
            BULK.create_case_analyses,
            records("case_analyses"),
            len(c.case_analyses),
            True,
            nodes=True,
        ),
    ]


def _flow_groups(case: CaseFile) -> Iterator[dict[str, Any]]:
    """A case's flows grouped by ordered pair of units, in groups of at most BATCH_SIZE."""
    every_props = section_properties(case.flows, section="flows", firm_id=case.firm.id)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for flow, props in zip(case.flows, every_props, strict=True):
        groups.setdefault((flow.source, flow.target), []).append(props)
    for (source, target), flows in groups.items():
        for start in range(0, len(flows), BATCH_SIZE):
            yield {"from": source, "to": target, "flows": flows[start : start + BATCH_SIZE]}


def batch_rows(
    rows: Iterable[dict[str, Any]],
    *,
    batch_size: int,
    weight: Callable[[dict[str, Any]], int] | None = None,
) -> Iterator[Rows]:
    """Rows in batches standing for at most `batch_size` records, fewer for rich rows.

    The port refuses parameters of more than 200,000 values, so a batch is also cut at
    VALUES_PER_BATCH, sized on the batch's first row with a quarter more room for richer
    rows (a batch that still overflows fails cleanly: the port refuses it unsent).
    """
    batch: Rows = []
    records = 0
    limit = batch_size
    for row in rows:
        size = 1 if weight is None else weight(row)
        if batch and records + size > limit:
            yield batch
            batch, records = [], 0
        if not batch:
            per_record = count_values(row) / max(size, 1)
            limit = max(1, min(batch_size, int(VALUES_PER_BATCH // (1.25 * per_record + 2))))
        batch.append(row)
        records += size
    if batch:
        yield batch


def _batch_phases(phases: list[Phase], *, batch_size: int) -> Iterator[tuple[Phase, Rows]]:
    """Every phase's rows in batches, phase after phase (phases with no rows left out)."""
    for phase in phases:
        if phase.count:
            for rows in batch_rows(phase.rows(), batch_size=batch_size, weight=phase.weight):
                yield phase, rows


async def _send(
    target: GraphWriter, phase: Phase, rows: Rows, firm_id: str, tag: Mapping[str, str]
) -> int:
    """Write one batch of a phase; the number of records it stands for."""
    if phase.nodes and tag:
        rows = [{**row, "props": {**row["props"], **tag}} for row in rows]
    params: dict[str, Any] = {"rows": rows}
    if phase.firm_param:
        params["firmId"] = firm_id
    await target.write(phase.query, params)
    weigh = phase.weight or (lambda _row: 1)
    return sum(weigh(row) for row in rows)


async def _write_phases(
    target: GraphWriter,
    phases: list[Phase],
    firm_id: str,
    *,
    batch_size: int,
    progress: Progress,
    tag: Mapping[str, str],
) -> int:
    """Write the phases in order, keeping the engine busy; the number of statements sent.

    Batches are built in a thread one ahead of the batch being sent, past the end of a phase
    too: the engine does not wait at a phase's start while its rows are worked out (seconds
    for the flows of a large case). A second batch of a phase is sent before the first one
    is done (the engine runs writes to one graph one after the other, so the second simply
    waits its turn). A phase's first batch waits until the previous phase is all in, as
    phases depend on each other and the engine may start two waiting statements in any order.
    """
    batches = _batch_phases(phases, batch_size=batch_size)
    statements = 0
    in_flight: list[tuple[Phase, asyncio.Task[int]]] = []
    upcoming = asyncio.create_task(asyncio.to_thread(next, batches, None))
    try:
        while (batch := await upcoming) is not None:
            upcoming = asyncio.create_task(asyncio.to_thread(next, batches, None))
            phase, rows = batch
            while in_flight and (len(in_flight) >= IN_FLIGHT or in_flight[0][0] is not phase):
                done, task = in_flight.pop(0)
                progress(done.name, await task)
            in_flight.append((phase, asyncio.create_task(_send(target, phase, rows, firm_id, tag))))
            statements += 1
        while in_flight:
            done, task = in_flight.pop(0)
            progress(done.name, await task)
    finally:
        # A batch being built is left to finish in its thread; nothing will send it.
        upcoming.cancel()
        for _, task in in_flight:
            task.cancel()
        if in_flight:
            await asyncio.gather(*(task for _, task in in_flight), return_exceptions=True)
    return statements


async def write_case(
    target: GraphWriter,
    *,
    case: CaseFile,
    phases: list[Phase] | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress = lambda _phase, _rows: None,
    tag: Mapping[str, str] | None = None,
) -> int:
    """Write a validated case, its firm first, batch by batch; the number of statements.
    Every node written carries `tag` (a bulk load's, see `BulkLoad.tag`).

    Not all-or-nothing by itself: callers write into a staged copy, or clean up on failure.
    """
    tag = tag or {}
    await target.write(BULK.create_firm, {"firm": {**firm_properties(case), **tag}})
    progress("firm", 1)
    statements = await _write_phases(
        target,
        list_phases(case) if phases is None else phases,
        case.firm.id,
        batch_size=batch_size,
        progress=progress,
        tag=tag,
    )
    await count_integration_cells(target, firm_id=case.firm.id, tag=tag)
    return 2 + statements


async def count_integration_cells(
    target: GraphWriter, *, firm_id: str, tag: Mapping[str, str] | None = None
) -> None:
    """Count the firm's integration events again into its integration matrix's cells, with
    each cell's first events (a cell made by a load carries its `tag`)."""
    await target.write(
        INTEGRATION.set_integration_cells,
        {"firm": firm_id, "tag": tag or {}, "cellEvents": CELL_EVENTS},
    )


async def find_taken_ids(store: GraphStore, *, ids: list[str], name: str) -> list[FileProblem]:
    """The ids of a new case that nodes in the graph hold already, as problems."""
    taken = sorted({row["id"] for row in await store.read(BULK.list_node_ids)}.intersection(ids))
    if not taken:
        return []
    nodes = await find_nodes(store, ids=taken)
    return [
        FileProblem(
            name,
            "",
            None,
            f"id '{node_id}' already belongs to firm "
            f"'{nodes.get(node_id, {}).get('properties', {}).get('firm')}' in the graph",
        )
        for node_id in taken
    ]


async def delete_firm(store: GraphStore, *, firm_id: str) -> int:
    """Delete every node of a firm with its relationships, batch by batch."""
    deleted = 0
    while True:
        rows = await store.write(BULK.delete_firm_nodes, {"firmId": firm_id, "limit": DELETE_CHUNK})
        count = int(rows[0]["deleted"]) if rows else 0
        deleted += count
        if count == 0:
            await count_integration_cells(store, firm_id=firm_id)
            return deleted


async def load_case_in_batches(
    store: GraphStore,
    *,
    case: CaseFile,
    name: str,
    batch_size: int = BATCH_SIZE,
    on_start: Callable[[int], None] = lambda _rows: None,
    on_progress: Progress = lambda _phase, _rows: None,
) -> BulkSummary:
    """Write a validated case of a firm the graph does not hold yet, batch by batch.

    `on_start` hears how many rows will be written, `on_progress` each batch written.

    Raises FirmExists when the graph holds the firm, and CaseFileInvalid when other firms'
    nodes hold some of the case's ids; in both cases nothing is written. Both are checked
    with the load slot held, so a load that finished meanwhile is seen.
    """
    started = time.perf_counter()
    firm_id = case.firm.id
    with paused_gc():
        written_rows = [0]

        def progress(phase: str, rows: int) -> None:
            written_rows[0] += rows
            on_progress(phase, rows)

        phases = list_phases(case)
        async with store.bulk_load() as load:
            in_slot = time.perf_counter()
            if firm_id in await get_firms_by_id(load.graph, ids=[firm_id]):
                raise FirmExists(
                    f"the graph holds firm '{firm_id}' already; a large load only brings in "
                    "a new firm (choose another firm id, or delete this one first)"
                )
            taken = await find_taken_ids(load.graph, ids=list(node_ids(case)), name=name)
            if taken:
                raise CaseFileInvalid(taken)
            checked = time.perf_counter()
            on_start(1 + sum(phase.count for phase in phases))
            try:
                statements = await write_case(
                    load.graph,
                    case=case,
                    phases=phases,
                    batch_size=batch_size,
                    progress=progress,
                    tag=load.tag,
                )
            except BaseException:
                if not load.staged:  # a staged load is dropped whole by the store
                    await delete_firm(store, firm_id=firm_id)
                raise
    written = time.perf_counter()
    return BulkSummary(
        firm=firm_id,
        records=dict(count_records(case)),
        rows=written_rows[0],
        statements=statements,
        staged=load.staged,
        check_seconds=checked - in_slot,
        # Taking the slot (and, on the embedded engine, copying the graph) is part of writing.
        write_seconds=(in_slot - started) + (written - checked),
    )
