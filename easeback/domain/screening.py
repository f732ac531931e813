"""Safety screening: answers in, an explained disposition out, evaluated from a decision table.

The rules live in the content files (`content/screening.yaml`); this module only knows how to read
a rule's condition against an answer. `PlannableScreening` is the only door to the planner: it can
be obtained from a complete screening whose disposition allows self-care, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum

from easeback.domain.models import (
    Category,
    Direction,
    Disposition,
    Load,
    NonEmpty,
    Position,
    Technique,
    VariantKind,
)
from easeback.domain.values import TYPE_CHECKING, Before, Check, Frozen, field, replace, value

if TYPE_CHECKING:
    from typing import Annotated, ClassVar, Literal


class Stage(IntEnum):
    """The order of asking (shared/spec/safety.md): each stage only after the one before."""

    EMERGENCY = 0
    URGENT = 1
    PROFESSIONAL_FIRST = 2
    CLEARANCE = 3  # asked only when a professional_first answer fired
    CONTEXT = 4


class QuestionKind(StrEnum):
    RED_FLAG = "red_flag"  # yes / no / unsure
    YES_NO = "yes_no"
    INTEGER = "integer"


AnswerValue = str | int
CHOICES = {QuestionKind.RED_FLAG: ("yes", "no", "unsure"), QuestionKind.YES_NO: ("yes", "no")}


class AnswerError(ValueError):
    """An answer that does not fit its question (or names no question); `question` is its id."""

    def __init__(self, question: str, message: str) -> None:
        super().__init__(message)
        self.question = question


@value
class Question(Frozen):
    id: Annotated[str, Check(pattern=r"^[a-z_]+$")]
    kind: QuestionKind
    text: NonEmpty
    help: str | None = None
    min: int | None = None
    max: int | None = None
    optional: bool = False  # context questions only: may be left out ("not pregnant")

    @property
    def choices(self) -> tuple[str, ...]:
        """The words a yes/no question takes as its answer (none: a whole number, min to max)."""
        return CHOICES.get(self.kind, ())

    def validate_answer(self, value: object) -> AnswerValue:
        """Return the answer in canonical form or raise AnswerError naming what is wrong."""
        if self.kind is QuestionKind.INTEGER:
            if (
                type(value) is int
                and (self.min is None or value >= self.min)
                and (self.max is None or value <= self.max)
            ):
                return value  # the usual case, checked without wording any error
            name = f"answer to {self.id!r}"
            if isinstance(value, bool):
                got = str(value).lower()
                raise AnswerError(self.id, f"{name} must be a whole number, got the boolean {got}")
            if not isinstance(value, int):
                raise AnswerError(self.id, f"{name} must be a whole number, got {value!r}")
            if self.min is not None and value < self.min:
                raise AnswerError(self.id, f"{name} must be at least {self.min}, got {value}")
            if self.max is not None and value > self.max:
                raise AnswerError(self.id, f"{name} must be at most {self.max}, got {value}")
            return value
        allowed = self.choices
        if type(value) is str and value in allowed:
            return value  # the usual case, already canonical
        name = f"answer to {self.id!r}"
        if isinstance(value, bool):
            # true/false are not answers: a script that writes them may mean anything by them.
            raise AnswerError(
                self.id,
                f"{name} must be one of {', '.join(allowed)} as text, "
                f"got the boolean {str(value).lower()}",
            )
        if not isinstance(value, str) or value.lower() not in allowed:
            raise AnswerError(self.id, f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        return value.lower()


def _no_booleans(value: object) -> object:
    # YAML 1.1 reads a bare `yes` as True; insist on quoted answers so nothing is misread.
    if isinstance(value, list | tuple) and any(isinstance(v, bool) for v in value):
        raise ValueError('answers in a condition must be quoted strings like "yes"')
    return value


@value
class Condition(Frozen):
    """When a rule fires. Exactly one comparison is given."""

    __value_aliases__: ClassVar[dict[str, str]] = {"is_in": "in"}  # `in:` in the content files

    is_in: Annotated[tuple[AnswerValue, ...] | None, Before(_no_booleans)] = None
    gt: int | None = None
    ge: int | None = None
    present: Literal[True] | None = None

    def __post_init__(self) -> None:
        given = [k for k in ("is_in", "gt", "ge", "present") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of: in, gt, ge, present")

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


@value
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

    def __post_init__(self) -> None:
        if all(getattr(self, k) is None for k in _EXCLUSION_FIELDS):
            raise ValueError("an exclusion needs at least one technique field to match")

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


@value
class Rule(Frozen):
    """One row of the decision table."""

    id: Annotated[str, Check(pattern=r"^[a-z0-9_]+$")]
    question: str
    when: Condition
    disposition: Disposition | None = None
    advice: NonEmpty
    see: tuple[Literal["physical_therapist", "chiropractor", "primary_care_physician"], ...] = ()
    exclude: tuple[Exclusion, ...] = ()
    gentle: bool = False  # holds at the low end of their range
    max_minutes: int | None = None
    learn: tuple[str, ...] = ()
    # A clearance rule: when it fires, every reason at `lowers` becomes `disposition` instead.
    lowers: Disposition | None = None
    # What a professional_first reason says once a professional has cleared gentle exercise
    # (default: the clearance rule's advice).
    cleared_advice: NonEmpty | None = None
    # The result offers the call button, as the emergency page does (safety.md v3: get seen now).
    call: bool = False
    # A line every routine planned under this rule carries (pregnancy: what is left out and why).
    plan_note: NonEmpty | None = None

    def __post_init__(self) -> None:
        # Only a professional's examination can lift professional_first; nothing lowers an
        # emergency or an urgent answer, and clearance lands on caution, never on clear.
        if self.lowers is not None and (
            self.lowers is not Disposition.PROFESSIONAL_FIRST
            or self.disposition is not Disposition.CAUTION
        ):
            raise ValueError("a clearance rule may only lower professional_first to caution")


@value
class Reason(Frozen):
    """A rule that fired, with the answer that fired it."""

    rule: str
    question: str
    answer: AnswerValue
    disposition: Disposition | None
    advice: str
    see: tuple[str, ...] = ()
    learn: tuple[str, ...] = ()  # learn topic ids that explain this advice
    cleared: bool = False  # lowered by a professional's clearance; the question still shows why
    call: bool = False  # the result offers the emergency call button with this advice
    # the advice only shapes a routine (what it leaves out, how gently): nothing to say when
    # no routine may follow
    routine_only: bool = False


@value
class Constraints(Frozen):
    """What the fired rules demand of a routine."""

    exclusions: tuple[tuple[str, Exclusion], ...] = ()  # (rule id, exclusion)
    gentle: bool = False
    max_minutes: int | None = None
    notes: tuple[str, ...] = ()  # lines every routine planned from this screening carries


@value
class ScreeningResult(Frozen):
    complete: bool
    missing: tuple[str, ...] = ()
    not_asked: tuple[str, ...] = ()  # skipped because they could not change the outcome
    disposition: Disposition | None
    reasons: tuple[Reason, ...] = ()
    constraints: Constraints = Constraints()
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    # The line every clear and caution result carries: check with a professional first if unsure.
    check_first: str | None = None

    @property
    def emergency_now(self) -> bool:
        """An emergency answer needs help now, even before the other questions are answered."""
        return any(r.disposition is Disposition.EMERGENCY for r in self.reasons)

    @property
    def shown_reasons(self) -> tuple[Reason, ...]:
        """The reasons a person is shown: all of them when a routine may follow. When none may,
        no advice that only shapes a routine; and an emergency shows only the emergency
        reasons (nothing else may distract from getting help now)."""
        d = self.disposition
        if d is None or d.allows_routine:
            return self.reasons
        if d is Disposition.EMERGENCY:
            return tuple(r for r in self.reasons if r.disposition is Disposition.EMERGENCY)
        return tuple(r for r in self.reasons if not r.routine_only)

    @property
    def call(self) -> bool:
        """A reason asks the person to get seen now: offer the call button."""
        return any(r.call for r in self.shown_reasons)

    def plannable(self) -> PlannableScreening | None:
        """The screening as a planner input, or None when it does not allow a routine."""
        if not self.complete or self.disposition is None or not self.disposition.allows_routine:
            return None
        return PlannableScreening(result=self, token=_TOKEN)


class _Token:
    """Only this module holds the instance, so only `plannable()` can build a PlannableScreening."""


_TOKEN = _Token()


@value
class PlannableScreening(Frozen):
    result: ScreeningResult
    token: object

    def __post_init__(self) -> None:
        if self.token is not _TOKEN:
            raise ValueError("a PlannableScreening comes only from ScreeningResult.plannable()")
        r = self.result
        if not r.complete or r.disposition is None or not r.disposition.allows_routine:
            raise ValueError("this screening does not allow a routine")

    @property
    def disposition(self) -> Disposition:
        assert self.result.disposition is not None
        return self.result.disposition

    @property
    def constraints(self) -> Constraints:
        return self.result.constraints


@value
class ScreeningTable(Frozen):
    """The questions and the decision table, as loaded from content."""

    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    check_first: str | None = None  # said on every result that allows a routine, and every plan

    def __post_init__(self) -> None:
        self._rules_name_questions()
        self._questions_in_asking_order()

    def _rules_name_questions(self) -> None:
        ids = {q.id for q in self.questions}
        if len(ids) != len(self.questions):
            raise ValueError("question ids must be unique")
        for rule in self.rules:
            if rule.question not in ids:
                raise ValueError(f"rule {rule.id!r} names unknown question {rule.question!r}")

    def _questions_in_asking_order(self) -> None:
        # The doors ask in declared order, so the file must already be in the order of asking.
        stages = [self.stage(q) for q in self.questions]
        for k in range(1, len(stages)):
            q, before, after = self.questions[k], stages[k - 1], stages[k]
            if after < before:
                raise ValueError(
                    f"question {q.id!r} ({after.name.lower()}) must come before the "
                    f"{before.name.lower()} questions: emergency, urgent, professional_first, "
                    "clearance, then context"
                )
        for q in self.questions:
            if self.stage(q) is Stage.CLEARANCE and q.kind is not QuestionKind.YES_NO:
                raise ValueError(f"clearance question {q.id!r} must be a yes_no question")

    def stage(self, q: Question) -> Stage:
        """Where a question sits in the order of asking, read from the rules that name it."""
        rules = [r for r in self.rules if r.question == q.id]
        if any(r.lowers is not None for r in rules):
            return Stage.CLEARANCE
        if q.kind is not QuestionKind.RED_FLAG:
            return Stage.CONTEXT
        worst = max((r.disposition for r in rules if r.disposition), key=lambda d: d.severity)
        return {Disposition.EMERGENCY: Stage.EMERGENCY, Disposition.URGENT: Stage.URGENT}.get(
            worst, Stage.PROFESSIONAL_FIRST
        )

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
    for qid, given in raw.items():
        if qid not in known:
            raise AnswerError(qid, f"unknown question id {qid!r}")
        if given is None:
            continue
        answers[qid] = known[qid].validate_answer(given)
    return answers


def _fire(table: ScreeningTable, answers: Mapping[str, AnswerValue]) -> list[Reason]:
    """Every rule that fires, as reasons, with any clearance applied."""
    fired = [(r, answers[r.question]) for r in table.rules if r.when.holds(answers.get(r.question))]
    lowered = {r.lowers for r, _ in fired if r.lowers is not None}
    reasons: list[Reason] = []
    for rule, answer in fired:
        reason = Reason(
            rule=rule.id,
            question=rule.question,
            answer=answer,
            disposition=rule.disposition,
            advice=rule.advice,
            see=rule.see,
            learn=rule.learn,
            call=rule.call,
            routine_only=(rule.disposition in (None, Disposition.CAUTION))
            and bool(rule.exclude or rule.gentle or rule.max_minutes),
        )
        if rule.lowers is not None:
            if not any(r.disposition is rule.lowers for r, _ in fired):
                continue  # nothing to clear: the answer is recorded, not a reason
            reasons.append(reason)
            continue
        clearance = next((r for r, _ in fired if r.lowers is rule.disposition), None)
        if rule.disposition in lowered and clearance is not None:
            advice = rule.cleared_advice or clearance.advice
            reason = replace(reason, disposition=clearance.disposition, advice=advice, cleared=True)
        reasons.append(reason)
    return reasons


def _reached(reasons: list[Reason]) -> Disposition:
    return max(
        (r.disposition for r in reasons if r.disposition is not None),
        key=lambda d: d.severity,
        default=Disposition.CLEAR,
    )


def _needed(table: ScreeningTable, q: Question, reasons: list[Reason]) -> bool:
    """Whether an answer to q could still change what the person must do.

    Emergency questions matter until an emergency is reached; the other red flags until an
    urgent one is; clearance only when a professional_first answer stands; the context only
    when a routine could follow (nothing reached beyond caution once clearance is applied).
    """
    reached = _reached(reasons)
    stage = table.stage(q)
    if stage is Stage.EMERGENCY:
        return reached is not Disposition.EMERGENCY
    if stage in (Stage.URGENT, Stage.PROFESSIONAL_FIRST):
        return reached.severity < Disposition.URGENT.severity
    if stage is Stage.CLEARANCE:
        return answers_pending_clearance(reasons) and reached.severity < Disposition.URGENT.severity
    return reached.allows_routine


def next_question(
    table: ScreeningTable, raw: Mapping[str, object], after: str | None = None
) -> Question | None:
    """The next question to ask after question `after` (from the start when None), or None
    when the answers so far settle the outcome: an emergency or urgent answer ends the
    questions at once, and so does professional_first without a professional's clearance."""
    answers = validate_answers(table, raw)
    reasons = _fire(table, answers)
    ids = [q.id for q in table.questions]
    start = ids.index(after) + 1 if after is not None else 0
    for q in table.questions[start:]:
        if _needed(table, q, reasons):
            return q
    return None


