"""The learn pages: every required topic exists, cites its sources, links only to real topics,
covers the safety facts it must, and never instructs force, thrusts, bouncing or cracking."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml

from easeback.content.loader import CONTENT_DIR, _load_topics
from easeback.content.schema import Topic

REQUIRED_IDS = (
    "why-backs-pop",
    "red-flags",
    "who-to-see",
    "stay-active",
    "prevention",
    "stretching-well",
    "warm-water-exercise",
    "yoga-and-pilates",
    "desk-breaks",
    "sciatica",
)


def _titles() -> set[str]:
    data = yaml.safe_load((CONTENT_DIR / "sources.yaml").read_text(encoding="utf-8"))
    return {s["title"] for s in data["sources"]}


@pytest.fixture(scope="module")
def topics() -> dict[str, Topic]:
    return {t.id: t for t in _load_topics(CONTENT_DIR, _titles())}


def _texts(topic: Topic) -> Iterator[str]:
    """Every piece of text a person reads on the page."""
    yield topic.title
    yield topic.summary
    for section in topic.sections:
        if section.heading:
            yield section.heading
        yield from section.paragraphs
        yield from section.bullets


def _page(topic: Topic) -> str:
    return "\n".join(_texts(topic)).lower()


# --- the instruction check -------------------------------------------------------------------

_NEGATION = re.compile(r"\b(never|no|not|don't|do not|avoid|without)\b", re.I)
_WARNING = re.compile(
    r"\b(never|no|not|don't|doesn't|isn't|avoid|without|nothing|risk\w*|harm\w*|hurt|injur\w*"
    r"|danger\w*|unsafe|stop)\b",
    re.I,
)
_BOUNCE = re.compile(r"\bbounc\w*\b", re.I)
_THRUST = re.compile(r"\bthrust\w*\b", re.I)
_CRACK_POP = re.compile(r"\b(crack\w*|pop|pops|popping|popped)\b", re.I)
_FORCE = re.compile(r"\b(force|forcing|forceful\w*|push\w* through|jerk\w*|momentum)\b", re.I)
_IMPERATIVE = re.compile(
    r"^\W*(then\s+|now\s+|gently\s+)?(force|thrust|bounce|crack|pop|jerk|push)\b", re.I
)
_TRY_TO_CRACK = re.compile(r"\b(try|trying|aim|want) to (crack|pop)\b", re.I)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?;:])\s+", text) if s.strip()]


def instruction_problems(text: str) -> list[str]:
    """Why this text reads as an instruction to use force, a thrust, bouncing or cracking."""
    problems: list[str] = []
    for m in _BOUNCE.finditer(text):
        before = " ".join(text[: m.start()].split()[-4:])
        if not _NEGATION.search(before):
            problems.append(f"{m.group()!r} without a negation just before it")
    if _THRUST.search(text) and "professional" not in text.lower():
        problems.append("mentions a thrust without saying it is for a professional")
    if _CRACK_POP.search(text) and not _WARNING.search(text):
        problems.append("mentions cracking/popping without warning against chasing it")
    for sentence in _sentences(text):
        if _IMPERATIVE.search(sentence):
            problems.append(f"imperative: {sentence!r}")
        if _TRY_TO_CRACK.search(sentence):
            problems.append(f"sets cracking as a goal: {sentence!r}")
        if _FORCE.search(sentence) and not _WARNING.search(sentence):
            problems.append(f"force or momentum without a warning: {sentence!r}")
    return problems


@pytest.mark.parametrize(
    "bad",
    [
        "Bounce gently at the end of the stretch.",
        "Keep bouncing to loosen up.",
        "Use a quick thrust to free the joint.",
        "Twist hard until your back pops.",
        "Force the twist a little further each time.",
        "Lean in and use momentum to go deeper.",
        "Try to crack your back at the end of the twist.",
    ],
)
def test_instruction_check_flags_bad_text(bad: str) -> None:
    assert instruction_problems(bad)


@pytest.mark.parametrize(
    "good",
    [
        "Never bounce.",
        "Don't bounce or swing into the stretch.",
        "A thrust belongs in the hands of a trained professional.",
        "The pop is not a bone moving back into place.",
        "Never force a stretch past the point where it feels comfortable.",
    ],
)
def test_instruction_check_passes_good_text(good: str) -> None:
    assert instruction_problems(good) == []


def test_no_page_instructs_force_thrust_bounce_or_cracking(topics: dict[str, Topic]) -> None:
    found = {
        (tid, text): problems
        for tid, topic in topics.items()
        for text in _texts(topic)
        if (problems := instruction_problems(text))
    }
    assert found == {}


# --- structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("topic_id", REQUIRED_IDS)
def test_required_topic_exists(topics: dict[str, Topic], topic_id: str) -> None:
    assert topic_id in topics


@pytest.mark.parametrize("topic_id", REQUIRED_IDS)
def test_topic_cites_known_sources(topics: dict[str, Topic], topic_id: str) -> None:
    topic = topics[topic_id]
    assert len(topic.sources) >= 1
    assert set(topic.sources) <= _titles()
    assert len(set(topic.sources)) == len(topic.sources)


def test_related_ids_resolve(topics: dict[str, Topic]) -> None:
    for tid, topic in topics.items():
        assert topic.id not in topic.related, tid
        assert set(topic.related) <= set(topics), (tid, set(topic.related) - set(topics))


@pytest.mark.parametrize("topic_id", REQUIRED_IDS)
def test_topic_links_somewhere(topics: dict[str, Topic], topic_id: str) -> None:
    assert topics[topic_id].related


# --- safety content ----------------------------------------------------------------------------

# One pattern per red-flag question in shared/spec/safety.md.
RED_FLAG_TERMS = {
    "bladder_bowel_control": r"bladder",
    "saddle_numbness": r"groin|saddle",
    "leg_weakness_worsening": r"weaker|getting worse",
    "major_trauma": r"\bfall\b|accident",
    "severe_unrelenting": r"worse at night",
    "fever_chills": r"fever",
    "weight_loss": r"weight",
    "cancer_history": r"cancer",
    "pain_below_knee": r"below the knee",
    "leg_numbness_tingling": r"numbness",
    "leg_weakness": r"weakness",
    "osteoporosis": r"osteoporosis",
    "spinal_fracture": r"fracture",
    "recent_back_surgery": r"surgery",
    "disc_herniation": r"herniat",
    "recent_injury_locked": r"out of place",
    "sharp_pain_moving": r"sharp pain",
    "pain_despite_medication": r"medication",
}


@pytest.mark.parametrize("question", sorted(RED_FLAG_TERMS))
def test_red_flags_page_covers_question(topics: dict[str, Topic], question: str) -> None:
    assert re.search(RED_FLAG_TERMS[question], _page(topics["red-flags"]))


def test_red_flags_page_puts_emergency_first(topics: dict[str, Topic]) -> None:
    page = topics["red-flags"]
    first = "\n".join([page.sections[0].heading or "", *page.sections[0].paragraphs]).lower()
    assert "emergency number" in first
    assert "emergency department" in first
    text = _page(page)
    assert text.index("emergency number") < text.index("doctor today") < text.index("therapist")
    assert "cauda equina" in text
    assert "not a diagnosis" in text


def test_who_to_see_names_professionals_and_chronic_threshold(topics: dict[str, Topic]) -> None:
    text = _page(topics["who-to-see"])
    for phrase in ("physical therapist", "chiropractor", "primary care physician", "12 weeks"):
        assert phrase in text, phrase


def test_why_backs_pop_explains_cavitation(topics: dict[str, Topic]) -> None:
    text = _page(topics["why-backs-pop"])
    for phrase in ("cavitation", "synovial", "facet", "carbon dioxide", "nitrogen", "professional"):
        assert phrase in text, phrase
    assert "not a bone moving back into place" in text


def test_stretching_well_gives_the_safe_basics(topics: dict[str, Topic]) -> None:
    text = _page(topics["stretching-well"])
    for phrase in ("warm up", "never bounce", "20 to 30 seconds", "never hold your breath"):
        assert phrase in text, phrase


def test_warm_water_gives_both_temperature_scales(topics: dict[str, Topic]) -> None:
    text = _page(topics["warm-water-exercise"])
    for phrase in ("83 to 88 °f", "28 to 31 °c", "90 °f", "32 °c", "buoyancy"):
        assert phrase in text, phrase


def test_sciatica_refers_before_stretching(topics: dict[str, Topic]) -> None:
    text = _page(topics["sciatica"])
    for phrase in ("below the knee", "numbness", "weakness", "herniat", "physical therapist"):
        assert phrase in text, phrase


# --- content drift checked against the articles and anatomy (issue 10) ----------------------


def test_sciatic_nerve_divides_near_the_knee(topics):
    page = " ".join(_page(topics["sciatica"]).split())
    assert "near the back of the knee" in page
    assert "above the buttocks" not in page
    # safety.md v3: the anatomy no article gives is labelled as easeback's own
    assert "rather than the articles (this part is easeback's own)" in page.lower()
    assert 'runs down each leg ("how to release your lower back")' in page.lower()


def test_desk_break_backbend_matches_its_technique_page(topics):
    page = " ".join(_page(topics["desk-breaks"]).split())
    backbend = next(line for line in page.split("standing backbend:")[1:])
    assert "knees soft" in backbend and "well before any pain" in backbend
    assert "knees straight" not in page and "as far as you can" not in page


def test_red_flags_page_covers_contract_v2(topics):
    page = " ".join(_page(topics["red-flags"]).split())
    for fact in (
        "stops you moving normally",
        "spinal stenosis",
        "more than 12 months ago",
        "within the next few days",
        "ends the questions at once",
        "follow their plan first",
        "never changes an emergency or urgent answer",
    ):
        assert fact in page, fact
