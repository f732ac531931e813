"""The vocabulary of easeback: techniques, their dosage and the names the safety spec fixes.

These are frozen, slotted value classes (domain/values.py): plain values that the planner, the
timeline and the doors use at the speed of Python itself. The content edge (content/loader.py)
validates the content files into these same types with pydantic, reading the limits declared
here (`Check`); nothing in the domain imports pydantic, and nothing here does I/O.
"""

from __future__ import annotations

from enum import StrEnum

from easeback.domain.values import TYPE_CHECKING, Check, Frozen, value

if TYPE_CHECKING:
    from typing import Annotated, Literal
else:  # typing costs start-up time; the content edge makes it typing's own
    from easeback.domain.values import Annotated


class Disposition(StrEnum):
    """Outcome of a screening; declared from least to most severe (see SEVERITY)."""

    CLEAR = "clear"
    CAUTION = "caution"
    PROFESSIONAL_FIRST = "professional_first"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @property
    def allows_routine(self) -> bool:
        return self in (Disposition.CLEAR, Disposition.CAUTION)


_SEVERITY = {d: k for k, d in enumerate(Disposition)}  # the order of declaration


class Category(StrEnum):
    MOBILISATION = "mobilisation"
    STRETCH = "stretch"
    DECOMPRESSION = "decompression"
    SOFT_TISSUE = "soft-tissue-release"
    STRENGTH = "stability-strength"
    EXTENSION = "extension"


class Position(StrEnum):
    SUPINE = "supine"
    PRONE = "prone"
    SIDE_LYING = "side-lying"
    ALL_FOURS = "all-fours"
    KNEELING = "kneeling"
    SEATED_CHAIR = "seated-chair"
    SEATED_FLOOR = "seated-floor"
    STANDING = "standing"
    IN_BED = "in-bed"
    IN_WATER = "in-water"


class Load(StrEnum):
    HANDS = "hands"
    KNEES = "knees"


class Direction(StrEnum):
    FLEXION = "flexion"
    EXTENSION = "extension"
    ROTATION = "rotation"
    SIDE_BEND = "side-bend"
    NEUTRAL = "neutral"
    DECOMPRESSION = "decompression"
    SOFT_TISSUE = "soft-tissue"


class Place(StrEnum):
    BED = "bed"
    FLOOR = "floor"
    CHAIR = "chair"
    STANDING = "standing"
    POOL = "pool"


class Equipment(StrEnum):
    CHAIR = "chair"
    BALL = "ball"
    FOAM_ROLLER = "foam-roller"
    TOWEL = "towel"
    PILLOW = "pillow"
    MAT = "mat"
    WALL = "wall"
    POOL = "pool"


class Goal(StrEnum):
    MORNING_STIFFNESS = "morning-stiffness"
    DESK_BREAK = "desk-break"
    GENERAL_RELIEF = "general-relief"
    STRENGTHEN = "strengthen"


class StopReason(StrEnum):
    SHARP_PAIN = "sharp_pain"
    RADIATING_PAIN = "radiating_pain"
    NUMBNESS = "numbness"
    DIZZINESS = "dizziness"
    OTHER = "other"


class VariantKind(StrEnum):
    """Variants that safety rules may require instead of excluding a technique."""

    PADDED = "padded"  # knees cushioned (knee_problem)
    SUPPORTED = "supported"  # a chair or wall to hold (balance_problem)


