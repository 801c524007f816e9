"""The index cache: same rows as reading the files, re-read on change, never caching errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_reports import build_sample

from xsk.core.errors import DataError


@pytest.fixture
def trusting(monkeypatch):
    """Files written by the test a moment ago count as settled (no racy re-reads)."""
    from xsk.casework import index

    monkeypatch.setattr(index, "RACY_NS", 0)


@pytest.fixture
def sample(ws):
    return ws, build_sample(ws)


def status_row(case, step_name: str = ""):
    return {
        "id": case.id,
        "title": case.title,
        "procedure": case.procedure,
        "procedure_name": "",
        "step": case.step,
        "step_name": step_name,
        "status": case.status,
        "level": case.level,
        "category": case.category,
        "created": case.created.isoformat(),
        "due": case.due.isoformat() if case.due else None,
    }


def direct_rows(ws, on: dt.date, include_closed=True):
    """What status showed before the index: every case read from its file."""
    from xsk.procedure import loader
    from xsk.workspace import cases as store

    out = []
    for case in store.iter_cases(ws):
        if not include_closed and case.status != "open":
            continue
        proc = loader.load(case.procedure, ws.root)
        row = status_row(case, {s.id: s.name for s in proc.steps}.get(case.step, ""))
        row["procedure_name"] = proc.name
        row["overdue"] = bool(case.is_open and case.due and case.due < on)
        # the sample's years all have official data (tests/test_frozen_docs.py covers 2027)
        row["due_provisional"] = False
        out.append(row)
    out.sort(key=lambda r: (r["status"] != "open", r["due"] or "9999", r["id"]))
    return out


def test_status_rows_equal_direct_read(sample):
    from xsk.casework import status

    ws, _ids = sample
    on = dt.date(2026, 6, 1)
    for _ in range(2):  # cold, then warm
        assert status.rows(ws, include_closed=True, on=on) == direct_rows(ws, on)
        assert status.rows(ws, on=on) == direct_rows(ws, on, include_closed=False)
    overdue = status.rows(ws, overdue_only=True, on=on)
    assert [r["title"] for r in overdue] == ["变压器移交供电部门"]


def test_warm_run_parses_nothing_and_changes_are_seen(sample, trusting):
    from xsk.casework import index
    from xsk.parts import events
    from xsk.workspace import cases as store

    ws, ids = sample
    first = index.load(ws)
    assert first.parsed == 4 + 1 and first.written  # 4 cases, 1 meeting
    again = index.load(ws)
    assert again.parsed == 0 and not again.written
    assert index.load(ws, level="status").parsed == 0

    store.update(ws, ids["d"], lambda doc: doc.__setitem__("title", "快递柜不够用"))
    idx = index.load(ws, level="status")
    assert idx.parsed == 1
    assert next(r for r in idx.cases if r["id"] == ids["d"])["title"] == "快递柜不够用"
    idx = index.load(ws)
    assert idx.parsed == 1  # the details follow the changed case.toml
    assert index.load(ws).parsed == 0

    # a new event file, then the same file rewritten (atomically, as xsk and git do)
    case_dir = store.case_dir(ws, ids["d"])
    path = events.write(
        case_dir, "visit", dt.datetime(2026, 5, 1, 9), {"satisfaction": "不满意", "visitor": "甲"}
    )
    idx = index.load(ws)
    assert idx.parsed == 1
    rec = next(r for r in idx.cases if r["id"] == ids["d"])
    assert [e["satisfaction"] for e in rec["events"]] == ["不满意"]
    assert index.load(ws, level="report").cases[3]["visits"] == [["2026-05-01", "不满意"]]
    from xsk.store import atomic

    text = path.read_text("utf-8").replace('visitor = "甲"', 'visitor = "乙"')
    atomic.write_text(path, text)  # same name, same size
    idx = index.load(ws)
    assert idx.parsed == 1
    rec = next(r for r in idx.cases if r["id"] == ids["d"])
    assert rec["events"][0]["visitor"] == "乙"
    # edited in place by hand (same inode, the folder untouched): seen as well
    folder_mtime = path.parent.stat().st_mtime_ns
    with path.open("r+", encoding="utf-8") as f:
        text = f.read().replace("不满意", "满意")
        f.seek(0)
        f.write(text)
        f.truncate()
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert path.parent.stat().st_mtime_ns == folder_mtime
    idx = index.load(ws)
    assert idx.parsed == 1
    rec = next(r for r in idx.cases if r["id"] == ids["d"])
    assert [e["satisfaction"] for e in rec["events"]] == ["满意"]
    path.unlink()
    assert index.load(ws).cases[3]["events"] == []

    # outcomes.toml changed; a meeting changed; a case folder removed
    from xsk.parts import outcomes

    outcomes.apply_progress(
        store.case_dir(ws, ids["c"]), [{"no": 1, "status": "已办结", "date": dt.date(2026, 4, 1)}]
    )
    idx = index.load(ws)
    rec = next(r for r in idx.cases if r["id"] == ids["c"])
    assert rec["outcomes"][0]["status"] == "已办结"
    mfile = ws.meetings_dir / "2026-M001.toml"
    mfile.write_text(mfile.read_text("utf-8").replace("社区议事厅", "社区会议室"), "utf-8")
    assert index.load(ws).meetings[0]["venue"] == "社区会议室"
    import shutil

    shutil.rmtree(store.case_dir(ws, ids["b"]))
    assert ids["b"] not in {r["id"] for r in index.load(ws).cases}
    assert ids["b"] not in {r["id"] for r in index.load(ws, level="status").cases}


def test_racy_entries_are_read_again(sample):
    from xsk.casework import index

    ws, _ids = sample
    index.load(ws)
    # the sample was written a moment ago: a change within the same timestamp tick could keep
    # the same signature, so those entries are not trusted yet
    assert index.load(ws).parsed == 5
    past = time.time() - 60
    for path in ws.root.rglob("*.toml"):
        os.utime(path, (past, past))
    # ctime still says "just now": still racy until RACY_NS has passed
    assert index.load(ws).parsed == 5


def test_broken_case_is_never_cached(sample, trusting, cli):
    from xsk.casework import index
    from xsk.workspace import cases as store

    ws, ids = sample
    index.load(ws)
    path = store.case_file(ws, ids["a"])
    good = path.read_text("utf-8")
    lines = good.splitlines()
    lines[2] = 'title = "下水道'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for level in ("status", "report", "ledger"):
        with pytest.raises(DataError) as exc:
            index.load(ws, level=level)
        assert f"cases/{ids['a']}/case.toml:3" in exc.value.format()
        with pytest.raises(DataError) as direct:
            store.load_case(ws, ids["a"])
        assert exc.value.format() == direct.value.format()
    stored = json.loads(index.index_path(ws).read_text("utf-8"))["entries"]
    assert ids["a"] not in stored and ids["b"] in stored
    r = cli("-C", str(ws.root), "status")
    assert r.code == 2 and "case.toml:3" in r.err and len(r.err.strip().splitlines()) == 1
    r = cli("-C", str(ws.root), "report", "--json")
    assert r.code == 2 and "case.toml:3" in r.err
    path.write_text(good, encoding="utf-8")
    assert len(index.load(ws).cases) == 4


def test_broken_outcomes_event_meeting(sample, trusting, cli):
    from xsk.casework import index
    from xsk.workspace import cases as store

    ws, ids = sample
    index.load(ws)
    out = store.case_dir(ws, ids["c"]) / "outcomes.toml"
    good = out.read_text("utf-8")
    out.write_text(good.replace('status = "办理中"', 'status = "差不多了"'), "utf-8")
    # status only needs case.toml: it still works; the reports name the file and line
    assert len(index.load(ws, level="status").cases) == 4
    with pytest.raises(DataError) as exc:
        index.load(ws)
    assert f"cases/{ids['c']}/outcomes.toml:" in exc.value.format()
    assert "status" in exc.value.format()
    r = cli("-C", str(ws.root), "report", "--json")
    assert r.code == 2 and "outcomes.toml" in r.err
    out.write_text(good, "utf-8")
    index.load(ws)

    event = next((store.case_dir(ws, ids["a"]) / "events").glob("*rating*"))
    text = event.read_text("utf-8")
    from xsk.store import atomic

    atomic.write_text(
        event, text.replace("score = 5", "score = 9").replace("score = 4", "score = 9")
    )
    with pytest.raises(DataError) as exc:
        index.load(ws)
    assert "events/" in exc.value.format() and "评分" in exc.value.format()
    atomic.write_text(event, text)

    meeting = ws.meetings_dir / "2026-M001.toml"
    mtext = meeting.read_text("utf-8")
    meeting.write_text(mtext.replace('attendance = "请假"', 'attendance = "迟到"'), "utf-8")
    with pytest.raises(DataError) as exc:
        index.load(ws)
    assert "meetings/2026-M001.toml:" in exc.value.format()
    meeting.write_text(mtext, "utf-8")
    assert len(index.load(ws).meetings) == 1


def test_other_format_or_garbage_rebuilds(sample, trusting):
    from xsk.casework import index

    ws, _ids = sample
    index.load(ws)
    path = index.index_path(ws)
    data = json.loads(path.read_text("utf-8"))
    data["format"] = index.FORMAT + 1
    path.write_text(json.dumps(data), "utf-8")
    assert index.load(ws, level="status").parsed == 4
    path.write_text("{not json", "utf-8")
    index.stats_path(ws).write_text("[]", "utf-8")
    assert index.load(ws).parsed == 5
    # an entry with a wrong shape is simply parsed again
    data = json.loads(path.read_text("utf-8"))
    first = next(iter(data["entries"]))
    data["entries"][first] = "oops"
    path.write_text(json.dumps(data), "utf-8")
    assert index.load(ws, level="status").parsed == 1


def test_index_is_private_and_untracked(sample, trusting, cli):
    from xsk.casework import index

    ws, _ids = sample
    assert (
        cli("-C", str(ws.root), "report", "--json", "--xlsx", str(ws.root / "out.xlsx")).code == 0
    )
    (ws.root / "out.xlsx").unlink()
    assert cli("-C", str(ws.root), "status").code == 0
    text = "".join(
        p.read_text("utf-8")
        for p in (index.index_path(ws), index.stats_path(ws), index.details_path(ws))
    )
    assert "13912345678" not in text and "139****5678" in text
    assert "张建国" not in text
    porcelain = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ws.root, capture_output=True, text=True
    ).stdout
    assert porcelain == ""


def test_read_only_workspace_works_without_cache(sample, trusting, monkeypatch):
    from xsk.casework import index

    ws, _ids = sample

    def refuse(path, data):
        raise PermissionError("read-only")

    from xsk.store import atomic

    monkeypatch.setattr(atomic, "write_bytes", refuse)
    idx = index.load(ws)
    assert len(idx.cases) == 4 and not idx.written
    assert not index.index_path(ws).exists()


@pytest.mark.slow
def test_status_10000_cases_warm(tmp_path):
    """10,000 generated cases: status (in a subprocess, start-up included) within a second."""
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root / "bench"))
    try:
        from gen_workspace import generate
    finally:
        sys.path.remove(str(root / "bench"))
    ws_root = generate(tmp_path / "big", 10000, commit=False)
    env = dict(os.environ, PYTHONPATH=str(root))
    cmd = [sys.executable, "-m", "xsk", "status", "--json", "--all"]
    cold = subprocess.run(cmd, cwd=ws_root, env=env, capture_output=True, text=True)
    assert cold.returncode == 0, cold.stderr
    assert len(json.loads(cold.stdout)) == 10000
    time.sleep(3.1)  # past the racy window
    subprocess.run(cmd[:-2], cwd=ws_root, env=env, capture_output=True, check=True)
    best = 99.0
    for _ in range(3):
        start = time.perf_counter()
        proc = subprocess.run(cmd[:-2], cwd=ws_root, env=env, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        assert proc.returncode == 0
    assert best <= 1.5, f"status took {best:.2f} s"  # ≤ 1 s on an idle machine; CI headroom


def test_parallel_cold_build_equals_serial(sample, monkeypatch):
    from xsk.casework import index

    ws, ids = sample
    serial = index.load(ws, write=False)
    monkeypatch.setattr(index, "PARALLEL_MIN", 2)  # 4 cases + 1 meeting in 2 processes
    parallel = index.load(ws, write=False)
    assert parallel.parsed == serial.parsed == 5
    assert parallel.cases == serial.cases and parallel.meetings == serial.meetings
    # problems still come back in case order, from the worker processes
    from xsk.workspace import cases as store

    store.case_file(ws, ids["c"]).write_text("id = \n", encoding="utf-8")
    store.case_file(ws, ids["b"]).write_text('id = "x"\n', encoding="utf-8")
    with pytest.raises(DataError) as exc:
        index.load(ws, level="status")
    assert f"cases/{ids['b']}/case.toml" in exc.value.format()


def test_a_pinned_workspace_reads_no_case_file_while_its_pin_is_unchanged(sample, trusting):
    """xsk street pins each read-only clone to its commit: the records come from the index
    files alone while the pin holds, and every file is looked at again when it changes."""
    from xsk.casework import index

    ws, ids = sample
    root = ws.root
    try:
        index.pin(root, "commit-a")
        first = index.load(ws, level="ledger")
        assert first.parsed > 0 and (ws.state_dir / index.PIN_FILE).is_file()
        case = ws.cases_dir / ids["a"] / "case.toml"
        text = case.read_text("utf-8")
        case.write_text(text.replace('title = "', 'title = "X', 1), "utf-8")  # not seen: pinned
        for level in ("status", "report", "ledger"):
            again = index.load(ws, level=level)
            assert again.parsed == 0 and again.cases == [
                {k: v for k, v in r.items() if level == "ledger" or k in again.cases[0]}
                for r in first.cases
            ]
        index.pin(root, "commit-b")  # the clone was pulled: files are checked again
        fresh = index.load(ws, level="status")
        assert fresh.parsed == 1
        assert next(r for r in fresh.cases if r["id"] == ids["a"])["title"].startswith("X")
    finally:
        index.pin(root, None)
