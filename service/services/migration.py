"""Bringing a graph written by an older kflow up to date: the data derived from its flows.

Every write that adds flows now keeps data derived from them: the SENDS_* pair summaries
that routes walk, the units' flow counts and brokerage that hub metrics read, and the
knowledge items' `flowed` pairs that a knowledge item's flows are read from. A graph written
before (by an older kflow) holds the flows without them and would answer empty routes
and zero metrics, and re-seeding skips its unchanged cases. So `open_store` derives them for
every firm that lacks them, from the flows the graph holds, before anything reads the graph.

A firm is written in one atomic statement when its rows fit in one (the seeded cases and
any firm of their size do); a larger one in batches, each atomic, in an order that a later
run finishes if one is cut short (see `cypher/migration/set_derived_flow_data.cypher`).
"""

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from service import cypher
from service.model.case import CaseFile, Fact, Firm, Flow, Unit
from service.model.graph import UNIT_METRICS
from service.services.bulk import count_integration_cells
from service.store.cases import flowed_pairs, record_fields, sends_rows, unit_metrics
from service.store.port import MAX_PARAM_ITEMS, GraphReader, GraphStore, StoreError, count_values

MIGRATION = cypher.Folder("migration")

# Values one statement's parameters may hold, with room to spare under the port's limit.
VALUES_PER_STATEMENT = MAX_PARAM_ITEMS * 3 // 4
# Units a read lists, and whose flows a read lists: bounded, as a firm may hold millions.
UNITS_PER_READ = 1_000
Rows = list[dict[str, Any]]
R = TypeVar("R", bound=Fact)


class MigrationFailed(StoreError):
    """A firm's derived flow data could not be rebuilt; the graph would answer wrongly."""


class DerivedFlowData(BaseModel):
    firm: str
    sends: int
    units: int
    statements: int
    seconds: float


async def list_underived_firms(store: GraphReader) -> list[str]:
    """The firms holding flows whose derived data is missing (one scan of the units)."""
    return [str(row["firm"]) for row in await store.read(MIGRATION.list_underived_firms)]


def split_rows(*, sends: Rows, knowledge: Rows, units: Rows) -> Iterator[dict[str, Rows]]:
    """The rows as statement parameters, each within VALUES_PER_STATEMENT, units last."""
    batch: dict[str, Rows] = {"sends": [], "knowledge": [], "units": []}
    size = 0
    for name, rows in (("sends", sends), ("knowledge", knowledge), ("units", units)):
        for row in rows:
            values = count_values(row)
            if size and size + values > VALUES_PER_STATEMENT:
                yield batch
                batch, size = {"sends": [], "knowledge": [], "units": []}, 0
            batch[name].append(row)
            size += values
    if size:
        yield batch


def read_record(
    model: type[R], props: dict[str, Any], *, drop: Iterable[str] = (), **refs: Any
) -> R:
    """A record from a node or relationship as stored, its provenance folded into `cite`."""
    return model.model_validate(record_fields(props, drop=drop) | refs)


async def read_flow_case(store: GraphStore, *, firm_id: str) -> CaseFile:
    """A firm's units and flows, read a slice at a time, as a case holding nothing else."""
    found = await store.read(MIGRATION.get_firm_record, {"firm": firm_id})
    if not found:
        raise MigrationFailed(f"firm '{firm_id}' has units with flows but no :Firm node")
    firm = found[0]["firm"]
    units: list[Unit] = []
    while len(units) % UNITS_PER_READ == 0:
        page = {"firm": firm_id, "skip": len(units), "limit": UNITS_PER_READ}
        rows = await store.read(MIGRATION.list_firm_units, page)
        if not rows:
            break
        units += [read_record(Unit, row["unit"], drop=UNIT_METRICS) for row in rows]
    flows: list[Flow] = []
    for start in range(0, len(units), UNITS_PER_READ):
        ids = [unit.id for unit in units[start : start + UNITS_PER_READ]]
        for row in await store.read(MIGRATION.list_unit_flows, {"units": ids}):
            flow = row["flow"]
            flows.append(
                read_record(Flow, flow["properties"], source=flow["from"], target=flow["to"])
            )
    # Built unchecked: each record was checked as it was read, and the case's cross-record
    # checks would ask for the rest of the firm, which deriving from its flows does not need.
    return CaseFile.model_construct(
        case=firm["case"],
        title=firm["title"],
        firm=read_record(Firm, firm, drop=("case", "title")),
        units=tuple(units),
        flows=tuple(flows),
    )


