"""Groups of GraphQL arguments that many fields take, each declared once.

A resolver decorated with `grouped` names a group as one parameter (`paging: Paging`); the
published field takes the group's arguments in its place, in the group's order, and the
resolver receives them as one object. The schema is the same as if each field listed them.
"""

import dataclasses
import functools
import inspect
import typing
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ParamSpec, TypeVar

from service.api.graphql.context import Info
from service.api.graphql.scalars import PartialDate
from service.services.navigation import Period
from service.services.paging import KeysetRequest, PageRequest, keyset_request, page_request

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Paging:
    """Relay's paging arguments: first/after forward, last/before backward."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def keyset(self, info: Info, *, max_size: int | None = None) -> KeysetRequest:
        """The keyset page asked for, within the request's page-size cap (or `max_size`)."""
        return keyset_request(
            first=self.first,
            after=self.after,
            last=self.last,
            before=self.before,
            max_size=info.context.max_page_size if max_size is None else max_size,
        )

    async def position(self, info: Info, count: Callable[[], Awaitable[int]]) -> PageRequest:
        """The page of a list ordered by position; `last` alone counts it to find its end."""
        total = await count() if self.last is not None and self.before is None else None
        return page_request(
            first=self.first,
            after=self.after,
            last=self.last,
            before=self.before,
            total=total,
            max_size=info.context.max_page_size,
        )

    async def slice(
        self, info: Info, items: Sequence[T]
    ) -> tuple[list[T], PageRequest, Callable[[], Awaitable[int]]]:
        """The page of a list already in memory, the request it answers, and its count."""

        async def count() -> int:
            return len(items)

        page = await self.position(info, count)
        return list(items[page.skip : page.skip + page.limit]), page, count


@dataclasses.dataclass(frozen=True)
class Dates:
    """Partial dates (YYYY, YYYY-MM or YYYY-MM-DD) a dated item must overlap."""

    since: PartialDate | None = None
    until: PartialDate | None = None

    @property
    def period(self) -> Period:
        """The period the services filter by."""
        return Period(self.since, self.until)


_GROUPS: tuple[type, ...] = (Paging, Dates)


def grouped(resolver: Callable[P, Awaitable[R]]) -> Callable[..., Awaitable[R]]:
    """The resolver, taking each argument group it names as the group's own arguments."""
    signature = inspect.signature(resolver)
    groups = {
        name: parameter.annotation
        for name, parameter in signature.parameters.items()
        if parameter.annotation in _GROUPS
    }
    parameters: list[inspect.Parameter] = []
    annotations = {k: v for k, v in resolver.__annotations__.items() if k not in groups}
    for parameter in signature.parameters.values():
        group = groups.get(parameter.name)
        if group is None:
            parameters.append(parameter)
            continue
        hints = typing.get_type_hints(group)
        for field in dataclasses.fields(group):
            parameters.append(
                inspect.Parameter(
                    field.name,
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    default=field.default,
                    annotation=hints[field.name],
                )
            )
            annotations[field.name] = hints[field.name]

    @functools.wraps(resolver)
    async def resolve(*args: Any, **kwargs: Any) -> R:
        for name, group in groups.items():
            own = {
                f.name: kwargs.pop(f.name) for f in dataclasses.fields(group) if f.name in kwargs
            }
            kwargs[name] = group(**own)
        return await resolver(*args, **kwargs)

    resolve.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    resolve.__annotations__ = annotations
    return resolve
