"""The public notice as a picture for WeChat groups (``xsk docs image ID --kind notice|result``).

The same public context as the printed notice (the public view: residents masked, text
scrubbed) is rendered with the same template onto a phone-shaped page: 100 mm wide, 5 mm
margins, no page grid, no page numbers, tables scaled to the width. LibreOffice makes a PDF,
poppler (``pdftoppm``) draws each page 1080 px wide, and the pages are stacked into one PNG with
the trailing white cut. The rendered text is scanned for private data again before the picture
is written (a hit stops it, as for every public document).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from xsk.core.errors import ToolMissingError, UsageError
from xsk.core.kinds import KIND_NAMES
from xsk.documents import plan
from xsk.store import atomic
from xsk.workspace.settings import Workspace

WIDTH_PX = 1080
PAGE_W_MM, PAGE_H_MM, MARGIN_MM = 100, 400, 5
_TW = 1440 / 25.4  # twips per mm
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _job(ws: Workspace, ident: str, kind: str) -> Any:
    if kind not in ("notice", "result"):
        raise UsageError(f"--kind 应为 notice 或 result，不是“{kind}”")
    if kind == "notice":
        path = ws.meetings_dir / f"{ident}.toml"
        if not path.is_file():
            raise UsageError(f"找不到会议 {ident}", hint="会议通知的图片用会议编号，如 2026-M001")
        m = plan.load_meeting(ws, ident)
        cases = [c for c in m.get("cases", []) if (ws.cases_dir / c).is_dir()]
        jobs = plan.jobs_for_cases(ws, cases, ["notice"])
        found = [j for j in jobs if j.out_path.parent.name == ident]
    else:
        if not (ws.cases_dir / ident).is_dir():
            raise UsageError(f"找不到议题 {ident}", hint="结果公示的图片用议题编号，如 2026-003")
        found = plan.jobs_for_cases(ws, [ident], ["result"])
    if not found:
        raise UsageError(f"{ident} 还没有{KIND_NAMES[kind]}", hint="请先完成发布它的步骤")
    return found[0]


def _phone_page(data: bytes) -> bytes:
    """The rendered .docx on a phone-shaped page (no grid, no footer, tables scaled)."""
    from lxml import etree

    src = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(src.read("word/document.xml"))
    text_w = round((PAGE_W_MM - 2 * MARGIN_MM) * _TW)
    old_w = 8844
    for sect in root.iter(f"{W}sectPr"):
        for el in list(sect):
            if el.tag in (f"{W}footerReference", f"{W}headerReference", f"{W}docGrid"):
                sect.remove(el)
            elif el.tag == f"{W}pgSz":
                el.set(f"{W}w", str(round(PAGE_W_MM * _TW)))
                el.set(f"{W}h", str(round(PAGE_H_MM * _TW)))
            elif el.tag == f"{W}pgMar":
                for side in ("top", "bottom", "left", "right"):
                    el.set(f"{W}{side}", str(round(MARGIN_MM * _TW)))
                for side in ("header", "footer", "gutter"):
                    el.set(f"{W}{side}", "0")
    for tag in ("tblW", "gridCol", "tcW"):
        for el in root.iter(f"{W}{tag}"):
            w = el.get(f"{W}w")
            if w and w.isdigit():
                el.set(f"{W}w", str(int(w) * text_w // old_w))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            blob = src.read(name)
            if name == "word/document.xml":
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(name, blob)
    return out.getvalue()


def _stack(pngs: list[Path]) -> bytes:
    from PIL import Image, ImageChops

    pages = [Image.open(p).convert("RGB") for p in pngs]
    width = max(p.width for p in pages)
    trimmed = []
    for p in pages:
        box = ImageChops.difference(p, Image.new("RGB", p.size, "white")).getbbox()
        bottom = min(p.height, (box[3] if box else 0) + 40)
        trimmed.append(p.crop((0, 0, p.width, bottom)))
    out = Image.new("RGB", (width, sum(p.height for p in trimmed)), "white")
    y = 0
    for p in trimmed:
        out.paste(p, (0, y))
        y += p.height
    buf = io.BytesIO()
    out.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def public_image(
    ws: Workspace, ident: str, kind: str, out: Path | None = None
) -> tuple[Path, list[str]]:
    """Write the PNG; returns its path and the paragraphs of text it shows (scanned)."""
    from xsk.documents import publiccheck
    from xsk.documents.build import convert_to_pdf
    from xsk.documents.docx import render_document

    job = _job(ws, ident, kind)
    if shutil.which("pdftoppm") is None:
        raise ToolMissingError("未找到 pdftoppm（poppler），无法生成图片。请先安装 poppler-utils")
    target = out or ws.out_dir / "images" / f"{ident}-{KIND_NAMES[kind]}.png"
    with tempfile.TemporaryDirectory(prefix="xsk-image-") as tmp:
        folder = Path(tmp)
        docx = render_document(
            job.kind,
            job.context,
            folder / f"{ident}-{kind}.docx",
            template_dirs=plan.template_dirs(ws),
            public=True,
            traditional=ws.settings.traditional,
            known_private=job.known_private,
            allowed_public=job.allowed_public,
            scan=job.scan,
        )
        data = _phone_page(docx.read_bytes())
        paragraphs = publiccheck.paragraphs_bytes(data)
        scrubber = publiccheck.scanner(job.known_private, job.allowed_public, job.scan)
        hits = publiccheck.hits_in(paragraphs, scrubber)
        if hits:
            raise UsageError(
                f"{KIND_NAMES[kind]}的图片含有未脱敏的个人信息（第 {hits[0][0]} 段），已停止生成",
                hint="公开文书不得包含居民电话、证件号、住址、姓名",
            )
        docx.write_bytes(data)
        (pdf,) = convert_to_pdf([docx], folder / "pdf")
        subprocess.run(
            ["pdftoppm", "-png", "-scale-to-x", str(WIDTH_PX), "-scale-to-y", "-1", str(pdf),
             str(folder / "page")],
            check=True,
            capture_output=True,
        )  # fmt: skip
        png = _stack(sorted(folder.glob("page*.png")))
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, png)
    return target, paragraphs
