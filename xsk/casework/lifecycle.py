"""A case's life beyond its steps: withdraw (撤销), merge a duplicate (合并) and undo (撤回).

Each is one commit and each can be taken back by :func:`undo`, which never rewrites git
history: it restores the files of the case's last step or event as they were before it and
commits that as a new change. It refuses when a later thing depends on that commit: a meeting
another case used since, or a document issued under a 文号 since. Withdrawn and merged cases
stay in git and in the ledger (status closed, result ``withdrawn`` / ``merged``) and are left
out of every rate; a closed case is neither withdrawn nor merged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsk.casework.steps import toml_value
from xsk.core.errors import UsageError
from xsk.core.model import HistoryEntry, Person, history_dict
from xsk.parts import events
from xsk.store import atomic
from xsk.workspace import cases as store
from xsk.workspace import docnumbers
from xsk.workspace import git as vcs
from xsk.workspace import journal as txn
from xsk.workspace.settings import Workspace

WITHDRAWN = "withdrawn"
MERGED = "merged"
UNDO_TRAILER = "Undoes: "


@dataclass
class Undone:
    """What :func:`undo` took back."""

    case_id: str
    subject: str  # the commit message of what was taken back
    paths: list[Path] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)  # every case whose files changed


def _history(doc: Any, step: str, when: dt.datetime, by: str, action: str, note: str) -> None:
    import tomlkit

    if "history" not in doc:
        doc["history"] = tomlkit.aot()
    doc["history"].append(toml_value(history_dict(HistoryEntry(step, when, by, action, note))))


def _set_aside(ws: Workspace, cid: str, *, into: bool = False) -> Any:
    """The case, when it may be withdrawn or merged (``into``: may take a duplicate in).

    A case already withdrawn or merged is refused, and so is a closed case: it was handled to
    the end, so it is neither "registered by mistake" nor a duplicate, and setting it aside
    would take a 办结 out of the figures. Its last step can be taken back (``xsk undo``) or it
    can be reopened (``xsk event ID reopen``)."""
    case = store.load_case(ws, cid)
    if case.result == MERGED:
        target = _merged_into(ws, cid) or "另一议题"
        hint = f"请并入 --into {target}" if into else f"xsk undo {cid}"
        raise UsageError(f"议题 {cid} 已合并至议题 {target}（{case.close_reason}）", hint=hint)
    if case.result == WITHDRAWN:
        raise UsageError(f"议题 {cid} 已撤销（{case.close_reason}）", hint=f"xsk undo {cid}")
    if not case.is_open:
        what = "不能再并入重复议题" if into else "不是误登记或重复的议题，不能撤销或合并"
        raise UsageError(
            f"议题 {cid} 已办结，{what}",
            hint=f"如需更正请用 xsk undo {cid} 撤回最近一步，"
            f"或用 xsk event {cid} reopen --reason 理由 重新办理",
        )
    return case


def _merged_into(ws: Workspace, cid: str) -> str:
    import tomllib

    try:
        data = tomllib.loads(store.case_file(ws, cid).read_text("utf-8"))
    except (OSError, ValueError):
        return ""
    return str(data.get("merged_into", ""))


@txn.writer  # the lock around read, write and commit (issue 13)
def withdraw(ws: Workspace, cid: str, reason: str, when: dt.datetime) -> list[str]:
    """撤销: the case stays in git and in the ledger, closed with result ``withdrawn``."""
    from xsk.workspace import journal as txn

    reason = reason.strip()
    if not reason:
        raise UsageError("撤销议题需要说明理由（--reason）")
    case = _set_aside(ws, cid)

    def mutate(doc: Any) -> None:
        doc["status"] = "closed"
        doc["result"] = WITHDRAWN
        doc["close_reason"] = reason
        doc["closed"] = when.date()
        for key in ("wait_until", "due"):
            if key in doc:
                del doc[key]
        _history(doc, case.step, when, ws.settings.facilitator, "withdraw", f"撤销：{reason}")

    with txn.transaction(ws.root, ws.state_dir) as tx:
        tx.track(store.case_dir(ws, cid))
        path = store.update(ws, cid, mutate)
        ws.commit([path], f"议题 {cid}：撤销（{reason}）", date=when.isoformat())
    return [
        f"议题 {cid} 已撤销：{reason}（保留在台账中，不计入各项比率；可用 xsk undo {cid} 撤回）"
    ]


@txn.writer  # the lock around read, write and commit (issue 13)
def merge(ws: Workspace, cid: str, into: str, reason: str, when: dt.datetime) -> list[str]:
    """合并: ``cid`` is a duplicate of ``into``; its proposers and events move to ``into``."""
    from xsk.workspace import journal as txn

    reason = reason.strip()
    if not reason:
        raise UsageError("合并议题需要说明理由（--reason）")
    if cid == into:
        raise UsageError("不能把议题合并到它自己")
    dup = _set_aside(ws, cid)
    target = _set_aside(ws, into, into=True)
    moved = [p for p in dup.proposers if (p.name, p.phone) not in _keys(target.proposers)]
    src_events = events.folder(store.case_dir(ws, cid))
    dst_events = events.folder(store.case_dir(ws, into))
    files = sorted(src_events.glob("*.toml")) if src_events.is_dir() else []

    def mutate_dup(doc: Any) -> None:
        doc["status"] = "closed"
        doc["result"] = MERGED
        doc["merged_into"] = into
        doc["close_reason"] = reason
        doc["closed"] = when.date()
        for key in ("wait_until", "due", "proposers"):
            if key in doc:
                del doc[key]
        note = f"与议题 {into} 重复，并入该议题（提出人 {len(dup.proposers)} 人、事件 {len(files)} 条）：{reason}"
        _history(doc, dup.step, when, ws.settings.facilitator, "merge", note)

    def mutate_target(doc: Any) -> None:
        import tomlkit

        if moved:
            if "proposers" not in doc:
                doc["proposers"] = tomlkit.aot()
            for p in moved:
                doc["proposers"].append(_person(p))
        note = f"并入重复议题 {cid}（提出人 {len(moved)} 人、事件 {len(files)} 条）：{reason}"
        _history(doc, target.step, when, ws.settings.facilitator, "merge", note)

    with txn.transaction(ws.root, ws.state_dir) as tx:
        tx.track(store.case_dir(ws, cid), store.case_dir(ws, into))
        written = [store.update(ws, cid, mutate_dup), store.update(ws, into, mutate_target)]
        for f in files:
            dst_events.mkdir(parents=True, exist_ok=True)
            dest = dst_events / f.name
            f.replace(dest)
            written += [f, dest]
        ws.commit(written, f"议题 {cid}：合并至议题 {into}（{reason}）", date=when.isoformat())
    return [
        f"议题 {cid} 已合并至议题 {into}：提出人 {len(moved)} 人、事件 {len(files)} 条随之转入"
        f"（可用 xsk undo {cid} 撤回）"
    ]


def _keys(people: tuple[Person, ...]) -> set[tuple[str, str]]:
    return {(p.name, p.phone) for p in people}


def _person(p: Person) -> dict[str, Any]:
    d: dict[str, Any] = {"name": p.name}
    for key in Person.PRIVATE_FIELDS:
        if getattr(p, key):
            d[key] = getattr(p, key)
    if p.public:
        d["public"] = True
    return d


# --- undo ------------------------------------------------------------------------------------


def last_change(ws: Workspace, cid: str) -> tuple[str, str]:
    """(hash, subject) of the case's last step or event not yet taken back."""
    folder = store.case_dir(ws, cid)
    rel = folder.relative_to(ws.root).as_posix()
    undone: set[str] = set()
    for sha, subject, body in vcs.commits(ws.root, rel):
        lines = body.splitlines()
        taken = [x[len(UNDO_TRAILER) :].strip() for x in lines if x.startswith(UNDO_TRAILER)]
        if taken:
            undone.update(taken)
            continue
        if sha in undone:
            continue
        added = ("A", f"{rel}/{store.CASE_FILE}") in vcs.changed(ws.root, sha)
        if added:
            raise UsageError(
                f"议题 {cid} 没有可撤回的步骤或事件（最近一次是登记本身）",
                hint=f"误登记的议题请用 xsk withdraw {cid} --reason 理由",
            )
        return sha, subject
    raise UsageError(f"议题 {cid} 没有可撤回的提交")


