"""Immutable value classes for the domain, and the limits the content edge checks on them.

`@value` makes a frozen, slotted class with keyword-only fields, like
`@dataclass(frozen=True, slots=True, kw_only=True)` but built without generating and compiling
source code for each class: the standard decorator costs about a millisecond per class, and
the catalogue's fifty classes are loaded by every command, `plan --json` included (its start-up
is benchmarked against Python's own). `__post_init__`, when a class has one, checks the values.

Pydantic is not imported here. The content edge validates content files into these classes
through `__get_pydantic_core_schema__`, which reads the limits declared with `Check` and
`Before` in `Annotated` fields; only then is pydantic loaded. Nor is `typing`, at run time (it
costs a tenth of Python's own start-up): the domain's few type aliases use the stand-ins
`Annotated` and `Literal` below, which the content edge turns into typing's own.
"""

from __future__ import annotations

from operator import attrgetter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, Self, TypeVar, dataclass_transform

    T = TypeVar("T")
else:

    def dataclass_transform(**_: object) -> object:
        return lambda decorated: decorated


class _Later:
    """A type alias written with a stand-in (`Annotated[str, Check(min_length=1)]`), made
    with typing's own only where a type checker or the content edge reads it."""

    __slots__ = ("args", "kind")

    def __init__(self, kind: str, args: tuple[object, ...]) -> None:
        self.kind, self.args = kind, args

    def __or__(self, other: object) -> _Later:
        return _Later("Union", (self, other))

    def __ror__(self, other: object) -> _Later:
        return _Later("Union", (other, self))

    def real(self) -> Any:
        import typing

        args = tuple(a.real() if isinstance(a, _Later) else a for a in self.args)
        if self.kind == "Annotated":
            return typing.Annotated[args]
        if self.kind == "Literal":
            return typing.Literal[args]
        return typing.Union[args]  # noqa: UP007 - made from a tuple of types


class _StandIn:
    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __getitem__(self, args: object) -> _Later:
        return _Later(self.kind, args if isinstance(args, tuple) else (args,))


if not TYPE_CHECKING:  # a module writes `if TYPE_CHECKING: from typing import Annotated`
    Annotated = _StandIn("Annotated")  # and takes these otherwise
    Literal = _StandIn("Literal")


def edge_scope(module_name: str) -> dict[str, Any]:
    """The names a module's string annotations use, with typing's own types and aliases:
    what the content edge evaluates them in."""
    import sys
    import typing

    scope = {
        k: v.real() if isinstance(v, _Later) else v
        for k, v in vars(sys.modules[module_name]).items()
    }
    for name in ("Annotated", "Literal", "ClassVar", "Any", "Union", "Optional"):
        scope[name] = getattr(typing, name)
    return scope


class Check:
    """Limits on a field (pydantic's `Field` keywords: ge, le, gt, min_length, max_length,
    pattern), checked where content is validated."""

    __slots__ = ("limits",)

    def __init__(self, **limits: Any) -> None:
        self.limits = limits

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from typing import Annotated

        from pydantic import Field

        return handler(Annotated[source, Field(**self.limits)])


class Before:
    """A check on the raw content value, before its type is checked (content edge only)."""

    __slots__ = ("check",)

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.check, handler(source))


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A default made afresh for each value (`field(default_factory=dict)`)."""
    return _Factory(default_factory)  # type: ignore[return-value]


class FrozenError(AttributeError):
    """A value's fields cannot be changed: make a new one with `replace`."""


def _rebuild(cls: type[T], values: tuple[Any, ...]) -> T:
    obj = object.__new__(cls)
    for name, v in zip(cls.__value_fields__, values, strict=True):  # type: ignore[attr-defined]
        object.__setattr__(obj, name, v)
    return obj


