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
    return [x for x in lines if not PAGE_NO.match(x) and x != issuer and not DATE.match(x)]


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