def _refuse_if_numbered(
    ws: Workspace, sha: str, subject: str, changes: list[tuple[str, str]]
) -> None:
    """A 文号 issued since ``sha`` for a case or meeting that commit changed is a published
    document: taking the commit back would leave it without the record it came from (and
    restoring the register would free the number for another document), so undo refuses."""
    from xsk.parts import meetings

    cases_rel = ws.cases_dir.relative_to(ws.root).as_posix() + "/"
    meetings_rel = ws.meetings_dir.relative_to(ws.root).as_posix() + "/"
    names: set[str] = set()
    for _status, rel in changes:
        if rel.startswith(cases_rel):
            names.add(rel[len(cases_rel) :].split("/", 1)[0])
        elif rel.startswith(meetings_rel) and rel.endswith(".toml"):
            names.add(Path(rel).stem)
    for case_id in sorted(names):
        if store.case_file(ws, case_id).is_file():
            names.update(meetings.case_meeting_ids(store.load_case(ws, case_id).answers))
    hits = [
        e for e in docnumbers.issued_since(ws, sha) if docnumbers.subjects(str(e["key"])) & names
    ]
    if hits:
        first = hits[-1]  # the newest: most likely the one this commit led to
        more = f"等 {len(hits)} 份文书" if len(hits) > 1 else ""
        raise UsageError(
            f"不能撤回“{subject}”：之后已以文号 {first.get('number', '')} "
            f"发出《{first.get('title', '')}》{more}",
            hint="已发出的文书不能收回，如需更正请记录事件或另行发文",
        )


