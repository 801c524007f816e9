"""Every kind of the demo, read as a clerk reads it (issue 16): titles that name the matter,
the minutes' vote record and signatures, a blank sign-in sheet, the 督办单 and its 回执, one
greeting and one thanks, a defined 评分 scale, no resident's phone on a public notice, no
paragraph ending in ，or ；, every numbered item ending in 。."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from conftest import run_xsk
from docx.oxml.ns import qn

from xsk.documents.docx import extract_text


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("wording") / "demo"
    r = run_xsk("demo", str(target), timeout=300)
    assert r.returncode == 0, r.stderr
    return target


def _docs(demo: Path, name: str) -> list[Path]:
    found = sorted((demo / "out").rglob(f"*{name}*.docx"))
    assert found, name
    return found


def _paragraphs(path: Path) -> list[str]:
    """Body paragraphs (not table cells), as printed."""
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_titles_name_the_matter(demo: Path) -> None:
    titles = {p.name: _paragraphs(p)[0] for p in sorted((demo / "out").rglob("*.docx"))}
    assert titles["2026-M001-会议纪要.docx"] == "红桥社区2026年第1次协商议事会纪要"
    assert titles["2026-M001-会议通知.docx"] == "关于召开红桥社区2026年第1次协商议事会的通知"
    assert titles["2026-M001-签到表.docx"] == "红桥社区2026年第1次协商议事会签到表"
    assert titles["2026-003-协商结果公示.docx"] == "关于小区配电变压器移交电网公司协商结果的公示"
    bare = {"会议纪要", "会议通知", "协商结果公示", "责任清单", "督办单", "办结回复单"}
    assert not bare & set(titles.values())
    for name, title in titles.items():
        if "责任清单" in name:
            assert title.endswith("协商议定事项责任清单"), title
    # the case id is a reference in the text, never the document's number
    for path in _docs(demo, "会议通知") + _docs(demo, "协商结果公示"):
        assert not any(t.startswith("编号：") for t in _paragraphs(path)), path.name


def test_minutes_vote_people_and_signatures(demo: Path) -> None:
    vote = re.compile(
        r"^应到\d+人，实到\d+人，同意\d+人、反对\d+人、弃权\d+人，同意人数占实到人数的\d{1,3}%，"
        r"((超过|未超过|达到|未达到)[^，]+|无人反对|有反对意见)，表决(通过|未通过)。$"
    )
    votes = 0
    for path in _docs(demo, "会议纪要"):
        paras = _paragraphs(path)
        text = "\n".join(paras)
        assert "主持人（签字）：" in text and "记录人（签字）：" in text, path.name
        for p in paras:
            if p.startswith("应到"):
                votes += 1
                assert vote.match(p), p
            if p.startswith(("出席：", "请假：", "列席：")):
                assert not re.search(r"（[^）]*（", p), p  # no bracket inside a bracket
        assert "100.0%" not in text and "同意 " not in text
    assert votes >= 3
    m1 = extract_text(demo / "out/meetings/2026-M001/2026-M001-会议纪要.docx")
    assert "王丽（红桥社区党委书记，主持人）" in m1
    every = "".join(extract_text(p) for p in _docs(demo, "会议纪要"))
    assert "区政协区政协" not in every and "社区党委社区党委" not in every
    assert "柳南区政协委员" in every


def test_signin_sheet_is_blank_for_signatures(demo: Path) -> None:
    for path in _docs(demo, "签到表"):
        table = docx.Document(str(path)).tables[0]
        header = [c.text for c in table.rows[0].cells]
        assert header == ["序号", "姓名", "单位或身份", "签名"], header
        cells = {c.text for row in table.rows[1:] for c in row.cells}
        assert not cells & {"出席", "列席", "请假"}, path.name
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[2] >= 70 * 1440 / 25.4 * 0.95  # 单位或身份 about 70 mm and more
    # the person on leave at M001 (韦秋菊 sent word) has no signature box
    m1 = demo / "out/meetings/2026-M001/2026-M001-签到表.docx"
    minutes = extract_text(demo / "out/meetings/2026-M001/2026-M001-会议纪要.docx")
    leave = re.search(r"请假：(.+)", minutes)
    if leave and leave.group(1) != "无":
        name = leave.group(1).split("（")[0]
        assert name not in extract_text(m1)


def test_supervision_notice_wording_and_receipt(demo: Path) -> None:
    for path in _docs(demo, "督办单"):
        text = extract_text(path)
        assert "已超期" not in text and "逾期" in text
        assert "回　执" in text and "办理情况" in text and "经办人" in text
        assert "督办人：" not in text


def test_reply_greets_once_and_thanks_once(demo: Path) -> None:
    for path in _docs(demo, "办结回复单"):
        paras = [p for p in _paragraphs(path) if p]
        greetings = [p for p in paras if re.fullmatch(r"[^，。：]{1,12}：", p)]
        assert len(greetings) == 1, (path.name, greetings)
        text = "\n".join(paras)
        assert text.count("感谢") + text.count("谢谢") == 1, path.name
        # no second salutation opening a paragraph of the text
        heads = [p for p in paras if re.match(r"^[^：，]{2,6}(同志|女士|先生|阿姨|长)：.", p)]
        assert not heads, heads


def test_visit_form_scale_widths_and_signatures(demo: Path) -> None:
    for path in _docs(demo, "回访评议表"):
        text = extract_text(path)
        assert "5分很满意" in text and "1分很不满意" in text
        assert "回访人（签字）：" in text and "被回访人（签字）：" in text
        table = docx.Document(str(path)).tables[0]
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert grid[0] < grid[-1]  # 回访日期 narrower than 意见建议


def test_public_notices_give_the_office_phone_not_a_residents(demo: Path) -> None:
    for path in _docs(demo, "协商结果公示") + _docs(demo, "会议通知"):
        text = extract_text(path)
        assert "****" not in text and "**" not in text, path.name
        assert "0772-3812345" in text, path.name
    result = extract_text(demo / "out/2026-003/2026-003-协商结果公示.docx")
    assert "监督电话：0772-3812345。" in result


def test_no_paragraph_ends_mid_sentence_and_items_end_with_full_stop(demo: Path) -> None:
    bad_end, bad_item = [], []
    for path in sorted((demo / "out").rglob("*.docx")):
        for p in _paragraphs(path):
            s = p.strip()
            if s.endswith(("，", "；")):
                bad_end.append((path.name, s))
            if re.match(r"^\d+\. ", s) and not s.endswith(("。", "？", "！")):
                bad_item.append((path.name, s))
    assert not bad_end, bad_end[:5]
    assert not bad_item, bad_item[:5]


def test_responsibility_list_keeps_what_it_said_on_its_day(demo: Path) -> None:
    """Every demo item was finished later: the list issued when it was assigned still says
    待办 (progress belongs in the 督办单), and the 督办单 shows today's state."""
    for path in _docs(demo, "责任清单"):
        cells = {c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells}
        assert "已办结" not in cells and "待办" in cells, path.name


