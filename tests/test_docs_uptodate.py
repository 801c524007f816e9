"""``docs build`` decides what is up to date from input signatures (xsk.documents.uptodate):
nothing changed plans nothing; a change re-plans only the units it touches, and exactly the
documents a full plan would rebuild are rebuilt."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from xsk.documents import uptodate

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"
CLOSED, OPEN = "2026-001", "2026-002"


@pytest.fixture
def built(ws_path, cli, monkeypatch):
    """Two cases (one through every step, with a meeting; one just registered), documents
    built. No signature is "racy" here: the test's edits come right after the build."""
    monkeypatch.setattr(uptodate, "RACY_NS", 0)
    args = ["--no-input", "--proposer", "张建国", "--phone", "13812345678"]
    r = cli("-C", str(ws_path), "new", "--title", "配电变压器移交", "--date", "2026-03-02", *args)
    assert r.code == 0, r.err
    r = cli(
        "-C", str(ws_path), "new", "--title", "楼道灯不亮", "--no-input", "--date", "2026-03-03"
    )
    assert r.code == 0, r.err
    r = cli("-C", str(ws_path), "step", CLOSED, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err
    r = cli("-C", str(ws_path), "docs", "build")
    assert r.code == 0, r.err
    return ws_path


def _outputs(ws: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(ws / "out").as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in (ws / "out").rglob("*.docx")
    }


def _full_plan_rebuilds(ws_path: Path) -> set[str]:
    """What a full plan of every case would rebuild: jobs whose hash is not the manifest's."""
    from xsk.documents import build, plan
    from xsk.workspace import cases, settings

    ws = settings.load(ws_path)
    jobs = plan.jobs_for_cases(ws, cases.case_ids(ws), None)
    manifest = uptodate.UnitManifest(ws)
    dirs = plan.template_dirs(ws)
    templates = build.Templates(dirs)
    out = set()
    for job in jobs:
        key = manifest.key(job.out_path)
        digest = build.job_hash(job, dirs, ws.settings.traditional, templates=templates)
        if manifest.get(key) != digest or not Path(job.out_path).is_file():
            out.add(key)
    return out


def _spy_planner(monkeypatch) -> list[list[str]]:
    from xsk.documents import plan

    planned: list[list[str]] = []
    real = plan.jobs_for_cases

    def spy(ws, ids, kinds=None):
        planned.append(list(ids))
        return real(ws, ids, kinds)

    monkeypatch.setattr(plan, "jobs_for_cases", spy)
    return planned


def _built_count(out: str) -> int:
    m = re.search(r"已生成 (\d+) 份，未变化跳过 (\d+) 份", out)
    assert m, out
    return int(m.group(1))


def test_nothing_changed_loads_no_case_and_plans_nothing(built, cli, monkeypatch):
    from xsk.documents import plan
    from xsk.workspace import cases

    def refuse(*_a, **_k):
        raise AssertionError("loaded or planned although nothing changed")

    monkeypatch.setattr(cases, "load_case", refuse)
    monkeypatch.setattr(plan, "jobs_for_cases", refuse)
    monkeypatch.setattr(plan, "gather", refuse)
    before = _outputs(built)
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert f"已生成 0 份，未变化跳过 {len(before)} 份" in r.out
    assert _outputs(built) == before
    # one manifest file per case and per meeting, not one for the whole workspace
    units = built / ".xsk" / "docs" / "units"
    assert (units / f"{CLOSED}.json").is_file() and (units / f"{OPEN}.json").is_file()
    assert (units / "meetings" / "2026-M001.json").is_file()
    assert not (built / ".xsk" / "docs-manifest.json").exists()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")  # in place: same inode, same folder


def _touch_template(ws: Path) -> None:
    """A workspace template for the minutes: the built-in one with one more (unused) part."""
    from xsk.documents.docx import builtin_templates_dir

    target = ws / "templates" / "documents" / "minutes.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    source = builtin_templates_dir() / "minutes.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("customXml/note.txt", "本社区修改过的模板")


CHANGES = {
    # name: (change, the cases planned again (None: every case), documents expected)
    "answers": (
        lambda ws: _edit(
            ws / "cases" / OPEN / "case.toml", 'title = "楼道灯不亮"', 'title = "三号楼楼道灯不亮"'
        ),
        [OPEN],
        {f"{OPEN}/{OPEN}-议题登记表.docx"},
    ),
    # (the issued reply is frozen, tests/test_frozen_docs.py: the visit form follows its data)
    "event edited in place": (
        lambda ws: _edit(
            next((ws / "cases" / CLOSED / "events").glob("*-visit-*.toml")),
            "隐患消除",
            "隐患已经消除",
        ),
        [CLOSED],
        {f"{CLOSED}/{CLOSED}-回访评议表.docx"},
    ),
    "outcomes": (
        lambda ws: _edit(
            ws / "cases" / CLOSED / "outcomes.toml",
            'progress = "已检测"',
            'progress = "已检测并更换"',
        ),
        [CLOSED],
        # every document that shows the items was issued (frozen): the case is planned
        # again and nothing is rebuilt
        set(),
    ),
    "meeting file": (
        lambda ws: _edit(
            ws / "meetings" / "2026-M001.toml", "红桥社区议事厅", "红桥社区二楼议事厅"
        ),
        [CLOSED],
        # the notice and minutes were issued (frozen); the sign-in sheet is a form
        {"meetings/2026-M001/2026-M001-签到表.docx"},
    ),
    "xsk.toml": (
        lambda ws: _edit(ws / "xsk.toml", 'office_contact = ""', 'office_contact = "0772-1234567"'),
        None,
        None,
    ),
    "roster": (
        lambda ws: (ws / "roster.toml").write_text(
            (ws / "roster.toml").read_text("utf-8")
            + '\n[[people]]\nid = "zhang"\nname = "张建国"\nconsent = true\n',
            "utf-8",
        ),
        None,
        None,
    ),
    "template": (_touch_template, None, {"meetings/2026-M001/2026-M001-会议纪要.docx"}),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_change_rebuilds_exactly_what_a_full_plan_would(built, cli, monkeypatch, name):
    change, replanned, expected = CHANGES[name]
    change(built)
    want = _full_plan_rebuilds(built)
    assert want or expected == set(), "the change must matter to some document"
    if expected is not None:
        assert want == expected
    planned = _spy_planner(monkeypatch)
    before = _outputs(built)
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    after = _outputs(built)
    rebuilt = {k for k in after if before.get(k) != after[k]}
    assert rebuilt == want
    assert _built_count(r.out) == len(want)
    if replanned is not None:
        assert planned == [replanned]
    # and then nothing is planned
    planned.clear()
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert _built_count(r.out) == 0 and planned == []


def test_a_deleted_output_is_rebuilt_and_force_rebuilds_all(built, cli, monkeypatch):
    planned = _spy_planner(monkeypatch)
    gone = built / "out" / CLOSED / f"{CLOSED}-办结回复单.docx"
    gone.unlink()
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert gone.is_file() and _built_count(r.out) == 1 and planned == [[CLOSED]]
    planned.clear()
    before = _outputs(built)
    r = cli("-C", str(built), "docs", "build", "--force")
    assert r.code == 0, r.err
    assert _built_count(r.out) == len(before)
    assert planned == [[CLOSED, OPEN]]
    after = _outputs(built)
    assert all(after[k] != before[k] for k in before)


def test_a_step_rewrites_only_its_cases_entry(built, cli, monkeypatch):
    from xsk.workspace import journal

    docs = built / ".xsk" / "docs" / "units"
    stamps = {p: p.stat().st_mtime_ns for p in docs.rglob("*.json")}
    walked: list[Path] = []
    real = journal.remove_stray_temp_files

    def spy(root: Path, **kw) -> None:
        walked.append(Path(root))
        real(root, **kw)

    monkeypatch.setattr(journal, "remove_stray_temp_files", spy)
    r = cli("-C", str(built), "step", OPEN, "--answers", str(ANSWERS))
    assert r.code == 0, r.err
    changed = {
        p.relative_to(docs).as_posix() for p, t in stamps.items() if p.stat().st_mtime_ns != t
    }
    assert changed == {f"{OPEN}.json"}
    assert built / "out" not in walked  # out/ is not walked for stray temp files
    data = json.loads((docs / f"{OPEN}.json").read_text("utf-8"))
    assert all(len(v) == 4 for v in data["jobs"].values())
    # the next build plans that case alone, and builds nothing more
    planned = _spy_planner(monkeypatch)
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert planned == [[OPEN]] and _built_count(r.out) == 0


def test_killed_build_leaves_temp_files_the_next_build_removes(built, cli):
    stray = built / "out" / CLOSED / ".x.docx.abc.tmp"
    stray.write_bytes(b"half")
    (built / ".xsk" / "docs" / "building").write_text("999999999", "utf-8")  # a dead build
    (built / "out" / CLOSED / f"{CLOSED}-办结回复单.docx").unlink()
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert not stray.exists() and not (built / ".xsk" / "docs" / "building").exists()


def test_the_single_file_manifest_of_earlier_versions_still_counts(built, cli):
    """A workspace built by an earlier xsk (.xsk/docs-manifest.json, absolute keys): the
    first build plans everything once and renders nothing."""
    import shutil

    docs = built / ".xsk" / "docs"
    entries = {}
    for path in docs.rglob("*.json"):
        for key, value in json.loads(path.read_text("utf-8")).get("jobs", {}).items():
            entries[(built / "out" / key).resolve().as_posix()] = value[0]
    shutil.rmtree(docs)
    legacy = {"version": 1, "entries": entries}
    (built / ".xsk" / "docs-manifest.json").write_text(json.dumps(legacy), "utf-8")
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert _built_count(r.out) == 0
    assert (docs / "units" / f"{CLOSED}.json").is_file()


def test_numbers_a_step_issues_need_no_register_check_but_a_hand_edit_does(built, cli, monkeypatch):
    checked: list[bool] = []  # whether each build's check read the register
    real = uptodate.check

    def spy(*args, **kwargs):
        result = real(*args, **kwargs)
        checked.append(result.register_checked)
        return result

    r = cli("-C", str(built), "new", "--title", "小区路灯", "--no-input", "--date", "2026-03-04")
    assert r.code == 0, r.err
    third = r.out.split()[-1]
    r = cli("-C", str(built), "step", third, "--answers", str(ANSWERS), "--all")
    assert r.code == 0, r.err
    monkeypatch.setattr(uptodate, "check", spy)
    planned = _spy_planner(monkeypatch)
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert _built_count(r.out) == 0
    # the numbers the step appended to the register are trusted: it is not read again
    assert checked == [False] and planned == [[third]]
    # a number changed by hand: the register is read once and that document rebuilt
    register = next((built / "register").glob("*.toml"))
    text = register.read_text("utf-8")
    number = re.search(r'number = "([^"]+〔2026〕)1号"', text)
    assert number, text[:500]
    register.write_text(
        text.replace(f"{number.group(1)}1号", f"{number.group(1)}901号", 1), "utf-8"
    )
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert checked[-1] is True and _built_count(r.out) == 1


def test_built_outputs_lists_every_document_the_manifest_records(built, cli):
    """``xsk check`` tells documents public or internal by their names when the manifest
    records them: the per-case manifests (and a step's rewritten units) must say which."""
    from xsk.workspace import settings

    ws = settings.load(built)
    every = {p.resolve().as_posix() for p in (built / "out").rglob("*.docx")}
    assert every and uptodate.built_outputs(ws) == every
    # a step rewrites its case's unit: still listed (from the unit file, not the summary)
    r = cli("-C", str(built), "event", OPEN, "objection", "--text", "楼道灯应换成感应灯")
    assert r.code == 0, r.err
    assert uptodate.built_outputs(ws) >= every


# --- git vouches for the event files (the clean point) -----------------------------------------


def _git(ws: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", *args], cwd=ws, check=True, capture_output=True)


def _folders_stated(monkeypatch) -> list[str]:
    """The case folders whose every file a build stats (not vouched for by git)."""
    seen: list[str] = []
    real = uptodate._folder_stats

    def spy(folder: str):
        seen.append(Path(folder).name)
        return real(folder)

    monkeypatch.setattr(uptodate, "_folder_stats", spy)
    return seen


def _build_rebuilds_what_a_full_plan_would(ws: Path, cli) -> set[str]:
    want = _full_plan_rebuilds(ws)
    before = _outputs(ws)
    r = cli("-C", str(ws), "docs", "build")
    assert r.code == 0, r.err
    after = _outputs(ws)
    assert {k for k in after if before.get(k) != after[k]} == want
    return want


def test_a_no_change_build_stats_no_event_file_of_a_case_git_vouches_for(built, cli, monkeypatch):
    assert (built / ".xsk" / "docs" / uptodate.CLEAN_FILE).is_file()
    seen = _folders_stated(monkeypatch)
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert _built_count(r.out) == 0 and seen == []


@pytest.mark.parametrize("how", ["uncommitted", "staged", "committed"])
def test_an_event_edited_in_place_is_seen_committed_or_not(built, cli, monkeypatch, how):
    event = next((built / "cases" / CLOSED / "events").glob("*-visit-*.toml"))
    _edit(event, "隐患消除", "隐患已经消除")
    if how != "uncommitted":
        _git(built, "add", "--", str(event.relative_to(built)))
    if how == "committed":
        _git(built, "commit", "-q", "-m", "hand edit")
    seen = _folders_stated(monkeypatch)
    assert _build_rebuilds_what_a_full_plan_would(built, cli) == {
        f"{CLOSED}/{CLOSED}-回访评议表.docx"
    }
    assert CLOSED in seen and OPEN not in seen  # the other case is still vouched for
    # nothing more the next time, and then the edited case is vouched for again
    seen.clear()
    assert _build_rebuilds_what_a_full_plan_would(built, cli) == set()
    seen.clear()
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0 and _built_count(r.out) == 0
    # (an edit not committed keeps the case's files stat'ed: they differ from HEAD)
    assert OPEN not in seen and (how != "committed") == (CLOSED in seen)


def test_a_hand_made_event_file_is_seen_when_added_and_when_edited_again(built, cli):
    events = built / "cases" / CLOSED / "events"
    visit = next(events.glob("*-visit-*.toml"))
    extra = events / visit.name.replace("-visit-", "-visit-9")
    extra.write_text(visit.read_text("utf-8").replace("隐患消除", "灯已修好"), "utf-8")
    assert _build_rebuilds_what_a_full_plan_would(built, cli)  # untracked, not committed
    _edit(extra, "灯已修好", "灯已修好，居民满意")  # in place, still untracked
    assert _build_rebuilds_what_a_full_plan_would(built, cli)
    assert _build_rebuilds_what_a_full_plan_would(built, cli) == set()


def test_a_clean_point_git_does_not_know_vouches_for_nothing(built, cli, monkeypatch):
    path = built / ".xsk" / "docs" / uptodate.CLEAN_FILE
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "rev": "0" * 40}), "utf-8")  # history rewritten
    event = next((built / "cases" / CLOSED / "events").glob("*-visit-*.toml"))
    _edit(event, "隐患消除", "隐患已经消除")
    _git(built, "commit", "-q", "-a", "-m", "hand edit")
    seen = _folders_stated(monkeypatch)
    assert _build_rebuilds_what_a_full_plan_would(built, cli)
    assert sorted(seen) == [CLOSED, OPEN]
    assert json.loads(path.read_text("utf-8"))["rev"] != "0" * 40  # a new one is recorded


