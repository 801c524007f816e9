"""Regenerate the README's pictures ``docs/img/*.png`` from a fresh demo.

Builds ``xsk demo`` in a temporary folder, converts the chosen documents with xsk's own
LibreOffice call (``xsk.documents.build.convert_to_pdf``: the same fonts and grid fix as
``docs build --pdf``), rasterises the chosen page with poppler's ``pdftoppm`` and writes it
as a small palette PNG with a thin grey frame (the page on a white README).

Run from the repository root (needs LibreOffice, poppler-utils and fonts-noto-cjk)::

    PYTHONPATH=. python tools/make_readme_images.py [OUTDIR]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "img"
DPI = 110  # an A4 page 910 px wide: 3号 text is 24 px tall, readable on a screen
MAX_BYTES = 250_000

# picture -> (document under the demo's out/, page)
PICTURES = {
    "minutes.png": ("meetings/2026-M001/2026-M001-会议纪要.docx", 1),
    "result.png": ("2026-003/2026-003-协商结果公示.docx", 1),
    "result-signoff.png": ("2026-003/2026-003-协商结果公示.docx", -1),
    "report-charts.png": ("统计报告.docx", 4),
}


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    line = next(x for x in info.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def _page_png(pdf: Path, page: int, out: Path) -> None:
    if page < 0:
        page = _pages(pdf) + 1 + page
    stem = out.with_suffix("")
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), *pages, "-png", "-singlefile", str(pdf), str(stem)],
        check=True,
    )
    img = Image.open(out).convert("RGB")
    img = ImageOps.expand(img, border=2, fill=(160, 160, 160))
    # a page is black text, grey lines and a few chart colours: 64 colours keep it sharp
    img.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


def main(argv: list[str] | None = None) -> int:
    from xsk.documents.build import convert_to_pdf

    args = list(sys.argv[1:] if argv is None else argv)
    out_dir = Path(args[0]) if args else DEFAULT_OUT
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xsk-readme-") as tmp:
        demo = Path(tmp) / "demo"
        subprocess.run(
            [sys.executable, "-m", "xsk", "demo", str(demo)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        docs = sorted({demo / "out" / doc for doc, _ in PICTURES.values()})
        pdfs = {p.stem: p for p in convert_to_pdf(docs, Path(tmp) / "pdf")}
        for name, (doc, page) in PICTURES.items():
            target = out_dir / name
            _page_png(pdfs[Path(doc).stem], page, target)
            size = target.stat().st_size
            print(f"已生成 {target}（{size // 1000} KB）")
            if size > MAX_BYTES:
                print(f"  注意：超过 {MAX_BYTES // 1000} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
