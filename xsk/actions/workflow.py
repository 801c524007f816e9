"""Orchestration of the foundation commands: load -> ask -> validate -> save -> commit.

The CLI calls these functions; they never print (they return data) and never import typer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem, UsageError, WorkspaceError
from xsk.core.model import (
    LEVELS,
    Case,
    HistoryEntry,
    Person,
    Source,
    case_summary,
    history_dict,
    title_problem,
)
from xsk.procedure import loader as procedures
from xsk.prompts.base import Prompter
from xsk.store import filememo, tomlio
from xsk.workspace import cases as store
from xsk.workspace import git as vcs
from xsk.workspace import journal as txn
from xsk.workspace import numbering
from xsk.workspace import settings as wsmod
from xsk.workspace.settings import Workspace

CHANNELS = (
    "居民反映",
    "入户走访",
    "网格员发现",
    "楼长/单元长反映",
    "微信群",
    "热线电话",
    "议事会成员提议",
    "板凳会",
    "其他",
)


from xsk.core.clock import now  # noqa: E402  (re-exported: the walk and commands use it)


def init_workspace(
    target: Path,
    prompter: Prompter,
    *,
    community: str | None,
    street: str | None,
    district: str | None,
    procedure: str | None,
    facilitator: str | None = None,
) -> Path:
    if (target / wsmod.SETTINGS_FILE).exists():
        raise WorkspaceError(f"{target / wsmod.SETTINGS_FILE} 已存在，不会覆盖现有工作区")

    def need(value: str | None, message: str, default: str = "") -> str:
        if value is not None and value.strip():
            return value.strip()
        answer = prompter.text(message, default=default, validate=_not_empty)
        if not answer.strip():
            raise UsageError(f"缺少必需的值：{message}")
        return answer.strip()

    community = need(community, "社区名称（如 红桥社区）")
    if street is None and prompter.interactive:
        street = prompter.text("所属街道（可留空）", default="")
    if district is None and prompter.interactive:
        district = prompter.text("所属区（县）（可留空）", default="")
    street, district = (street or "").strip(), (district or "").strip()
    available = procedures.available(None)
    if procedure is None:
        procedure = (
            prompter.select("默认协商程序", list(available), default="dongguan-6")
            if prompter.interactive
            else "dongguan-6"
        )
    if procedure not in available:
        raise UsageError(f"未知的协商程序“{procedure}”", hint=f"可用：{'、'.join(available)}")
    return wsmod.create(
        target,
        community=community,
        street=street,
        district=district,
        procedure=procedure,
        facilitator=facilitator or "",
    )


def _not_empty(value: str) -> str | None:
    return None if value.strip() else "不能为空"


def new_case(
    ws: Workspace,
    prompter: Prompter,
    *,
    title: str | None,
    procedure: str | None = None,
    category: str | None = None,
    level: str | None = None,
    channel: str | None = None,
    proposer: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    received_by: str | None = None,
    created: dt.date | None = None,
    when: dt.datetime | None = None,
    case_id: str | None = None,
) -> Case:
    """Register a new case, write cases/<id>/case.toml and commit it."""
    if when is None and created is not None:
        when = dt.datetime.combine(created, dt.time(9, 0), now().tzinfo)
    when = when or now()
    created = created or when.date()
    if title is None:
        title = prompter.text("议题名称（如 3号楼加装电梯）", validate=title_problem)
    problem = title_problem(title)
    if problem:
        raise UsageError(problem, hint="用 --title 提供，例如 --title 三号楼加装电梯")
    title = title.strip()
    from xsk.core.model import control_character

    for label, value in (("问题描述", description), ("提出人", proposer), ("来源", channel)):
        bad = control_character(value or "", allowed="\n\t")
        if bad:
            raise UsageError(f"{label}含有不可见的控制字符（{bad}），请删除后重新输入")
    proc_id = procedure or ws.settings.default_procedure
    proc = procedures.load(proc_id, ws.root)
    if level is None:
        level = (
            prompter.select("层级", list(LEVELS), default="社区")
            if prompter.interactive
            else "社区"
        )
    if level not in LEVELS:
        raise UsageError(f"层级“{level}”无效", hint=f"可选：{'、'.join(LEVELS)}")
    cats = list(ws.settings.categories) or _procedure_categories(proc)
    if category and cats and category not in cats:
        # checked now, not at the collect step days later
        raise UsageError(
            f"议题类别“{category}”不在协商程序 {proc.id} 的类别中", hint=f"可选：{'、'.join(cats)}"
        )
    if category is None and prompter.interactive:
        category = prompter.select("类别", cats) if cats else prompter.text("类别", default="")
    if channel is None and prompter.interactive:
        channel = prompter.select("来源", list(CHANNELS), default="居民反映")
    if proposer is None and prompter.interactive:
        proposer = prompter.text("提出人姓名（可留空）", default="")
    if proposer and phone is None and prompter.interactive:
        phone = prompter.text("提出人电话（仅内部留存，可留空）", default="", validate=_phone_ok)
    if phone and (err := _phone_ok(phone)):
        raise UsageError(err, hint="手机 11 位，如 13912345678；固定电话带区号，如 0772-2345678")
    if phone and not proposer:
        raise UsageError("提供了电话但没有提出人姓名", hint="请同时提供 --proposer")
    from xsk.workspace import journal as txn

    # the number is allocated under the workspace lock, after an interrupted earlier change was
    # rolled back, and inside the transaction: a crash never leaves a folder that takes it
    with txn.writing(ws.root, ws.state_dir), txn.transaction(ws.root, ws.state_dir) as tx:
        if case_id is None:
            letter = numbering.require_series(ws.root)
            cid = numbering.next_id(ws.cases_dir, created.year, letter)
        else:
            cid = case_id
        folder = ws.cases_dir / cid
        tx.track(folder)
        folder.mkdir(parents=True, exist_ok=False)
        case = _new_case_record(
            ws, cid, title, proc, level, category, channel, proposer, phone, description,
            received_by, created, when,
        )  # fmt: skip
        path = store.write_new(ws, folder, case)
        ws.commit([path], f"新建议题 {cid}：{title}", date=when.isoformat())
    return case


def _new_case_record(
    ws: Workspace,
    cid: str,
    title: str,
    proc: Any,
    level: str,
    category: str | None,
    channel: str | None,
    proposer: str | None,
    phone: str | None,
    description: str | None,
    received_by: str | None,
    created: dt.date,
    when: dt.datetime,
) -> Case:
    return Case(
        id=cid,
        uid=secrets.token_hex(8),
        title=title,
        procedure=proc.id,
        step=proc.first.id,
        status="open",
        level=level,
        category=category or "",
        created=created,
        description=description or "",
        source=Source(
            channel=channel or "",
            date=created,
            received_by=received_by or ws.settings.facilitator,
        ),
        proposers=(Person(name=proposer, phone=phone or ""),) if proposer else (),
        history=(HistoryEntry(step="create", done=when, by=received_by or "", action="create"),),
    )


def _procedure_categories(proc: Any) -> list[str]:
    cats = proc.meta.get("categories", [])
    return [c for c in cats if isinstance(c, str)]


def _phone_ok(value: str) -> str | None:
    from xsk.rules.phones import phone_problem

    return phone_problem(value)


# --- reading ---------------------------------------------------------------------------------


def case_view(case: Case, *, reveal: bool = False) -> dict[str, Any]:
    """The case as shown by ``show``: private fields masked unless ``reveal``."""
    from xsk.rules import privacy

    def person(p: Person) -> dict[str, Any]:
        if reveal:
            return {
                "name": p.name,
                "phone": p.phone,
                "id_number": p.id_number,
                "address": p.address,
            }
        return {
            "name": p.name if p.public else privacy.mask_name(p.name),
            "phone": privacy.mask_phone(p.phone),
            "id_number": privacy.mask_id(p.id_number),
            "address": privacy.mask_address(p.address),
        }

    return {
        **case_summary(case),
        "original_id": case.original_id,
        "closed": case.closed.isoformat() if case.closed else None,
        "close_reason": case.close_reason,
        "result": case.result,
        "description": case.description,
        "source": {
            "channel": case.source.channel,
            "date": case.source.date.isoformat() if case.source.date else None,
            "received_by": case.source.received_by,
        },
        "proposers": [person(p) for p in case.proposers],
        "answers": case.answers,
        "history": [history_dict(h) for h in case.history],
        "masked": not reveal,
    }


def check_workspace(ws_root: Path) -> list[Problem]:
    """Every problem in the workspace: settings, roster, procedures, cases (each file
    parsed once)."""
    from xsk.core import nogc

    # many small containers (the memo, the manifest's names, 60,000 stats), no cycles
    with nogc.paused(), tomlio.read_once(), filememo.active(*_check_memo(ws_root), root=ws_root):
        return _check_workspace(ws_root)


def _check_memo(ws_root: Path) -> tuple[Path, str]:
    """Where ``check`` keeps its per-file results, and their context: xsk's code, the
    settings, the roster and the procedures (a change to any of them checks every file
    again)."""
    extra = []
    for path in [
        ws_root / wsmod.SETTINGS_FILE,
        ws_root / wsmod.ROSTER_FILE,
        *procedures.available(ws_root).values(),
    ]:
        try:
            extra.append(str(path).encode() + b"\0" + path.read_bytes())
        except OSError:
            extra.append(str(path).encode())
    package = Path(__file__).resolve().parent.parent
    return ws_root / wsmod.STATE_DIR / "check-files.bin", filememo.code_digest(package, extra)


def _check_workspace(ws_root: Path) -> list[Problem]:
    problems = wsmod.check_settings(ws_root)
    try:
        ws = wsmod.load(ws_root)
    except DataError:
        return problems
    problems.extend(procedures.check_all(ws_root))
    facts: dict[str, dict[str, Any]] = {}
    problems.extend(store.check_cases(ws, facts))
    from xsk.casework.checks import check_records

    problems.extend(check_records(ws))  # outcomes, events, meetings, series, templates, CSVs
    problems.extend(check_public_documents(ws))
    known = procedures.available(ws_root)
    step_ids: dict[str, set[str] | None] = {}
    for cid, case in facts.items():
        if not case["valid"]:
            continue
        procedure, step = case["procedure"], case["step"]
        if procedure in known and case["open"]:
            if procedure not in step_ids:
                try:
                    proc = procedures.load(procedure, ws_root)
                    step_ids[procedure] = {st.id for st in proc.steps}
                except DataError:  # the procedure's own problems are listed above
                    step_ids[procedure] = None
            steps = step_ids[procedure]
            if steps is not None and step not in steps:
                path = store.case_file(ws, cid)
                problems.append(
                    Problem(
                        ws.rel(path),
                        tomlio.locate(path.read_text("utf-8"), ("step",)) or 1,
                        "E302",
                        f"字段 step：程序 {procedure} 中没有步骤“{step}”",
                        "step",
                    )
                )
        if procedure not in known:
            path = store.case_file(ws, cid)
            text = path.read_text("utf-8")
            problems.append(
                Problem(
                    ws.rel(path),
                    tomlio.locate(text, ("procedure",)),
                    "E301",
                    f"字段 procedure：未知的协商程序“{procedure}”",
                    "procedure",
                )
            )
    return problems


def private_strings(ws: Workspace) -> list[str]:
    """Every phone, ID number and address recorded in the workspace's files."""
    out: set[str] = set()
    for cid in store.case_ids(ws):
        case, _ = store.read_case(ws, store.case_file(ws, cid))
        if case:
            for p in case.proposers:
                out.update(v for v in (p.phone, p.id_number, p.address) if v)
    with contextlib.suppress(DataError):
        out.update(e.phone for e in ws.roster if e.phone and e.kind == "person")
    office = ws.settings.office_contact
    return sorted(v for v in out if v != office)


