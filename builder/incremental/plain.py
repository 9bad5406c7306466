"""Model values as plain values (tuples, dicts, strings, numbers, None) and back, checked.

The build cache keeps only plain values, which marshal writes and reads (see
`builder.incremental.cache`); what it reads back is made into model values again by a
checked conversion, which raises Damaged for a value of any other shape.
"""

from __future__ import annotations

import contextlib
import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from builder.entries.model import Result
from builder.incremental.cachefile import Damaged

# Checked conversions from plain values (as marshal gives them back) to what a build
# uses: each raises Damaged on a value of another shape.
Check = Callable[[Any], Any]


def fail(what: str) -> typing.NoReturn:
    """Raise Damaged: a value read from the cache is not `what`."""
    raise Damaged(f"a value is not {what}")


def check_for(tp: Any) -> Check:
    """The checked conversion of a plain value to type `tp` (a model dataclass, a named
    tuple, or a typing form of str, int, float, None, Literal, tuple, dict)."""
    scalar = _scalar_check(tp)
    if scalar is not None:
        return scalar
    if dataclasses.is_dataclass(tp) or (isinstance(tp, type) and hasattr(tp, "_fields")):
        return _fields_check(tp)
    return _form_check(tp)


def _scalar_check(tp: Any) -> Check | None:
    """The check of None, str, int, float or Any; None for any other type."""
    if tp is type(None) or tp is None:

        def none(v: Any) -> Any:
            return None if v is None else fail("None")

        return none
    if tp is str or tp is int:
        kind = tp

        def exact(v: Any) -> Any:
            return v if type(v) is kind else fail(kind.__name__)

        return exact
    if tp is float:

        def number(v: Any) -> Any:
            return v if type(v) in (float, int) else fail("a number")

        return number
    if tp is Any:
        return lambda v: v
    return None


def _fields_check(tp: Any) -> Check:
    """The check of a dataclass or named tuple, kept as the tuple of its fields."""
    hints = typing.get_type_hints(tp)
    names = (
        [f.name for f in dataclasses.fields(tp) if f.init]
        if dataclasses.is_dataclass(tp)
        else list(tp._fields)
    )
    checks = [check_for(hints[name]) for name in names]
    n, make = len(checks), typing.cast(Any, tp)

    def record(v: Any) -> Any:
        if type(v) is not tuple or len(v) != n:
            fail(make.__name__)
        return make(*[c(x) for c, x in zip(checks, v, strict=True)])

    return record


def _form_check(tp: Any) -> Check:
    """The check of a typing form: Literal, a union, tuple, list or dict of checked types."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Literal:
        allowed = set(args)

        def literal(v: Any) -> Any:
            return v if type(v) is str and v in allowed else fail(f"one of {sorted(allowed)}")

        return literal
    if origin in (typing.Union, types.UnionType):
        options = [check_for(a) for a in args]

        def union(v: Any) -> Any:
            for option in options:
                with contextlib.suppress(Damaged):
                    return option(v)
            fail(str(tp))

        return union
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = check_for(args[0])

        def items(v: Any) -> Any:
            return tuple(item(x) for x in v) if type(v) is tuple else fail("a tuple")

        return items
    if origin is tuple:
        parts = [check_for(a) for a in args]

        def fixed(v: Any) -> Any:
            if type(v) is not tuple or len(v) != len(parts):
                fail(f"a tuple of {len(parts)}")
            return tuple(c(x) for c, x in zip(parts, v, strict=True))

        return fixed
    if origin is list and args:
        item = check_for(args[0])
        return lambda v: [item(x) for x in v] if type(v) is list else fail("a list")
    if origin in (dict, Mapping) and args:
        key_check, value_check = check_for(args[0]), check_for(args[1])

        def mapping(v: Any) -> Any:
            if type(v) is not dict:
                fail("a dict")
            return {key_check(k): value_check(x) for k, x in v.items()}

        return mapping
    raise TypeError(f"no checked conversion for {tp!r}")  # a programming error


def _plain(value: Any) -> Any:
    """A model value as plain values: dataclasses and named tuples as tuples."""
    if dataclasses.is_dataclass(value):
        return tuple(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple):
        return tuple(_plain(x) for x in value)
    if isinstance(value, Mapping):
        return {k: _plain(x) for k, x in value.items()}
    return value


_result_check = check_for(Result)


def result_to_plain(result: Result) -> tuple[Any, ...]:
    """A result as nested tuples, dicts, strings and numbers, fit for marshal."""
    plain: tuple[Any, ...] = _plain(result)
    return plain


def result_from_plain(plain: Any) -> Result:
    """The result `result_to_plain` gave `plain` for; Damaged if it is of another shape."""
    made: Result = _result_check(plain)
    return made
