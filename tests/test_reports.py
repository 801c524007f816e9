"""Reports: the figures (exact), periods, several workspaces, supervision, the .docx report."""

from __future__ import annotations

import datetime as dt
import json
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

TZ = dt.timezone(dt.timedelta(hours=8))
WHEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
TODAY = dt.date(2026, 6, 1)


def build_sample(ws: Any, prefix: str = "") -> dict[str, str]:
    """Four cases written through the real modules.

    a: met in 2026-M001 with a vote, two outcome items (one late), a 满意 visit, two ratings,
       closed as resolved. b: closed as out of scope. c: in the same meeting, escalated, one
       overdue item. d: open, nothing yet, no category or source.
    """
    from xsk.actions import workflow
    from xsk.parts import events, meetings, outcomes
    from xsk.prompts.base import NoInputPrompter
    from xsk.workspace import cases as store

    p = NoInputPrompter()

    def new(title, created, **kw):
        return workflow.new_case(
            ws, p, title=prefix + title, created=created, when=WHEN, received_by="王丽", **kw
        ).id

    a = new(
        "3号楼加装电梯",
        dt.date(2026, 3, 2),
        category="加装电梯",
        level="社区",
        channel="居民反映",
        proposer="张建国",
        phone="13912345678",
    )
    b = new(
        "广场舞噪音扰民",
        dt.date(2026, 3, 5),
        category="矛盾纠纷化解",
        level="网格",
        channel="微信群",
    )
    c = new(
        "变压器移交供电部门",
        dt.date(2026, 3, 10),
        category="公共设施建设与维护",
        channel="入户走访",
    )
    d = new("快递柜数量不足", dt.date(2026, 4, 20), level="小区")
    mid = "2026-M001"
    attendees = [
        {"name": n, "attendance": "出席", "vote": True}
        for n in ("王丽", "李娜", "赵强", "钱军", "孙芳")
    ]
    attendees += [{"name": "周涛", "attendance": "列席"}, {"name": "吴敏", "attendance": "列席"}]
    attendees += [{"name": "郑洋", "attendance": "请假"}]
    answer = {
        "form": "议事会",
        "time": dt.datetime(2026, 3, 12, 14, 30),
        "venue": "社区议事厅",
        "host": "王丽",
        "attendees": attendees,
        "vote": {"rule": "majority", "yes": 5, "no": 0, "abstain": 0},
        "resolutions": ["同意加装电梯"],
    }
    paths = [meetings.save(ws.meetings_dir, mid, a, answer)]
    paths.append(meetings.save(ws.meetings_dir, mid, c, {"resolutions": ["提请街道协调供电部门"]}))
    da, dc = store.case_dir(ws, a), store.case_dir(ws, c)
    paths.append(
        outcomes.write_items(
            da,
            [
                {
                    "no": 1,
                    "item": "办理加装电梯审批",
                    "unit": "区住建局",
                    "deadline": dt.date(2026, 4, 30),
                    "status": "已办结",
                    "done": dt.date(2026, 4, 20),
                    "meeting": mid,
                },
                {
                    "no": 2,
                    "item": "清理施工场地",
                    "unit": "某某物业",
                    "deadline": dt.date(2026, 4, 10),
                    "status": "已办结",
                    "done": dt.date(2026, 4, 15),
                    "meeting": mid,
                },
            ],
            "居务监督委员会",
        )
    )
    visit = {"date": dt.date(2026, 5, 6), "visitor": "王丽", "method": "电话回访"}
    paths.append(events.write(da, "visit", WHEN, {**visit, "satisfaction": "满意"}))
    paths.append(
        events.write(da, "rating", WHEN, {"unit": "区住建局", "score": 5, "by": "居民代表"})
    )
    paths.append(
        events.write(da, "rating", WHEN, {"unit": "某某物业", "score": 4, "by": "居民代表"})
    )
    paths.append(
        outcomes.write_items(
            dc,
            [
                {
                    "no": 1,
                    "item": "协调变压器移交",
                    "unit": "区供电局",
                    "deadline": dt.date(2026, 3, 31),
                    "status": "办理中",
                }
            ],
        )
    )
    esc = {"from_level": "社区", "to_level": "街道", "to": "红桥街道", "reason": "超出社区职权"}
    paths.append(events.write(dc, "escalation", WHEN, esc))

    def close(result: str, day: dt.date, meeting: str = ""):
        def mutate(doc):
            doc["status"] = "closed"
            doc["closed"] = day
            doc["result"] = result
            if meeting:
                doc["answers"] = {"screen": {"form": "议事会"}, "meet": {"meeting": meeting}}

        return mutate

    paths.append(store.update(ws, a, close("resolved", dt.date(2026, 5, 6), mid)))
    paths.append(store.update(ws, b, close("out_of_scope", dt.date(2026, 3, 6))))

    def open_c(doc):
        doc["answers"] = {"meet": {"meeting": mid}}
        doc["level"] = "街道"
        doc["due"] = dt.date(2026, 3, 31)

    paths.append(store.update(ws, c, open_c))
    ws.commit(paths, "测试数据")
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setenv("XSK_NOW", f"{TODAY.isoformat()}T10:00:00+08:00")
    return TODAY


