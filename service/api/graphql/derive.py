"""GraphQL types derived from the pydantic models the services return.

An entity's fields, their order and their descriptions are declared once, on its model
(`service.model.views`, or a service's result type). `fields_of(Model)` gives a GraphQL
type every field of the model that the class does not say otherwise about: a field the class
resolves itself (a method), a field it annotates itself (another type or description), one
it inherits (`Node.id`) or one it skips is left to the class. `Derived.from_model` then
fills such a type from a model instance, nested models included, and `graphql_object`
finds the type of any model instance.

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
from typing import Any, ClassVar, Self, TypeVar, Union, get_args, get_origin

import strawberry
from pydantic import BaseModel

T = TypeVar("T")

_TYPE_OF_MODEL: dict[type[BaseModel], type["Derived"]] = {}


def _graphql_annotation(annotation: Any) -> Any:
    """The GraphQL-side annotation of a model field: tuples become lists, models their types."""
    origin = get_origin(annotation)
    if origin in (tuple, list):
        return list[_graphql_annotation(get_args(annotation)[0])]  # type: ignore[misc]
    if origin in (Union, types.UnionType):
        return functools.reduce(operator.or_, map(_graphql_annotation, get_args(annotation)))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _TYPE_OF_MODEL[annotation]
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


_FIELDS_SHARED: dict[tuple[type, type[BaseModel]], tuple[str, ...]] = {}


def _fields_shared(cls: type, model: type[BaseModel]) -> tuple[str, ...]:
    """The fields a GraphQL type takes that the model has (found once per pair: every object
    of every answer is built through here)."""
    found = _FIELDS_SHARED.get((cls, model))
    if found is None:
        found = _FIELDS_SHARED[cls, model] = tuple(
            field.name
            for field in dataclasses.fields(cls)
            if field.init and field.name in model.model_fields
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
        values = {
            name: _graphql_value(getattr(instance, name))
            for name in _fields_shared(cls, type(instance))
            if name not in given
        }
        return cls(**values, **given)

    @classmethod
    def from_view(cls, view: Any) -> Self:
        """The GraphQL object for a view, its private ids read as `ids_from` says."""
        ids = {private: _id_of(getattr(view, name)) for private, name in cls.ids_from.items()}
        return cls.from_model(view, **ids)