def test_status_on_the_issue_date() -> None:
    import datetime as dt

    from xsk.documents.plan import _status_on
    from xsk.parts.outcomes import Outcome

    day = dt.date(2026, 3, 16)
    done_later = Outcome(
        no=1, item="硬化地面", unit="物业", deadline=dt.date(2026, 4, 30), status="已办结",
        done=dt.date(2026, 4, 20),
    )  # fmt: skip
    assert _status_on(done_later, day) == "待办"
    assert _status_on(done_later, dt.date(2026, 4, 21)) == "已办结"
    late = Outcome(no=2, item="清运", unit="物业", deadline=dt.date(2026, 3, 1), status="办理中")
    assert _status_on(late, day) == "逾期"


def test_public_note_on_public_documents_only(demo: Path) -> None:
    """GB/T 9704 7.3.7: （此件公开发布） under the date of every 通知 and 公示, on no other."""
    seen = {True: 0, False: 0}
    for path in sorted((demo / "out").rglob("*.docx")):
        public = path.stem.endswith(("会议通知", "协商结果公示"))
        paras = [t for t in _paragraphs(path) if t.strip()]
        if public:
            assert paras[-1] == "（此件公开发布）", path.name
            assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", paras[-2]), path.name
        else:
            assert "（此件公开发布）" not in extract_text(path), path.name
        seen[public] += 1
    assert seen[True] >= 20 and seen[False] >= 50


def test_a_bare_objection_channel_becomes_a_sentence():
    """objection_channel = "社区居委会意见箱" printed bare read "…个工作日）。社区居委会意见箱。"."""
    from types import SimpleNamespace

    from xsk.documents.plan import _objection_sentence

    def ws(channel: str):
        return SimpleNamespace(
            settings=SimpleNamespace(objection_channel=channel, community="红桥社区")
        )

    assert (
        _objection_sentence(ws("社区居委会意见箱"))
        == "如有异议，请于公示期内通过社区居委会意见箱反映"
    )
    own = "如有异议，请于公示期内向红桥社区居委会书面或当面反映"
    assert _objection_sentence(ws(own + "。")) == own
    assert _objection_sentence(ws("")).startswith("如有异议，请于公示期内向红桥社区居民委员会")
