"""``xsk step``: run steps from an answers file, without prompts.

``--all`` is one unit: every step runs under one hold of the workspace lock, documents are
built only after the last step, and an error in any step (exit 2) puts the branch back where
it was before the first one, so nothing is changed. ``--dry-run --all`` runs the same chain
in a scratch clone (:mod:`xsk.actions.rehearsal`) and throws it away, so it accepts exactly
the files ``--all`` accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from xsk.actions.workflow import now
from xsk.casework import steps
from xsk.casework.answers import AnswersFile, meta_time, split_meta
from xsk.core.errors import AnswerError
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace


def run_file(
    ws: Workspace,
    cid: str,
    path: Path,
    *,
    all_steps: bool = False,
    dry_run: bool = False,
    render: bool = True,
) -> Iterator[str]:
    answers = AnswersFile.read(path)
    if dry_run and all_steps:
        yield from _rehearse(ws, cid, answers, path)
        return
    if dry_run:
        yield from _dry_run(ws, cid, answers, path)
        return
    lines, reports = run_all(ws, cid, answers, path, all_steps=all_steps)
    yield from lines
    if render:
        from xsk.documents import plan as documents  # rendering is imported only when used
        from xsk.documents.uptodate import own_register_appends

        for report in reports:  # as after each step: its documents and any whose data changed
            with own_register_appends(ws):
                report.documents = documents.refresh_for_step(ws, cid, report.transition.documents)
            for doc in report.documents:
                yield f"  文书：{ws.rel(doc)}"


def run_all(
    ws: Workspace, cid: str, answers: AnswersFile, path: Path, *, all_steps: bool
) -> tuple[list[str], list[steps.StepReport]]:
    """Run the current step (or, with ``all_steps``, every step the file answers) under one
    lock; an error after some steps were committed resets the branch to where it started."""
    from xsk.workspace import git as vcs
    from xsk.workspace import journal as txn

    lines: list[str] = []
    reports: list[steps.StepReport] = []
    with txn.writing(ws.root, ws.state_dir):
        start = vcs.head(ws.root)
        try:
            for report in _steps(ws, cid, answers, path, lines, all_steps=all_steps):
                reports.append(report)
        except BaseException:
            if reports and start:
                vcs.rewind(ws.root, start)
            raise
    return lines, reports


def _steps(
    ws: Workspace,
    cid: str,
    answers: AnswersFile,
    path: Path,
    lines: list[str],
    *,
    all_steps: bool,
    dry_run: bool = False,
) -> Iterator[steps.StepReport]:
    shown = str(path)
    done = 0
    while True:
        case = store.load_case(ws, cid)
        if not case.is_open:
            if done == 0:
                lines.append(f"议题 {cid} 已办结，无需办理")
            return
        if not answers.has(case.step):
            if done == 0:
                raise AnswerError(
                    f"{shown}: 答案文件中没有当前步骤“{case.step}”的答案",
                    hint=f"请添加 [{case.step}] 表",
                )
            return
        raw, index = answers.take(case.step)
        raw, meta = split_meta(raw)
        when = meta_time(meta, now())

        def locate(step_id: str, question: str, index: int = index) -> int:
            return answers.line(step_id, question.split(".")[0], index)

        try:
            report = steps.run(
                ws,
                cid,
                raw,
                when=when,
                base_dir=path.parent,
                dry_run=dry_run,
                by=str(meta.get("by", "")),
                locate=locate,
            )
        except AnswerError as exc:
            msg = exc.message
            raise AnswerError(
                f"{shown}:{msg}" if msg[:1].isdigit() else f"{shown}: {msg}"
            ) from None
        done += 1
        yield report
        if dry_run:
            return
        t = report.transition
        lines.append(
            f"议题 {cid}：已完成“{report.step.name}”"
            + (f"，{'；'.join(t.notes)}" if t.notes else "")
        )
        if not all_steps:
            return


def _dry_run(ws: Workspace, cid: str, answers: AnswersFile, path: Path) -> Iterator[str]:
    lines: list[str] = []
    for report in _steps(ws, cid, answers, path, lines, all_steps=False, dry_run=True):
        yield from lines
        yield from describe(cid, report)
        yield "  （预演未写入任何文件）"
        return
    yield from lines


def _rehearse(ws: Workspace, cid: str, answers: AnswersFile, path: Path) -> Iterator[str]:
    from xsk.actions.rehearsal import scratch_clone

    with scratch_clone(ws) as copy:
        lines, reports = run_all(copy, cid, answers, path, all_steps=True)
    if not reports:
        yield from lines
        return
    for report in reports:
        yield from describe(cid, report)
    yield f"  （预演了 {len(reports)} 个步骤，未写入任何文件）"


def describe(cid: str, report: steps.StepReport) -> Iterator[str]:
    t = report.transition
    yield f"[预演] 议题 {cid}：“{report.step.name}”答案有效"
    for note in t.notes:
        yield f"  {note}"
    yield f"  状态：{t.status}  层级：{t.level}  下一步：{t.next_step or '（结案）'}"
    if t.documents:
        yield f"  将生成文书：{'、'.join(t.documents)}"
