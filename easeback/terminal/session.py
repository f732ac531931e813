"""Runs a guided session in the terminal: large countdown, the current step, what comes next,
the terminal bell at each transition and spoken cues through espeak-ng when it is installed.

Keys: p pause/resume, n skip to the next technique, s stop (then, in the panel, a number for the
reason or c to carry on).
"""

from __future__ import annotations

import contextlib
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

from rich.console import Console, Group
from rich.live import Live
from rich.panel import Panel
from rich.text import Text

from easeback.content.loader import Catalogue
from easeback.domain.models import StopReason
from easeback.domain.planning import Routine
from easeback.domain.timeline import Cue, CueKind, Outcome, SessionClock

EventSink = Callable[[str, dict[str, object]], None]

_DIGITS = {
    "0": ["███", "█ █", "█ █", "█ █", "███"],
    "1": [" █ ", "██ ", " █ ", " █ ", "███"],
    "2": ["███", "  █", "███", "█  ", "███"],
    "3": ["███", "  █", "███", "  █", "███"],
    "4": ["█ █", "█ █", "███", "  █", "  █"],
    "5": ["███", "█  ", "███", "  █", "███"],
    "6": ["███", "█  ", "███", "█ █", "███"],
    "7": ["███", "  █", "  █", "  █", "  █"],
    "8": ["███", "█ █", "███", "█ █", "███"],
    "9": ["███", "█ █", "███", "  █", "███"],
    ":": ["   ", " █ ", "   ", " █ ", "   "],
}


def big_number(seconds: int) -> str:
    """A countdown in block digits, readable from the floor."""
    label = f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else str(seconds)
    rows = ["  ".join(_DIGITS[ch][r] for ch in label) for r in range(5)]
    return "\n".join(rows)


