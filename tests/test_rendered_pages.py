"""Every demo document rendered to PDF (one batched LibreOffice call: ``xsk docs build
--pdf``), its pages checked as a reader sees them: the report and the 督办单 are converted too,
page counts are sane, forms fit one sheet where their content allows, and no last page holds
fewer than three lines of body text (a sign-off, a page number or a lone line)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_xsk

TOOLS = ("soffice", "pdfinfo", "pdftotext")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS),
    reason="需要 LibreOffice（soffice）和 poppler（pdfinfo、pdftotext）：.ci/run 会用 apt 安装，"
    "本机没有，渲染页面的测试跳过",
)

PAGE_NO = re.compile(r"^—\s*\d+\s*—$")
DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
PUBLIC_NOTE = "（此件公开发布）"  # a note, not body text


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))


def _body_lines(pdf: Path, page: int, issuer: str) -> list[str]:
    """Lines of text on ``page`` other than the page number and the sign-off."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    return [
        x
        for x in lines
        if not PAGE_NO.match(x) and x != issuer and not DATE.match(x) and x != PUBLIC_NOTE
    ]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    demo = tmp_path_factory.mktemp("pages") / "demo"
    r = run_xsk("demo", str(demo), timeout=300)
    assert r.returncode == 0, r.stderr
    r = run_xsk("-C", str(demo), "docs", "build", "--pdf", timeout=900)
    assert r.returncode == 0, r.stderr
    return demo, {p.stem: p for p in (demo / "out" / "pdf").glob("*.pdf")}


def test_every_document_is_converted_report_and_supervision_too(pdfs) -> None:
    demo, found = pdfs
    docs = {p.stem for p in (demo / "out").rglob("*.docx")}
    assert docs == set(found)
    assert "统计报告" in found and any(s.startswith("督办单-") for s in found)


def test_page_counts_and_last_pages(pdfs) -> None:
    _demo, found = pdfs
    bad = []
    for stem, pdf in sorted(found.items()):
        n = _pages(pdf)
        assert 1 <= n <= 8, (stem, n)
        if "议题登记表" in stem:
            assert n == 1, (stem, n)  # a form fits one sheet
        if n > 1:
            last = _body_lines(pdf, n, "红桥社区居民委员会")
            if len(last) < 3:
                bad.append((stem, n, last))
    assert not bad, bad


def test_short_sheets_fit_one_page(pdfs) -> None:
    demo, found = pdfs
    from xsk.documents.plan import SIGNIN_ROWS_PER_SHEET

    for stem, pdf in found.items():
        if not stem.endswith("签到表"):
            continue
        mid = stem.removesuffix("-签到表")
        import tomllib

        m = tomllib.loads((demo / "meetings" / f"{mid}.toml").read_text("utf-8"))
        signing = [a for a in m.get("attendees", []) if a.get("attendance") != "请假"]
        if len(signing) <= SIGNIN_ROWS_PER_SHEET - 2:
            assert _pages(pdf) == 1, stem


# A4 in points: the text block runs from 28 mm to 184 mm; one body character is 16 pt.
MM = 72 / 25.4
LEFT, RIGHT, CHAR = 28 * MM, 184 * MM, 16.0
LINE = 225 * MM / 22  # the line pitch: 22 lines in the 225 mm text block


def _lines(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, x0, y0, x1, y1) of every line on ``page``, top to bottom."""
    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = []
    for m in re.finditer(
        r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
        xml,
        re.S,
    ):
        words = "".join(re.findall(r">([^<]*)</word>", m.group(5)))
        out.append((words, *(float(m.group(i)) for i in range(1, 5))))
    return out


def test_sign_off_is_seal_ready_on_the_page(pdfs) -> None:
    """GB/T 9704 7.3.5.1 as printed: the date 右空四字, the issuer centred over it, and room
    above them for a 40 mm seal whose top is within a line of the body and which covers the
    date; public documents carry （此件公开发布） under the date, 居左空二字."""
    _demo, found = pdfs
    stems = ["2026-003-协商结果公示", "2026-003-办结回复单", "2026-M001-会议通知"]
    for stem in stems:
        pdf = found[stem]
        lines = _lines(pdf, _pages(pdf))
        i = next(k for k, ln in enumerate(lines) if ln[0] == "红桥社区居民委员会")
        body, issuer, date = lines[i - 1], lines[i], lines[i + 1]
        assert DATE.match(date[0]), (stem, date)
        assert abs((RIGHT - date[3]) - 4 * CHAR) < 3, (stem, RIGHT - date[3])
        centre = lambda ln: (ln[1] + ln[3]) / 2  # noqa: E731
        assert abs(centre(issuer) - centre(date)) < 4, (stem, centre(issuer), centre(date))
        seal_top = body[4] + 2 * MM
        seal_bottom, seal_centre = seal_top + 40 * MM, seal_top + 20 * MM
        assert date[4] < seal_bottom, stem  # the seal presses the date (骑年盖月)
        assert (issuer[2] + date[4]) / 2 > seal_centre, stem  # 居印章中心偏下
        assert issuer[2] - body[4] > 2 * LINE - 5, stem  # two blank lines of room
        note = [ln for ln in lines[i + 2 :] if ln[0] == PUBLIC_NOTE]
        if "公示" in stem or "通知" in stem:
            assert note and abs(note[0][1] - (LEFT + 2 * CHAR)) < 3, (stem, note)
        else:
            assert not note, stem
