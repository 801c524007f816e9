"""Everyday commands (issue 17): find, roster edit/remove, show, meetings --upcoming, attach,
and the Chinese names accepted where ids are (event kinds, vote rules, steps)."""

from __future__ import annotations

import datetime as dt
import json
import stat
import subprocess
from pathlib import Path

import pytest


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def run(ws_path, cli):
    def go(*args: str):
        return cli("-C", str(ws_path), *args)

    return go


def _new(run, title: str, *extra: str) -> str:
    r = run("new", "--title", title, "--no-input", *extra)
    assert r.code == 0, r.err
    return r.out.strip().splitlines()[-1]


def test_new_names_the_step_not_its_id(run):
    r = run("new", "--title", "三号楼加装电梯", "--no-input")
    assert "征集和提出协商议题" in r.out and "collect" not in r.out


def test_find_by_text_category_person_step(run, ws_path):
    a = _new(run, "三号楼加装电梯", "--category", "公共设施建设与维护", "--proposer", "张建国")
    b = _new(run, "小区停车难", "--category", "物业管理")
    r = run("find", "电梯", "--json")
    assert [x["id"] for x in json.loads(r.out)] == [a]
    r = run("find", "--category", "物业管理", "--json")
    assert [x["id"] for x in json.loads(r.out)] == [b]
    r = run("find", "--person", "张建国", "--json")
    assert [x["id"] for x in json.loads(r.out)] == [a]
    r = run("find", "--step", "征集和提出协商议题", "--json")
    assert {x["id"] for x in json.loads(r.out)} == {a, b}
    assert json.loads(run("find", "--step", "collect", "--json").out)[0]["step_name"]
    r = run("find", "电梯")
    assert r.code == 0 and a in r.out and b not in r.out and "共 1 个议题" in r.out
    assert "collect" not in r.out and "open" not in r.out
    r = run("find", "没有这个")
    assert r.code == 0 and "没有找到" in r.out
    r = run("find", "--unit", "住建局", "--json")
    assert json.loads(r.out) == []


def test_roster_edit_and_remove(run, ws_path):
    r = run("roster", "add", "--name", "李四", "--no-input")
    assert r.code == 0 and "默认给予表决权" in r.out
    r = run("roster", "edit", "李四", "--phone", "1391234567")
    assert r.code == 2 and "11 位" in r.err
    r = run("roster", "edit", "李四", "--phone", "13912345678", "--no-vote", "--role", "楼长")
    assert r.code == 0, r.err
    row = json.loads(run("roster", "show", "李四", "--json", "--reveal").out)
    assert row["phone"] == "13912345678" and row["vote"] is False and row["role"] == "楼长"
    assert "名册：修改 李四" in git(ws_path, "log", "-1", "--format=%s")
    r = run("roster", "edit", "李四", "--no-input")
    assert r.code == 2 and "没有要修改的内容" in r.err
    # on an open case: refused, naming the case
    cid = _new(run, "楼道灯不亮", "--proposer", "李四")
    r = run("roster", "remove", "李四")
    assert r.code == 2 and cid in r.err and "进行中" in r.err
    assert "李四" in (ws_path / "roster.toml").read_text("utf-8")
    r = run("roster", "add", "--name", "王五", "--no-input")
    r = run("roster", "remove", "王五")
    assert r.code == 0, r.err
    assert "王五" not in (ws_path / "roster.toml").read_text("utf-8")
    assert git(ws_path, "status", "--porcelain") == ""
    r = run("roster", "remove", "没有的人")
    assert r.code == 2 and "名册中没有" in r.err


def test_roster_add_rejects_bad_phones(run):
    for phone in ("1391234567", "2345678", "abc"):
        r = run("roster", "add", "--name", f"甲{phone}", "--phone", phone, "--no-input")
        assert r.code == 2, phone
    for phone in ("139 1234 5678", "0772-2345678", "(010)12345678"):
        r = run("roster", "add", "--name", f"乙{phone}", "--phone", phone, "--no-input")
        assert r.code == 0, (phone, r.err)


@pytest.mark.parametrize(
    "phone,ok",
    [
        ("13912345678", True),
        ("+86 139-1234-5678", True),
        ("1391234567", False),
        ("139123456789", False),
        ("0772-2345678", True),
        ("0772-2345678转123", True),
        ("010-12345678", True),
        ("2345678", False),
        ("12345", True),
        ("电话", False),
    ],
)
def test_phone_rule(phone, ok):
    from xsk.rules.phones import phone_problem

    assert (phone_problem(phone) is None) is ok


