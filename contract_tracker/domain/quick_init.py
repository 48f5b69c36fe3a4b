"""Frozen dataclasses that are quick to make.

A frozen dataclass's own __init__ sets each field with object.__setattr__, to get past the
__setattr__ that keeps it frozen: twice the cost of writing the instance's __dict__, which is what
unpickling does. The deadline engine makes millions of its values in a national load, so the ones
it makes most are decorated with `quick_init`: the same parameters and defaults, written straight
into __dict__. Still frozen, equal, hashable and printable as dataclasses are.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")


def quick_init(cls: type[T]) -> type[T]:
    """`cls`, a frozen dataclass, with an __init__ that fills its __dict__ (put it above @dataclass)."""
    names, parameters, defaults = [], [], {}
    for field in fields(cls):
        if not field.init or field.kw_only or field.default_factory is not MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{field.name} needs the dataclass's own __init__")
        names.append(field.name)
        if field.default is MISSING:
            parameters.append(field.name)
        else:
            defaults[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
    lines = [f"def __init__(self, {', '.join(parameters)}):", "    values = self.__dict__"]
    lines += [f"    values[{name!r}] = {name}" for name in names]
    if hasattr(cls, "__post_init__"):
        lines.append("    self.__post_init__()")
    made: dict = {}
    exec("\n".join(lines), defaults, made)  # as dataclasses writes its own __init__
    made["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = made["__init__"]  # type: ignore[method-assign]
    return cls
