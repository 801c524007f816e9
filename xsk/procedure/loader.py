"""Load and validate procedure files (``templates/procedures/<id>.toml``).

Built-in procedures ship in the package; a workspace overrides or adds its own in
``<ws>/templates/procedures/``. Every problem carries file, line and field.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, NotFoundError, Problem
from xsk.core.model import Reader
from xsk.core.paths import builtin_templates
from xsk.procedure.model import (
    ACTIONS,
    CASE_FIELDS,
    EXIT_GUARD_KINDS,
    Branch,
    Condition,
    ExitGuard,
    Guard,
    Procedure,
    Question,
    Step,
    question_types,
)
from xsk.store import tomlio

DOCUMENT_KINDS = (
    "registration",
    "notice",
    "signin",
    "minutes",
    "result",
    "responsibility",
    "reply",
    "visit",
)
GUARD_KINDS = ("after", "answered", "equals")
CHOICE_SOURCES = (
    "settings.not_deliberated",
    "settings.categories",
    "roster.people",
    "roster.orgs",
    "roster.all",
    "vote_rules",
    "procedure.categories",
    "procedure.subjects",
)


def procedure_dirs(ws_root: Path | None) -> list[Path]:
    dirs = []
    if ws_root is not None:
        dirs.append(ws_root / "templates" / "procedures")
    dirs.append(builtin_templates() / "procedures")
    return dirs


def available(ws_root: Path | None) -> dict[str, Path]:
    """Procedure id -> file; a workspace's own file wins over the built-in one."""
    found: dict[str, Path] = {}
    for folder in reversed(procedure_dirs(ws_root)):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found[path.stem] = path
    return dict(sorted(found.items()))


# Procedures read in this process, by file and its stat (a batch of documents asks for the
# same few procedures hundreds of times).
_LOADED: dict[tuple[str, str, int, int], Procedure] = {}


def load(pid: str, ws_root: Path | None) -> Procedure:
    paths = available(ws_root)
    if pid not in paths:
        raise NotFoundError(
            f"未知的协商程序“{pid}”",
            hint=f"可用：{'、'.join(paths) or '无'}（xsk procedures list）",
        )
    path = paths[pid]
    st = path.stat()
    key = (str(path), str(ws_root), st.st_mtime_ns, st.st_size)
    cached = _LOADED.get(key)
    if cached is not None:
        return cached
    proc, problems = read(path, ws_root)
    if problems:
        raise DataError(problems[0])
    assert proc is not None
    if len(_LOADED) > 64:
        _LOADED.clear()
    _LOADED[key] = proc
    return proc


def read(path: Path, root: Path | None = None) -> tuple[Procedure | None, list[Problem]]:
    shown = tomlio.display_path(path, root)
    if root is not None and not shown.startswith(("templates", "/")):
        shown = str(path)
    try:
        data, text = tomlio.read(path, root)
    except DataError as exc:
        return None, [exc.problem]
    r = Reader(shown, text)
    proc = build(data, r, path.stem)
    proc = Procedure(**{**proc.__dict__, "path": str(path)}) if proc else None
    return (proc if not r.problems else None), r.problems


def _condition(r: Reader, raw: Any, kp: tuple[str | int, ...]) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not isinstance(raw.get("question"), str):
        r.problem(kp, "P101", '条件应写成 { question = "问题编号", equals = 值 }')
        return None
    for op in ("equals", "not_equals", "in", "answered", "contains"):
        if op in raw:
            value = raw[op]
            if op == "in" and not isinstance(value, list):
                r.problem(kp, "P101", "in 条件的值应为列表")
                return None
            return Condition(raw["question"], op, tuple(value) if op == "in" else value)
    r.problem(kp, "P101", "条件缺少 equals / not_equals / in / answered / contains")
    return None


def _question(
    r: Reader, q: Mapping[str, Any], kp: tuple[str | int, ...], depth: int = 0
) -> Question:
    def g(key: str, kind: str, **kw: Any) -> Any:
        return r.get(q, (*kp, key), kind, **kw)

    qtype = g("type", "str", default="text", choices=question_types())
    fields = []
    if qtype == "records":
        raw_fields = r.items(q, (*kp, "fields"))
        if not raw_fields:
            r.problem((*kp, "type"), "P102", "records 类型的问题需要 [[...fields]] 定义字段")
        if depth > 0:
            r.problem((*kp, "type"), "P102", "records 不能嵌套")
        for i, f in enumerate(raw_fields):
            if isinstance(f, Mapping):
                fields.append(_question(r, f, (*kp, "fields", i), depth + 1))
    choices = g("choices", "strlist", default=())
    choices_from = g("choices_from", "str", default="")
    if choices_from and choices_from not in CHOICE_SOURCES:
        r.problem(
            (*kp, "choices_from"), "P103", f"未知的选项来源，可选：{'、'.join(CHOICE_SOURCES)}"
        )
    if qtype in ("choice", "multichoice") and not choices and not choices_from:
        r.problem((*kp, "type"), "P104", "选择题需要 choices 或 choices_from")
    fld = g("field", "str", default="")
    if fld and fld not in CASE_FIELDS:
        r.problem((*kp, "field"), "P105", f"field 只能是：{'、'.join(CASE_FIELDS)}")
    return Question(
        id=g("id", "str", required=True, default="?"),
        prompt=g("prompt", "str", required=True, default=""),
        type=qtype,
        required=g("required", "bool", default=True),
        default=q.get("default"),
        choices=choices,
        choices_from=choices_from,
        help=g("help", "str", default=""),
        field=fld,
        when=_condition(r, q.get("when"), (*kp, "when")),
        fields=tuple(fields),
        min=g("min", "int"),
        max=g("max", "int"),
    )