NonEmpty = Annotated[str, Check(min_length=1)]
TechniqueId = Annotated[str, Check(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


@value
class SecondsRange(Frozen):
    min: Annotated[int, Check(ge=1, le=1800)]
    max: Annotated[int, Check(ge=1, le=1800)]

    def __post_init__(self) -> None:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")


@value
class CountRange(Frozen):
    min: Annotated[int, Check(ge=1, le=50)]
    max: Annotated[int, Check(ge=1, le=50)]

    def __post_init__(self) -> None:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")


@value
class Dosage(Frozen):
    """How much of a technique, as the articles give it.

    One repetition is `move_seconds` of slow movement into the position, then a hold drawn from
    `hold_seconds` (absent for purely rhythmic movements), then `move_seconds` back out.
    """

    hold_seconds: SecondsRange | None = None
    progression_max_hold_seconds: Annotated[int, Check(ge=1, le=180)] | None = None
    reps: CountRange
    sets: Annotated[int, Check(ge=1, le=5)] = 1
    max_sets: Annotated[int, Check(ge=1, le=5)] | None = None  # the planner may add sets up to this
    per_side: bool = False
    move_seconds: Annotated[int, Check(ge=1, le=30)] = 3
    rest_seconds: Annotated[int, Check(ge=0, le=120)] = 5
    setup_seconds: Annotated[int, Check(ge=5, le=120)] = 15
    times_per_day: NonEmpty
    frequency_note: str | None = None
    # What one repetition is, in a sentence, when it is not "move in, hold still, move out":
    # a minute of rolling, a walk in the pool, a long rest in a position.
    rep_means: NonEmpty | None = None

    def __post_init__(self) -> None:
        if self.max_sets is not None and self.max_sets < self.sets:
            raise ValueError(f"max_sets ({self.max_sets}) is below sets ({self.sets})")
        # A "hold" of over a minute is rolling, walking or resting, not holding a stretch: the
        # reader needs to be told what one repetition is.
        if self.hold_seconds and self.hold_seconds.max > 60 and not self.rep_means:
            raise ValueError(
                f"rep_means is required when a repetition can last over a minute "
                f"(hold_seconds max {self.hold_seconds.max}): say what one repetition is"
            )

    @property
    def sets_max(self) -> int:
        return self.max_sets or self.sets

    @property
    def hold_ceiling(self) -> int | None:
        """The longest hold easeback plans: the range's top, or the technique's own progression
        limit (up to 3 minutes) where it allows one."""
        if self.hold_seconds is None:
            return None
        return max(self.hold_seconds.max, self.progression_max_hold_seconds or 0)


class StepPhase(StrEnum):
    """When a guided session says a step (domain/timeline.py)."""

    POSITION = "position"  # while getting into position, before the first repetition
    MOVE = "move"  # with the first repetition's moving in
    RELEASE = "release"  # with the first repetition's coming back


@value
class DoseSource(Frozen):
    """Where a technique's dose comes from (safety.md v3): an article's figure, quoted with the
    article's title, or easeback's own starting dose with the reason, or both (an article's
    range that easeback starts below, or an article's hold with easeback's own repetitions)."""

    article: NonEmpty | None = None  # the exact title of a source the technique cites
    figure: NonEmpty | None = None  # the article's words for the dose
    own: NonEmpty | None = None  # what easeback chose itself, and why

    def __post_init__(self) -> None:
        if self.article is None and self.own is None:
            raise ValueError("a dose source needs an article (with its figure) or easeback's own")
        if (self.article is None) != (self.figure is None):
            raise ValueError("an article's dose needs both `article` and the `figure` it gives")


@value
class Step(Frozen):
    text: NonEmpty
    # Unmarked, a step before the hold step is said while getting into position: a step that
    # describes the movement itself is marked "move" (or "release"), so that it is said as the
    # body does it, not up to 40 s before with the picture standing still.
    phase: StepPhase | None = None


@value
class Breathing(Frozen):
    """Breath cues spoken during a repetition: `into` while moving in, `out` while returning."""

    into: str | None = None
    out: str | None = None
    hold: str | None = None


@value
class Variant(Frozen):
    kind: VariantKind
    text: NonEmpty  # how to get into position this way: said while getting into position
    # how the movement changes this way ("lean back only a little while holding on"): said with
    # the first repetition, never while getting into position
    move: NonEmpty | None = None

    @property
    def whole(self) -> str:
        """Both, for pages that describe the variant."""
        return f"{self.text} {self.move}" if self.move else self.text


@value
class Technique(Frozen):
    id: TechniqueId
    name: NonEmpty
    aliases: tuple[str, ...] = ()
    summary: NonEmpty
    category: Category
    intensity: Annotated[int, Check(ge=1, le=3)]  # 1 gentle, 2 moderate, 3 active
    goals: Annotated[tuple[Goal, ...], Check(min_length=1)]
    places: Annotated[tuple[Place, ...], Check(min_length=1)]
    positions: Annotated[tuple[Position, ...], Check(min_length=1)]
    loads: tuple[Load, ...] = ()
    directions: Annotated[tuple[Direction, ...], Check(min_length=1)]
    hip_flexion_deg: Annotated[int, Check(ge=0, le=150)]
    crosses_legs: bool
    # Safety contract v2 fields (shared/spec/safety.md, "Technique fields that the rules read"):
    end_range_flexion: bool  # takes the lower back to the end of its bending range, or loads it
    twist: bool  # any trunk rotation
    adducts_hip: bool  # a leg crosses the midline or turns inwards
    nerve_tension: bool  # long-sitting or straight-leg forward bending (sciatic nerve on stretch)
    progresses_from: TechniqueId | None = None  # the easier technique this one builds on
    max_pain_now: Annotated[int, Check(ge=0, le=10)] | None = None  # not offered above this pain
    equipment: tuple[Equipment, ...] = ()
    optional_equipment: tuple[Equipment, ...] = ()
    dosage: Dosage
    dose_source: DoseSource  # safety.md v3: every dose names where it comes from
    steps: Annotated[tuple[Step, ...], Check(min_length=2)]
    breathing: Breathing
    form_cues: Annotated[tuple[NonEmpty, ...], Check(min_length=1)]
    feel: NonEmpty
    stop_if: Annotated[tuple[NonEmpty, ...], Check(min_length=1)]
    cautions: tuple[NonEmpty, ...] = ()
    variants: tuple[Variant, ...] = ()
    sources: Annotated[tuple[NonEmpty, ...], Check(min_length=1)]

    def rule_fields(self) -> dict[str, object]:
        """Every field the safety and planning rules read, as plain JSON values.

        The one serialiser behind `techniques --json` and plan JSON, so scripts can check a routine
        against the rules with exactly what the rules saw.
        """
        return {
            "positions": [p.value for p in self.positions],
            "loads": [x.value for x in self.loads],
            "directions": [d.value for d in self.directions],
            "hip_flexion_deg": self.hip_flexion_deg,
            "crosses_legs": self.crosses_legs,
            "end_range_flexion": self.end_range_flexion,
            "twist": self.twist,
            "adducts_hip": self.adducts_hip,
            "nerve_tension": self.nerve_tension,
            "progresses_from": self.progresses_from,
            "max_pain_now": self.max_pain_now,
            "category": self.category.value,
            "intensity": self.intensity,
            "variants": [v.kind.value for v in self.variants],
        }

    def has_variant(self, kind: VariantKind) -> bool:
        return any(v.kind is kind for v in self.variants)

    def variant(self, kind: VariantKind) -> Variant | None:
        return next((v for v in self.variants if v.kind is kind), None)


@value
class Professional(Frozen):
    id: Literal["physical_therapist", "chiropractor", "primary_care_physician"]
    name: NonEmpty
    offers: NonEmpty
