"""Catalogue use cases: finding techniques and their public shape."""

from __future__ import annotations

from collections.abc import Iterable

from easeback.content.loader import Catalogue
from easeback.content.schema import StopAdvice, Topic
from easeback.domain.models import Technique
from easeback.usecases.choices import parse_category, parse_equipment, parse_place

TYPE_CHECKING = False  # typing costs start-up time; only the type checker reads it
if TYPE_CHECKING:
    from typing import Any


def _plain(name: str) -> str:
    """A name as typed or as written: case, hyphens and spacing aside ('Cat camel', 'cat-camel')."""
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def find_technique(cat: Catalogue, name: str) -> Technique:
    """The technique an id, its name or one of its aliases names ('cat camel', 'Bridge'), case
    and hyphens aside. InputError naming the closest names when none (or several) match."""
    from easeback.usecases.errors import InputError

    wanted = _plain(name)
    found = [t for t in cat.techniques if wanted in {_plain(n) for n in (t.id, t.name, *t.aliases)}]
    if len(found) == 1:
        return found[0]
    if found:
        ids = ", ".join(t.id for t in found)
        raise InputError(f"{name!r} names more than one technique ({ids}); give its id")
    import difflib

    names = {_plain(n): t.id for t in cat.techniques for n in (t.id, t.name, *t.aliases)}
    close = dict.fromkeys(names[n] for n in difflib.get_close_matches(wanted, names, n=6))
    hint = f"; did you mean {', '.join(list(close)[:3])}?" if close else ""
    raise InputError(f"no technique is called {name!r}{hint} (see `easeback techniques`)")


def filter_techniques(
    cat: Catalogue,
    place: str | None = None,
    equipment: str | None = None,
    category: str | None = None,
) -> list[Technique]:
    """Catalogue entries doable at a place with the given equipment (all equipment if None)."""
    items: Iterable[Technique] = cat.techniques
    if place:
        p = parse_place(place)
        items = [t for t in items if p == "any" or p in t.places]
    if equipment is not None:
        have = parse_equipment(equipment)
        items = [t for t in items if set(t.equipment) <= have]
    if category:
        c = parse_category(category)
        items = [t for t in items if t.category is c]
    return list(items)


def technique_public(t: Technique, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": t.id,
        "name": t.name,
        "places": [p.value for p in t.places],
        "equipment": [e.value for e in t.equipment],
    } | t.rule_fields()
    if full:
        d = t.dosage
        out |= {
            "aliases": list(t.aliases),
            "summary": t.summary,
            "hold_seconds": [d.hold_seconds.min, d.hold_seconds.max] if d.hold_seconds else None,
            "reps": [d.reps.min, d.reps.max],
            "sets": d.sets,
            "per_side": d.per_side,
            "times_per_day": d.times_per_day,
            "dose_source": {
                "article": t.dose_source.article,
                "figure": t.dose_source.figure,
                "own": t.dose_source.own,
            },
            "steps": [s.text for s in t.steps],
            "sources": list(t.sources),
        }
    return out


def topic_public(t: Topic) -> dict[str, Any]:
    """A learn page as JSON: every field, sections in order."""
    return {
        "id": t.id,
        "title": t.title,
        "summary": t.summary,
        "sections": [
            {"heading": s.heading, "paragraphs": list(s.paragraphs), "bullets": list(s.bullets)}
            for s in t.sections
        ],
        "related": list(t.related),
        "sources": list(t.sources),
    }


def stop_public(s: StopAdvice) -> dict[str, Any]:
    """A stop reason the player offers, with the advice shown for it."""
    return {
        "reason": s.reason.value,
        "label": s.label,
        "advice": s.advice,
        "rescreen": s.rescreen,
        "learn": list(s.learn),
    }
