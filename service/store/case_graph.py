"""The port's cases on a graph reached with Cypher: what both adapters offer as `cases`."""

from collections.abc import Sequence
from typing import TextIO

from service import cypher
from service.model.case import CaseFile
from service.store.case_json import read_case, write_case_json
from service.store.cases import case_params
from service.store.port import GraphReader, GraphStore

CASES = cypher.Folder("cases")
STORE = cypher.Folder("store")


class GraphCaseReader:
    """The cases a graph, or a snapshot of it, holds, read with `cypher/cases/`."""

    def __init__(self, graph: GraphReader) -> None:
        self.graph = graph

    async def list_firm_ids(self) -> list[str]:
        """The ids of the firms in the graph, in order."""
        return [str(row["firm"]["id"]) for row in await self.graph.read(CASES.list_firms)]

    async def read_case(self, firm_id: str) -> CaseFile | None:
        """A firm's case as the graph holds it."""
        return await read_case(self.graph, firm_id=firm_id)

    async def write_case_json(
        self, out: TextIO, *, firm_id: str, depth: int, prefix: str = ""
    ) -> bool:
        """Write a firm's case as JSON, a page of the graph at a time."""
        return await write_case_json(self.graph, out, firm_id=firm_id, depth=depth, prefix=prefix)


class GraphCases(GraphCaseReader):
    """Whole cases of a store: each one written by `cases/merge_case`, one atomic statement."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(store)
        self.store = store

    async def put_case(self, case: CaseFile) -> None:
        """Write a case in one statement, replacing the firm's previous version."""
        await self.store.write(CASES.merge_case, case_params(case))

    async def find_foreign_ids(self, *, firm_id: str, ids: Sequence[str]) -> dict[str, str]:
        """Which of `ids` another firm's nodes hold, and which firm."""
        rows = await self.store.read(CASES.find_foreign_ids, {"firmId": firm_id, "ids": list(ids)})
        return {row["node"]["id"]: row["node"]["firm"] for row in rows}

    async def count_graph(self) -> tuple[int, int]:
        """How many nodes and relationships the graph holds (two statements, each O(1))."""
        nodes = await self.store.read(STORE.count_graph_nodes)
        relationships = await self.store.read(STORE.count_graph_relationships)
        return (
            int(nodes[0]["nodes"]) if nodes else 0,
            int(relationships[0]["relationships"]) if relationships else 0,
        )