@pytest.fixture
def sample(ws, fixed_today):
    ids = build_sample(ws)
    return ws, ids


EXPECTED = {
    "cases": 4,
    "closed": 2,
    "closed_with_reason": 0,
    "resolved_rate": 50.0,
    "withdrawn": 0,
    "merged": 0,
    "meetings": 1,
    "participants": 7,
    "on_site": 2,
    "escalated": 1,
    "voted": 1,
    "direct": 1,  # cases with outcome items, not voted (the others were never consulted)
    "on_time_rate": 33.33,  # 1 of the 3 items with a deadline done by it
    "by_category": {"公共设施建设与维护": 1, "加装电梯": 1, "未分类": 1, "矛盾纠纷化解": 1},
    "by_level": {"网格": 1, "小区": 1, "社区": 1, "街道": 1},
    "by_source": {"入户走访": 1, "居民反映": 1, "微信群": 1, "未注明": 1},
    "by_procedure": {"dongguan-6": 4},
    "by_unit": {
        "区供电局": {
            "items": 1,
            "done": 0,
            "overdue": 1,
            "on_time": 0,
            "on_time_rate": 0.0,
            "ratings": 0,
            "average_rating": None,
        },
        "区住建局": {
            "items": 1,
            "done": 1,
            "overdue": 0,
            "on_time": 1,
            "on_time_rate": 100.0,
            "ratings": 1,
            "average_rating": 5.0,
        },
        "某某物业": {
            "items": 1,
            "done": 1,
            "overdue": 0,
            "on_time": 0,
            "on_time_rate": 0.0,
            "ratings": 1,
            "average_rating": 4.0,
        },
    },
    "satisfaction": {
        "visits": 1,
        "cases_visited": 1,
        "counts": {"满意": 1, "基本满意": 0, "不满意": 0},
        "satisfied_rate": 100.0,
    },
}


