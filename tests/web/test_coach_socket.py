"""The browser coach's WebSocket door, without a browser: recorded landmark frames sent over the
socket give the counts and warnings the same frames give the coach directly; only the page's own
session (cookie, its CSRF value, its Origin) may connect; a bad message gets a plain error and the
socket goes on; the stretches reach the tally a recorded session keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from easeback.domain.motion import PoseFrame
from easeback.pose import synthetic
from easeback.pose.coach import Session, signal_for
from easeback.web import pose_assets

from .answers import clear_answers
from .conftest import BASE, Visitor

ORIGIN = {"origin": BASE}
TECHNIQUE = "bridge"  # the floor routine's second technique; it has a camera signal


def planned(v: Visitor) -> list[str]:
    """Screen and plan on the floor; the routine's technique ids."""
    v.screen(clear_answers())
    v.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
    app = v.client.app
    routine = app.state.web.sessions.open(v.client.cookies.get("easeback_session")).routine  # type: ignore[attr-defined]
    return [str(t["id"]) for t in routine["techniques"]]


def recorded() -> list[PoseFrame]:
    """Four bridges, moved too fast (half a second each way), with noise and dropped frames."""
    signal = signal_for(TECHNIQUE)
    script = synthetic.reps_script(signal, reps=4, move=0.5, hold=1.0, rest=1.0)
    return synthetic.frames(signal, script, fps=30, drop_rate=0.02, seed=3)


def as_message(f: PoseFrame, n: int) -> dict[str, Any]:
    points = None if f.landmarks is None else [[p.x, p.y, 0.0, p.visibility] for p in f.landmarks]
    return {"type": "frame", "n": n, "t": f.t, "landmarks": points}


def connect(v: Visitor, csrf: str | None = None, headers: dict[str, str] | None = None) -> Any:
    token = v.csrf if csrf is None else csrf
    return v.client.websocket_connect(
        f"ws://127.0.0.1/player/coach?csrf={token}&run=r1",
        headers=ORIGIN if headers is None else headers,
    )


def played(v: Visitor, index: int, frames: list[PoseFrame]) -> list[dict[str, Any]]:
    """The coach's answer to each frame, sent in turn over one socket after a start."""
    with connect(v) as ws:
        ws.send_json({"type": "start", "index": index, "aspect": 1.0})
        ws.receive_json()
        answers = []
        for n, f in enumerate(frames):
            ws.send_json(as_message(f, n))
            answers.append(ws.receive_json())
    return answers


def test_frames_over_the_socket_count_as_the_coach_counts_them(visitor):
    ids = planned(visitor)
    index = ids.index(TECHNIQUE)
    frames = recorded()
    direct = Session(TECHNIQUE, keep_angles=False)
    for f in frames:
        direct.update(f)
    expected = direct.summary()
    assert expected.reps == 4 and any(e.kind.value == "slow_down" for e in expected.warnings)

    with connect(visitor) as ws:
        ws.send_json({"type": "start", "index": index, "aspect": 1.0})
        assert ws.receive_json() == {"type": "started", "technique": TECHNIQUE, "mode": TECHNIQUE}
        events: list[dict[str, Any]] = []
        for n, f in enumerate(frames):
            ws.send_json(as_message(f, n))
            status = ws.receive_json()
            assert status["type"] == "status" and status["n"] == n
            events += status["events"]
        assert status["reps"] == expected.reps and status["counting"] is True
        assert status["rate"] == pytest.approx(30, abs=2)
        assert status["hold_seconds"] == round(expected.hold_seconds, 1)
        slow = sum(e.kind.value == "slow_down" for e in expected.warnings)
        assert status["warnings"]["slow_down"] == slow
        assert [e["kind"] for e in events].count("rep") == expected.reps
        ws.send_json({"type": "stop"})
        assert ws.receive_json() == {"type": "stopped"}

    # the stretch is in the visitor's tally, as the server camera's are; no landmark is kept
    sid = visitor.client.cookies.get("easeback_session")
    (counts,) = visitor.client.app.state.camera.tally(sid)  # type: ignore[attr-defined]
    assert counts["technique_id"] == TECHNIQUE and counts["reps"] == expected.reps
    assert counts["slow_down"] == slow
    data = Path(visitor.client.app.state.web.settings.data_dir)  # type: ignore[attr-defined]
    kept = {str(p.relative_to(data)) for p in data.rglob("*") if p.is_file()}
    assert kept <= {"journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3-shm", "web-secret"}


