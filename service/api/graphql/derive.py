"""GraphQL types derived from the pydantic models the services return.

An entity's fields, their order and their descriptions are declared once, on its model
(`service.model.views`, or a service's result type). `fields_of(Model)` gives a GraphQL
type every field of the model that the class does not say otherwise about: a field the class
resolves itself (a method), a field it annotates itself (another type or description), one
it inherits (`Node.id`) or one it skips is left to the class. `Derived.from_model` then
fills such a type from a model instance, nested models included, and `graphql_object`
finds the type of any model instance. `input_of(Record)` does the same for a GraphQL input
from a case record (`service.model.case`): its ids become ID, its dates PartialDate.

Strawberry's own pydantic integration (`strawberry.experimental.pydantic.type`) puts
resolver fields before the model's fields and types `id` as String, so it would reorder
and retype the published schema; this keeps it as it is.
"""

import dataclasses
import functools
import inspect
import operator
import types
from collections.abc import Callable, Iterable, Mapping
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

import strawberry
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from service.api.graphql.scalars import PartialDate
from service.model import case

T = TypeVar("T")

_TYPE_OF_MODEL: dict[type[BaseModel], type["Derived"]] = {}
_INPUT_OF_MODEL: dict[type[BaseModel], type] = {}


def _graphql_annotation(
    annotation: Any, types_of_models: Mapping[type[BaseModel], type] = _TYPE_OF_MODEL
) -> Any:
    """The GraphQL-side annotation of a model field: ids (`case.Id`) become ID, partial dates
    PartialDate, tuples lists, and models the types `types_of_models` gives them."""
    if annotation == case.Id:
        return strawberry.ID
    if annotation == case.PartialDate:
        return PartialDate
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _graphql_annotation(args[0], types_of_models)
    if origin in (tuple, list):
        return list[_graphql_annotation(args[0], types_of_models)]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        return functools.reduce(
            operator.or_, (_graphql_annotation(arg, types_of_models) for arg in args)
        )
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return types_of_models[annotation]
    return annotation


def fields_of(
    model: type[BaseModel], *, skip: Iterable[str] = (), ids: Mapping[str, str] | None = None
) -> Callable[[type[T]], type[T]]:
    """Give the decorated class (before `strawberry.type`) the fields of `model`; `ids` names,
    for each private id field, the model field it is read from (see `Derived`)."""

    def derive(cls: type[T]) -> type[T]:
        own = dict(inspect.get_annotations(cls))
        inherited = {name for base in cls.__mro__[1:] for name in inspect.get_annotations(base)}
        fields: dict[str, Any] = {}
        for name, field in model.model_fields.items():
            resolved_by_class = name in cls.__dict__ and name not in own
            if name in skip or name in inherited or resolved_by_class:
                continue
            if name in own:
                fields[name] = own.pop(name)
            else:
                fields[name] = _graphql_annotation(field.annotation)
            if field.description and name not in cls.__dict__:
                setattr(cls, name, strawberry.field(description=field.description))
        cls.__annotations__ = fields | own
        if ids is not None:
            setattr(cls, "ids_from", dict(ids))  # noqa: B010
        if isinstance(cls, type) and issubclass(cls, Derived):
            _TYPE_OF_MODEL[model] = cls
        return cls

    return derive


def input_of(
    model: type[BaseModel], *, skip: Iterable[str] = (), last: Iterable[str] = ()
) -> Callable[[type[T]], type[T]]:
    """Give the decorated class (before `strawberry.input`) the fields of `model`, after the
    class's own: each with the model's default, description and alias (its GraphQL name);
    the fields named in `last` go at the end."""

    def derive(cls: type[T]) -> type[T]:
        annotations = get_type_hints(model, include_extras=True)
        last_names = [name for name in last if name in model.model_fields]
        names = [name for name in model.model_fields if name not in last_names] + last_names
        fields = dict(inspect.get_annotations(cls))
        for name in names:
            if name in skip:
                continue
            field = model.model_fields[name]
            fields[name] = _graphql_annotation(annotations[name], _INPUT_OF_MODEL)
            # An id's description is its type's (what an id looks like), not what it refers to.
            description = None if annotations[name] == case.Id else field.description
            options: dict[str, Any] = {"description": description, "name": field.alias}
            if field.default == ():
                options["default_factory"] = list
            elif field.default is not PydanticUndefined:
                options["default"] = field.default
            setattr(cls, name, strawberry.field(**options))
        cls.__annotations__ = fields
        _INPUT_OF_MODEL[model] = cls
        return cls

    return derive