def screen(table: ScreeningTable, raw: Mapping[str, object]) -> ScreeningResult:
    """Evaluate answers against the decision table.

    Every rule that fires is a reason; the disposition is the most severe one reached. Questions
    that could no longer change the outcome (see `_needed`) are listed as not asked when they
    have no answer; any other unanswered question, except optional ones and the clearance
    (absent means not cleared), makes the screening incomplete, without a disposition. Answers
    given to skipped questions are recorded and count, but can only make the outcome stricter.
    """
    answers = validate_answers(table, raw)
    reasons = _fire(table, answers)
    missing: list[str] = []
    not_asked: list[str] = []
    for q in table.questions:
        if q.id in answers:
            continue
        if not _needed(table, q, reasons):
            if table.stage(q) is not Stage.CLEARANCE or answers_pending_clearance(reasons):
                not_asked.append(q.id)
        elif not q.optional and table.stage(q) is not Stage.CLEARANCE:
            missing.append(q.id)
    fired_ids = {x.rule for x in reasons}
    fired = [r for r in table.rules if r.id in fired_ids]
    reached = _reached(reasons)
    check_first = table.check_first if reached.allows_routine else None
    notes = [r.plan_note for r in fired if r.plan_note]
    constraints = Constraints(
        exclusions=tuple((r.id, e) for r in fired for e in r.exclude),
        gentle=any(r.gentle for r in fired),
        max_minutes=min((r.max_minutes for r in fired if r.max_minutes), default=None),
        notes=tuple(dict.fromkeys([*notes, *([check_first] if check_first else [])])),
    )
    if missing:
        return ScreeningResult(
            complete=False,
            missing=tuple(missing),
            disposition=None,
            reasons=tuple(reasons),
            answers=answers,
            not_asked=tuple(not_asked),
        )
    return ScreeningResult(
        complete=True,
        disposition=reached,
        constraints=constraints,
        reasons=tuple(reasons),
        answers=answers,
        not_asked=tuple(not_asked),
        check_first=check_first,
    )


def answers_pending_clearance(reasons: list[Reason]) -> bool:
    """A professional_first answer fired, so the clearance question applies."""
    return any(r.disposition is Disposition.PROFESSIONAL_FIRST or r.cleared for r in reasons)
