"""Safety screening: answers in, an explained disposition out, evaluated from a decision table.

The rules live in the content files (`content/screening.yaml`); this module only knows how to read
a rule's condition against an answer. `PlannableScreening` is the only door to the planner: it can
be obtained from a complete screening whose disposition allows self-care, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from easeback.domain.models import (
    Category,
    Direction,
    Disposition,
    Frozen,
    Load,
    NonEmpty,
    Position,
    Technique,
    VariantKind,
)


class QuestionKind(StrEnum):
    RED_FLAG = "red_flag"  # yes / no / unsure
    YES_NO = "yes_no"
    INTEGER = "integer"


AnswerValue = str | int


class Question(Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    kind: QuestionKind
    text: NonEmpty
    help: str | None = None
    min: int | None = None
    max: int | None = None
    optional: bool = False  # context questions only: may be left out ("not pregnant")

    def validate_answer(self, value: object) -> AnswerValue:
        """Return the answer in canonical form or raise ValueError naming what is wrong."""
        if self.kind is QuestionKind.INTEGER:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"answer to {self.id!r} must be a whole number, got {value!r}")
            if self.min is not None and value < self.min:
                raise ValueError(f"answer to {self.id!r} must be at least {self.min}, got {value}")
            if self.max is not None and value > self.max:
                raise ValueError(f"answer to {self.id!r} must be at most {self.max}, got {value}")
            return value
        allowed = ("yes", "no", "unsure") if self.kind is QuestionKind.RED_FLAG else ("yes", "no")
        if isinstance(value, bool):
            value = "yes" if value else "no"
        if not isinstance(value, str) or value.lower() not in allowed:
            raise ValueError(
                f"answer to {self.id!r} must be one of {', '.join(allowed)}, got {value!r}"
            )
        return value.lower()


class Condition(Frozen):
    """When a rule fires. Exactly one comparison is given."""

    is_in: tuple[AnswerValue, ...] | None = Field(default=None, alias="in")
    gt: int | None = None
    ge: int | None = None
    present: Literal[True] | None = None

    model_config = Frozen.model_config | {"populate_by_name": True}

    @field_validator("is_in", mode="before")
    @classmethod
    def _no_booleans(cls, value: object) -> object:
        # YAML 1.1 reads a bare `yes` as True; insist on quoted answers so nothing is misread.
        if isinstance(value, list | tuple) and any(isinstance(v, bool) for v in value):
            raise ValueError('answers in a condition must be quoted strings like "yes"')
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Condition:
        given = [k for k in ("is_in", "gt", "ge", "present") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of: in, gt, ge, present")
        return self

    def holds(self, answer: AnswerValue | None) -> bool:
        if answer is None:
            return False
        if self.present:
            return True
        if self.is_in is not None:
            return answer in self.is_in
        if not isinstance(answer, int):
            return False
        if self.gt is not None:
            return answer > self.gt
        return self.ge is not None and answer >= self.ge


_EXCLUSION_FIELDS = (
    "position",
    "load",
    "category",
    "direction",
    "hip_flexion_over",
    "crosses_legs",
    "end_range_flexion",
    "twist",
    "adducts_hip",
    "nerve_tension",
    "max_pain_now_below",
)


class Exclusion(Frozen):
    """A technique filter. A technique matching every given field is excluded,
    unless it has the named variant, in which case the variant is required instead."""

    position: Position | None = None
    load: Load | None = None
    category: Category | None = None
    direction: Direction | None = None
    hip_flexion_over: int | None = None
    crosses_legs: Literal[True] | None = None
    end_range_flexion: Literal[True] | None = None
    twist: Literal[True] | None = None
    adducts_hip: Literal[True] | None = None
    nerve_tension: Literal[True] | None = None
    max_pain_now_below: int | None = None  # the technique's own max_pain_now is below this
    unless_variant: VariantKind | None = None


    @model_validator(mode="after")
    def _some_field(self) -> Exclusion:
        if all(getattr(self, k) is None for k in _EXCLUSION_FIELDS):
            raise ValueError("an exclusion needs at least one technique field to match")
        return self

    def matches(self, t: Technique) -> bool:
        below = self.max_pain_now_below
        checks = [
            self.position is None or self.position in t.positions,
            self.load is None or self.load in t.loads,
            self.category is None or self.category is t.category,
            self.direction is None or self.direction in t.directions,
            self.hip_flexion_over is None or t.hip_flexion_deg > self.hip_flexion_over,
            self.crosses_legs is None or t.crosses_legs,
            self.end_range_flexion is None or t.end_range_flexion,
            self.twist is None or t.twist,
            self.adducts_hip is None or t.adducts_hip,
            self.nerve_tension is None or t.nerve_tension,
            below is None or (t.max_pain_now is not None and t.max_pain_now < below),
        ]
        return all(checks)


class Rule(Frozen):
    """One row of the decision table."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    question: str
    when: Condition
    disposition: Disposition | None = None
    advice: NonEmpty
    see: tuple[Literal["physical_therapist", "chiropractor", "primary_care_physician"], ...] = ()
    exclude: tuple[Exclusion, ...] = ()
    gentle: bool = False  # holds at the low end of their range
    max_minutes: int | None = None
    learn: tuple[str, ...] = ()