class Voice:
    """Speaks cues with espeak-ng if present. Cues queue: a new one waits for the one still being
    said (the timeline gives each its speaking time); pausing or stopping silences the queue."""

    def __init__(self, enabled: bool) -> None:
        self.exe = shutil.which("espeak-ng") if enabled else None
        self.proc: subprocess.Popen[bytes] | None = None
        self.queue: list[str] = []

    def say(self, text: str) -> None:
        if self.exe and text:
            self.queue.append(text)
            self.pump()

    def pump(self) -> None:
        """Start the next queued text once the previous one has been said."""
        if not self.exe or not self.queue or (self.proc and self.proc.poll() is None):
            return
        self.proc = subprocess.Popen(
            [self.exe, "-s", "150", self.queue.pop(0)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def hush(self) -> None:
        self.queue.clear()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def close(self) -> None:
        while self.exe and (self.queue or (self.proc and self.proc.poll() is None)):
            if self.proc is not None:
                self.proc.wait(timeout=60)
            self.pump()


@contextlib.contextmanager
def _keys() -> Iterator[Callable[[float], str | None]]:
    """Single key presses without Enter when stdin is a terminal; otherwise no keys."""
    if not sys.stdin.isatty():

        def wait(timeout: float) -> str | None:
            time.sleep(timeout)
            return None

        yield wait
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def read(timeout: float) -> str | None:
        ready, _, _ = select.select([sys.stdin], [], [], max(0.0, timeout))
        return sys.stdin.read(1) if ready else None

    try:
        yield read
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


def _stop_choices(cat: Catalogue) -> Text:
    reasons = list(StopReason)
    text = Text("Stopped. What happened?\n", style="bold red")
    for i, r in enumerate(reasons, start=1):
        text.append(f"[{i}] {cat.stops[r].label}\n")
    text.append("[c] I'm fine, carry on", style="bold")
    return text


def _view(
    routine: Routine, clock: SessionClock, now: float, asking: Catalogue | None = None
) -> Panel:
    cue = clock.current(now)
    nxt = clock.next_cue(now)
    at = clock.elapsed(now)
    remaining = int(
        max(0.0, (cue.phase_end if cue.phase_end is not None else cue.end) - at) + 0.999
    )
    name = routine.items[cue.index].technique.name if cue.index is not None else "easeback"
    parts: list[object] = [
        Text(name, style="bold cyan"),
        Text(cue.text, style="bold"),
    ]
    if cue.breath:
        parts.append(Text(cue.breath, style="italic"))
    parts.append(Text(big_number(remaining), style="bold green"))
    done = int(40 * at / clock.length) if clock.length else 40
    parts.append(Text("━" * done + "─" * (40 - done) + f"  {int(100 * at / clock.length)}%"))
    if nxt is not None:
        parts.append(Text(f"Next: {_next_label(routine, nxt)}", style="dim"))
    if asking is not None:
        parts.append(_stop_choices(asking))
    else:
        state = "PAUSED  " if clock.paused_at is not None else ""
        keys = f"{state}[p] pause/resume  [n] skip  [s] stop: it hurts"
        parts.append(Text(keys, style="reverse"))
    return Panel(Group(*parts), title="easeback session")  # type: ignore[arg-type]


def _next_label(routine: Routine, cue: Cue) -> str:
    """What comes next, in a few words (the cue's own text says it in full when it comes)."""
    if cue.kind is CueKind.INTRO and cue.index is not None:
        return routine.items[cue.index].technique.name
    if cue.kind is CueKind.STEP:  # "2. Slowly round your back ...": step 2, as the web player
        number = cue.text.partition(".")[0]
        return f"step {number}" if number.isdigit() else "the next step"
    labels = {
        CueKind.STEP: "the next step",
        CueKind.MOVE: f"repetition {cue.rep} of {cue.reps}",
        CueKind.HOLD: "hold",
        CueKind.RELEASE: "come back",
        CueKind.REST: "rest",
        CueKind.SWITCH_SIDE: "switch sides",
        CueKind.COMPLETE: "the end",
    }
    return labels.get(cue.kind, cue.text)


def _ask_stop_reason(read: Callable[[float], str | None]) -> StopReason | None:
    """The reason chosen in the panel, or None for "I'm fine, carry on"."""
    reasons = list(StopReason)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        key = read(0.5)
        if key in ("c", "C"):
            return None
        if key and key.isdigit() and 1 <= int(key) <= len(reasons):
            return reasons[int(key) - 1]
    return StopReason.OTHER


def run_session(
    cat: Catalogue,
    routine: Routine,
    timeline: tuple[Cue, ...],
    speed: float = 1.0,
    voice: bool = True,
    on_event: EventSink | None = None,
    console: Console | None = None,
    keys: Callable[[float], str | None] | None = None,
) -> int:
    """Run the timeline in real time (scaled by speed for demonstrations); return an exit code.

    Each technique's outcome is sent to on_event as soon as it is known, so a session ended
    early (Ctrl+C, a closed terminal) keeps what was done."""
    console = console or Console()
    t0 = time.monotonic()

    def now() -> float:
        return (time.monotonic() - t0) * speed

    emit = on_event or (lambda kind, data: None)
    live_run = _LiveRun(cat, routine, SessionClock(timeline=timeline, started=0.0), now, emit)
    live_run.speed = speed
    speaker = Voice(voice)
    emit("started", {"total_seconds": routine.total_seconds})
    try:
        with _keys() as terminal_keys:
            live_run.loop(keys or terminal_keys, speaker, console)
    except KeyboardInterrupt:
        live_run.report(final=True)
        speaker.hush()
        outcomes = live_run.clock.results(now(), len(routine.items))
        done = sum(1 for o in outcomes if o is Outcome.DONE)
        saved = " The session is saved in your journal." if on_event else ""
        console.print(
            f"[bold yellow]Session ended early.[/] {done} of {len(routine.items)} "
            f"technique{'' if len(routine.items) == 1 else 's'} done.{saved}"
        )
        raise
    live_run.report(final=True)
    clock = live_run.clock
    if clock.stopped is not None:
        reason = clock.stopped[1]
        advice = cat.stops[reason]
        speaker.say("Session stopped. " + advice.advice)
        console.print(Panel(advice.advice, title=f"Stopped: {advice.label}", style="bold yellow"))
        if advice.learn:
            console.print("Learn more: " + ", ".join(f"easeback learn {t}" for t in advice.learn))
        emit("stopped", {"reason": reason.value})
    else:
        speaker.say("Well done. The routine is complete.")
        console.print("[bold green]Routine complete. Well done.[/]")
        emit("completed", {})
    speaker.close()
    return 0


class _LiveRun:
    """The live loop of one session and what it has reported so far."""

    def __init__(
        self,
        cat: Catalogue,
        routine: Routine,
        clock: SessionClock,
        now: Callable[[], float],
        emit: EventSink,
    ) -> None:
        self.cat, self.routine, self.clock, self.now, self.emit = cat, routine, clock, now, emit
        self.reported = 0  # techniques whose outcome has been sent, in routine order
        self.speed = 1.0

    def report(self, final: bool = False) -> None:
        items = self.routine.items
        outcomes = self.clock.results(self.now(), len(items))
        while self.reported < len(items) and (final or outcomes[self.reported] is not None):
            outcome = outcomes[self.reported]
            tid = items[self.reported].technique.id
            self.emit("technique", {"id": tid, "outcome": outcome.value if outcome else None})
            self.reported += 1

    def loop(self, read: Callable[[float], str | None], speaker: Voice, console: Console) -> None:
        routine, now, timeline = self.routine, self.now, self.clock.timeline
        spoken: set[int] = set()
        with Live(_view(routine, self.clock, now()), console=console, auto_refresh=False) as live:
            while not self.clock.finished(now()):
                clock = self.clock
                current = clock.current(now())
                idx = timeline.index(current)
                if idx not in spoken and clock.paused_at is None:
                    spoken.add(idx)
                    console.bell()
                    speaker.say(current.say or current.text)
                speaker.pump()
                self.report()
                live.update(_view(routine, clock, now()), refresh=True)
                nxt = clock.next_cue(now())
                wait = (
                    0.25 if nxt is None else min(0.25, (clock.deadline(nxt) - now()) / self.speed)
                )
                self._key(read(max(0.01, wait)), read, speaker, live)
            live.update(_view(routine, self.clock, now()), refresh=True)

    def _key(
        self, key: str | None, read: Callable[[float], str | None], speaker: Voice, live: Live
    ) -> None:
        clock, now = self.clock, self.now
        if key == "p":
            if clock.paused_at is not None:
                clock = clock.resume(now())
            else:
                clock = clock.pause(now())
                speaker.hush()
        elif key == "n":
            speaker.hush()
            clock = clock.skip(now())
        elif key == "s":
            was_paused = clock.paused_at is not None
            clock = clock.pause(now())
            speaker.hush()
            live.update(_view(self.routine, clock, now(), asking=self.cat), refresh=True)
            reason = _ask_stop_reason(read)
            if reason is not None:
                clock = clock.stop(now(), reason)
            elif not was_paused:
                clock = clock.resume(now())
        self.clock = clock
