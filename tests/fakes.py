"""A store held in memory, for fast unit tests of services that need only the capabilities it
offers: whole cases, the API keys, bulk loads of keys, snapshots, ping and info. It runs no
Cypher: anything that would send a statement raises, so a service that asks the graph
questions of its own is tested on the real adapters instead. tests/test_case_store_contract.py
and tests/test_key_store_contract.py hold it to the same contract as them."""

import copy
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TextIO

from service.cypher import Query
from service.model.case import CaseFile
from service.model.graph import REFERENCE_FIELDS
from service.store.case_json import SECTIONS, render_json
from service.store.cases import case_params, node_ids
from service.store.port import (
    AdhocLimits,
    AdhocResult,
    BulkLoad,
    PlanCheck,
    Row,
    StoreInfo,
    encode_params,
)

PUBLIC_FIELDS = ("id", "name", "role", "created_at", "revoked_at")


class MemoryKeyStore:
    """API keys in a dict, by id."""

    def __init__(self, records: dict[str, Row] | None = None) -> None:
        self.records: dict[str, Row] = records if records is not None else {}

    @staticmethod
    def _public(record: Row) -> Row:
        return {name: record.get(name) for name in PUBLIC_FIELDS}

    async def add_key(self, record: Mapping[str, Any]) -> Row:
        """Keep a new key; return it without its hash."""
        kept = {"revoked_at": None, **copy.deepcopy(dict(record))}
        self.records[kept["id"]] = kept
        return self._public(kept)

    async def get_key(self, key_id: str) -> Row | None:
        """The key with this id, hash included."""
        found = self.records.get(key_id)
        return {**self._public(found), "hash": found["hash"]} if found else None

    async def list_keys(self) -> list[Row]:
        """Every key without its hash, newest first (ties by id)."""
        ordered = sorted(self.records.values(), key=lambda k: (-k["created_at"], k["id"]))
        return [self._public(record) for record in ordered]

    async def list_key_records(self) -> list[Row]:
        """Every key with its hash, by id."""
        return [
            {**self._public(record), "hash": record["hash"]}
            for _, record in sorted(self.records.items())
        ]

    async def revoke_key(self, key_id: str, *, at: int) -> Row | None:
        """Mark the key revoked (an earlier revocation stays)."""
        found = self.records.get(key_id)
        if found is None:
            return None
        if found.get("revoked_at") is None:
            found["revoked_at"] = at
        return self._public(found)


def _no_cypher() -> NoReturn:
    raise NotImplementedError("the in-memory store runs no Cypher: test this on a real one")


class MemoryCaseReader:
    """Whole cases in a dict, by firm id; each kept and handed out as a copy of its own."""

    def __init__(self, cases: dict[str, CaseFile] | None = None) -> None:
        self.cases: dict[str, CaseFile] = cases if cases is not None else {}

    async def list_firm_ids(self) -> list[str]:
        """The firms' ids, in order."""
        return sorted(self.cases)

    async def read_case(self, firm_id: str) -> CaseFile | None:
        """A firm's case."""
        found = self.cases.get(firm_id)
        return found.model_copy(deep=True) if found else None

    async def write_case_json(
        self, out: TextIO, *, firm_id: str, depth: int, prefix: str = ""
    ) -> bool:
        """Write a firm's case as JSON, as the graph's adapters render it."""
        found = self.cases.get(firm_id)
        if found is None:
            return False
        document = found.model_dump(mode="json", by_alias=True, exclude_none=True)
        out.write(prefix + render_json(document, depth=depth))
        return True