def test_report_json_figures(sample, cli):
    ws, _ids = sample
    r = cli("-C", str(ws.root), "report", "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    from xsk.reports.stats import KEYS

    assert tuple(data) == KEYS
    assert data == EXPECTED
    rows = json.loads(cli("-C", str(ws.root), "status", "--json", "--all").out)
    assert data["cases"] == len(rows)
    assert sum(data["by_category"].values()) == data["cases"]
    assert data["resolved_rate"] == round(data["closed"] / data["cases"] * 100, 2)


def test_report_text_and_period(sample, cli):
    ws, _ids = sample
    r = cli("-C", str(ws.root), "report")
    assert r.code == 0, r.err
    assert "共受理协商议题4个，已办结2个，办结率50.00%" in r.out
    assert "参与群众和各方代表7人次" in r.out
    assert "责任单位办理情况" in r.out
    r = cli("-C", str(ws.root), "report", "--json", "--from", "2026-03-03", "--to", "2026-03-31")
    data = json.loads(r.out)
    assert data["cases"] == 2 and data["closed"] == 1 and data["resolved_rate"] == 50.0
    assert data["meetings"] == 1
    r = cli("-C", str(ws.root), "report", "--json", "--from", "2026-04-01")
    data = json.loads(r.out)
    assert data["cases"] == 1 and data["meetings"] == 0 and data["resolved_rate"] == 0.0
    r = cli("-C", str(ws.root), "report", "--json", "--from", "2027-01-01")
    data = json.loads(r.out)
    assert data["cases"] == 0 and data["resolved_rate"] is None
    r = cli("-C", str(ws.root), "report", "--from", "2026-13-01")
    assert r.code == 2 and "--from" in r.err and "Traceback" not in r.err
    r = cli("-C", str(ws.root), "report", "--from", "2026-05-01", "--to", "2026-04-01")
    assert r.code == 2


def test_rates_are_exact():
    from xsk.reports import stats

    assert stats.rate(12647, 12888) == 98.13
    assert stats.rate(1, 8) == 12.5  # 12.5 exactly
    assert stats.rate(1, 3) == 33.33
    assert stats.rate(2, 3) == 66.67
    assert stats.rate(0, 0) is None
    assert stats.average(14, 3) == 4.67
    # half up on an exact tie, where binary floats round down
    assert stats.rate(5, 800) == 0.63  # 0.625 exactly -> 0.63 (float round(0.625, 2) is 0.62)


def test_several_workspaces(tmp_path, fixed_today, cli):
    from xsk.workspace import settings as workspace

    roots = []
    for name in ("红桥社区", "白沙社区"):
        root = workspace.create(
            tmp_path / name,
            community=name,
            street="红桥街道",
            district="柳南区",
            procedure="dongguan-6",
            facilitator="王丽",
        )
        build_sample(workspace.load(root))
        roots.append(root)
    args = ["report", "--json"]
    for root in roots:
        args += ["--workspace", str(root)]
    r = cli(*args)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["cases"] == 8 and data["closed"] == 4 and data["participants"] == 14
    assert data["by_unit"]["区住建局"]["items"] == 2
    assert data["by_category"]["加装电梯"] == 2
    r = cli(*args[:-4], "--workspace", str(roots[0]), "--workspace", str(roots[1]))
    assert r.code == 0
    r = cli("report", "--workspace", str(roots[0]), "--workspace", str(roots[0]))
    assert r.code == 2
    r = cli(*[a for a in args if a != "--json"])
    assert "各社区情况" in r.out and "白沙社区" in r.out
    out = tmp_path / "街道报告.docx"
    r = cli(*args, "--docx", str(out))
    assert r.code == 0, r.err
    from xsk.documents.docx import extract_text

    text = extract_text(out)
    assert "红桥街道社区协商议事工作统计报告" in text and "红桥街道办事处" in text
    assert "各社区情况" in text and "白沙社区" in text


def test_due_and_overdue_by_unit(sample, cli):
    ws, ids = sample
    from xsk.reports.stats import due_by_unit, overdue_by_unit

    groups = overdue_by_unit(ws, TODAY)
    assert list(groups) == ["区供电局"]
    item = groups["区供电局"][0]
    assert item["case_id"] == ids["c"] and item["overdue"] and item["workdays_left"] < 0
    assert item["deadline"] == dt.date(2026, 3, 31)
    assert due_by_unit(ws, dt.date(2026, 3, 25), 5)["区供电局"][0]["workdays_left"] == 4
    assert due_by_unit(ws, dt.date(2026, 3, 20), 2) == {}
    r = cli("-C", str(ws.root), "due")
    assert r.code == 0, r.err
    assert "区供电局" in r.out and "逾期" in r.out
    r = cli("-C", str(ws.root), "due", "--json", "--overdue")
    assert json.loads(r.out)["区供电局"][0]["case_id"] == ids["c"]


def test_report_docx_with_charts(sample, cli, tmp_path):
    ws, _ids = sample
    out = tmp_path / "报告.docx"
    r = cli("-C", str(ws.root), "report", "--docx", str(out))
    assert r.code == 0, r.err
    from xsk.documents.docx import extract_text

    text = extract_text(out)
    assert "红桥社区协商议事工作统计报告" in text
    assert "共受理协商议题4个" in text
    assert "责任单位办理情况" in text and "区住建局" in text
    assert "2026年6月1日" in text
    assert "13912345678" not in text
    from xsk.reports import charts

    with zipfile.ZipFile(out) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    if charts.find_cjk_font():
        assert len(media) >= 3
        assert "图1 各类议题数量" in text and "图2 回访满意度构成" in text
    else:  # pragma: no cover - the CI machine has fonts-noto-cjk
        assert "未找到中文字体" in r.err


def test_report_docx_without_cjk_font(sample, cli, tmp_path, monkeypatch):
    ws, _ids = sample
    from xsk.reports import charts

    monkeypatch.setattr(charts, "find_cjk_font", lambda: None)
    out = tmp_path / "report.docx"
    r = cli("-C", str(ws.root), "report", "--docx", str(out), "--json")
    assert r.code == 0, r.err
    assert "未找到中文字体" in r.err
    assert json.loads(r.out)["cases"] == 4
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_report_bad_output_path(sample, cli, tmp_path):
    ws, _ids = sample
    r = cli("-C", str(ws.root), "report", "--docx", str(tmp_path / "x.txt"))
    assert r.code == 2 and ".docx" in r.err
    r = cli("-C", str(ws.root), "report", "--xlsx", str(tmp_path / "no" / "x.xlsx"))
    assert r.code == 2 and "目录不存在" in r.err


def test_commands_do_not_load_heavy_modules():
    import subprocess

    code = (
        "import sys; import xsk.cli.app, xsk.cli.reports, xsk.reports.stats, xsk.casework.index; "
        "heavy = [m for m in ('openpyxl', 'matplotlib', 'docx', 'docxtpl', 'questionary') "
        "if m in sys.modules]; print(heavy)"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_printed_tables_are_capped():
    from xsk.reports import stats

    unit = {"items": 2, "done": 1, "overdue": 1, "on_time": 1, "on_time_rate": 50.0}
    unit |= {"ratings": 1, "average_rating": 4.0}
    report = {
        "cases": 30,
        "by_category": {f"类别{i}": 10 - i for i in range(6)},
        "by_level": {"社区": 30},
        "by_source": {},
        "by_procedure": {"dongguan-6": 30},
        "by_unit": {f"单位{i}": dict(unit) for i in range(5)},
        "satisfaction": {"visits": 0},
    }
    full = stats.tables(report, {"dongguan-6": "东莞“六步走”"})
    assert len(full[0]["rows"]) == 6 and full[3]["rows"][0][0] == "东莞“六步走”（dongguan-6）"
    capped = stats.tables(report, max_rows=3)
    assert capped[0]["rows"][-1] == ["其他（4 项）", "26", "86.67%"]
    units = capped[4]["rows"]
    assert len(units) == 3 and units[-1][:4] == ["其他 3 个单位", "6", "3", "3"]
    assert units[-1][4] == "—" and units[-1][5] == "3"


def test_workday_counter_matches_calendar():
    import random

    from xsk.reports.stats import WorkdayCounter
    from xsk.rules.workdays import Calendar

    cal = Calendar(holidays=[dt.date(2026, 6, 3)], workdays=[dt.date(2026, 6, 6)])
    counter = WorkdayCounter(cal)
    rnd = random.Random(3)
    base = dt.date(2025, 12, 1)
    for _ in range(300):
        a = base + dt.timedelta(days=rnd.randrange(400))
        b = base + dt.timedelta(days=rnd.randrange(400))
        assert counter.between(a, b) == cal.workdays_between(a, b), (a, b)


# --- the Word report as an office writes it (issue 16) ------------------------------------


def _rec(cid: str, items: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    return {
        "id": cid,
        "created": "2026-03-01",
        "result": "resolved",
        "status": "closed",
        "escalated": False,
        "vote_action": False,
        "items": items,
        "category": "环境卫生",
        "level": "社区",
        "channel": "居民反映",
        "procedure": "dongguan-6",
        "visits": [],
        "ratings": [],
    }


def test_office_percentages_whole_or_one_decimal_exactly():
    from fractions import Fraction

    from xsk.reports.stats import Rate, office_number, office_pct, pct, rate

    shown = {
        (n, d): office_pct(rate(n, d))
        for n, d in [(14, 17), (1, 1), (0, 5), (3, 4), (2, 3), (1, 21)]
    }
    assert shown == {
        (14, 17): "82.4%",
        (1, 1): "100%",
        (0, 5): "0%",
        (3, 4): "75%",
        (2, 3): "66.7%",
        (1, 21): "4.8%",
    }
    assert office_pct(rate(3, 0)) == "—" and office_number(None) == "—"
    # rounded once, from the exact fraction: 12.3451% is 12.35 at two decimals but 12.3 at one
    r = Rate("12.35", Fraction(123451, 10000))
    assert r == 12.35 and office_pct(r) == "12.3%"
    # the screen and --json keep their two decimals
    assert pct(rate(14, 17)) == "82.35%" and json.dumps(rate(14, 17)) == "82.35"


def test_rate_without_denominator_is_a_dash_in_the_word_report():
    from xsk.reports import report_doc, stats

    data = stats.Dataset(
        "红桥社区",
        [
            _rec("2026-001", [("物业", "已办结", "2026-03-10", "2026-03-09")]),
            # a unit whose only item has no deadline: 按时办结率 has nothing to divide by
            _rec("2026-002", [("业委会", "已办结", "", "2026-03-20")]),
        ],
    )
    figures = stats.compute([data], stats.Period(), TODAY)
    assert figures["by_unit"]["业委会"]["on_time_rate"] is None  # --json: null
    rows = {r[0]: r for t in report_doc.doc_tables(figures) for r in t["rows"]}
    assert rows["物业"][4] == "100%" and rows["业委会"][4] == "—"
    assert rows["环境卫生"][1:] == ["2", "100%"]
    lines = stats.summary_lines(figures, office=True)
    assert "办结率100%。" in lines[0]
    assert "有办结时限的事项按时办结率100%。" in lines


def test_report_docx_display_captions_and_title(sample, cli, tmp_path, monkeypatch):
    import re

    import docx

    from xsk.reports import charts

    if not charts.find_cjk_font():  # pragma: no cover - the CI machine has fonts-noto-cjk
        pytest.skip("没有中文字体，报告不含图表")
    # every label drawn on a chart, as drawn
    labels: list[str] = []
    from matplotlib.axes import Axes

    real_text = Axes.text

    def text(self, x, y, s, *args, **kwargs):
        labels.append(str(s).strip())
        return real_text(self, x, y, s, *args, **kwargs)

    monkeypatch.setattr(Axes, "text", text)
    ws, _ids = sample
    out = tmp_path / "报告.docx"
    r = cli("-C", str(ws.root), "report", "--docx", str(out))
    assert r.code == 0, r.err
    # the on-time chart: 0%, 100%, 0% as "0", "100", "0" (never "0.00", "100.00")
    assert {"0", "100"} <= set(labels) and not [x for x in labels if re.search(r"\.\d\d$", x)]
    document = docx.Document(str(out))
    paras = document.paragraphs
    texts = [p.text for p in paras]
    full = "\n".join(texts) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    # percentages as an office writes them, nowhere two decimals
    assert not re.search(r"\d+\.\d{2}%", full), re.findall(r"\d+\.\d{2}%", full)
    assert "办结率50%" in full and "按时办结率33.3%" in full
    assert "统计范围：截至2026年6月1日登记的全部议题" in full and "全部议题；" not in full
    # each chart numbered, its caption right under it; no heading standing over them
    captions = [i for i, t in enumerate(texts) if re.fullmatch(r"图\d+ .+", t)]
    assert [texts[i].split()[0] for i in captions] == [
        f"图{n}" for n in range(1, len(captions) + 1)
    ]
    assert len(captions) >= 3
    for i in captions:
        assert paras[i - 1]._p.xpath(".//w:drawing"), texts[i]
        assert paras[i - 1].style.name == "XSK Figure" and paras[i].style.name == "XSK Caption"
        # the chart keeps with its caption, and two fit on a page: at most 83 mm tall
        assert paras[i - 1].style.paragraph_format.keep_with_next
        extent = paras[i - 1]._p.xpath(".//wp:extent")[0]
        assert int(extent.get("cy")) <= 83.5 * 36000
    assert "统计图表" not in full
    # the core title is the title on the page
    assert document.core_properties.title == texts[0] == "红桥社区协商议事工作统计报告"
    # 说明 says how the report rounds
    assert any("保留一位小数，整数不保留小数" in t for t in texts)
