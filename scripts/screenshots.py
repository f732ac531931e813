"""Every page and every player phase at phone (390x844, 360x640, 844x390 sideways) and desktop
(1280x800) size, as PNG files in one folder, from a live app on a fresh data folder and Debian's
headless Chromium (the browser tests' launch flags). Run with scripts/screenshots [FOLDER];
default artifacts/screens."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from easeback.content.loader import default_catalogue  # noqa: E402
from easeback.domain.screening import QuestionKind  # noqa: E402
from easeback.settings import Settings  # noqa: E402
from easeback.web import create_app  # noqa: E402
from tests.web.browser import CHROMIUM, CHROMIUM_ARGS, live_server  # noqa: E402

SIZES = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
    "phone-small": {"width": 360, "height": 640},
    "phone-sideways": {"width": 844, "height": 390},
}
PHASES = ["intro", "step", "move", "hold", "release", "rest", "switch_side"]


def clear_answers(**overrides: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for q in default_catalogue().screening.questions:
        if q.kind is QuestionKind.INTEGER:
            if not q.optional:
                out[q.id] = 2
        else:
            out[q.id] = "no"
    out.update(overrides)
    return out


def question_number(kind: Callable[[Any], bool]) -> int:
    qs = default_catalogue().screening.questions
    return next(n for n, q in enumerate(qs, start=1) if kind(q))


class Shooter:
    def __init__(self, page: Any, base: str, out: Path, size: str) -> None:
        self.page, self.base, self.out, self.size = page, base, out, size
        self.taken: list[Path] = []

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def shot(self, name: str, full: bool = True) -> None:
        if full:  # a whole-page picture shows every image, lazy ones included
            self.page.evaluate(
                "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
            )
            self.page.wait_for_load_state("networkidle", timeout=120_000)
        path = self.out / f"{self.size}-{name}.png"
        self.page.screenshot(path=str(path), full_page=full)
        self.taken.append(path)

    def post(self, path: str, data: dict[str, Any]) -> Any:
        home = self.page.request.get(self.base + "/").text()
        found = re.search(r'name="csrf_token" value="([^"]+)"', home)
        csrf = found.group(1) if found else ""
        resp = self.page.request.post(self.base + path, form={"csrf_token": csrf, **data})
        if not resp.ok:
            raise SystemExit(f"screenshots: POST {path} answered {resp.status}")
        return resp

    def screen(self, answers: dict[str, object]) -> str:
        """Answer the wizard through its forms; returns the page it ends on."""
        self.go("/")
        resp = self.post("/screening/start", {})
        while "/screening/" in resp.url:
            n = int(resp.url.rsplit("/", 1)[1])
            qid = re.search(r'data-question="([a-z_]+)"', resp.text())
            value = answers.get(qid.group(1)) if qid else None
            resp = self.post(f"/screening/{n}", {"answer": "" if value is None else str(value)})
        return str(resp.url)


def shoot_all(sh: Shooter, app: Any) -> None:
    page = sh.page
    sh.go("/")
    sh.shot("01-welcome")
    if sh.size.startswith("phone") and page.get_by_role("button", name="Menu").is_visible():
        page.get_by_role("button", name="Menu").click()
        sh.shot("01-menu-open", full=False)
    sh.go("/")
    page.get_by_role("button", name="Start the safety check").click()
    page.wait_for_url(re.compile(r"/screening/1$"))
    sh.shot("02-question-safety")
    pain = question_number(lambda q: q.id == "pain_now")
    sh.go(f"/screening/{pain}")
    sh.shot("03-question-pain")
    days = question_number(lambda q: q.id == "pain_days")
    sh.go(f"/screening/{days}")
    sh.shot("04-question-number")
    sh.go("/result")
    sh.shot("05-result-incomplete")
    results = [
        ("06-result-clear", clear_answers()),
        ("07-result-caution", clear_answers(pain_now=8, knee_problem="yes")),
        ("08-result-professional", clear_answers(disc_herniation="yes", pain_below_knee="yes")),
        ("09-result-urgent", clear_answers(cancer_history="unsure")),
        ("10-emergency", {**clear_answers(), "bladder_bowel_control": "yes"}),
    ]
    for name, answers in results:
        sh.screen(answers)
        sh.go("/result")
        sh.shot(name)
    sh.screen(clear_answers())
    sh.go("/plan")
    sh.shot("11-plan")
    sh.post("/plan", {"place": "floor", "minutes": "5", "equipment": "mat"})
    sh.go("/routine")
    sh.shot("12-routine")
    shoot_player(sh)
    sh.go("/stop")
    sh.shot("20-stop-without-javascript")
    sh.go("/stopped/sharp_pain")
    sh.shot("21-stopped-sharp-pain")
    sh.go("/stopped/numbness")
    sh.shot("22-stopped-numbness")
    sh.screen(clear_answers())
    sh.go("/techniques")
    sh.shot("23-library")
    sh.go("/techniques?place=chair&category=stretch")
    sh.shot("24-library-filtered")
    sh.go("/techniques/cat-cow")
    sh.shot("25-technique")
    sh.go("/techniques/decompression-90-90")
    sh.shot("26-technique-long-hold")
    sh.go("/learn")
    sh.shot("27-learn")
    sh.go("/learn/why-backs-pop")
    sh.shot("28-learn-topic")
    sh.go("/desk-breaks")
    sh.shot("29-desk-breaks")
    if app.state.web.journal is not None:
        seed_journal(app)
        sh.go("/check-in")
        sh.shot("30-check-in")
        sh.go("/journal")
        sh.shot("31-journal")
    sh.go("/docs")
    sh.shot("32-api-docs")
    sh.go("/no-such-page")
    sh.shot("33-not-found")


def shoot_player(sh: Shooter) -> None:
    page = sh.page
    sh.go("/player?speed=3")
    page.wait_for_selector("#player[data-state=ready]", state="attached")
    sh.shot("13-player-ready", full=False)
    page.get_by_role("button", name="Start").click()
    seen: set[str] = set()
    for kind in PHASES:
        try:
            page.wait_for_selector(f"#player[data-kind={kind}]", state="attached", timeout=60_000)
        except Exception:  # a routine may have no side switch; say so and go on
            print(f"screenshots: no {kind!r} phase in this routine", file=sys.stderr)
            continue
        seen.add(kind)
        sh.shot(f"14-player-{kind.replace('_', '-')}", full=False)
    page.get_by_role("button", name="Pause").click()
    sh.shot("15-player-paused", full=False)
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Stop: it hurts").click()
    page.wait_for_selector("#player[data-state=stopped]", state="attached")
    sh.shot("16-player-stop-panel", full=False)
    sh.go("/player?speed=200")
    page.wait_for_selector("#player[data-state=ready]", state="attached")
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("#player[data-state=done]", state="attached", timeout=120_000)
    sh.shot("17-player-done", full=False)
    # The camera coach: set EASEBACK_CAMERA_SOURCE to a video to see it count; without a camera
    # (no webcam 0 here) the page says what is wrong.
    sh.go("/player")
    page.wait_for_selector("#player[data-state=ready]", state="attached")
    page.get_by_label("Count my repetitions and holds with the camera").check()
    page.locator("#camera-title").scroll_into_view_if_needed()
    sh.shot("18-player-camera-starting", full=False)
    page.wait_for_selector(
        "#camera[data-state=error], #camera[data-state=missing], #camera-preview:not(.waiting)",
        state="attached",
        timeout=120_000,
    )
    page.locator("#camera-title").scroll_into_view_if_needed()
    sh.shot("19-player-camera", full=False)
    page.get_by_label("Count my repetitions and holds with the camera").uncheck()


PHONES = ("phone-small", "phone", "phone-sideways")  # 360x640, 390x844, 844x390


def shoot_player_phases(sh: Shooter) -> None:
    """Every phase of a session as a person on the floor sees it (--player): getting into
    position, moving in, holding, coming back, resting, paused, the stop panel, the advice
    after a stop and the end."""
    page = sh.page
    sh.screen(clear_answers())
    sh.post("/plan", {"place": "floor", "minutes": "5", "equipment": "mat"})
    sh.go("/player?speed=2")
    page.wait_for_selector("#player[data-state=ready]", state="attached")
    sh.shot("p00-ready", full=False)
    page.get_by_role("button", name="Start").click()
    names = {"intro": "p01-setup", "step": "p02-setup-step", "move": "p03-move",
             "hold": "p04-hold", "release": "p05-release", "rest": "p06-rest"}  # fmt: skip
    for kind, name in names.items():
        page.wait_for_selector(f"#player[data-kind={kind}]", state="attached", timeout=120_000)
        if kind in ("step", "move", "release"):  # late in it: the picture under way
            page.wait_for_function(
                "() => { const c = +document.getElementById('countdown').textContent;"
                " return !(c > 0) || c <= 3; }",
                timeout=60_000,
            )
        sh.shot(name, full=False)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("#player[data-state=paused]", state="attached")
    sh.shot("p07-paused", full=False)
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Stop: it hurts").click()
    page.wait_for_selector("#player[data-state=stopped]", state="attached")
    sh.shot("p08-stop-panel", full=False)
    page.locator("#stop-panel button.reason").first.click()
    page.wait_for_url(re.compile(r"/stopped/"))
    page.wait_for_load_state("load")
    sh.shot("p09-stop-advice", full=False)
    sh.screen(clear_answers())  # a sharp pain asks for the safety check again
    sh.post("/plan", {"place": "floor", "minutes": "5", "equipment": "mat"})
    sh.go("/player?speed=200")
    page.wait_for_selector("#player[data-state=ready]", state="attached")
    page.get_by_role("button", name="Start").click()
    page.wait_for_selector("#player[data-state=done]", state="attached", timeout=120_000)
    sh.shot("p10-done", full=False)


def seed_journal(app: Any) -> None:
    """Two weeks of check-ins and sessions, so the chart and tables have something to show."""
    from easeback.usecases import journal

    engine = app.state.web.journal.engine
    if journal.history(engine).check_ins:
        return
    now = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    for k, pain in enumerate([6, 6, 5, 5, 4, 5, 4, 3, 3, 2]):
        at = now - timedelta(days=13 - k - (k // 3))
        journal.log_check_in(engine, journal.make_check_in(pain, max(1, pain - 1), at))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default=str(ROOT / "artifacts" / "screens"))
    parser.add_argument("--player", action="store_true",
                        help="only every player phase, at the three phone sizes")  # fmt: skip
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"screenshots: needs Chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []
    with tempfile.TemporaryDirectory() as data:
        app = create_app(Settings(data_dir=data), allow_speed=True)
        with live_server(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for size, viewport in SIZES.items():
                    if args.player and size not in PHONES:
                        continue
                    context = browser.new_context(viewport=viewport, locale="en-GB")
                    page = context.new_page()
                    page.set_default_timeout(30_000)
                    sh = Shooter(page, base, out, size)
                    if args.player:
                        shoot_player_phases(sh)
                    else:
                        shoot_all(sh, app)
                    taken += sh.taken
                    context.close()
            finally:
                browser.close()
    print(f"{len(taken)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
