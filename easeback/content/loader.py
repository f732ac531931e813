"""Load and validate the content files; refuse bad content naming the file, entry and field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from easeback.content.schema import (
    DispositionText,
    LearnFile,
    ScreeningFile,
    Source,
    SourcesFile,
    StopAdvice,
    TechniquesFile,
    Topic,
)
from easeback.domain.models import Disposition, Professional, StopReason, Technique
from easeback.domain.screening import ScreeningTable

CONTENT_DIR = Path(__file__).parent
M = TypeVar("M", bound=BaseModel)


class ContentError(Exception):
    """Invalid content: names the file, the entry and the field."""

    def __init__(self, file: Path, entry: str | None, field: str | None, message: str) -> None:
        self.file, self.entry, self.field, self.message = file, entry, field, message
        where = str(file)
        if entry:
            where += f": entry {entry!r}"
        if field:
            where += f": field {field!r}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Catalogue:
    techniques: tuple[Technique, ...]
    screening: ScreeningTable
    dispositions: dict[Disposition, DispositionText]
    professionals: dict[str, Professional]
    topics: tuple[Topic, ...]
    stops: dict[StopReason, StopAdvice]
    sources: tuple[Source, ...]

    def technique(self, tid: str) -> Technique:
        for t in self.techniques:
            if t.id == tid:
                return t
        raise KeyError(tid)

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)


# libyaml's safe loader when PyYAML was built with it: the same data (checked on every content
# file), about 15x faster to load the catalogue; the pure-Python safe loader otherwise.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A YAML file's data; a ContentError names the file when it cannot be read or parsed."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ContentError(path, None, None, f"not valid YAML: {exc}") from exc
    except OSError as exc:
        raise ContentError(path, None, None, f"cannot be read: {exc.strerror}") from exc


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> str | None:
    """The id of the list entry an error points into, or its index."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
        items = data.get(str(loc[0]))
        if isinstance(items, list) and loc[1] < len(items):
            item = items[loc[1]]
            if isinstance(item, dict) and "id" in item:
                return str(item["id"])
            if isinstance(item, dict) and "disposition" in item:
                return str(item["disposition"])
        return f"{loc[0]}[{loc[1]}]"
    return None


def parse_file(model: type[M], path: Path) -> M:
    """Read a YAML file into model; a ContentError names the file, the entry and the field."""
    data = read_yaml(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        entry = _entry_name(data, loc)
        field_path = loc[2:] if entry is not None else loc
        field = ".".join(str(p) for p in field_path) or None
        raise ContentError(path, entry, field, err["msg"]) from exc


def _check_unique(path: Path, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ContentError(path, i, "id", f"duplicate {what} id")
        seen.add(i)


class _Cited(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def sources(self) -> tuple[str, ...]: ...


C = TypeVar("C", bound=_Cited)


def _load_cited(
    folder: Path, read: Callable[[Path], tuple[C, ...]], what: str, titles: set[str]
) -> tuple[C, ...]:
    """Every entry of every YAML file in folder, each citing only known source titles."""
    entries: list[C] = []
    for path in sorted(folder.glob("*.yaml")):
        for entry in read(path):
            for title in entry.sources:
                if title not in titles:
                    raise ContentError(path, entry.id, "sources", f"unknown source title {title!r}")
            entries.append(entry)
    _check_unique(folder, [e.id for e in entries], what)
    return tuple(entries)


def _load_techniques(root: Path, titles: set[str]) -> tuple[Technique, ...]:
    folder = root / "techniques"
    techniques = _load_cited(
        folder, lambda p: parse_file(TechniquesFile, p).techniques, "technique", titles
    )
    _check_progressions(folder, techniques)
    return techniques


def _check_progressions(folder: Path, techniques: tuple[Technique, ...]) -> None:
    """Every `progresses_from` names a known technique, and no chain of them loops."""
    easier = {t.id: t.progresses_from for t in techniques}
    for t in techniques:
        if t.progresses_from is not None and t.progresses_from not in easier:
            message = f"unknown technique {t.progresses_from!r}"
            raise ContentError(folder, t.id, "progresses_from", message)
    for t in techniques:
        chain = [t.id]
        step = easier[t.id]
        while step is not None:
            if step in chain:
                loop = " -> ".join([*chain, step])
                raise ContentError(folder, t.id, "progresses_from", f"progressions loop: {loop}")
            chain.append(step)
            step = easier[step]


def _load_topics(root: Path, titles: set[str]) -> tuple[Topic, ...]:
    topics = _load_cited(root / "learn", lambda p: parse_file(LearnFile, p).topics, "topic", titles)
    known = {t.id for t in topics}
    for topic in topics:
        for rel in topic.related:
            if rel not in known:
                raise ContentError(root / "learn", topic.id, "related", f"unknown topic {rel!r}")
    return topics


def _load_screening(path: Path) -> tuple[ScreeningFile, ScreeningTable]:
    parsed = parse_file(ScreeningFile, path)
    try:
        table = ScreeningTable(questions=parsed.questions, rules=parsed.rules)
    except ValidationError as exc:
        raise ContentError(path, None, "rules", exc.errors()[0]["msg"]) from exc
    return parsed, table


def load_catalogue(root: Path | None = None) -> Catalogue:
    """Read every content file under root (default: the packaged content) and validate it."""
    root = root or CONTENT_DIR
    sources = parse_file(SourcesFile, root / "sources.yaml").sources
    titles = {s.title for s in sources}
    screening_file, table = _load_screening(root / "screening.yaml")
    topics = _load_topics(root, titles)
    known_topics = {t.id for t in topics}
    for rule in table.rules:
        for topic_id in rule.learn:
            if topic_id not in known_topics:
                raise ContentError(
                    root / "screening.yaml", rule.id, "learn", f"unknown topic {topic_id!r}"
                )
    for stop in screening_file.stops:
        for topic_id in stop.learn:
            if topic_id not in known_topics:
                where = root / "screening.yaml"
                message = f"unknown topic {topic_id!r}"
                raise ContentError(where, stop.reason.value, "learn", message)
    return Catalogue(
        techniques=_load_techniques(root, titles),
        screening=table,
        dispositions={d.disposition: d for d in screening_file.dispositions},
        professionals={p.id: p for p in screening_file.professionals},
        topics=topics,
        stops={a.reason: a for a in screening_file.stops},
        sources=sources,
    )


@cache
def default_catalogue() -> Catalogue:
    """The packaged content, loaded once per process."""
    return load_catalogue()