class Reason(Frozen):
    """A rule that fired, with the answer that fired it."""

    rule: str
    question: str
    answer: AnswerValue
    disposition: Disposition | None
    advice: str
    see: tuple[str, ...] = ()
    learn: tuple[str, ...] = ()  # learn topic ids that explain this advice


class Constraints(Frozen):
    """What the fired rules demand of a routine."""

    exclusions: tuple[tuple[str, Exclusion], ...] = ()  # (rule id, exclusion)
    gentle: bool = False
    max_minutes: int | None = None


class ScreeningResult(Frozen):
    complete: bool
    missing: tuple[str, ...] = ()
    disposition: Disposition | None
    reasons: tuple[Reason, ...] = ()
    constraints: Constraints = Constraints()
    answers: Mapping[str, AnswerValue] = Field(default_factory=dict)

    @property
    def emergency_now(self) -> bool:
        """An emergency answer needs help now, even before the other questions are answered."""
        return any(r.disposition is Disposition.EMERGENCY for r in self.reasons)

    def plannable(self) -> PlannableScreening | None:
        """The screening as a planner input, or None when it does not allow a routine."""
        if not self.complete or self.disposition is None or not self.disposition.allows_routine:
            return None
        return PlannableScreening(result=self, token=_TOKEN)


class _Token:
    """Only this module holds the instance, so only `plannable()` can build a PlannableScreening."""


_TOKEN = _Token()


class PlannableScreening(Frozen):
    result: ScreeningResult
    token: object

    model_config = Frozen.model_config | {"arbitrary_types_allowed": True}

    @model_validator(mode="after")
    def _from_screening_only(self) -> PlannableScreening:
        if self.token is not _TOKEN:
            raise ValueError("a PlannableScreening comes only from ScreeningResult.plannable()")
        r = self.result
        if not r.complete or r.disposition is None or not r.disposition.allows_routine:
            raise ValueError("this screening does not allow a routine")
        return self

    @property
    def disposition(self) -> Disposition:
        assert self.result.disposition is not None
        return self.result.disposition

    @property
    def constraints(self) -> Constraints:
        return self.result.constraints


class ScreeningTable(Frozen):
    """The questions and the decision table, as loaded from content."""

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _rules_name_questions(self) -> ScreeningTable:
        ids = {q.id for q in self.questions}
        if len(ids) != len(self.questions):
            raise ValueError("question ids must be unique")
        for rule in self.rules:
            if rule.question not in ids:
                raise ValueError(f"rule {rule.id!r} names unknown question {rule.question!r}")
        return self

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    @property
    def red_flags(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind is QuestionKind.RED_FLAG)

    @property
    def context(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.kind is not QuestionKind.RED_FLAG)


def validate_answers(table: ScreeningTable, raw: Mapping[str, object]) -> dict[str, AnswerValue]:
    """Check every answer against its question; raise ValueError naming the first problem."""
    known = {q.id: q for q in table.questions}
    answers: dict[str, AnswerValue] = {}
    for qid, value in raw.items():
        if qid not in known:
            raise ValueError(f"unknown question id {qid!r}")
        if value is None:
            continue
        answers[qid] = known[qid].validate_answer(value)
    return answers


def screen(table: ScreeningTable, raw: Mapping[str, object]) -> ScreeningResult:
    """Evaluate answers against the decision table.

    Every rule that fires is a reason; the disposition is the most severe one reached. A screening
    with any red-flag question unanswered is incomplete and has no disposition.
    """
    answers = validate_answers(table, raw)
    missing = tuple(q.id for q in table.red_flags if q.id not in answers)
    fired = [(r, answers[r.question]) for r in table.rules if r.when.holds(answers.get(r.question))]
    reasons = tuple(
        Reason(
            rule=r.id,
            question=r.question,
            answer=a,
            disposition=r.disposition,
            advice=r.advice,
            see=r.see,
            learn=r.learn,
        )
        for r, a in fired
    )
    constraints = Constraints(
        exclusions=tuple((r.id, e) for r, _ in fired for e in r.exclude),
        gentle=any(r.gentle for r, _ in fired),
        max_minutes=min((r.max_minutes for r, _ in fired if r.max_minutes), default=None),
    )
    if missing:
        return ScreeningResult(
            complete=False, missing=missing, disposition=None, reasons=reasons, answers=answers
        )
    reached = [r.disposition for r, _ in fired if r.disposition is not None]
    disposition = max(reached, key=lambda d: d.severity, default=Disposition.CLEAR)
    return ScreeningResult(
        complete=True,
        disposition=disposition,
        reasons=reasons,
        constraints=constraints,
        answers=answers,
    )
