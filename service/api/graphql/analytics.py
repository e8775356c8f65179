"""GraphQL: what a release would cut off, transfer lag, and the robustness scorecard."""

import strawberry

from service.api.graphql.arguments import Paging, grouped
from service.api.graphql.context import Info
from service.api.graphql.derive import Derived, fields_of
from service.api.graphql.scalars import PartialDate
from service.api.graphql.types import (
    COMPUTED_PAGES,
    Connection,
    Knowledge,
    Unit,
    load_unit,
    make_connection,
    optional_unit_field,
    shows_unit,
    unit_field,
)
from service.services import analytics
from service.services.dating import parse_as_of


@strawberry.type(description="A unit whose release would cut other units off from the centre.")
@fields_of(analytics.CriticalUnit)
@shows_unit
class CriticalUnit(Derived):
    pass


@strawberry.type(
    description="The release question of Fu, Sun & Ghauri's Table 3 asked of every unit at "
    "once: the units that dominate others on the upward-flow graph (upward and sideways "
    "flows, as SENDS pairs), i.e. lie on every route those units have to the HQ capability "
    "centre (the HQ where there is no centre)."
)
@fields_of(analytics.CriticalUnits, skip={"firm", "ranked"})
class CriticalUnits(Derived):
    # A plain field, loaded with the answer: one unit, through the request's batched loader.
    target: Unit | None = strawberry.field(
        description="The HQ capability centre, or the HQ, the routes lead to."
    )
    answer: strawberry.Private[analytics.CriticalUnits]

    @strawberry.field(
        description="The units whose release cuts any unit off, most cut off first, then by id."
        + COMPUTED_PAGES
    )
    @grouped
    async def units(self, info: Info, paging: Paging = Paging()) -> Connection[CriticalUnit]:
        shown, page, count = await paging.slice(info, self.answer.ranked)
        return make_connection([CriticalUnit.from_view(c) for c in shown], page, count)


@strawberry.type(description="What would no longer reach the HQ capability centre without a unit.")
class ReleaseImpact:
    answer: strawberry.Private[analytics.ReleaseImpact]

    unit = unit_field("answer.unit", description="The unit that would be released.")

    target = optional_unit_field(
        "answer.target", description="The HQ capability centre, or the HQ, the routes lead to."
    )

    @strawberry.field(description="Whether the unit itself has an upward route to the target.")
    def has_route(self) -> bool:
        return self.answer.has_route

    @strawberry.field(
        description="Ids of the units that would lose every upward route to the target, by id."
    )
    def cut_off_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(unit) for unit in self.answer.cut_off]

    @strawberry.field(
        description="The units that would be cut off, a page at a time, by id." + COMPUTED_PAGES
    )
    @grouped
    async def cut_off(self, info: Info, paging: Paging = Paging()) -> Connection[Unit]:
        shown, page, count = await paging.slice(info, self.answer.cut_off)
        return make_connection([await load_unit(info, unit) for unit in shown], page, count)

    @strawberry.field(
        description="Knowledge that reached the target and that only the released unit and "
        "the units it cuts off learned: it would no longer come up (at most 500)."
    )
    def lost_knowledge(self) -> list[Knowledge]:
        return [Knowledge.from_view(view) for view in self.answer.lost_knowledge]

    @strawberry.field(description="More knowledge would be lost than lostKnowledge lists.")
    def lost_knowledge_truncated(self) -> bool:
        return self.answer.lost_knowledge_truncated


@strawberry.type(
    description="Months from a learning event to a later step, over the events where both "
    "are dated; a lag is measured at the coarser precision of the two dates."
)
@fields_of(analytics.LagDistribution)
class LagDistribution(Derived):
    pass


@strawberry.type(description="Transfer lag of the knowledge one unit learned.")
@fields_of(analytics.UnitLag)
@shows_unit
class UnitLag(Derived):
    pass


@strawberry.type(
    description="How long learned knowledge took: toHq, from the learning event to the first "
    "flow carrying the item into the HQ or its capability centre; toIntegration, to the "
    "first integration event that used it. Only dated facts are measured."
)
@fields_of(analytics.TransferLag, skip={"firm"})
class TransferLag(Derived):
    unit_lags: strawberry.Private[list[analytics.UnitLag]]

    @strawberry.field(description="Per learning unit, by id, a page at a time." + COMPUTED_PAGES)
    @grouped
    async def units(self, info: Info, paging: Paging = Paging()) -> Connection[UnitLag]:
        shown, page, count = await paging.slice(info, self.unit_lags)
        return make_connection([UnitLag.from_view(u) for u in shown], page, count)


@strawberry.type(description="One measure of the robustness scorecard.")
@fields_of(analytics.Measure)
class Measure(Derived):
    pass


@strawberry.type(
    description="A firm on the measures Fu, Sun & Ghauri's robustness check (Section 5, "
    "Table 4) rests on: learning, sharing up to the hub, and integration."
)
@fields_of(analytics.Scorecard)
class FirmScorecard(Derived):
    pass


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="If this unit were released: the units that would lose every upward "
        "route to the HQ capability centre, and the learned knowledge that would no longer "
        "reach it (release step, Fu, Sun & Ghauri, Table 3)."
    )
    async def release_impact(self, info: Info, unit: strawberry.ID) -> ReleaseImpact:
        answer = await analytics.get_release_impact(info.context.store, unit_id=str(unit))
        return ReleaseImpact(answer=answer)

    @strawberry.field(
        description="A firm's units ranked by how many units their release would cut off from "
        "the HQ capability centre (a dominator tree of the reversed upward-flow graph). asOf "
        "(YYYY, YYYY-MM or YYYY-MM-DD) keeps only the pairs of units whose first flow is dated "
        "on or before it; the pairs left out are counted."
    )
    async def critical_units(
        self, info: Info, firm: strawberry.ID, as_of: PartialDate | None = None
    ) -> CriticalUnits:
        answer = await analytics.list_critical_units(
            info.context.store, firm_id=str(firm), as_of=parse_as_of(value=as_of)
        )
        target = await load_unit(info, answer.target) if answer.target else None
        return CriticalUnits.from_model(answer, target=target, answer=answer)

    @strawberry.field(
        description="Months from learning to HQ arrival and to integration, per learning unit "
        "and for the firm: count, median and 90th percentile; undated steps are counted apart."
    )
    async def transfer_lag(self, info: Info, firm: strawberry.ID) -> TransferLag:
        lag = await analytics.measure_transfer_lag(info.context.store, firm_id=str(firm))
        return TransferLag.from_model(lag, unit_lags=lag.units)

    @strawberry.field(description="A firm's robustness scorecard, each measure defined and cited.")
    async def firm_scorecard(self, info: Info, firm: strawberry.ID) -> FirmScorecard:
        card = await analytics.get_firm_scorecard(info.context.store, firm_id=str(firm))
        return FirmScorecard.from_model(card)

    @strawberry.field(
        description="The scorecards of every firm whose outcome the papers give, successes first."
    )
    async def scorecard_comparison(self, info: Info) -> list[FirmScorecard]:
        cards = await analytics.compare_firm_scorecards(info.context.store)
        return [FirmScorecard.from_model(card) for card in cards]