def check_public_documents(ws: Workspace, *, cache: bool = True) -> list[Problem]:
    """Scan generated public documents (category 公开) with the public view's scrubber: one
    E701 per finding, located by paragraph (see ``xsk.documents.publiccheck``); the
    documents the docs manifest records are told public or internal by their names.
    ``cache=False``: every document opened and scanned (the reference)."""
    from xsk.documents.publiccheck import check_public_documents as scan
    from xsk.documents.uptodate import built_outputs

    built = built_outputs(ws) if cache else set()
    return scan(ws, cache=cache, built=built)


def privacy_hint(value: str) -> str:
    return value[:3] + "*" * max(len(value) - 5, 1) + value[-2:]


# --- edit and sync ---------------------------------------------------------------------------


_DEFAULT_EDITOR = "notepad" if sys.platform == "win32" else "vi"


def editor_argv(editor: str, *, windows: bool = sys.platform == "win32") -> list[str]:
    """The editor command as an argument list. A path to a program is taken whole (on
    Windows it has spaces and backslashes: ``C:\\Program Files\\Notepad++\\notepad++.exe``);
    otherwise it is split like a shell would, keeping backslashes on Windows."""
    import shlex

    if os.path.isfile(editor):
        return [editor]
    if windows:
        return [
            a[1:-1] if len(a) > 1 and a[0] == a[-1] == '"' else a
            for a in shlex.split(editor, posix=False)
        ]
    return shlex.split(editor)


