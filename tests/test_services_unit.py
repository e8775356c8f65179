"""Service logic and the GraphQL edge's shared pieces, without a store or a server: argument
groups, a page of a list in memory, the GraphQL status of a store failure, the upward graph
as of a date, and the month arithmetic of transfer lag."""

import inspect
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry.schema.schema as strawberry_schema

from service.api import limits
from service.api.deps import Credential
from service.api.graphql.arguments import Dates, Paging, grouped
from service.api.graphql.context import Context
from service.api.graphql.schema import schema
from service.failures import graphql_status_of
from service.model.enums import UnitRole
from service.services import analytics
from service.services.access import Role
from service.services.errors import InvalidArgument, NotFound
from service.services.metrics import FlowCounts
from service.services.navigation import Period, Related
from service.services.paging import encode_cursor
from service.store.port import QueryFailed, StoreFilesLost, StoreUnavailable

pytestmark = pytest.mark.unit


def info(max_page_size: int = 100) -> Any:
    return SimpleNamespace(context=SimpleNamespace(max_page_size=max_page_size))


async def test_a_grouped_resolver_takes_each_groups_arguments_in_its_place() -> None:
    seen: dict[str, Any] = {}

    async def resolve(
        root: object,
        firm: str | None = None,
        dates: Dates = Dates(),
        order: int = 0,
        paging: Paging = Paging(),
    ) -> int:
        seen.update(firm=firm, dates=dates, order=order, paging=paging)
        return 1

    wrapped = grouped(resolve)
    names = list(inspect.signature(wrapped).parameters)
    assert names == ["root", "firm", "since", "until", "order", "first", "after", "last", "before"]
    assert await wrapped(None, firm="acme", until="2001", first=3) == 1
    assert seen == {
        "firm": "acme",
        "dates": Dates(since=None, until="2001"),
        "order": 0,
        "paging": Paging(first=3),
    }
    assert seen["dates"].period == Period(None, "2001")


async def test_a_slice_of_a_list_pages_both_ways_and_counts_it() -> None:
    items = list(range(7))
    shown, page, count = await Paging(first=3).slice(info(), items)
    assert (shown, page.skip, await count()) == ([0, 1, 2, 3], 0, 7)  # one more: a next page
    shown, page, _ = await Paging(first=3, after=encode_cursor(2)).slice(info(), items)
    assert shown == [3, 4, 5, 6]
    shown, page, _ = await Paging(last=2).slice(info(), items)
    assert (shown, page.backward, page.at_end) == ([5, 6], True, True)
    shown, _, _ = await Paging(last=2, before=encode_cursor(5)).slice(info(), items)
    assert shown == [3, 4]


async def test_a_page_larger_than_the_cap_is_refused_naming_the_argument() -> None:
    with pytest.raises(InvalidArgument) as refused:
        await Paging(first=11).slice(info(max_page_size=10), [1])
    assert refused.value.argument == "first"
    with pytest.raises(InvalidArgument) as refused:
        Paging(last=11).keyset(info(max_page_size=10))
    assert refused.value.argument == "last"
    assert Paging(first=50).keyset(info(max_page_size=10), max_size=100).size == 50


def test_only_a_store_that_does_not_answer_fails_a_whole_graphql_response() -> None:
    assert graphql_status_of([StoreUnavailable("down")]) == 503
    assert graphql_status_of([None, NotFound("unit", "x"), StoreUnavailable("down")]) == 503
    assert graphql_status_of([StoreFilesLost("gone")]) == 503
    assert graphql_status_of([QueryFailed("q", "boom"), NotFound("unit", "x"), None]) is None
    assert graphql_status_of([]) is None


def links(*pairs: tuple[str, str, str]) -> analytics.FirmLinks:
    roles = {"ccd": UnitRole.CAPABILITY_CENTRE, "hq": UnitRole.HQ}
    for source, receiver, _ in pairs:
        for unit in (source, receiver):
            roles.setdefault(unit, UnitRole.SUBSIDIARY)
    return analytics.FirmLinks(firm="acme", roles=roles, pairs=list(pairs))