@txn.writer  # the lock around read, write and commit (issue 13)
def undo(ws: Workspace, cid: str, when: dt.datetime) -> Undone:
    """Take back the case's last step or event as a new commit, files restored byte for byte."""
    from xsk.workspace import journal as txn

    store.load_case(ws, cid)  # the case exists
    sha, subject = last_change(ws, cid)
    own = store.case_dir(ws, cid).relative_to(ws.root).as_posix() + "/"
    changes = vcs.changed(ws.root, sha)
    _refuse_if_numbered(ws, sha, subject, changes)
    for _status, rel in changes:
        if rel.startswith(own):
            continue
        later = vcs.later_commits(ws.root, sha, rel)
        if later:
            raise UsageError(
                f"不能撤回“{subject}”：{rel} 之后已被其他操作使用（{later[-1]}）",
                hint="请先撤回之后的操作",
            )
    paths: list[Path] = []
    touched: set[str] = {cid}
    cases_rel = ws.cases_dir.relative_to(ws.root).as_posix() + "/"
    with txn.transaction(ws.root, ws.state_dir) as tx:
        for _status, rel in changes:
            path = ws.root / rel
            tx.track(path)
            before = vcs.file_at(ws.root, f"{sha}^", rel)
            if before is None:
                path.unlink(missing_ok=True)
            else:
                atomic.write_bytes(path, before)
            paths.append(path)
            if rel.startswith(cases_rel):
                touched.add(rel[len(cases_rel) :].split("/", 1)[0])
        message = f"议题 {cid}：撤回“{subject}”\n\n{UNDO_TRAILER}{sha}"
        ws.commit(paths, message, date=when.isoformat())
    return Undone(cid, subject, paths, sorted(touched))