@txn.writer
def edit_case(ws: Workspace, cid: str, editor: str | None = None) -> str:
    """Open case.toml in $EDITOR; commit if valid, restore the old file if not."""
    store.load_case(ws, cid)
    path = store.case_file(ws, cid)
    before = path.read_bytes()
    editor = editor or os.environ.get("VISUAL") or os.environ.get("EDITOR") or _DEFAULT_EDITOR
    try:
        subprocess.run([*editor_argv(editor), str(path)], check=False)
    except FileNotFoundError:
        raise UsageError(f"无法启动编辑器“{editor}”", hint="请设置 EDITOR 环境变量") from None
    if path.read_bytes() == before:
        return "unchanged"
    case, problems = store.read_case(ws, path)
    if problems:
        from xsk.store import atomic

        atomic.write_bytes(path, before)
        raise DataError(problems[0], hint="已恢复为编辑前的内容")
    ws.commit([path], f"手工编辑议题 {cid}：{case.title if case else ''}")
    return "committed"


@txn.writer
def sync(ws: Workspace, prefer: str | None = None) -> str:
    """Pull (rebase) and push, under the lock. TOML files merge by field
    (:mod:`xsk.workspace.merge`); a field changed on both sides stops the sync and is named,
    unless ``prefer`` ("mine" or "theirs") settles every such field, in a merge commit that
    keeps both values in history. A crash half-way is undone by the next command (the pre-sync
    HEAD is recorded in the journal, :func:`xsk.workspace.journal.begin_sync`)."""
    remotes = vcs.remotes(ws.root)
    if not remotes:
        raise UsageError(
            "本工作区没有配置远程仓库，无需同步",
            hint="如需多台电脑协作：git remote add origin <地址>",
        )
    dirty = vcs.dirty_paths(ws.root)
    if dirty:
        raise UsageError(
            f"有未提交的修改（{dirty[0]} 等），请先处理后再同步",
            hint="xsk check 检查后提交，或用 git status 查看",
        )
    from xsk.workspace import merge

    if merge.register(ws.root):
        ws.commit([ws.root / ".gitattributes"], "同步设置：TOML 文件按字段合并")
    branch = vcs.current_branch(ws.root)
    remote = "origin" if "origin" in remotes else remotes[0]
    upstream = vcs.run_git(["ls-remote", "--heads", remote, branch], ws.root).stdout.strip()
    settled: list[dict[str, str]] = []
    if upstream:
        settled = _pull(ws, remote, branch, prefer)
    vcs.run_git(["push", "-q", remote, f"HEAD:{branch}"], ws.root)
    done = f"已与 {remote} 同步（分支 {branch}）"
    if settled:
        side = "本机" if prefer == "mine" else "远程"
        done += f"；{len(settled)} 处冲突字段采用{side}的值：" + "；".join(
            f"{r['where']} 的 {r['field']}" for r in settled[:5]
        )
    return done