class MemoryCases(MemoryCaseReader):
    """A store's whole cases in memory: a graph of one case a firm, counted as the graph
    counts what a case writes of its own (nodes) and of its facts between them."""

    async def put_case(self, case: CaseFile) -> None:
        """Keep a case, replacing the firm's; a value the engines refuse is refused alike."""
        encode_params(case_params(case))
        self.cases[case.firm.id] = _in_graph_order(case.model_copy(deep=True))

    async def find_foreign_ids(self, *, firm_id: str, ids: Sequence[str]) -> dict[str, str]:
        """Which of the ids another firm's case defines, and which firm."""
        wanted = set(ids)
        return {
            node_id: other
            for other, case in sorted(self.cases.items())
            if other != firm_id
            for node_id in node_ids(case)
            if node_id in wanted
        }

    async def count_graph(self) -> tuple[int, int]:
        """The nodes the cases define; the relationships their statement rows name."""
        nodes = sum(1 for case in self.cases.values() for _ in node_ids(case))
        return nodes, sum(_count_relationships(case) for case in self.cases.values())


class MemorySnapshot:
    """A frozen copy of the cases (the cases themselves are never changed in place)."""

    def __init__(self, cases: dict[str, CaseFile]) -> None:
        self.cases = MemoryCaseReader(dict(cases))

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Not offered: the in-memory store runs no Cypher."""
        _no_cypher()


class MemoryStore:
    """The store port's case and key capabilities in memory; a staged load works on a copy."""

    backend = "memory"

    def __init__(self) -> None:
        self.keys = MemoryKeyStore()
        self.cases = MemoryCases()
        self.closed = False

    @staticmethod
    def _no_cypher() -> NoReturn:
        _no_cypher()

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Not offered: the in-memory store runs no Cypher."""
        self._no_cypher()

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Not offered: the in-memory store runs no Cypher."""
        self._no_cypher()

    async def run_readonly(
        self, text: str, params: Mapping[str, Any], *, limits: AdhocLimits, check: PlanCheck
    ) -> AdhocResult:
        """Not offered: the in-memory store runs no Cypher."""
        self._no_cypher()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[MemorySnapshot]:
        """The cases as they are now, whatever is written while the block runs."""
        yield MemorySnapshot(self.cases.cases)

    @asynccontextmanager
    async def bulk_load(self, *, with_keys: bool = False) -> AsyncIterator[BulkLoad]:
        """A staged load: the keys are copied, and the copy replaces them when the block
        ends (the graph itself runs no Cypher, so it is this store, unwritable)."""
        staged = MemoryKeyStore(copy.deepcopy(self.keys.records)) if with_keys else self.keys
        yield BulkLoad(graph=self, keys=staged, staged=True)
        self.keys = staged

    async def ping(self) -> None:
        """Answer at once."""

    async def info(self) -> StoreInfo:
        """The backend's name; no engine."""
        return StoreInfo(backend=self.backend, engine_version="in memory", location="memory")

    async def ensure_schema(self) -> None:
        """Nothing to create."""

    async def close(self) -> None:
        """Forget nothing; mark the store closed."""
        self.closed = True


def _count_relationships(case: CaseFile) -> int:
    """About as many relationships as the graph holds for a case: one a statement row (a
    node's link to its firm, or the relationship the row is) and one a reference it names."""
    count = 0
    for name, rows in case_params(case).items():
        if name == "ids" or not isinstance(rows, list):
            continue
        for row in rows:
            references = [v for k, v in row.items() if k not in _ROW_OWN_FIELDS]
            count += 1 + sum(len(v) if isinstance(v, list) else v is not None for v in references)
    return count


_ROW_OWN_FIELDS = {"id", "props", "from", "to", "direction"}


def _in_graph_order(case: CaseFile) -> CaseFile:
    """The case in the order the graph gives it back: each section's records by id, and the
    records each one references (relationships in the graph) sorted."""

    def reference_order(item: Any) -> Any:
        if isinstance(item, str):
            return item
        return tuple(str(getattr(item, name, "")) for name in ("unit", "source", "target"))

    def in_order(record: Any, section: str) -> Any:
        lists = {
            name: tuple(sorted(getattr(record, name), key=reference_order))
            for name in REFERENCE_FIELDS.get(section, ())
            if isinstance(getattr(record, name), tuple | list)
        }
        return record.model_copy(update=lists)

    return case.model_copy(
        update={
            section: tuple(
                sorted(
                    (in_order(record, section) for record in getattr(case, section)),
                    key=lambda record: record.id,
                )
            )
            for section in SECTIONS
        }
    )