def build(data: Mapping[str, Any], r: Reader, stem: str) -> Procedure | None:
    pid = r.get(data, ("id",), "str", required=True, default=stem)
    if pid != stem:
        r.problem(("id",), "P001", f"程序编号“{pid}”应与文件名“{stem}”一致")
    steps: list[Step] = []
    for si, s in enumerate(r.items(data, ("steps",))):
        kp: tuple[str | int, ...] = ("steps", si)
        if not isinstance(s, Mapping):
            r.problem(kp, "E102", "应为表")
            continue
        questions = [
            _question(r, q, (*kp, "questions", qi))
            for qi, q in enumerate(r.items(s, (*kp, "questions")))
            if isinstance(q, Mapping)
        ]
        guards = []
        for gi, gd in enumerate(r.items(s, (*kp, "guards"))):
            gkp = (*kp, "guards", gi)
            guards.append(
                Guard(
                    kind=r.get(gd, (*gkp, "kind"), "str", required=True, choices=GUARD_KINDS),
                    ref=r.get(gd, (*gkp, "ref"), "str", required=True, default=""),
                    value=gd.get("value"),
                    message=r.get(gd, (*gkp, "message"), "str", default=""),
                )
            )
        branches = []
        for bi, b in enumerate(r.items(s, (*kp, "branches"))):
            bkp = (*kp, "branches", bi)
            branches.append(
                Branch(
                    id=r.get(b, (*bkp, "id"), "str", required=True, default=f"b{bi}"),
                    label=r.get(b, (*bkp, "label"), "str", required=True, default=""),
                    action=r.get(b, (*bkp, "action"), "str", required=True, choices=ACTIONS),
                    when=_condition(r, b.get("when"), (*bkp, "when")),
                    target=r.get(b, (*bkp, "target"), "str", default=""),
                    result=r.get(b, (*bkp, "result"), "str", default=""),
                    reason=r.get(b, (*bkp, "reason"), "str", default=""),
                    until=r.get(b, (*bkp, "until"), "str", default=""),
                    documents=r.get(b, (*bkp, "documents"), "strlist", default=()),
                )
            )
        exit_guards = []
        for gi, gd in enumerate(r.items(s, (*kp, "exit_guards"))):
            gkp = (*kp, "exit_guards", gi)
            if not isinstance(gd, Mapping):
                r.problem(gkp, "E102", "应为表")
                continue
            exit_guards.append(
                ExitGuard(
                    kind=r.get(gd, (*gkp, "kind"), "str", required=True, choices=EXIT_GUARD_KINDS),
                    override=r.get(gd, (*gkp, "override"), "str", default=""),
                    closing=r.get(gd, (*gkp, "closing"), "bool", default=False),
                    message=r.get(gd, (*gkp, "message"), "str", default=""),
                )
            )
        steps.append(
            Step(
                id=r.get(s, (*kp, "id"), "str", required=True, default=f"s{si}"),
                name=r.get(s, (*kp, "name"), "str", required=True, default=""),
                help=r.get(s, (*kp, "help"), "str", default=""),
                questions=tuple(questions),
                documents=r.get(s, (*kp, "documents"), "strlist", default=()),
                guards=tuple(guards),
                branches=tuple(branches),
                exit_guards=tuple(exit_guards),
                final=r.get(s, (*kp, "final"), "bool", default=False),
                only_via_branch=r.get(s, (*kp, "only_via_branch"), "bool", default=False),
            )
        )
    if not steps:
        r.problem(("steps",), "P002", "程序至少需要一个步骤（[[steps]]）")
        return None
    _cross_check(r, steps)
    return Procedure(
        id=pid,
        name=r.get(data, ("name",), "str", required=True, default=pid),
        summary=r.get(data, ("summary",), "str", default=""),
        origin=r.get(data, ("origin",), "str", default=""),
        steps=tuple(steps),
        meta={
            k: v for k, v in data.items() if k not in ("id", "name", "summary", "origin", "steps")
        },
    )