def _pull(ws: Workspace, remote: str, branch: str, prefer: str | None) -> list[dict[str, str]]:
    """The field-merging pull between a journal entry of the pre-sync HEAD and its removal."""
    from xsk.workspace import merge

    head = vcs.head(ws.root)
    if head:
        txn.begin_sync(ws.root, ws.state_dir, branch, head)
    try:
        identity = vcs._identity_env(ws.root, ws.settings.facilitator)
        pulled, settled = merge.pull(ws.root, ws.state_dir, remote, branch, prefer, identity)
        if pulled.returncode != 0:
            conflicts = vcs.run_git(
                ["diff", "--name-only", "--diff-filter=U"], ws.root, check=False
            ).stdout.split()
            vcs.run_git(["rebase", "--abort"], ws.root, check=False)
            if not conflicts:  # not a conflict: say what git said
                detail = (pulled.stderr or pulled.stdout).strip().splitlines()
                raise UsageError(
                    "同步失败，已撤销本次同步，本机内容未变："
                    + vcs.reason(detail, pulled.returncode)
                )
            where = "、".join(conflicts[:3])
            raise UsageError(
                f"同步冲突：本机和远程都修改了 {where}，已撤销本次同步，本机内容未变",
                hint="请与另一台电脑的同事商定保留哪一方的修改，在一台电脑上改好并同步后，"
                "另一台再运行 xsk sync",
            )
    except BaseException:
        txn.recover_sync(ws.root, ws.state_dir)  # Ctrl-C or an error: back to the pre-sync HEAD
        raise
    txn.end_sync(ws.state_dir)
    return settled


def replace_case(case: Case, **changes: Any) -> Case:
    return replace(case, **changes)