# --- the changed log after a build ---------------------------------------------------------------


def _changed_units(ws: Path) -> list[str]:
    found = []
    for log in sorted((ws / ".xsk" / "docs").glob("changed*")):
        found += log.read_text("utf-8").split()
    return found


def test_a_build_takes_its_own_lines_out_of_the_changed_log(built, cli, monkeypatch):
    """After a first build, the log listed every unit that build wrote (11,929 at 10,000
    cases) and every ``check`` re-read each unit file; the summary holds them already."""
    assert _changed_units(built) == []
    from xsk.workspace import settings

    ws = settings.load(built)
    read: list[str] = []
    real = uptodate.UnitManifest.unit

    def spy(self, unit):
        read.append(unit)
        return real(self, unit)

    monkeypatch.setattr(uptodate.UnitManifest, "unit", spy)
    assert uptodate.built_outputs(ws)
    assert read == []  # the outputs' names came from outputs.json alone


def test_lines_a_step_logged_around_a_builds_own_stay(built, cli, monkeypatch):
    """docs build runs without the workspace lock: a step's lines, appended before or after
    the build's own, stay in the log; only the build's own bytes go."""
    docs = built / ".xsk" / "docs"
    real = uptodate._log_changed

    def around(folder, units):
        with open(folder / "changed", "a", encoding="utf-8") as fh:
            fh.write("2026-before\n")  # a step in another process, just before
        got = real(folder, units)
        with open(folder / "changed", "a", encoding="utf-8") as fh:
            fh.write("2026-after\n")  # and just after
        return got

    monkeypatch.setattr(uptodate, "_log_changed", around)
    r = cli("-C", str(built), "docs", "build", "--force")
    assert r.code == 0, r.err
    assert sorted(_changed_units(built)) == ["2026-after", "2026-before"]
    monkeypatch.undo()
    monkeypatch.setattr(uptodate, "RACY_NS", 0)
    # the next build reads those two (unknown units: nothing to re-read) and clears the log
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert _changed_units(built) == [] and (docs / "summary.json").is_file()


