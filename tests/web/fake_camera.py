"""A clip made into a camera for Chromium (`--use-file-for-fake-video-capture` reads Y4M and
loops it), for the browser coach's test and bench/coach-web. Needs OpenCV (the camera extra)."""

from __future__ import annotations

from pathlib import Path


def write_y4m(
    src: Path,
    dst: Path,
    width: int = 640,
    height: int = 480,
    slow: int = 1,
    seconds: float = 0,
    empty: float = 0,
) -> int:
    """The clip scaled to width x height (cropped to that shape first), played `slow` times slower
    than it was filmed (its frame rate divided: Chromium paces a file camera by the file's rate);
    at most `seconds` of the clip when given, after `empty` seconds of a dark picture with no one
    in it (the camera loops the file: each pass begins with the person out of view). Returns the
    frames written."""
    import cv2  # type: ignore[import-untyped,import-not-found,unused-ignore]

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    limit = int(seconds * fps) if seconds else None
    written = 0
    with open(dst, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{round(fps)}:{slow} Ip A1:1 C420jpeg\n".encode())
        dark = bytes([16]) * (width * height) + bytes([128]) * (width * height // 2)
        for _ in range(round(empty * fps)):
            out.write(b"FRAME\n" + dark)
            written += 1
        read = 0
        while limit is None or read < limit:
            ok, bgr = cap.read()
            if not ok:
                break
            read += 1
            h, w = bgr.shape[:2]
            want = width / height
            if w / h > want:  # too wide: keep the middle
                keep = round(h * want)
                bgr = bgr[:, (w - keep) // 2 : (w - keep) // 2 + keep]
            else:
                keep = round(w / want)
                bgr = bgr[(h - keep) // 2 : (h - keep) // 2 + keep]
            frame = cv2.resize(bgr, (width, height), interpolation=cv2.INTER_AREA)
            planes = cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes()
            out.write(b"FRAME\n" + planes)
            written += 1
    cap.release()
    return written
