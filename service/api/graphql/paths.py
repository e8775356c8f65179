"""GraphQL: reverse transfer paths, dissemination and the circulation of knowledge."""

from collections.abc import Iterable
from typing import Annotated

import strawberry

from service.api.graphql.arguments import Paging, grouped
from service.api.graphql.context import Info
from service.api.graphql.scalars import PartialDate, stored_date
from service.api.graphql.types import (
    COMPUTED_PAGES,
    Connection,
    Flow,
    IntegrationEvent,
    Knowledge,
    LearningEvent,
    Unit,
    make_connection,
)
from service.model import enums
from service.services import paths
from service.services.dating import parse_as_of
from service.services.navigation import Related

strawberry.enum(enums.PathRole, description="What a unit does on one path.")
strawberry.enum(enums.Stage, description="A step in the life of a knowledge item.")


# Hops carry their unit as a plain field, loaded for the whole answer in one batch before
# the answer is built: an async resolver per hop costs more than the hop (20 paths of 4 hops
# were 80 awaited resolvers per request).
@strawberry.type(description="One unit on a path, and the flow that brought knowledge to it.")
class Hop:
    role: enums.PathRole
    flow: Flow | None = strawberry.field(description="Null on the first hop.")
    unit: Unit


@strawberry.type(description="A route knowledge took, hop by hop, in order.")
class KnowledgePath:
    length: int = strawberry.field(description="Number of flows on the path.")
    hops: list[Hop]


Units = dict[str, Unit]


async def units_of(info: Info, ids: Iterable[str]) -> Units:
    """The full units of an answer, in one batch through the request's unit loader."""
    wanted = sorted(set(ids))
    views = await info.context.units.load_many(wanted)
    found = {}
    for unit_id, view in zip(wanted, views, strict=True):
        assert view is not None, f"unit {unit_id} vanished during the request"
        found[unit_id] = Unit.from_view(view)
    return found


def path_of(path: paths.KnowledgePath, units: Units) -> KnowledgePath:
    return KnowledgePath(length=path.length, hops=hops_of(path.hops, units))


def hops_of(hops: list[paths.Hop], units: Units) -> list[Hop]:
    return [
        Hop(
            role=hop.role,
            flow=Flow.from_view(hop.flow) if hop.flow else None,
            unit=units[hop.unit.id],
        )
        for hop in hops
    ]


@strawberry.type(description="A unit reached by dissemination, with one shortest route.")
class Reach:
    distance: int
    route: list[Hop]
    unit: Unit


@strawberry.type(description="One step of a circulation; exactly one of its details is set.")
class CirculationStep:
    stage: enums.Stage
    date: PartialDate | None
    learning: LearningEvent | None
    flow: Flow | None
    integration: IntegrationEvent | None


@strawberry.type(description="The whole life of one knowledge item (Fu et al., Table 5).")
class Circulation:
    knowledge: Knowledge
    learned: list[LearningEvent]
    reverse_transfer_paths: list[KnowledgePath]
    integrations: list[IntegrationEvent]
    disseminations: list[Flow] = strawberry.field(
        description="Where it went afterwards, down the hierarchy and sideways."
    )
    timeline: list[CirculationStep] = strawberry.field(
        description="Everything above in time order; undated steps follow the cycle's order."
    )


@strawberry.type(
    name="KnowledgePathConnection",
    description="A page of results; ask for totalCount only when you need it.",
)
class KnowledgePathConnection(Connection[KnowledgePath]):
    undated_excluded: int = strawberry.field(
        default=0,
        description="With asOf: the paths walked for this page that were left out because "
        "a hop has no dated flow (0 without asOf).",
    )