def test_frames_too_seldom_to_count_give_no_count_rather_than_a_wrong_one(visitor):
    """A page whose model finds the body a few times a second (a slow phone; this machine's
    WebGL in software finds it about once a second): the coach says it is not counting and
    gives no repetitions, holds or movement warnings, live or in the tally; being in view is
    still told."""
    from easeback.web.coach_web import MIN_RATE

    ids = planned(visitor)
    every = 10  # 3 frames a second of the movement: far below MIN_RATE
    frames = [PoseFrame(3.0 + f.t, f.landmarks) for f in recorded()[::every]]
    frames = [PoseFrame(t / 3, None) for t in range(9)] + frames  # no one in view at first
    assert 30 / every < MIN_RATE
    answers = played(visitor, ids.index(TECHNIQUE), frames)
    assert answers[0]["counting"] is True and answers[0]["rate"] is None  # not measured yet
    last = answers[-1]
    assert last["counting"] is False and last["rate"] == pytest.approx(3, abs=0.6)
    assert last["reps"] is None and last["hold_seconds"] is None
    assert last["warnings"] == {"setup": 1}, last["warnings"]
    kinds = {e["kind"] for a in answers for e in a["events"]}
    assert kinds <= {"setup", "ready"}, kinds
    sid = visitor.client.cookies.get("easeback_session")
    (counts,) = visitor.client.app.state.camera.tally(sid)  # type: ignore[attr-defined]
    assert counts["reps"] == 0 and counts["hold_seconds"] == 0 and counts["slow_down"] == 0
    assert counts["setup"] == 1


def test_the_tally_keeps_the_count_the_page_was_last_shown(visitor):
    """The stretch's summary is judged by the same rate over the last seconds as the page's
    answers, not by its average: a page whose first results came slowly (the model loading, no
    one in view for 24 s at 3 frames a second) and then 30 a second was shown counting, and its
    repetitions are kept (the average, 13 a second, would have dropped them)."""
    from easeback.web.coach_web import MIN_RATE

    ids = planned(visitor)
    slow = [PoseFrame(k / 3, None) for k in range(72)]
    frames = slow + [PoseFrame(24.0 + f.t, f.landmarks) for f in recorded()]
    assert (len(frames) - 1) / (frames[-1].t - frames[0].t) < MIN_RATE
    answers = played(visitor, ids.index(TECHNIQUE), frames)
    assert answers[60]["counting"] is False  # the slow start: not counting, and told so
    last = answers[-1]
    assert last["counting"] is True and last["reps"] == 4
    sid = visitor.client.cookies.get("easeback_session")
    (counts,) = visitor.client.app.state.camera.tally(sid)  # type: ignore[attr-defined]
    assert counts["reps"] == last["reps"]


def test_a_technique_without_a_signal_is_coached_in_the_generic_mode(visitor):
    ids = planned(visitor)
    with connect(visitor) as ws:
        ws.send_json({"type": "start", "index": 0, "aspect": 4 / 3})
        started = ws.receive_json()
        assert started["technique"] == ids[0]
        ws.send_json({"type": "start", "aspect": 4 / 3})  # no index: the generic mode
        assert ws.receive_json()["mode"] == "auto"


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("not json", "must be a JSON object"),
        ('{"type": "dance"}', 'type is "start", "frame" or "stop"'),
        ('{"type": "frame", "t": 1, "landmarks": null}', "before the first frame"),
        ('{"type": "start", "aspect": "wide"}', "aspect must be a finite number"),
        ('{"type": "start", "aspect": 40}', "aspect (the picture's width over its height)"),
        ('{"type": "start", "index": -1}', "index must be the player's technique number"),
    ],
)
def test_a_bad_message_gets_a_plain_error_and_the_socket_goes_on(visitor, message, says):
    planned(visitor)
    with connect(visitor) as ws:
        ws.send_text(message)
        answer = ws.receive_json()
        assert answer["type"] == "error" and says in answer["message"]
        ws.send_json({"type": "start", "index": 0})
        assert ws.receive_json()["type"] == "started"


def test_bad_frames_after_a_start_are_named(visitor):
    planned(visitor)
    good = [[0.5, 0.5, 0.0, 0.9]] * 33
    with connect(visitor) as ws:
        ws.send_json({"type": "start", "index": 0})
        ws.receive_json()
        for frame, says in [
            ({"t": 0.1, "landmarks": good[:5]}, "a list of 33 points, not 5"),
            ({"t": 0.1, "landmarks": [[0.5, 0.5]] * 33}, "landmark 0 must be [x, y, z, v"),
            ({"t": 0.1, "landmarks": [*good[:32], [0.5, None, 0, 1]]}, "landmark 32 must be"),
            ({"t": "soon", "landmarks": None}, "t must be a finite number"),
            ({"t": 1e999, "landmarks": None}, "t must be a finite number"),
        ]:
            ws.send_json({"type": "frame", **frame})
            answer = ws.receive_json()
            assert answer["type"] == "error" and says in answer["message"], answer
        ws.send_json({"type": "frame", "t": 1.0, "landmarks": good})
        assert ws.receive_json()["type"] == "status"
        ws.send_json({"type": "frame", "t": 0.5, "landmarks": good})
        assert "must go up" in ws.receive_json()["message"]
        ws.send_text("x" * 20_000)
        assert "under 16384 characters" in ws.receive_json()["message"]


