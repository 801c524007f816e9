"""``xsk docs packet MEETING``: a meeting's documents in one PDF, in filing order, with a
bookmark per part, made by one batched LibreOffice call (issue 16)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_xsk

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="需要 LibreOffice（soffice）转换 PDF：.ci/run 会用 apt 安装，本机没有，此测试跳过",
)
ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"


@pytest.fixture
def meeting_ws(ws_path: Path) -> tuple[Path, str]:
    r = run_xsk(
        "-C", str(ws_path), "new", "--title", "配电变压器移交", "--no-input",
        "--date", "2026-03-02", "--proposer", "张建国", "--phone", "13812345678",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    cid = r.stdout.split()[-1]
    r = run_xsk("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.returncode == 0, r.stderr
    mid = sorted((ws_path / "meetings").glob("*.toml"))[0].stem
    return ws_path, mid


def test_packet_pages_and_bookmarks(meeting_ws, tmp_path) -> None:
    from pypdf import PdfReader

    ws, mid = meeting_ws
    out = tmp_path / "材料.pdf"
    r = run_xsk("-C", str(ws), "docs", "packet", mid, "--out", str(out), timeout=600)
    assert r.returncode == 0, r.stderr
    packet = PdfReader(out)
    top = [o["/Title"] for o in packet.outline if not isinstance(o, list)]
    assert top[:3] == ["会议通知", "签到表", "会议纪要"]
    assert any(t.endswith("协商结果公示") for t in top)
    assert any("责任清单：" in t for t in top)
    kinds = [t.split(" ")[-1].split("：")[0] for t in top]
    assert kinds.index("协商结果公示") < kinds.index("责任清单")
    # the page count is the sum of the parts' (each part built as its own document)
    r = run_xsk("-C", str(ws), "docs", "build", "--pdf", timeout=600)
    assert r.returncode == 0, r.stderr
    pdf_dir = ws / "out" / "pdf"
    parts = [f"{mid}-会议通知", f"{mid}-签到表", f"{mid}-会议纪要"]
    parts += [p.stem for p in pdf_dir.glob("*-协商结果公示.pdf")]
    parts += [p.stem for p in pdf_dir.glob("*-责任清单-*.pdf")]
    assert len(parts) == len(top)
    assert len(packet.pages) == sum(len(PdfReader(pdf_dir / f"{s}.pdf").pages) for s in parts)


def test_unknown_meeting_is_one_line(ws_path) -> None:
    r = run_xsk("-C", str(ws_path), "docs", "packet", "2026-M999")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "找不到会议 2026-M999" in r.stderr
