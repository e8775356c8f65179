"""Which units cut others off from the HQ level: the dominator tree of the upward graph,
checked against removing each unit in turn on random graphs."""

import random
from typing import Any

import networkx as nx
import pytest

from service.services import analytics
from tests.helpers import cut_off_by_brute_force

pytestmark = pytest.mark.unit


def upward_graph(edges: list[tuple[str, str]], units: list[str], target: str) -> Any:
    graph = analytics.UpwardGraph(firm="t", target=target, roles={})
    for source, receiver in edges:
        graph.receivers.setdefault(source, []).append(receiver)
        graph.senders.setdefault(receiver, []).append(source)
    return graph


def test_dominator_cut_off_sets_agree_with_removing_each_unit_on_random_graphs() -> None:
    rng = random.Random(7)
    for trial in range(200):
        size = rng.randint(2, 30)
        units = [f"u{i}" for i in range(size)]
        edges = list(
            {(a, b) for _ in range(rng.randint(0, 3 * size)) for a, b in [rng.sample(units, 2)]}
        )
        tree = analytics.build_dominator_tree(graph=upward_graph(edges, units, "u0"))
        assert tree is not None
        reference = nx.DiGraph(edges)
        reference.add_nodes_from(units)
        expected = cut_off_by_brute_force(reference, "u0")
        counts = tree.count_cut_off()
        for unit in units[1:]:
            assert set(tree.list_cut_off(unit=unit)) == expected[unit], (trial, unit)
            assert counts.get(unit, 0) == len(expected[unit]), (trial, unit)