class Frozen:
    """Base of every domain value. Its fields are listed in `__value_fields__`, in order."""

    __slots__ = ()
    __value_fields__: ClassVar[tuple[str, ...]] = ()
    __value_defaults__: ClassVar[dict[str, Any]] = {}  # set once per class by @value
    # Content field names that are Python keywords (`in:` is Condition.is_in).
    __value_aliases__: ClassVar[dict[str, str]] = {}
    __value_post__: ClassVar[Callable[[Any], None] | None] = None  # the class's __post_init__

    def __init__(self, *args: Any, **given: Any) -> None:
        cls = type(self)
        names = cls.__value_fields__
        setter = object.__setattr__
        if not given and len(args) == len(names):  # every field in order: the planner's way
            for name, v in zip(names, args, strict=True):
                setter(self, name, v)
            if cls.__value_post__ is not None:
                cls.__value_post__(self)
            return
        if args:  # a @record's fields may be given in order
            if len(args) > len(names):
                raise TypeError(f"{cls.__name__}() takes {len(names)} values, got {len(args)}")
            for name, v in zip(names, args, strict=False):
                if name in given:
                    raise TypeError(f"{cls.__name__}() got two values for {name!r}")
                setter(self, name, v)
            names = names[len(args) :]
        defaults = cls.__value_defaults__
        for name in names:
            if name in given:
                v = given.pop(name)
            elif name in defaults:
                v = defaults[name]
                if type(v) is _Factory:
                    v = v.make()
            else:
                raise TypeError(f"{cls.__name__}() missing keyword argument {name!r}")
            setter(self, name, v)
        if given:
            raise TypeError(
                f"{cls.__name__}() got unexpected keyword argument {next(iter(given))!r}"
            )
        if cls.__value_post__ is not None:
            cls.__value_post__(self)

    def __setattr__(self, name: str, v: Any) -> None:
        raise FrozenError(f"cannot assign to field {name!r} of a {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r} of a {type(self).__name__}")

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}={getattr(self, n)!r}" for n in type(self).__value_fields__)
        return f"{type(self).__qualname__}({parts})"

    @staticmethod
    def __value_get__(obj: Any) -> tuple[Any, ...]:
        return ()  # replaced by @value: every field's value, in order

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__value_get__(self) == other.__value_get__(other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.__value_get__(self)))

    def model_copy(self, *, update: dict[str, Any]) -> Self:
        """`replace(self, **update)`, spelt as pydantic spelt it for the call sites that do."""
        return replace(self, **update)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__value_get__(self)))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Content edge: a mapping with exactly these fields (unknown ones are an error), each
        checked against its type and limits, then made into this value (its `__post_init__`
        errors are reported at this value's place in the file)."""
        from pydantic_core import core_schema as cs

        scope = edge_scope(cls.__module__)
        hints = cls.__dict__["__annotations__"]  # noqa: RUF063 - inspect costs start-up time
        fields = {
            name: cs.typed_dict_field(
                handler.generate_schema(
                    eval(hints[name], scope) if isinstance(hints[name], str) else hints[name]
                ),
                required=name not in cls.__value_defaults__,
                validation_alias=cls.__value_aliases__.get(name),
            )
            for name in cls.__value_fields__
        }
        schema = cs.typed_dict_schema(fields, extra_behavior="forbid", total=False)
        return cs.no_info_after_validator_function(lambda d: cls(**d), schema)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def value(cls: type[T]) -> type[T]:
    """Make cls (a subclass of Frozen declaring its fields as annotations) a value class whose
    fields are given by name."""
    return _make(cls)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T]) -> type[T]:
    """Like `value`, for the small internal values built many times over, whose fields may
    also be given in order (`_Line(text, say, seconds)`)."""
    return _make(cls)


def _make(cls: type[T]) -> type[T]:
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - inspect costs start-up time
    names = tuple(n for n, hint in own.items() if not str(hint).startswith("ClassVar"))
    skip = {*names, "__dict__", "__weakref__"}
    ns = {k: v for k, v in cls.__dict__.items() if k not in skip}
    defaults = {n: cls.__dict__[n] for n in names if n in cls.__dict__}
    # attrgetter of two or more names gives the tuple of their values, at C speed
    get = (
        attrgetter(*names) if len(names) > 1 else lambda obj: tuple(getattr(obj, n) for n in names)
    )
    ns.update(
        __slots__=names,
        __value_fields__=names,
        __value_defaults__=defaults,
        __value_get__=staticmethod(get),
        __value_post__=getattr(cls, "__post_init__", None),
        __match_args__=names,
    )
    meta: Any = type(cls)
    made: type[T] = meta(cls.__name__, cls.__bases__, ns)
    return made


def replace(obj: T, **changes: Any) -> T:
    """A copy of a value with some fields changed (checked again by its __post_init__)."""
    fields: tuple[str, ...] = type(obj).__value_fields__  # type: ignore[attr-defined]
    return type(obj)(**{n: getattr(obj, n) for n in fields} | changes)


def fields_of(obj: object) -> dict[str, Any]:
    """A value's fields by name (one level: nested values stay values)."""
    return {n: getattr(obj, n) for n in type(obj).__value_fields__}  # type: ignore[attr-defined]
