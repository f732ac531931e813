"""POST /api/plan's planned answer as bytes, exactly as JSONResponse renders
`defaults | routine_public(routine)`, with each technique's catalogue part (its id, name, places,
equipment and rule fields, the bulk of the answer) encoded once and put in as text.

The catalogue does not change while the app runs, so a technique's part is the same in every
plan; only the dose (hold, repetitions, sets, seconds, variant, reason) and the routine's head are
encoded per answer. tests/web/test_plan_json.py checks the bytes against JSONResponse's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from easeback.domain.models import Technique
from easeback.domain.planning import Routine
from easeback.usecases.catalogue import technique_public
from easeback.usecases.planning import dose_public, routine_head

_TAIL = '"techniques":[]}'
MAX_PARTS = 4096  # techniques' parts kept (a catalogue has a few dozen)


# as starlette's JSONResponse.render, before its encoding to UTF-8; one encoder for every call
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


class PlanJSON:
    """Encodes planned routines; used from the event loop only."""

    def __init__(self, defaults: Mapping[str, Any]) -> None:
        self._defaults = dict(defaults)
        if "techniques" in self._defaults:
            raise ValueError("the defaults may not hold the routine's techniques")
        self._parts: dict[int, tuple[Technique, str, frozenset[str]]] = {}

    def _part(self, t: Technique) -> tuple[Technique, str, frozenset[str]]:
        """The technique, its catalogue part (its JSON object without the closing brace) and
        that part's keys."""
        hit = self._parts.get(id(t))
        if hit is None or hit[0] is not t:
            if len(self._parts) >= MAX_PARTS:
                self._parts.clear()
            public = technique_public(t)
            hit = (t, _dumps(public)[:-1], frozenset(public))
            self._parts[id(t)] = hit
        return hit

    def encode(self, routine: Routine) -> bytes:
        head = self._defaults | routine_head(routine)
        head["techniques"] = []  # the last key, filled in below
        text = _dumps(head)
        assert text.endswith(_TAIL), text[-40:]
        items = []
        for item in routine.items if routine.planned else ():
            t, part, keys = self._part(item.technique)
            dose = dose_public(item)
            if keys.isdisjoint(dose):
                items.append(part + "," + _dumps(dose)[1:])
            else:  # a merge keeps such a key at the catalogue part's place: encode it whole
                items.append(_dumps(technique_public(t) | dose))
        return (text[:-2] + ",".join(items) + "]}").encode()