def test_show_text_and_json_carry_the_whole_case(run, ws_path, tmp_path):
    cid = _new(run, "三号楼加装电梯")
    assert run("event", cid, "异议", "--text", "一楼住户不同意").code == 0
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"\xff\xd8 jpeg")
    assert run("attach", cid, str(photo), "--note", "签到表扫描件").code == 0
    r = run("show", cid, "--json")
    view = json.loads(r.out)
    for key in ("outcomes", "progress", "events", "meetings", "documents", "attachments"):
        assert key in view, key
    assert view["step_name"] == "征集和提出协商议题" and view["status_name"] == "进行中"
    assert view["events"][0]["kind"] == "objection" and view["events"][0]["kind_name"] == "异议"
    assert view["attachments"][0]["note"] == "签到表扫描件"
    assert view["progress"]["steps"][0]["state"] == "当前"
    r = run("show", cid)
    for needle in ("办理进度", "征集和提出协商议题", "事件", "异议", "一楼住户不同意", "附件"):
        assert needle in r.out, needle
    assert "签到表扫描件" in r.out and "已生成的文书" in r.out
    assert "collect" not in r.out and "objection" not in r.out


def test_attach_keeps_files_in_git_and_refuses_large_ones(run, ws_path, tmp_path):
    from xsk.workspace import attachments

    cid = _new(run, "三号楼加装电梯")
    a = tmp_path / "现场.jpg"
    a.write_bytes(b"one")
    b = tmp_path / "dup" / "现场.jpg"
    b.parent.mkdir()
    b.write_bytes(b"two")
    assert run("attach", cid, str(a)).code == 0
    r = run("attach", cid, str(b), "--note", "第二张")
    assert r.code == 0 and "现场-2.jpg" in r.out
    folder = ws_path / "cases" / cid / "attachments"
    assert (folder / "现场.jpg").read_bytes() == b"one"
    assert (folder / "现场-2.jpg").read_bytes() == b"two"
    assert git(ws_path, "status", "--porcelain") == ""
    assert "现场-2.jpg" in git(ws_path, "-c", "core.quotepath=false", "ls-files", "cases")
    big = tmp_path / "大.pdf"
    with big.open("wb") as fh:
        fh.truncate(attachments.MAX_BYTES + 1)
    r = run("attach", cid, str(big))
    assert r.code == 2 and attachments.MAX_TEXT in r.err and "git" in r.err
    assert not (folder / "大.pdf").exists()
    r = run("attach", cid, str(tmp_path / "没有.jpg"))
    assert r.code == 2 and "找不到文件" in r.err
    assert run("check").code == 0


def test_meetings_list_upcoming(run, ws_path):
    mdir = ws_path / "meetings"
    mdir.mkdir(exist_ok=True)
    for mid, when in (
        ("2000-M001", "2000-01-05T15:00:00+08:00"),
        ("2999-M001", "2999-03-05T15:00:00+08:00"),
        ("2998-M001", "2998-03-05T15:00:00+08:00"),
    ):
        (mdir / f"{mid}.toml").write_text(
            f'id = "{mid}"\ntitle = "协商会 {mid}"\ntime = {when}\nvenue = "会议室"\n'
            'host = "王丽"\ncases = []\n',
            "utf-8",
        )
    r = run("meetings", "list", "--upcoming", "--json")
    assert [m["id"] for m in json.loads(r.out)] == ["2998-M001", "2999-M001"]
    r = run("meetings", "list", "--json")
    assert len(json.loads(r.out)) == 3
    for p in mdir.glob("299*.toml"):
        p.unlink()
    r = run("meetings", "list", "--upcoming")
    assert r.code == 0 and "没有尚未召开的会议" in r.out


def test_event_kind_by_chinese_name_and_alias(run, ws_path):
    cid = _new(run, "三号楼加装电梯")
    assert run("event", cid, "异议", "--text", "不同意").code == 0
    assert run("event", cid, "答复", "--text", "已答复").code == 0
    assert run("event", cid, "objection", "--text", "仍不同意").code == 0
    kinds = sorted(p.name.split("-")[1] for p in (ws_path / "cases" / cid / "events").iterdir())
    assert kinds == ["objection", "objection", "reply"]
    r = run("event", cid, "乱写")
    assert (
        r.code == 2 and "未知的事件类型" in r.err and "异议" in r.err and "objection" not in r.err
    )
    r = run("event", cid, "回访")
    assert r.code == 2 and "回访" in r.err and "visit" not in r.err


