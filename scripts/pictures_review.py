"""Render what a picture review looks at, into one folder (default artifacts/pictures-review):
the contact sheet (sheet.png), every animation at 8 moments (anim/<id>.png, four moments a row),
the key poses as printed (keys/<id>.png) and the all-techniques handout (handout.pdf and
handout/page-NN.png through pdftoppm). Run from a checkout:
    PYTHONPATH=$PWD .venv/bin/python scripts/pictures_review.py [--out DIR] [ID ...]
With ids only those animations and key poses are drawn (no sheet or handout)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import time
from pathlib import Path

from easeback.content.loader import default_catalogue
from easeback.pictures import contact_sheet_png, png_bytes
from easeback.pictures import svg as S
from easeback.pictures.handout import items_from_techniques, write_handout


def moments_png(technique: object, path: Path) -> None:
    tiles = []
    for k, (at, body) in enumerate(S.moments(technique)):  # type: ignore[arg-type]
        x, y = (k % 4) * S.WIDTH, (k // 4) * S.HEIGHT
        tiles.append(S._nest(body, x, y, f"k{k}"))
        tiles.append(f'<text x="{x + 5:g}" y="{y + 15:g}" font-size="13">t={at:.1f}s</text>')
    w, h = 4 * S.WIDTH, 2 * S.HEIGHT
    grid = (f'<path d="M0,{S.HEIGHT:g}H{w:g}M{S.WIDTH:g},0V{h:g}M{2 * S.WIDTH:g},0V{h:g}'
            f'M{3 * S.WIDTH:g},0V{h:g}" stroke="#ccc"/>')  # fmt: skip
    doc = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           f'viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}">'
           f'<rect width="100%" height="100%" fill="white"/>{"".join(tiles)}{grid}'
           "</svg>")  # fmt: skip
    path.write_bytes(png_bytes(doc, 1.0))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="artifacts/pictures-review")
    ap.add_argument("ids", nargs="*")
    args = ap.parse_args()
    out = Path(args.out)
    cat = default_catalogue()
    techniques = [cat.technique(i) for i in args.ids] if args.ids else list(cat.techniques)
    for sub in ("anim", "keys"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for t in techniques:
        t0 = time.time()
        moments_png(t, out / "anim" / f"{t.id}.png")
        (out / "keys" / f"{t.id}.png").write_bytes(png_bytes(S.all_key_poses_svg(t), 1.0))
        print(f"{t.id}: {time.time() - t0:.1f} s", flush=True)
    if args.ids:
        return
    contact_sheet_png(techniques, out / "sheet.png")
    pdf = out / "handout.pdf"
    fills = write_handout(items_from_techniques(techniques), pdf, "easeback techniques", [])
    pages = out / "handout"
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir()
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(pages / "page")], check=True)
    print(f"sheet, handout ({len(fills)} pages) in {out}")


if __name__ == "__main__":
    main()