@strawberry.type
class PathsQuery:
    @strawberry.field(
        description=(
            "Paths upward from a unit to its HQ capability centre (or `to`), shortest first. "
            "Hops follow upward or horizontal flows; no unit is visited twice. With `knowledge`, "
            "every hop carries it and dates never go back in time. Without it, a path is a "
            "route of units and each hop shows the earliest flow between its two units, so the "
            "knowledge item (each hop's flow.knowledge) may change from hop to hop. maxHops is "
            "1-6. totalCount "
            "counts up to 1,000 paths. Where more than 20,000 paths lie within maxHops, too "
            "many to rank shortest first, the request fails with INVALID_ARGUMENT on maxHops. "
            "asOf (YYYY, YYYY-MM or YYYY-MM-DD) keeps only paths whose every hop is dated on "
            "or before it; undatedExcluded counts those left out for an undated hop."
            + COMPUTED_PAGES
        )
    )
    @grouped
    async def reverse_transfer_paths(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID | None = None,
        knowledge: strawberry.ID | None = None,
        max_hops: int = 4,
        paging: Paging = Paging(),
        same_knowledge: Annotated[
            bool,
            strawberry.argument(
                description="Without `knowledge`: only trails that carry one item all the "
                "way (of any item the unit sent), instead of routes of units."
            ),
        ] = False,
        as_of: PartialDate | None = None,
    ) -> KnowledgePathConnection | None:
        question = paths.PathQuestion(
            unit_id=str(from_),
            to_id=str(to) if to else None,
            knowledge_id=str(knowledge) if knowledge else None,
            max_hops=max_hops,
            as_of=parse_as_of(value=as_of),
            same_knowledge=same_knowledge,
        )

        async def count() -> int:
            return await paths.count_reverse_transfer_paths(info.context.store, question=question)

        page = await paging.position(info, count)
        result = await paths.list_reverse_transfer_paths(
            info.context.store, question=question, page=page
        )

        info.context.remember(Related(units=result.units))
        units = await units_of(info, (h.unit.id for p in result.paths for h in p.hops))
        connection = make_connection([path_of(p, units) for p in result.paths], page, count)
        return KnowledgePathConnection(
            edges=connection.edges,
            page_info=connection.page_info,
            count=connection.count,
            undated_excluded=result.undated_excluded,
        )

    @strawberry.field(description="The whole circulation of one knowledge item, in time order.")
    async def circulation(self, info: Info, knowledge: strawberry.ID) -> Circulation | None:
        result = await paths.get_circulation(info.context.store, knowledge_id=str(knowledge))
        units = await units_of(
            info, (h.unit.id for p in result.reverse_transfer_paths for h in p.hops)
        )
        return Circulation(
            knowledge=Knowledge.from_view(result.knowledge),
            learned=[LearningEvent.from_view(e) for e in result.learning],
            reverse_transfer_paths=[path_of(p, units) for p in result.reverse_transfer_paths],
            integrations=[IntegrationEvent.from_view(i) for i in result.integrations],
            disseminations=[Flow.from_view(f) for f in result.disseminations],
            timeline=[
                CirculationStep(
                    stage=step.stage,
                    date=stored_date(step.date),
                    learning=LearningEvent.from_view(step.learning) if step.learning else None,
                    flow=Flow.from_view(step.flow) if step.flow else None,
                    integration=IntegrationEvent.from_view(step.integration)
                    if step.integration
                    else None,
                )
                for step in result.timeline
            ],
        )

    @strawberry.field(
        description=(
            "Units a unit's knowledge reached downward and sideways within maxHops (1-6), "
            "nearest first, each with one shortest route."
        )
    )
    async def dissemination(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        knowledge: strawberry.ID | None = None,
        max_hops: int = 3,
    ) -> list[Reach] | None:
        reaches = await paths.list_dissemination(
            info.context.store,
            unit_id=str(from_),
            knowledge_id=str(knowledge) if knowledge else None,
            max_hops=max_hops,
        )
        units = await units_of(info, (h.unit.id for r in reaches for h in r.route))
        return [
            Reach(distance=r.distance, route=hops_of(r.route, units), unit=units[r.unit.id])
            for r in reaches
        ]