def test_the_upward_graph_as_of_a_date_counts_the_pairs_it_leaves_out() -> None:
    firm = links(("uk", "ccd", "2001-05"), ("de", "uk", ""), ("fr", "ccd", "2003"))
    whole = analytics.build_upward_graph(links=firm, as_of=None)
    assert whole.target == "ccd"  # the capability centre before the HQ
    assert (whole.links, whole.undated_links, whole.later_links) == (3, 0, 0)
    then = analytics.build_upward_graph(links=firm, as_of="2002")
    assert (then.links, then.undated_links, then.later_links) == (1, 1, 1)
    assert then.senders == {"ccd": ["uk"]} and then.receivers == {"uk": ["ccd"]}


def test_the_unit_every_route_passes_through_cuts_the_others_off() -> None:
    firm = links(("a", "hub", ""), ("b", "hub", ""), ("hub", "ccd", ""), ("c", "ccd", ""))
    tree = analytics.build_dominator_tree(
        graph=analytics.build_upward_graph(links=firm, as_of=None)
    )
    assert tree is not None and tree.target == "ccd"
    assert tree.list_cut_off(unit="hub") == ["a", "b"]
    assert tree.list_cut_off(unit="c") == []
    assert tree.count_cut_off()["hub"] == 2


def test_a_firm_without_hq_or_centre_has_no_target() -> None:
    firm = analytics.FirmLinks(firm="x", roles={"a": UnitRole.SUBSIDIARY}, pairs=[])
    assert (
        analytics.build_dominator_tree(graph=analytics.build_upward_graph(links=firm, as_of=None))
        is None
    )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2001", "2003-06", 24.0),  # years: the coarser precision
        ("2001-11", "2002-02", 3.0),
        ("2001-01-01", "2001-01-31", 30 / analytics.DAYS_PER_MONTH),
    ],
)
def test_months_between_two_dates_are_counted_at_the_coarser_precision(
    start: str, end: str, months: float
) -> None:
    assert analytics.count_months_between(start=start, end=end) == pytest.approx(months)


def test_flow_counts_total_every_counterpart() -> None:
    assert FlowCounts(hq=1, hub=2, peer=3).total == 6


async def test_a_request_document_is_parsed_once_and_a_repeated_one_not_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []

    def counting(module: Any) -> None:
        original = module.parse

        def parse(text: Any, **options: Any) -> Any:
            parsed.append(str(getattr(text, "body", text)))
            return original(text, **options)

        monkeypatch.setattr(module, "parse", parse)

    counting(limits)
    counting(strawberry_schema)

    class EmptyStore:
        backend = "memory"

        async def read(self, *_: object) -> list[dict[str, object]]:
            return []

    reader = Credential(token=None, keys=None, anonymous=Role.READER)
    document = "{ firms { id name } }  # parsed once"
    for _ in range(2):
        context = Context(EmptyStore(), credential=reader)  # type: ignore[arg-type]
        answer = await schema.execute(document, context_value=context)
        assert answer.errors is None and answer.data == {"firms": []}
    assert parsed == [document]


def test_only_a_page_of_learning_events_says_what_knowledge_its_items_yielded() -> None:
    knowledge = {"id": "acme-k1", "name": "k1", "kind": "declarative", "domain": "market"}
    item = {"id": "acme-x1", "relatedKnowledge": [{**knowledge, "firm": "acme"}]}
    flows = Related.read_from([item])
    learning = Related.read_from([item], learning=True)
    assert set(flows.knowledge) == set(learning.knowledge) == {"acme-k1"}
    assert flows.learning_knowledge == {}
    assert learning.learning_knowledge == {"acme-x1": ["acme-k1"]}