async def derive_flow_data(store: GraphStore, *, firm_id: str) -> DerivedFlowData:
    """Rebuild one firm's derived flow data from its flows (one statement, if it fits)."""
    started = time.perf_counter()
    try:
        case = await read_flow_case(store, firm_id=firm_id)
    except ValidationError as error:
        raise MigrationFailed(
            f"firm '{firm_id}' holds a record kflow cannot read, so the data derived from its "
            f"flows cannot be rebuilt: {error}"
        ) from error
    # The rows a case load writes, so a migrated firm equals a freshly loaded one.
    sends = sends_rows(case)
    metrics = unit_metrics(case)
    statements = 0
    for params in split_rows(
        sends=sends,
        knowledge=[{"id": item, "flowed": pairs} for item, pairs in flowed_pairs(case).items()],
        units=[{"id": unit_id, "metrics": values} for unit_id, values in metrics.items()],
    ):
        await store.write(MIGRATION.set_derived_flow_data, params)
        statements += 1
    return DerivedFlowData(
        firm=firm_id,
        sends=len(sends),
        units=len(metrics),
        statements=statements,
        seconds=time.perf_counter() - started,
    )


async def migrate_flow_data(
    store: GraphStore, *, report: Callable[[str], None]
) -> list[DerivedFlowData]:
    """Derive the missing flow data of every firm that lacks it, a firm at a time."""
    derived = []
    for firm_id in await list_underived_firms(store):
        done = await derive_flow_data(store, firm_id=firm_id)
        report(
            f"derived {done.sends} SENDS relationships and the flow counts of {done.units} "
            f"units for firm {done.firm} in {done.seconds:.2f} s "
            f"({done.statements} statement{'s' if done.statements > 1 else ''})"
        )
        derived.append(done)
    return derived


async def migrate_integration_roles(store: GraphStore, *, report: Callable[[str], None]) -> int:
    """Give integration events an older kflow placed AT one unit that unit as their sponsor.

    Seeded firms are then rewritten by the next `kflow seed` with the roles their files name
    (their AT unit was the HQ, which the papers do not say sponsored anything).
    """
    moved = int((await store.write(MIGRATION.set_integration_sponsors))[0]["moved"])
    if moved:
        report(f"made the AT unit of {moved} integration events their sponsor")
    return moved


async def migrate_integration_counts(store: GraphStore, *, report: Callable[[str], None]) -> int:
    """Count the integration events of the firms an older kflow wrote into their matrix's
    cells (every write keeps them from then on); the number of firms counted."""
    firms = [row["firm"] for row in await store.read(MIGRATION.list_uncounted_firms)]
    for firm_id in firms:
        await count_integration_cells(store, firm_id=firm_id)
        report(f"counted the integration events of firm {firm_id} into its matrix")
    return len(firms)


async def migrate_transfer_dates(store: GraphStore, *, report: Callable[[str], None]) -> int:
    """Keep on the knowledge items of the firms an older kflow wrote the dates transfer lag
    reads (every write keeps them from then on); the number of firms brought up to date."""
    firms = [row["firm"] for row in await store.read(MIGRATION.list_firms_without_transfer_dates)]
    for firm_id in firms:
        await store.write(MIGRATION.set_knowledge_arrival_dates, {"firm": firm_id})
        await store.write(MIGRATION.set_knowledge_integration_dates, {"firm": firm_id})
        report(f"kept the HQ arrival and integration dates of firm {firm_id}'s knowledge")
    return len(firms)