def refused(v: Visitor, **kw: Any) -> bool:
    try:
        with connect(v, **kw) as ws:
            ws.send_json({"type": "start"})
            ws.receive_json()
    except WebSocketDisconnect as exc:
        return exc.code == 1008
    return False


def test_only_the_pages_own_session_may_connect(app):
    with TestClient(app, base_url=BASE) as client:
        v = Visitor(client)
        planned(v)
        assert refused(v, csrf="forged")
        assert refused(v, headers={})  # no Origin: not a page of this app
        assert refused(v, headers={"origin": "http://evil.example"})
        assert refused(v, headers={"origin": "null"})
        assert refused(v, headers={"origin": "http://evil.example", "host": "evil.example"})
        assert not refused(v)
        sid = client.cookies.get("easeback_session")
        client.cookies.clear()  # the token without the cookie it belongs to
        assert refused(v)
        client.cookies.set("easeback_session", "x" * 43)
        assert refused(v)
        assert sid


def test_the_model_files_are_served_from_their_folder_with_their_types(tmp_path: Path):
    from easeback.settings import Settings
    from easeback.web import create_app
    from easeback.web.coach_web import rescue_rules

    folder = tmp_path / "pose-web"
    app = create_app(Settings(data_dir=str(tmp_path / "data"), pose_web_dir=str(folder)))
    with TestClient(app, base_url=BASE) as client:
        ready = client.get("/pose-web/ready.json").json()
        assert ready == {
            "ready": False,
            "version": pose_assets.VERSION,
            "fetch": "python -m easeback.web.pose_assets",
            "rescue": rescue_rules(),  # how the page follows the person: the server's rules
        }
        assert client.get("/pose-web/pose.js").status_code == 404
        folder.mkdir()
        for name in pose_assets.FILES:
            (folder / name).write_bytes(b"\0asm" if name.endswith(".wasm") else b"x")
        (folder / "secret.txt").write_text("not served")
        assert client.get("/pose-web/ready.json").json()["ready"] is True
        wasm = client.get("/pose-web/pose_solution_simd_wasm_bin.wasm")
        assert wasm.status_code == 200 and wasm.headers["content-type"] == "application/wasm"
        assert client.get("/pose-web/pose.js").headers["content-type"].startswith("text/javascript")
        model = client.get("/pose-web/pose_landmark_lite.tflite")
        assert model.headers["content-type"] == "application/octet-stream"
        assert client.get("/pose-web/secret.txt").status_code == 404
        assert client.get("/pose-web/..%2Fdata%2Fweb-secret").status_code == 404
        page_policy = client.get("/").headers
        assert "'wasm-unsafe-eval'" in page_policy["content-security-policy"]
        assert "camera=(self)" in page_policy["permissions-policy"]


def test_the_fetch_checks_the_pinned_hash_and_unpacks_only_what_the_page_needs(tmp_path: Path):
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in (*pose_assets.FILES, "pose_landmark_heavy.tflite", "../escape.txt"):
            data = name.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    blob = buf.getvalue()
    with pytest.raises(pose_assets.AssetError, match="does not match its pinned sha512"):
        pose_assets.check(blob)
    import base64
    import hashlib

    pose_assets.check(blob, "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode())
    pose_assets.unpack(blob, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(pose_assets.FILES)
    assert pose_assets.present(tmp_path / "out") and not (tmp_path / "escape.txt").exists()


def test_the_server_easeback_runs_answers_the_coach_socket(tmp_path):
    """Served for real by uvicorn (not the test client), the socket is answered: uvicorn speaks
    WebSocket only when a WebSocket library is installed, and without one every browser coach
    said "easeback could not be reached" (a clean install lacked it; this fails there)."""
    import httpx2 as httpx
    from websockets.sync.client import connect as ws_connect

    from easeback.settings import Settings
    from easeback.web import create_app

    from .browser import live_server

    app = create_app(Settings(data_dir=str(tmp_path)))
    with live_server(app) as base, httpx.Client(base_url=base, follow_redirects=True) as http:
        v = Visitor(http)  # type: ignore[arg-type]
        v.screen(clear_answers())
        v.post("/plan", {"place": "floor", "minutes": 5, "equipment": "mat"})
        cookie = http.cookies.get("easeback_session")
        routine = app.state.web.sessions.open(cookie).routine
        index = [str(t["id"]) for t in routine["techniques"]].index(TECHNIQUE)
        url = base.replace("http://", "ws://") + f"/player/coach?csrf={v.csrf}&run=r1"
        headers = {"Cookie": f"easeback_session={cookie}"}
        with ws_connect(url, origin=base, additional_headers=headers, open_timeout=60) as ws:
            ws.send(json.dumps({"type": "start", "index": index, "aspect": 1.0}))
            assert json.loads(ws.recv(timeout=60)) == {
                "type": "started",
                "technique": TECHNIQUE,
                "mode": TECHNIQUE,
            }
            ws.send(json.dumps({"type": "stop"}))