def _cross_check(r: Reader, steps: list[Step]) -> None:
    ids = [s.id for s in steps]
    qids = {s.id: {q.id for q in s.questions} for s in steps}
    for si, s in enumerate(steps):
        if ids.count(s.id) > 1:
            r.problem(("steps", si, "id"), "P003", f"步骤编号“{s.id}”重复")
        seen: set[str] = set()
        for qi, q in enumerate(s.questions):
            if q.id in seen:
                r.problem(("steps", si, "questions", qi, "id"), "P004", f"问题编号“{q.id}”重复")
            seen.add(q.id)
            if q.when and not _ref_ok(q.when.question, s.id, qids):
                r.problem(("steps", si, "questions", qi, "when"), "P005", "条件引用的问题不存在")
        for di, kind in enumerate(s.documents):
            if kind not in DOCUMENT_KINDS:
                r.problem(
                    ("steps", si, "documents"), "P006", f"未知的文书种类“{kind}”（第 {di + 1} 项）"
                )
        for bi, b in enumerate(s.branches):
            bkp = ("steps", si, "branches", bi)
            if b.action in ("goto", "vote") and b.target not in ids:
                r.problem((*bkp, "target"), "P007", f"跳转目标步骤“{b.target}”不存在")
            if b.action == "escalate" and b.target and b.target not in ids:
                r.problem((*bkp, "target"), "P007", f"跳转目标步骤“{b.target}”不存在")
            if b.action == "wait" and not _ref_ok(b.until, s.id, qids):
                r.problem((*bkp, "until"), "P008", "wait 需要 until 指向一个日期问题")
            if b.when and not _ref_ok(b.when.question, s.id, qids):
                r.problem((*bkp, "when"), "P005", "条件引用的问题不存在")
            for kind in b.documents:
                if kind not in DOCUMENT_KINDS:
                    r.problem((*bkp, "documents"), "P006", f"未知的文书种类“{kind}”")
        for gi, xg in enumerate(s.exit_guards):
            if xg.override and xg.override not in qids[s.id]:
                r.problem(
                    ("steps", si, "exit_guards", gi, "override"),
                    "P010",
                    f"override 应为本步骤的问题编号，“{xg.override}”不存在",
                )
        for gi, gd in enumerate(s.guards):
            if gd.ref != "case.wait_until" and not _ref_ok(gd.ref, s.id, qids):
                r.problem(
                    ("steps", si, "guards", gi, "ref"), "P009", f"前置条件引用“{gd.ref}”不存在"
                )


def _ref_ok(ref: str, step_id: str, qids: Mapping[str, set[str]]) -> bool:
    if "." in ref:
        sid, qid = ref.split(".", 1)
        return qid in qids.get(sid, set()) or qid in ("end", "start")  # computed publicity keys
    return ref in qids.get(step_id, set())


def step_names(pid: str, ws_root: Path | None, cache_dir: Path | None = None) -> dict[str, str]:
    """Step id -> Chinese name, without validating the whole file (for listings); the
    procedure's own name under the key ``""`` (no step has an empty id).

    Kept in ``cache_dir/steps.json`` keyed by the file's path, mtime and size, so ``xsk
    status`` does not parse five procedure files on every run. Unknown procedure: ``{}``.
    """
    import json

    path = available(ws_root).get(pid)
    if path is None:
        return {}
    st = path.stat()
    key = f"{path}|{st.st_mtime_ns}|{st.st_size}|2"  # 2: with the procedure's name
    cache_file = cache_dir / "steps.json" if cache_dir else None
    cache: dict[str, Any] = {}
    if cache_file and cache_file.exists():
        try:
            cache = json.loads(cache_file.read_text("utf-8"))
        except (OSError, ValueError):
            cache = {}
    if key in cache:
        return dict(cache[key])
    import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    names = {
        str(s.get("id")): str(s.get("name", ""))
        for s in data.get("steps", [])
        if isinstance(s, Mapping) and "id" in s
    }
    names.pop("", None)
    names[""] = str(data.get("name") or pid)
    if cache_file:
        from xsk.store import atomic

        fresh = {k: v for k, v in cache.items() if not k.startswith(f"{path}|")}
        fresh[key] = names
        with contextlib.suppress(OSError):  # a read-only workspace still lists its cases
            atomic.write_text(cache_file, json.dumps(fresh, ensure_ascii=False))
    return names


def check_all(ws_root: Path | None) -> list[Problem]:
    problems: list[Problem] = []
    for path in available(ws_root).values():
        problems.extend(read(path, ws_root)[1])
    return problems
