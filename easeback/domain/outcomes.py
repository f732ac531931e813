"""Outcome measures a person records and a clinician reads: the PEG (pain, enjoyment of life,
general activity; each 0-10, the score is their mean; higher is worse) weekly, and the
Patient-Specific Functional Scale (up to three activities the person names, each 0-10 for how
well they can do it; higher is better) at the start and every two weeks. Also when each is due
and the minimal important change drawn on the charts. Pure: times are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

PEG_EVERY = timedelta(days=7)
PSFS_EVERY = timedelta(days=14)
PSFS_MAX = 3
NAME_MAX = 80

# Minimal important change, as the charts mark it around the first value:
# pain 0-10 NRS: 2 points or 30% (Ostelo et al. 2008, Spine 33:90-94; Farrar et al. 2001);
# PEG: 30% of the first score, at least 1 point (Krebs et al. 2009, J Gen Intern Med 24:733);
# PSFS mean: 2 points (Stratford et al. 1995, Physiother Can 47:258; Horn et al. 2012).
PAIN_MIC = 2.0
PSFS_MIC = 2.0
PEG_MIC_SHARE = 0.3

PEG_ITEMS = (
    ("pain", "What number best describes your pain on average in the past week?"),
    (
        "enjoyment",
        "What number best describes how, during the past week, pain has interfered "
        "with your enjoyment of life?",
    ),
    (
        "activity",
        "What number best describes how, during the past week, pain has interfered "
        "with your general activity?",
    ),
)


class Measure(StrEnum):
    PEG = "peg"
    PSFS = "psfs"


class OutcomeError(ValueError):
    """A measure that cannot be recorded; the message names the item."""


def _score(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise OutcomeError(f"{name} must be a whole number from 0 to 10, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Outcome:
    """One recording of a measure: its items as (label, 0-10) and when."""

    at: datetime
    measure: Measure
    items: tuple[tuple[str, int], ...]

    @property
    def score(self) -> float:
        return sum(v for _, v in self.items) / len(self.items)


def peg(at: datetime, pain: object, enjoyment: object, activity: object) -> Outcome:
    values = (pain, enjoyment, activity)
    items = tuple(
        (key, _score(f"PEG {key}", v)) for (key, _q), v in zip(PEG_ITEMS, values, strict=True)
    )
    return Outcome(at, Measure.PEG, items)


def psfs(at: datetime, activities: Sequence[tuple[object, object]]) -> Outcome:
    """The activities named (blank rows left out), each rated 0 (unable) to 10 (as before)."""
    items: list[tuple[str, int]] = []
    seen: set[str] = set()
    for name, value in activities:
        label = " ".join(str(name or "").split())
        if not label and (value is None or value == ""):
            continue
        if not label:
            raise OutcomeError("each rated activity needs a name")
        if len(label) > NAME_MAX:
            raise OutcomeError(f"an activity's name has at most {NAME_MAX} characters")
        if label.casefold() in seen:
            raise OutcomeError(f"activity {label!r} is named twice")
        seen.add(label.casefold())
        items.append((label, _score(f"activity {label!r}", value)))
    if not items:
        raise OutcomeError("name at least one activity and rate it from 0 to 10")
    if len(items) > PSFS_MAX:
        raise OutcomeError(f"at most {PSFS_MAX} activities, got {len(items)}")
    return Outcome(at, Measure.PSFS, tuple(items))


def due(measure: Measure, last: datetime | None, now: datetime) -> bool:
    """Whether the measure should be asked now: never recorded, or its interval has passed."""
    every = PEG_EVERY if measure is Measure.PEG else PSFS_EVERY
    return last is None or now - last >= every


def mic(measure: str, first: float) -> float:
    """The minimal important change around a first value, in the measure's points."""
    if measure == Measure.PEG:
        return max(1.0, round(PEG_MIC_SHARE * first, 1))
    if measure == Measure.PSFS:
        return PSFS_MIC
    return PAIN_MIC


def change_words(measure: str, first: float, last: float) -> str:
    """'better', 'worse' or 'no important change' from the first value to the last."""
    step = mic(measure, first)
    better = last - first >= step if measure == Measure.PSFS else first - last >= step
    worse = first - last >= step if measure == Measure.PSFS else last - first >= step
    return "better" if better else ("worse" if worse else "no important change")


def summary(found: Sequence[Outcome]) -> dict[str, dict[str, object]]:
    """Per measure recorded: the first and latest score and what the change means, in words
    ('better', 'worse', 'no important change'), for the progress advice of both modes."""
    out: dict[str, dict[str, object]] = {}
    for measure in Measure:
        scores = [o for o in sorted(found, key=lambda o: o.at) if o.measure is measure]
        if not scores:
            continue
        first, last = scores[0].score, scores[-1].score
        words = change_words(measure, first, last) if len(scores) > 1 else "first recording"
        out[measure.value] = {
            "first": round(first, 1),
            "latest": round(last, 1),
            "count": len(scores),
            "change": words,
            "text": f"{measure.value.upper()} {first:.1f} → {last:.1f}: {words}"
            if len(scores) > 1
            else f"{measure.value.upper()} {first:.1f} (first recording)",
        }
    return out
