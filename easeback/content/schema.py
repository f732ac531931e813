"""Shapes of the content files. Each file is validated against one of these when loaded."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from easeback.domain.models import (
    Disposition,
    Frozen,
    NonEmpty,
    Professional,
    StopReason,
    Technique,
)
from easeback.domain.screening import Question, Rule

TopicId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class Source(Frozen):
    """One source article. Catalogue entries cite it by its exact title."""

    title: NonEmpty
    seed: NonEmpty  # file name under shared/seeds, for auditing


class SourcesFile(Frozen):
    sources: tuple[Source, ...] = Field(min_length=1)


class TechniquesFile(Frozen):
    techniques: tuple[Technique, ...] = Field(min_length=1)


class DispositionText(Frozen):
    disposition: Disposition
    title: NonEmpty
    do_now: NonEmpty  # what to do now, in plain words
    routine_note: NonEmpty


class StopAdvice(Frozen):
    reason: StopReason
    label: NonEmpty
    advice: NonEmpty
    rescreen: bool
    learn: tuple[TopicId, ...] = ()


class ScreeningFile(Frozen):
    questions: tuple[Question, ...] = Field(min_length=1)
    rules: tuple[Rule, ...] = Field(min_length=1)
    dispositions: tuple[DispositionText, ...] = Field(min_length=5, max_length=5)
    professionals: tuple[Professional, ...] = Field(min_length=3, max_length=3)
    stops: tuple[StopAdvice, ...] = Field(min_length=5, max_length=5)


class Section(Frozen):
    heading: str | None = None
    paragraphs: tuple[NonEmpty, ...] = ()
    bullets: tuple[NonEmpty, ...] = ()


class Topic(Frozen):
    """A learn page: plain-language background traced to the articles."""

    id: TopicId
    title: NonEmpty
    summary: NonEmpty
    sections: tuple[Section, ...] = Field(min_length=1)
    related: tuple[TopicId, ...] = ()
    sources: tuple[NonEmpty, ...] = Field(min_length=1)


class LearnFile(Frozen):
    topics: tuple[Topic, ...] = Field(min_length=1)
