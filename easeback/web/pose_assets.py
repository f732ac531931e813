"""The in-page pose model (MediaPipe Pose for the web, npm `@mediapipe/pose`, Apache-2.0): fetched
once at install time by `python -m easeback.web.pose_assets` (scripts/install runs it with the
camera extra), checked against its pinned sha512, unpacked into a folder outside the code, and
served by easeback itself so that the page asks no other host for anything.

Standard library only: the step runs before (and without) any extra.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PACKAGE = "@mediapipe/pose"
VERSION = "0.5.1675469404"
URL = f"https://registry.npmjs.org/{PACKAGE}/-/pose-{VERSION}.tgz"
INTEGRITY = (  # the registry's `dist.integrity` for this version
    "sha512-DFZsNWTsSphRIZppnUCuunzBiHP2FdJXR9ehc7mMi4KG+oPaOH0Em3d6kr7Py+TSyTXC1doH88KcF28k2sBxsQ=="
)
# What the page loads (pose.js asks for the rest through locateFile); the heavy model (28 MB) is
# left out: the page picks lite or full.
FILES = (
    "pose.js",
    "pose_web.binarypb",
    "pose_solution_packed_assets.data",
    "pose_solution_packed_assets_loader.js",
    "pose_solution_simd_wasm_bin.data",
    "pose_solution_simd_wasm_bin.js",
    "pose_solution_simd_wasm_bin.wasm",
    "pose_solution_wasm_bin.js",
    "pose_solution_wasm_bin.wasm",
    "pose_landmark_lite.tflite",
    "pose_landmark_full.tflite",
    "package.json",  # names the version and the licence
)
MEDIA_TYPES = {
    ".js": "text/javascript",
    ".wasm": "application/wasm",
    ".tflite": "application/octet-stream",
    ".binarypb": "application/octet-stream",
    ".data": "application/octet-stream",
    ".json": "application/json",
}
ENV = "EASEBACK_POSE_WEB_DIR"
HOW_TO = "python -m easeback.web.pose_assets"  # what the player tells a person to run


class AssetError(RuntimeError):
    """The download failed, or what came is not the pinned package."""


def default_dir(data_dir: Path) -> Path:
    return data_dir / "pose-web" / VERSION


def present(folder: Path) -> bool:
    """Every file the page needs is in the folder."""
    return all((folder / name).is_file() for name in FILES)


def check(blob: bytes, integrity: str = INTEGRITY) -> None:
    algo, _, want = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, blob).digest()).decode()
    if got != want:
        raise AssetError(f"{URL} does not match its pinned {algo}: got {algo}-{got}")


def unpack(blob: bytes, folder: Path) -> None:
    """Write only FILES, by name, into folder (nothing else of the archive is read out)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for name in FILES:
            member = tar.getmember(f"package/{name}")
            source = tar.extractfile(member)
            if source is None:
                raise AssetError(f"{name} is not a file in {URL}")
            data = source.read()
            with tempfile.NamedTemporaryFile(dir=folder, delete=False) as tmp:
                tmp.write(data)
            os.chmod(tmp.name, 0o644)
            os.replace(tmp.name, folder / name)


def download(url: str = URL, timeout: float = 120.0) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            blob: bytes = resp.read()
    except OSError as exc:
        raise AssetError(f"could not download {url}: {exc}") from exc
    return blob


def fetch(folder: Path) -> bool:
    """Download, check and unpack unless already there; True when it fetched."""
    if present(folder):
        return False
    blob = download()
    check(blob)
    unpack(blob, folder)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=HOW_TO, description=f"Fetch {PACKAGE} {VERSION} for the in-page camera coach."
    )
    parser.add_argument("--dir", help=f"target folder (default: ${ENV}, else in the data folder)")
    args = parser.parse_args(argv)
    from easeback.settings import Settings

    folder = Path(args.dir) if args.dir else Settings.from_env().pose_web_folder()
    try:
        fetched = fetch(folder)
    except AssetError as exc:
        print(f"easeback: {exc}", file=sys.stderr)
        return 1
    print(f"{PACKAGE} {VERSION} {'fetched into' if fetched else 'already in'} {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
