"""The page's person-following (coach-web.js's Tracker) makes the same decisions as the server's
(easeback.pose.landmarks.Detector), so that the browser coach and `coach --video` follow the same
person: both are given the same scripted model answers frame by frame (the whole picture, a crop
around the last good detection, a searched part; found, lost or a ghost) and must call the same
models on the same frames, reset the crop model at the same ghosts and return the same landmarks,
mapped from the crop back to the whole picture. The geometry (the crop around a box, when it
moves, what looks like a body in a crop) is checked on its own on many boxes. The real models on
a real clip are compared by bench/coach-web --same-frames; this is the logic, fast."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("playwright", reason="the test extra is not installed")
pytest.importorskip("mediapipe", reason="the camera extra is not installed")

from easeback.pose import landmarks as lm
from easeback.web.coach_web import rescue_rules

from .browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")

SCRIPT = Path(lm.__file__).parents[1] / "web" / "static" / "coach-web.js"
W, H, FRAMES = 640, 480, 200

# The scripted model, twice: the answer for frame k (the picture's grey level) depends on what
# the model is shown -- the whole 640x480 picture, a square crop, or a search part 384 wide -- as
# a real one's would. Bodies are laid out over a box of the picture shown; a ghost is tiny.
PLAN = """
function kindOf(w, h) { return w === 640 && h === 480 ? "whole" : w === h ? "crop" : "search"; }
function answer(kind, k) {
  if (kind === "whole") {
    if (k <= 10 || k >= 180 || k === 62 || k === 94) {
      return [0.42, 0.30, 0.52, 0.80];
    }
    return null;
  }
  if (kind === "crop") {
    if (k === 26 || k === 70) { return [0.45, 0.45, 0.52, 0.5]; }  // a ghost
    if (k >= 11 && k <= 100 && k % 17 !== 0) { return [0.30, 0.20, 0.65, 0.80]; }
    if (k >= 170 && k % 4 !== 0) { return [0.28, 0.22, 0.62, 0.78]; }
    return null;
  }
  return k >= 140 && k % 3 === 0 ? [0.30, 0.20, 0.60, 0.70] : null;
}
function body(b) {
  const out = [];
  for (let i = 0; i < 33; i++) {
    out.push({x: b[0] + (b[2] - b[0]) * ((i * 7) % 33) / 32,
              y: b[1] + (b[3] - b[1]) * ((i * 11) % 33) / 32,
              z: 0, visibility: i % 5 === 4 ? 0.3 : 0.9});
  }
  return out;
}
window.__log = [];
window.Pose = class {
  constructor() { this.cb = null; }
  setOptions(o) { this.options = o; }
  onResults(cb) { this.cb = cb; }
  // the crop model forgets a ghost as the server's does; the search model's resets before each
  // look stand in for the server's still-picture mode and are not logged
  reset() { if (this.kind === "crop") { window.__log.push(["reset", this.k]); } }
  close() {}
  send(input) {
    const c = input.image, k = c.getContext("2d").getImageData(0, 0, 1, 1).data[0];
    const kind = kindOf(c.width, c.height), b = answer(kind, k);
    this.kind = kind; this.k = k;
    window.__log.push([kind, k]);
    this.cb({poseLandmarks: b ? body(b) : undefined});
    return Promise.resolve();
  }
};
"""

RUN = """async ({rules, frames}) => {
  const tracker = new window.easebackCoach.Tracker(1, rules, true);
  const picture = document.createElement("canvas");
  picture.width = 640; picture.height = 480;
  const out = [];
  for (let k = 1; k <= frames; k++) {
    const g = picture.getContext("2d");
    g.fillStyle = `rgb(${k},${k},${k})`;
    g.fillRect(0, 0, 640, 480);
    const found = await tracker.detect(picture, 640, 480, k * 33);
    out.push([tracker.source, found && found.map((p) => [p.x, p.y, p.visibility])]);
  }
  return {out, log: window.__log};
}"""


def answer(kind: str, k: int) -> tuple[float, float, float, float] | None:
    """PLAN's answer, in Python."""
    if kind == "whole":
        if k <= 10 or k >= 180 or k in (62, 94):
            return (0.42, 0.30, 0.52, 0.80)
        return None
    if kind == "crop":
        if k in (26, 70):
            return (0.45, 0.45, 0.52, 0.5)
        if 11 <= k <= 100 and k % 17 != 0:
            return (0.30, 0.20, 0.65, 0.80)
        if k >= 170 and k % 4 != 0:
            return (0.28, 0.22, 0.62, 0.78)
        return None
    return (0.30, 0.20, 0.60, 0.70) if k >= 140 and k % 3 == 0 else None


def body(b: tuple[float, float, float, float]) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            x=b[0] + (b[2] - b[0]) * ((i * 7) % 33) / 32,
            y=b[1] + (b[3] - b[1]) * ((i * 11) % 33) / 32,
            visibility=0.3 if i % 5 == 4 else 0.9,
        )
        for i in range(33)
    ]


class ScriptedPose:
    def __init__(self, log: list[list[Any]]) -> None:
        self.log = log
        self.k = 0

    def process(self, rgb: Any) -> SimpleNamespace:
        h, w = rgb.shape[:2]
        k = self.k = int(rgb[0, 0, 0])
        kind = "whole" if (w, h) == (W, H) else "crop" if w == h else "search"
        self.log.append([kind, k])
        b = answer(kind, k)
        return SimpleNamespace(pose_landmarks=SimpleNamespace(landmark=body(b)) if b else None)

    def reset(self) -> None:
        self.log.append(["reset", self.k])

    def close(self) -> None:
        pass