def test_a_build_planned_a_slice_at_a_time_builds_what_one_plan_builds(built, cli, monkeypatch):
    """A first build plans and builds CHUNK cases at a time (50,000 cases held GiBs of
    contexts). One case a slice: the same documents, the same count, and a
    manifest that leaves nothing to plan after."""
    from xsk.documents import outputs

    meeting_case = cli("-C", str(built), "new", "--title", "同一次会议的另一议题", "--no-input",
                       "--date", "2026-03-03")  # fmt: skip
    assert meeting_case.code == 0, meeting_case.err
    r = cli("-C", str(built), "docs", "build", "--force")
    assert r.code == 0, r.err
    whole = {p: p.read_bytes() for p in (built / "out").rglob("*.docx")}
    n_whole = _built_count(r.out)
    monkeypatch.setattr(outputs, "CHUNK", 1)
    planned = _spy_planner(monkeypatch)
    r = cli("-C", str(built), "docs", "build", "--force")
    assert r.code == 0, r.err
    assert all(len(ids) == 1 for ids in planned) and len(planned) == 3
    assert _built_count(r.out) == n_whole
    sliced = {p: p.read_bytes() for p in (built / "out").rglob("*.docx")}
    assert sliced.keys() == whole.keys()
    planned.clear()
    r = cli("-C", str(built), "docs", "build")
    assert r.code == 0, r.err
    assert planned == [] and _built_count(r.out) == 0