def test_vote_rule_by_id_name_or_alias():
    from xsk.rules import votes

    rules = votes.load_rules(None)
    assert votes.rule_id(rules, "owners-major") == "owners-major"
    assert votes.rule_id(rules, "业主共同决定·重大事项") == "owners-major"
    assert votes.rule_id(rules, "业主重大") == "owners-major"
    assert votes.rule_id(rules, "过半数") == "majority"
    assert votes.rule_id(rules, "随便") is None


def test_stored_vote_rule_typed_in_chinese_is_kept_by_id():
    from xsk.parts import meetings

    errors: list[str] = []
    attendees = [{"name": n, "vote": True, "attendance": "出席"} for n in ("甲", "乙", "丙")]
    out = meetings._vote(
        {"rule": "过半数", "yes": 2, "no": 1, "abstain": 0}, attendees, errors, None, None
    )
    assert errors == [] and out["rule"] == "majority"


def test_written_files_are_0644(ws_path):
    from xsk.store import atomic

    p = ws_path / "x.txt"
    atomic.write_text(p, "x")
    assert stat.S_IMODE(p.stat().st_mode) == 0o644
    case_files = list((ws_path).glob("*.toml"))
    assert case_files and all(stat.S_IMODE(f.stat().st_mode) == 0o644 for f in case_files)


def test_decision_rule_answered_by_chinese_name(ws):
    from xsk.casework import steps
    from xsk.procedure import engine, loader

    proc = loader.load("dongguan-6", ws.root)
    q = next(q for s in proc.steps for q in s.questions if q.choices_from == "vote_rules")
    ctx = steps.context(ws, proc, dt.date(2026, 3, 2))
    assert engine.coerce(q, "业主共同决定·重大事项", ctx) == ("owners-major", None)
    assert engine.coerce(q, "过半", ctx) == ("majority", None)
    assert engine.coerce(q, "majority", ctx) == ("majority", None)
    value, err = engine.coerce(q, "随便", ctx)
    assert value is None and "过半数" in err and "owners-major" not in err


def test_walk_offers_decision_rules_by_name(ws):
    from xsk.casework import steps
    from xsk.core.model import Case
    from xsk.procedure import loader
    from xsk.prompts.base import ScriptedPrompter
    from xsk.walk import walk

    proc = loader.load("dongguan-6", ws.root)
    step = next(s for s in proc.steps if any(q.choices_from == "vote_rules" for q in s.questions))
    q = next(q for q in step.questions if q.choices_from == "vote_rules")
    ctx = steps.context(ws, proc, dt.date(2026, 3, 2))
    seen = []

    class P(ScriptedPrompter):
        def select(self, message, choices, *, default=None):
            seen.append(list(choices))
            return super().select(message, choices, default=default)

    case = Case(id="2026-001", uid="u", title="t", procedure="dongguan-6", step=step.id,
                status="open", level="社区", category="", created=dt.date(2026, 3, 2))  # fmt: skip
    assert (
        walk.ask_question(ws, P(["业主共同决定·重大事项"]), case, step, q, ctx, None)
        == "owners-major"
    )
    assert "协商一致" in seen[0] and not any(c.isascii() for c in seen[0])


@pytest.mark.parametrize("phone", ["1391234567", "2345678"])
def test_new_refuses_bad_phones(run, phone):
    r = run("new", "--title", "楼道灯", "--proposer", "张三", "--phone", phone, "--no-input")
    assert r.code == 2 and ("11 位" in r.err or "区号" in r.err), r.err


def test_show_masks_the_free_texts_it_says_are_masked(ws_path, cli):
    """``show`` says 隐私信息已打码: the description and events are masked like a public
    notice; ``--reveal`` shows them as typed."""
    text = "居民王德福反映，电话13912345678，家住红桥花园3栋2单元501室。"
    r = cli(
        "-C", str(ws_path), "new", "--title", "楼道照明", "--no-input",
        "--description", text, "--proposer", "王德福", "--phone", "13912345678",
    )  # fmt: skip
    assert r.code == 0, r.err
    cid = r.out.split()[-1]
    r = cli("-C", str(ws_path), "show", cid)
    assert r.code == 0 and "隐私信息已打码" in r.out
    assert "13912345678" not in r.out and "501室" not in r.out and "王德福" not in r.out
    assert "139****5678" in r.out
    import json

    data = json.loads(cli("-C", str(ws_path), "show", cid, "--json").out)
    assert "13912345678" not in data["description"]
    r = cli("-C", str(ws_path), "show", cid, "--reveal")
    assert text in r.out