class Scripted(lm.Detector):
    """The server's Detector, its three MediaPipe models replaced by the scripted one."""

    log: list[list[Any]]

    def _new(self, static: bool, confidence: float) -> Any:
        if not hasattr(self, "log"):
            self.log = []
        return ScriptedPose(self.log)


def python_run() -> dict[str, Any]:
    import numpy as np

    detector = Scripted()
    out = []
    for k in range(1, FRAMES + 1):
        found = detector.detect(np.full((H, W, 3), k, dtype=np.uint8))
        points = None if found is None else [[p.x, p.y, p.visibility] for p in found]
        out.append([detector.last_source if found is not None else 0, points])
    return {"out": out, "log": detector.log}


@pytest.fixture(scope="module")
def page(browser_type: Any) -> Iterator[Any]:
    browser = browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        page.set_content(
            '<div id="player"></div><section id="coach-web">'
            '<input type="checkbox" id="coach-web-on"></section>'
        )
        page.add_script_tag(content=PLAN)
        page.add_script_tag(content=SCRIPT.read_text())
        yield page
    finally:
        browser.close()


def test_the_rules_are_served_from_the_servers_constants() -> None:
    rules = rescue_rules()
    assert rules["roi_margin"] == lm.ROI_MARGIN and rules["refresh"] == lm.REFRESH
    assert rules["rescue_confidence"] == lm.RESCUE_CONFIDENCE and rules["pause"] == lm.PAUSE
    assert rules["search_tiles"] == [list(t) for t in lm.SEARCH_TILES]
    assert json.loads(json.dumps(rules)) == rules


def test_the_page_follows_the_person_as_the_server_does(page: Any) -> None:
    got = page.evaluate(RUN, {"rules": rescue_rules(), "frames": FRAMES})
    want = python_run()
    # every branch was taken: whole-picture finds, crops followed, a refresh, ghosts, searches
    sources = [s for s, _ in want["out"]]
    kinds = {kind for kind, _ in want["log"]}
    assert {0, 1, 2, 3} <= set(sources) and kinds == {"whole", "crop", "search", "reset"}
    assert got["log"] == want["log"]
    for k, ((src, pts), (py_src, py_pts)) in enumerate(zip(got["out"], want["out"], strict=True)):
        assert src == py_src, f"frame {k + 1}: page source {src}, server {py_src}"
        if py_pts is None:
            assert pts is None, f"frame {k + 1}"
        else:
            flat = [c for p in pts for c in p]
            assert flat == pytest.approx([c for p in py_pts for c in p], abs=1e-9), f"frame {k + 1}"


def test_the_crop_geometry_is_the_servers(page: Any) -> None:
    rng = random.Random(7)
    boxes, pairs, crops = [], [], []
    for _ in range(300):
        x0, y0 = rng.uniform(-0.2, 1.0), rng.uniform(-0.2, 1.0)
        box = (x0, y0, x0 + rng.uniform(0.0, 0.9), y0 + rng.uniform(0.0, 0.9))
        w, h = rng.choice([(640, 480), (480, 640), (640, 360), (320, 240)])
        boxes.append([list(box), w, h])
        a = [rng.randrange(0, 400) for _ in range(2)]
        side = rng.randrange(96, 480)
        b = [a[0] + rng.randrange(-150, 150), a[1] + rng.randrange(-150, 150)]
        pairs.append([[a[0], a[1], a[0] + side, a[1] + side], [*b, b[0] + rng.randrange(96, 480)]])
        n = rng.uniform(0.02, 0.6)
        cx, cy = rng.uniform(-0.1, 1.1), rng.uniform(-0.1, 1.1)
        pts = [
            [cx + rng.uniform(-n, n), cy + rng.uniform(-n, n), rng.choice([0.2, 0.6, 0.9])]
            for _ in range(33)
        ]
        crops.append([pts, [rng.randrange(0, 200), rng.randrange(0, 200), 300, 420], w, h])
    got = page.evaluate(
        """({rules, boxes, pairs, crops}) => {
          const g = window.easebackCoach.geometry;
          const lms = (pts) => pts.map((p) => ({x: p[0], y: p[1], z: 0, visibility: p[2]}));
          return {
            crops: boxes.map(([b, w, h]) => g.cropOf(rules, b, w, h)),
            moved: pairs.map(([a, b]) => g.moved(a, b)),
            plausible: crops.map(([pts]) => g.plausible(rules, lms(pts))),
            mapped: crops.map(([pts, c, w, h]) => g.bounds(g.toFrame(lms(pts), c, w, h))),
          };
        }""",
        {"rules": rescue_rules(), "boxes": boxes, "pairs": pairs, "crops": crops},
    )
    assert got["crops"] == [list(lm._crop_of(tuple(b), w, h)) for b, w, h in boxes]
    assert got["moved"] == [lm._moved(tuple(a), tuple(b)) for a, b in pairs]
    assert any(got["moved"]) and not all(got["moved"])

    def points(pts: list[list[float]]) -> list[SimpleNamespace]:
        return [SimpleNamespace(x=x, y=y, visibility=v) for x, y, v in pts]

    plausible = [lm._plausible(points(pts)) for pts, *_ in crops]
    assert got["plausible"] == plausible and any(plausible) and not all(plausible)
    mapped = [list(lm._box(lm._landmarks(points(pts), tuple(c), w, h))) for pts, c, w, h in crops]
    flat = [c for b in got["mapped"] for c in b]
    assert flat == pytest.approx([c for b in mapped for c in b], abs=1e-12)
