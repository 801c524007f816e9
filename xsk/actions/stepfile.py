"""``xsk step``: run steps from an answers file, without prompts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from xsk.actions.stepping import run_step
from xsk.actions.workflow import now
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
    shown = str(path)
    done = 0
    while True:
        if not dry_run:
            from xsk.workspace import journal as txn

            txn.recover(ws.root, ws.state_dir)  # before reading: a crash may have left it half
        case = store.load_case(ws, cid)
        if not case.is_open:
            if done == 0:
                yield f"议题 {cid} 已办结，无需办理"
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
            report = run_step(
                ws,
                cid,
                raw,
                when=when,
                base_dir=path.parent,
                dry_run=dry_run,
                render=render,
                by=str(meta.get("by", "")),
                locate=locate,
            )
        except AnswerError as exc:
            msg = exc.message
            raise AnswerError(
                f"{shown}:{msg}" if msg[:1].isdigit() else f"{shown}: {msg}"
            ) from None
        t = report.transition
        done += 1
        if dry_run:
            yield f"[预演] 议题 {cid}：“{report.step.name}”答案有效"
            for note in t.notes:
                yield f"  {note}"
            yield f"  状态：{t.status}  层级：{t.level}  下一步：{t.next_step or '（结案）'}"
            if t.documents:
                yield f"  将生成文书：{'、'.join(t.documents)}"
            yield "  （预演未写入任何文件）"
            return
        yield f"议题 {cid}：已完成“{report.step.name}”" + (
            f"，{'；'.join(t.notes)}" if t.notes else ""
        )
        for doc in report.documents:
            yield f"  文书：{ws.rel(doc)}"
        if not all_steps:
            return
