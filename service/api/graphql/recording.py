"""GraphQL: recording new facts (typed results, nothing written on failure) and the feed of
what was recorded."""

import datetime
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from strawberry.utils.str_converters import to_camel_case

from service.api.graphql.context import Info
from service.api.graphql.derive import input_of
from service.api.graphql.types import Flow, IntegrationEvent, Unit, from_epoch_ms
from service.model import case, enums
from service.model.enums import Channel
from service.services import recording
from service.services.errors import FieldProblem, RecordRejected
from service.services.feed import watch_recorded

T = TypeVar("T")

strawberry.enum(enums.Paper, description="FU2018, SARTORIUS2024 or SENN2013.")
# A record field's GraphQL name: its alias (a link's `from` and `to`), else its camel case.
_ALIASES = {name: field.alias for name, field in case.Link.model_fields.items() if field.alias}


# What kflow sets itself (recorded_at) is no input; the citation and assumption every fact
# carries come after the record's own fields.
def _record_input(model: type[case.Fact]) -> Callable[[type[T]], type[T]]:
    return input_of(model, skip={"recorded_at"}, last=case.Fact.model_fields)


@strawberry.input(description="Where in which paper the fact comes from.")
@input_of(case.Citation)
class CitationInput:
    pass


@strawberry.input
@_record_input(case.Unit)
class UnitInput:
    firm: strawberry.ID


@strawberry.input
@_record_input(case.Flow)
class FlowInput:
    pass


@strawberry.input
@_record_input(case.LearningEvent)
class LearningEventInput:
    pass


@strawberry.input
@_record_input(case.IntegrationEvent)
class IntegrationEventInput:
    pass


@strawberry.input
@_record_input(case.Support)
class SupportInput:
    pass


@strawberry.type(description="One thing wrong with the input.")
class Problem:
    field: str = strawberry.field(description="The input field, e.g. 'to' or 'knowledge[1]'.")
    message: str


@strawberry.type(description="The record breaks a rule of the model; nothing was written.")
class Rejected:
    problems: list[Problem]


@strawberry.type
class UnitRecorded:
    unit: Unit


@strawberry.type
class FlowRecorded:
    flow: Flow


@strawberry.type
class LearningEventRecorded:
    id: strawberry.ID
    channel: Channel


@strawberry.type
class IntegrationEventRecorded:
    event: IntegrationEvent


@strawberry.type
class SupportRecorded:
    id: strawberry.ID


RecordUnitResult = Annotated[UnitRecorded | Rejected, strawberry.union("RecordUnitResult")]
RecordFlowResult = Annotated[FlowRecorded | Rejected, strawberry.union("RecordFlowResult")]
RecordLearningEventResult = Annotated[
    LearningEventRecorded | Rejected, strawberry.union("RecordLearningEventResult")
]
RecordIntegrationEventResult = Annotated[
    IntegrationEventRecorded | Rejected, strawberry.union("RecordIntegrationEventResult")
]
RecordSupportResult = Annotated[SupportRecorded | Rejected, strawberry.union("RecordSupportResult")]


def _field_name(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "input"  # a rule about the record as a whole
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = _ALIASES.get(str(part)) or to_camel_case(str(part))
            text += f".{name}" if text else name
    return text


def _rejected(problems: list[FieldProblem]) -> Rejected:
    return Rejected(problems=[Problem(field=p.field, message=p.message) for p in problems])


M = TypeVar("M", bound=BaseModel)
V = TypeVar("V")
R = TypeVar("R")


def _validate(model: type[M], data: Any) -> M | Rejected:
    fields = strawberry.asdict(data)
    fields = {k: v for k, v in fields.items() if v is not None and k != "firm"}
    try:
        return model.model_validate(fields)
    except ValidationError as err:
        return _rejected(
            [FieldProblem(_field_name(e["loc"]), e["msg"]) for e in err.errors(include_url=False)]
        )


async def _record(
    model: type[M], data: Any, record: Callable[[M], Awaitable[V]], answer: Callable[[V], R]
) -> R | Rejected:
    """Validate the input with the seed model, record it, and answer: typed either way."""
    validated = _validate(model, data)
    if isinstance(validated, Rejected):
        return validated
    try:
        return answer(await record(validated))
    except RecordRejected as err:
        return _rejected(err.problems)


@strawberry.type
class RecordingMutation:
    @strawberry.mutation(description="Add a unit to a firm's hierarchy.")
    async def record_unit(self, info: Info, input: UnitInput) -> RecordUnitResult:
        store, firm = info.context.store, str(input.firm)
        return await _record(
            case.Unit,
            input,
            lambda unit: recording.record_unit(store, firm_id=firm, unit=unit),
            lambda view: UnitRecorded(unit=Unit.from_view(view)),
        )

    @strawberry.mutation(description="Record knowledge passed between two units of a firm.")
    async def record_flow(self, info: Info, input: FlowInput) -> RecordFlowResult:
        store = info.context.store
        return await _record(
            case.Flow,
            input,
            lambda flow: recording.record_flow(store, flow=flow),
            lambda view: FlowRecorded(flow=Flow.from_view(view)),
        )

    @strawberry.mutation(description="Record what a unit learned from an outside source.")
    async def record_learning_event(
        self, info: Info, input: LearningEventInput
    ) -> RecordLearningEventResult:
        store = info.context.store
        return await _record(
            case.LearningEvent,
            input,
            lambda event: recording.record_learning_event(store, event=event),
            lambda recorded: LearningEventRecorded(
                id=strawberry.ID(recorded.id), channel=recorded.channel
            ),
        )

    @strawberry.mutation(description="Record a leverage, renew or release event.")
    async def record_integration_event(
        self, info: Info, input: IntegrationEventInput
    ) -> RecordIntegrationEventResult:
        store = info.context.store
        return await _record(
            case.IntegrationEvent,
            input,
            lambda event: recording.record_integration_event(store, event=event),
            lambda view: IntegrationEventRecorded(event=IntegrationEvent.from_view(view)),
        )

    @strawberry.mutation(description="Record support one unit gave another.")
    async def record_support(self, info: Info, input: SupportInput) -> RecordSupportResult:
        store = info.context.store
        return await _record(
            case.Support,
            input,
            lambda support: recording.record_support(store, support=support),
            lambda view: SupportRecorded(id=strawberry.ID(view.id)),
        )


@strawberry.type(description="A flow or an integration event, as it was recorded.")
class Recorded:
    recorded_at: datetime.datetime
    flow: Flow | None
    integration_event: IntegrationEvent | None


@strawberry.type
class RecordingSubscription:
    @strawberry.subscription(
        description=(
            "New flows and integration events as they are recorded through the API, optionally "
            "of one firm. Read from the store, so every API replica sees every record."
        )
    )
    async def recorded(
        self, info: Info, firm: strawberry.ID | None = None
    ) -> AsyncGenerator[Recorded, None]:
        feed = watch_recorded(info.context.store, firm_id=str(firm) if firm else None)
        async for record in feed:
            yield Recorded(
                recorded_at=from_epoch_ms(record.recorded_at),
                flow=Flow.from_view(record.flow) if record.flow else None,
                integration_event=IntegrationEvent.from_view(record.event)
                if record.event
                else None,
            )
