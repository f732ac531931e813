"""Parsing a person's choices (place, equipment, goal, category) with errors that name them."""

from __future__ import annotations

from easeback.domain.models import Category, Equipment, Goal, Place
from easeback.usecases.errors import InputError

TYPE_CHECKING = False  # typing costs start-up time; only the type checker reads it
if TYPE_CHECKING:
    from typing import Literal


def parse_place(value: str) -> Place | Literal["any"]:
    if value == "any":
        return "any"
    try:
        return Place(value)
    except ValueError:
        allowed = ", ".join([p.value for p in Place] + ["any"])
        raise InputError(f"unknown place {value!r}; use one of {allowed}") from None


def parse_equipment(value: str | None) -> frozenset[Equipment]:
    if not value:
        return frozenset()
    out: set[Equipment] = set()
    for name in (v.strip() for v in value.split(",") if v.strip()):
        try:
            out.add(Equipment(name))
        except ValueError:
            allowed = ", ".join(e.value for e in Equipment)
            raise InputError(f"unknown equipment {name!r}; use any of {allowed}") from None
    return frozenset(out)


def parse_goal(value: str | None) -> Goal:
    try:
        return Goal(value) if value else Goal.GENERAL_RELIEF
    except ValueError:
        allowed = ", ".join(g.value for g in Goal)
        raise InputError(f"unknown goal {value!r}; use one of {allowed}") from None


def parse_category(value: str) -> Category:
    try:
        return Category(value)
    except ValueError:
        allowed = ", ".join(c.value for c in Category)
        raise InputError(f"unknown category {value!r}; use one of {allowed}") from None
