"""Shapes of the content files. Each file is validated against one of these when loaded.

Plain frozen values like the domain's: the loader validates files into them with pydantic,
and a compiled catalogue is read back without it.
"""

from __future__ import annotations

from easeback.domain.models import (
    Disposition,
    NonEmpty,
    Professional,
    StopReason,
    Technique,
)
from easeback.domain.screening import Question, Rule
from easeback.domain.values import TYPE_CHECKING, Check, Frozen, value

if TYPE_CHECKING:
    from typing import Annotated
else:  # typing costs start-up time; the content edge makes it typing's own
    from easeback.domain.values import Annotated

TopicId = Annotated[str, Check(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


@value
class Source(Frozen):
    """One source article. Catalogue entries cite it by its exact title."""

    title: NonEmpty
    seed: NonEmpty  # file name under shared/seeds, for auditing


@value
class SourcesFile(Frozen):
    sources: Annotated[tuple[Source, ...], Check(min_length=1)]


@value
class TechniquesFile(Frozen):
    techniques: Annotated[tuple[Technique, ...], Check(min_length=1)]


@value
class DispositionText(Frozen):
    disposition: Disposition
    title: NonEmpty
    do_now: NonEmpty  # what to do now, in plain words
    routine_note: NonEmpty


@value
class StopAdvice(Frozen):
    reason: StopReason
    label: NonEmpty
    advice: NonEmpty
    rescreen: bool
    learn: tuple[TopicId, ...] = ()


@value
class ScreeningFile(Frozen):
    questions: Annotated[tuple[Question, ...], Check(min_length=1)]
    rules: Annotated[tuple[Rule, ...], Check(min_length=1)]
    dispositions: Annotated[tuple[DispositionText, ...], Check(min_length=5, max_length=5)]
    professionals: Annotated[tuple[Professional, ...], Check(min_length=3, max_length=3)]
    stops: Annotated[tuple[StopAdvice, ...], Check(min_length=5, max_length=5)]
    # safety.md v3: the line every clear and caution result, plan and handout carries
    check_first: NonEmpty


@value
class Section(Frozen):
    heading: str | None = None
    paragraphs: tuple[NonEmpty, ...] = ()
    bullets: tuple[NonEmpty, ...] = ()


@value
class Topic(Frozen):
    """A learn page: plain-language background traced to the articles."""

    id: TopicId
    title: NonEmpty
    summary: NonEmpty
    sections: Annotated[tuple[Section, ...], Check(min_length=1)]
    related: tuple[TopicId, ...] = ()
    sources: Annotated[tuple[NonEmpty, ...], Check(min_length=1)]


@value
class LearnFile(Frozen):
    topics: Annotated[tuple[Topic, ...], Check(min_length=1)]