def _graphql_value(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_graphql_value(item) for item in value]
    if isinstance(value, BaseModel):
        return graphql_object(value)
    return value


def graphql_object(instance: BaseModel) -> "Derived":
    """The GraphQL object of a model instance, of the type derived from its model."""
    return _TYPE_OF_MODEL[type(instance)].from_view(instance)


def _id_of(value: Any) -> Any:
    """An id as the model holds it: itself, or the id of a reference."""
    return getattr(value, "id") if isinstance(value, BaseModel) else value  # noqa: B009


@dataclasses.dataclass(frozen=True)
class _Reader:
    """How a GraphQL type reads a model's instances: the fields it takes as they are, in one
    call, and those whose values it converts (lists, and models nested in them)."""

    plain: tuple[str, ...]
    read_plain: Callable[[Any], tuple[Any, ...]]
    converted: tuple[str, ...]


_READERS: dict[tuple[type, type[BaseModel]], _Reader] = {}


def _holds_plain_values(annotation: Any) -> bool:
    """Whether a field so annotated never holds a list, a tuple or a model (which
    `_graphql_value` converts); `Any`, `object` and containers are not known to."""
    origin = get_origin(annotation)
    if origin is Literal:
        return True
    if origin in (Annotated, Union, types.UnionType):
        arguments = get_args(annotation)[:1] if origin is Annotated else get_args(annotation)
        return all(_holds_plain_values(argument) for argument in arguments)
    return (
        isinstance(annotation, type)
        and origin is None
        and annotation is not object
        and not issubclass(annotation, (tuple, list, BaseModel))
    )


def _reader(cls: type, model: type[BaseModel]) -> _Reader:
    """The fields a GraphQL type takes that the model has, split by whether their values are
    converted (found once per pair: every object of every answer is built through here)."""
    found = _READERS.get((cls, model))
    if found is None:
        shared = [
            field.name
            for field in dataclasses.fields(cls)
            if field.init and field.name in model.model_fields
        ]
        plain = tuple(
            name for name in shared if _holds_plain_values(model.model_fields[name].annotation)
        )
        getter = operator.attrgetter(*plain) if plain else (lambda _instance: ())
        found = _READERS[cls, model] = _Reader(
            plain=plain,
            read_plain=(lambda instance: (getter(instance),)) if len(plain) == 1 else getter,
            converted=tuple(name for name in shared if name not in plain),
        )
    return found


class Derived:
    """A GraphQL type whose plain fields come from a pydantic model (see `fields_of`).

    `ids_from` names, for each private id field, the model field it is read from (an id,
    a tuple of ids, or a reference whose id is kept): the resolvers load what they name.
    """

    ids_from: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def from_model(cls, instance: BaseModel, **given: Any) -> Self:
        """The GraphQL object for a model instance; `given` sets what the model lacks."""
        reader = _reader(cls, type(instance))
        values = dict(zip(reader.plain, reader.read_plain(instance), strict=True))
        for name in reader.converted:
            values[name] = _graphql_value(getattr(instance, name))
        values.update(given)
        return cls(**values)

    @classmethod
    def from_view(cls, view: Any) -> Self:
        """The GraphQL object for a view, its private ids read as `ids_from` says."""
        ids = {private: _id_of(getattr(view, name)) for private, name in cls.ids_from.items()}
        return cls.from_model(view, **ids)
