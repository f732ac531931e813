"""Load and validate the content files; refuse bad content naming the file, entry and field.

Validation (YAML, then pydantic) is the content edge and costs a tenth of a second; the packaged
catalogue is kept compiled (see `default_catalogue`), so a command that only plans reads it back
without importing either.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

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
from easeback.domain.values import TYPE_CHECKING, Frozen, value

if TYPE_CHECKING:
    from typing import Any, Protocol, TypeVar

    M = TypeVar("M")

    class _Cited(Protocol):
        @property
        def id(self) -> str: ...

        @property
        def sources(self) -> tuple[str, ...]: ...

    C = TypeVar("C", bound=_Cited)

CONTENT_DIR = Path(__file__).parent


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


@value
class Catalogue(Frozen):
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


def safe_loader() -> Any:
    """libyaml's safe loader when PyYAML was built with it: the same data (checked on every
    content file), about 15x faster to load the catalogue; the pure-Python safe loader otherwise."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A YAML file's data; a ContentError names the file when it cannot be read or parsed."""
    import yaml

    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=safe_loader())
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


_VALIDATORS: dict[Any, Any] = {}  # pydantic's validator of each file shape, made once


def _validator(model: Any) -> Any:
    if model not in _VALIDATORS:
        from pydantic import TypeAdapter

        _VALIDATORS[model] = TypeAdapter(model)
    return _VALIDATORS[model]


def parse_file(model: type[M], path: Path) -> M:
    """Read a YAML file into model; a ContentError names the file, the entry and the field."""
    from pydantic import ValidationError

    data = read_yaml(path)
    try:
        return _validator(model).validate_python(data)  # type: ignore[no-any-return]
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
    _check_dose_sources(folder, techniques)
    return techniques


def _check_dose_sources(folder: Path, techniques: tuple[Technique, ...]) -> None:
    """A dose credited to an article credits one the technique cites."""
    for t in techniques:
        title = t.dose_source.article
        if title is not None and title not in t.sources:
            message = f"article {title!r} is not among the technique's sources"
            raise ContentError(folder, t.id, "dose_source.article", message)


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
        table = ScreeningTable(
            questions=parsed.questions, rules=parsed.rules, check_first=parsed.check_first
        )
    except ValueError as exc:
        raise ContentError(path, None, "rules", f"Value error, {exc}") from exc
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
    """The packaged content, loaded once per process: from the compiled catalogue when it is
    there and was made from these very files by this very code, otherwise validated afresh
    (and compiled for the next process)."""
    return compiled_catalogue(CONTENT_DIR, _cache_dir())


# ---- the compiled catalogue ----

# The code that defines what a catalogue is: a change to any of them is a new catalogue format.
_FORMAT_MODULES = (
    "domain/models.py",
    "domain/screening.py",
    "content/schema.py",
    "content/loader.py",
)
_COMPILED_NAME = "catalogue.pickle"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "easeback"


def _stamp(path: str) -> tuple[str, int, int]:
    st = os.stat(path)
    return (path, st.st_size, st.st_mtime_ns)


def content_key(root: Path) -> tuple[object, ...]:
    """What a compiled catalogue was made from: easeback's version, Python's, the files that
    define its shape, and every content file (path, size, modification time)."""
    from easeback import __version__

    package = os.path.dirname(os.path.dirname(__file__))
    files = [os.path.join(root, "sources.yaml"), os.path.join(root, "screening.yaml")]
    for folder in ("techniques", "learn"):
        with os.scandir(os.path.join(root, folder)) as entries:
            files += sorted(e.path for e in entries if e.name.endswith(".yaml"))
    return (
        __version__,
        sys.version,
        tuple(_stamp(os.path.join(package, m)) for m in _FORMAT_MODULES),
        tuple(_stamp(f) for f in files),
    )


def compiled_catalogue(root: Path, cache_dir: Path) -> Catalogue:
    """The catalogue under root, read from its compiled copy in cache_dir when that copy was
    made from the same files (see content_key); otherwise loaded and validated, and compiled.
    A missing, stale, unreadable or corrupt copy is made again, never an error; a cache folder
    that cannot be written only means the next process validates again."""
    key = content_key(root)
    path = cache_dir / _COMPILED_NAME
    try:
        with open(path, "rb") as f:
            if pickle.load(f) == key:
                cat = pickle.load(f)
                if isinstance(cat, Catalogue):
                    return cat
    except Exception:
        pass
    cat = load_catalogue(root)
    _write_compiled(path, key, cat)
    return cat


def _write_compiled(path: Path, key: tuple[object, ...], cat: Catalogue) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(cat, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the old copy or the new one, never half of one
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
