"""``xsk docs image ID --kind notice|result``: the public notice as a phone picture (issue 16):
at least 1000 px wide, rendered from the public view, scanned for private data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_xsk

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
    reason="需要 LibreOffice（soffice）和 poppler（pdftoppm）：.ci/run 会用 apt 安装，本机没有，此测试跳过",
)
ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"


@pytest.fixture(scope="module")
def case_ws(tmp_path_factory) -> tuple[Path, str, str]:
    ws = tmp_path_factory.mktemp("image") / "ws"
    r = run_xsk("init", str(ws), "--no-input", "--community", "红桥社区", "--facilitator", "王丽")
    assert r.returncode == 0, r.stderr
    r = run_xsk(
        "-C", str(ws), "new", "--title", "配电变压器移交", "--no-input", "--date", "2026-03-02",
        "--proposer", "张建国", "--phone", "13812345678",
        "--description", "3号楼居民张建国反映变压器老化，联系电话13812345678。",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    cid = r.stdout.split()[-1]
    r = run_xsk("-C", str(ws), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.returncode == 0, r.stderr
    mid = sorted((ws / "meetings").glob("*.toml"))[0].stem
    return ws, cid, mid


@pytest.mark.parametrize("kind", ["result", "notice"])
def test_png_is_phone_wide_and_private_data_stays_off(case_ws, kind, tmp_path) -> None:
    from PIL import Image

    from xsk.documents import publiccheck
    from xsk.documents.image import public_image
    from xsk.workspace import settings

    ws, cid, mid = case_ws
    ident = cid if kind == "result" else mid
    out = tmp_path / f"{kind}.png"
    r = run_xsk("-C", str(ws), "docs", "image", ident, "--kind", kind, "--out", str(out))
    assert r.returncode == 0, r.stderr
    with Image.open(out) as im:
        assert im.width >= 1000 and im.height > im.width
    # the text the picture shows, scanned again with the workspace's own private strings
    path, paragraphs = public_image(settings.load(ws), ident, kind, tmp_path / "again.png")
    text = "\n".join(paragraphs)
    assert "13812345678" not in text and "5678" not in text and "张建国" not in text
    scrubber = publiccheck.scanner(["13812345678", "张建国"], [], None)
    assert publiccheck.hits_in(paragraphs, scrubber) == []
    assert path.read_bytes() == out.read_bytes()  # the same picture from the same view


def test_wrong_kind_or_id_is_one_line(case_ws) -> None:
    ws, cid, _mid = case_ws
    for args in (["--kind", "minutes"], ["--kind", "notice"]):
        r = run_xsk("-C", str(ws), "docs", "image", cid, *args)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert len([x for x in r.stderr.splitlines() if x.strip()]) <= 2
