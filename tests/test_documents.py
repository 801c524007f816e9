"""Documents built from real cases: format, privacy, templates, incremental builds."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from docx_checks import check_docx

from xsk.documents.docx import extract_text

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"


@pytest.fixture
def closed_case(ws_path, cli):
    r = cli(
        "-C",
        str(ws_path),
        "new",
        "--title",
        "配电变压器移交",
        "--no-input",
        "--date",
        "2026-03-02",
        "--proposer",
        "张建国",
        "--phone",
        "13812345678",
    )
    cid = r.out.split()[-1]
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all")
    assert r.code == 0, r.err
    return ws_path, cid


def test_every_kind_is_built_and_well_formed(closed_case, cli):
    ws, _cid = closed_case
    docs = sorted((ws / "out").rglob("*.docx"))
    titles = {check_docx(p, ["13812345678"])["title"] for p in docs}
    assert {
        "议题登记表",
        "会议通知",
        "签到表",
        "会议纪要",
        "协商结果公示",
        "责任清单",
        "办结回复单",
        "回访评议表",
    } <= titles
    minutes = next(p for p in docs if "会议纪要" in p.name)
    text = extract_text(minutes)
    for needle in ("出席", "列席", "赵强", "过半数", "开发商", "办理移交手续"):
        assert needle in text
    result = next(p for p in docs if "协商结果公示" in p.name)
    text = extract_text(result)
    assert "2026年3月11日" in text and "2026年3月17日" in text
    assert "13812345678" not in text and "138****5678" in text  # scrubbed description
    rows = json.loads(cli("-C", str(ws), "docs", "list", "--json").out)
    assert len(rows) == len(docs) and {r["category"] for r in rows} == {"公开", "内部"}
    assert cli("-C", str(ws), "check").code == 0


def test_reply_and_visit_read_as_a_facilitator_would_write_them(closed_case, cli):
    ws, cid = closed_case
    reply = extract_text(next((ws / "out").rglob("*办结回复单.docx")))
    lines = [x.strip() for x in reply.splitlines() if x.strip()]
    # the template numbers the items once: "1. ...", never "1. 1. ..."
    numbered = [x for x in lines if x[:1].isdigit() and ". " in x]
    assert numbered and all(not x.split(". ", 1)[1][:1].isdigit() for x in numbered)
    contact = next(x for x in lines if x.startswith("如对办理结果有疑问"))
    assert contact.count("请联系") == 1 and "居民委员会" in contact
    r = cli("-C", str(ws), "event", cid, "visit", "--satisfaction", "基本满意", "--text", "还可以")
    assert r.code == 0, r.err
    assert cli("-C", str(ws), "docs", "build", cid, "--kind", "visit").code == 0
    visit = extract_text(next((ws / "out").rglob("*回访评议表.docx")))
    assert "基本满意" in visit and "还可以" in visit
    assert "被评议单位" in visit and "业委会" in visit  # the rating of the answers file
    assert "暂无对责任单位的评议记录" not in visit


def test_incremental_and_deterministic(closed_case, cli):
    ws, _cid = closed_case
    cli("-C", str(ws), "docs", "build")  # the steps built theirs; this adds any others
    r = cli("-C", str(ws), "docs", "build")
    assert "已生成 0 份" in r.out
    before = {p: p.read_bytes() for p in (ws / "out").rglob("*.docx")}
    r = cli("-C", str(ws), "docs", "build", "--force", "--jobs", "1")
    assert r.code == 0
    assert {p: p.read_bytes() for p in (ws / "out").rglob("*.docx")} == before


def test_traditional(closed_case, cli):
    ws, cid = closed_case
    r = cli("-C", str(ws), "docs", "build", cid, "--kind", "result", "--traditional")
    assert r.code == 0, r.err
    result = next((ws / "out" / cid).glob("*协商结果公示.docx"))
    assert "協商" in extract_text(result)


def test_template_override_and_broken_template(closed_case, cli):
    ws, cid = closed_case
    r = cli("-C", str(ws), "templates", "export", "reply")
    assert r.code == 0, r.err
    local = ws / "templates" / "documents" / "reply.docx"
    rows = json.loads(cli("-C", str(ws), "templates", "list", "--json").out)
    assert next(r for r in rows if r["kind"] == "reply")["source"] == "本地"
    # break the template: an unclosed Jinja tag inside the document body
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(local) as zin, zipfile.ZipFile(data, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "word/document.xml":
                body = body.replace(b"{{", b"{{ (", 1)
            zout.writestr(item, body)
    local.write_bytes(data.getvalue())
    r = cli("-C", str(ws), "docs", "build", cid, "--kind", "reply", "--force")
    assert r.code == 2 and "reply.docx" in r.err and "行" in r.err


def test_check_flags_a_leak_in_a_public_document(closed_case, cli):
    ws, cid = closed_case
    assert cli("-C", str(ws), "check").code == 0
    # simulate a hand-made public document containing the proposer's phone
    src = next((ws / "out" / cid).glob("*协商结果公示.docx"))
    from docx import Document

    doc = Document(str(src))
    doc.add_paragraph("联系人电话 13812345678")
    doc.save(str(ws / "out" / cid / "手工公示.docx"))
    r = cli("-C", str(ws), "check")
    assert r.code == 1 and "手工公示.docx" in r.out and "E701" in r.out


def test_pdf_batch_with_libreoffice(closed_case, cli):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice 未安装")
    ws, cid = closed_case
    r = cli("-C", str(ws), "docs", "build", cid, "--kind", "result", "--kind", "minutes", "--pdf")
    assert r.code == 0, r.err
    pdfs = list((ws / "out" / "pdf").glob("*.pdf"))
    assert len(pdfs) == 2
    out = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True)
    assert out.returncode != 0 or out.stdout.strip()


def test_pdf_without_libreoffice_is_exit_3(closed_case, cli, monkeypatch):
    ws, cid = closed_case
    monkeypatch.setenv("PATH", "/nonexistent")
    import xsk.documents.build as rb

    monkeypatch.setattr(rb, "find_soffice", lambda: None, raising=False)
    r = cli("-C", str(ws), "docs", "build", cid, "--kind", "result", "--pdf")
    assert r.code in (3, 2) and "libreoffice" in r.err.lower()


from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


@st.composite
def residents(draw):
    name = draw(st.sampled_from(SURNAMES)) + draw(st.text(alphabet=GIVEN, min_size=1, max_size=2))
    phone = (
        "1"
        + draw(st.sampled_from("3456789"))
        + draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    )
    id_number = draw(st.text(alphabet="0123456789", min_size=17, max_size=17)) + draw(
        st.sampled_from("0123456789X")
    )
    building = draw(st.integers(1, 30))
    address = f"{building}号楼{draw(st.integers(1, 6))}单元{draw(st.integers(101, 2802))}"
    return name, phone, id_number, address


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(residents())
def test_public_documents_never_show_private_data(closed_case, tmp_path_factory, who):
    """Random residents written into the case's free text never reach a public document."""
    from xsk.documents import plan as documents
    from xsk.workspace import cases as store
    from xsk.workspace import settings as workspace

    ws_path, cid = closed_case
    name, phone, id_number, address = who
    # a resident: not someone the roster names on public documents (王丽 hosts the meeting)
    assume(name not in {e.name for e in workspace.load(ws_path).roster if e.public_name} | {"王丽"})

    def mutate(doc):
        doc["description"] = f"{name}（电话{phone}，身份证{id_number}，住{address}）反映隐患"
        p = doc["proposers"][0]
        p["name"], p["phone"], p["id_number"], p["address"] = name, phone, id_number, address

    store.update(workspace.load(ws_path), cid, mutate)
    ws = workspace.load(ws_path)
    out = tmp_path_factory.mktemp("pub")
    jobs = [j for j in documents.jobs_for_cases(ws, [cid]) if j.public]
    assert {j.kind for j in jobs} == {"notice", "result"}
    for job in jobs:
        job.out_path = out / job.out_path.name
    documents.run_jobs(ws, jobs, force=True)
    for job in jobs:
        body = extract_text(job.out_path)
        for secret in (phone, id_number, address, name):
            assert secret not in body, (job.kind, secret)
