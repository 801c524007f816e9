"""Commands ``report``, ``import`` and ``due``, added to the main typer app by :func:`register`.

Heavy modules (openpyxl, matplotlib, python-docx) are imported inside the command bodies only,
so ``xsk --help`` and ``xsk status`` never load them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from xsk.core.cnfmt import cn_date
from xsk.reports.definitions import DEFINITIONS

REPORT_HELP = (
    """统计报告：议题数、协商会议、参与人次、办结率、办理方式、分类统计、责任单位、满意度。

口径（报告“说明”部分同此）：

\b
"""
    + "\n".join(f"  {i}. {d}" for i, d in enumerate(DEFINITIONS, 1))
    + """

\b
示例：
  xsk report --from 2026-01-01 --to 2026-06-30 --docx 报告.docx --xlsx 台账.xlsx
  xsk report --workspace 红桥社区 --workspace 白沙社区 --json
"""
)


def register(app: typer.Typer) -> None:
    """Add ``report``, ``import`` and ``due`` to ``app``."""
    app.command("report", help=REPORT_HELP)(report)
    app.command("import")(import_ledger)
    app.command("due")(due)


def _parse_date(value: str | None, name: str) -> dt.date | None:
    """``--from``/``--to``: a date typed as ``--date`` takes it (2026-03-05, 3月5日 …)."""
    if value is None:
        return None
    from xsk.cli.common import _parse_date as parse

    return parse(value, name)


def _current_ws() -> Any:
    from xsk.cli.common import _ws

    return _ws()


def _today() -> dt.date:
    from xsk.casework import status

    return status.today()


JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]


def report(
    from_: Annotated[
        str | None,
        typer.Option("--from", help="统计起始日期（含），如 2026-01-01 或 1月1日", metavar="日期"),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="统计截止日期（含），如 2026-12-31", metavar="日期")
    ] = None,
    json_: JsonOpt = False,
    docx: Annotated[
        str | None,
        typer.Option(
            "--docx", help="生成统计报告（.docx，含图表）；只写文件名时存入 out/", metavar="文件"
        ),
    ] = None,
    xlsx: Annotated[
        str | None,
        typer.Option("--xlsx", help="导出台账（.xlsx）；只写文件名时存入 out/", metavar="文件"),
    ] = None,
    workspaces: Annotated[
        list[Path] | None,
        typer.Option(
            "--workspace",
            "-w",
            help="汇总多个社区的工作区（可重复，供街道使用）；默认为当前工作区",
            metavar="DIR",
        ),
    ] = None,
    reveal: Annotated[
        bool,
        typer.Option("--reveal", help="台账不脱敏（内部台账，含居民姓名和电话，勿外传）"),
    ] = False,
) -> None:
    from xsk.core.errors import UsageError
    from xsk.reports import stats
    from xsk.workspace import settings as wsmod

    start, end = _parse_date(from_, "--from"), _parse_date(to, "--to")
    if start and end and start > end:
        raise UsageError("--from 不能晚于 --to")
    period = stats.Period(start, end)
    if workspaces:
        loaded = [wsmod.load(p) for p in workspaces]
        roots = [w.root for w in loaded]
        if len(set(roots)) != len(roots):
            raise UsageError("--workspace 指定了重复的工作区")
    else:
        loaded = [_current_ws()]
    print_report(loaded, period, json_=json_, docx=docx, xlsx=xlsx, reveal=reveal)


def _write_ledger(
    loaded: list[Any],
    period: Any,
    today: Any,
    xlsx: Path,
    *,
    reveal: bool,
    labels: list[str] | None = None,
) -> None:
    from xsk.reports import ledger, ledger_privacy, stats

    datasets = [stats.load_dataset(w, ledger=True) for w in loaded]
    _relabel(datasets, labels)
    if reveal:
        for w, d in zip(loaded, datasets, strict=True):
            ledger_privacy.reveal_proposers(w, d)
    scrubber = None if reveal else ledger_privacy.ledger_scrubber(loaded)
    ledger.write_ledger(datasets, xlsx, period=period, today=today, scrubber=scrubber)


def _relabel(datasets: list[Any], labels: list[str] | None) -> None:
    """A street names each community as registered there (two workspaces may call
    themselves the same)."""
    if labels is not None:
        for d, label in zip(datasets, labels, strict=True):
            d.name = label


def print_report(
    loaded: list[Any],
    period: Any,
    *,
    json_: bool = False,
    docx: str | None = None,
    xlsx: str | None = None,
    extra_json: dict[str, Any] | None = None,
    reveal: bool = False,
    street: Any = None,
    datasets: list[Any] | None = None,
) -> None:
    """Figures of one or more workspaces (per-workspace columns when several), on screen or as
    JSON, and the .docx report / .xlsx ledger when asked (``xsk report``, ``xsk street
    report``). ``street`` (:class:`xsk.reports.report_doc.StreetScope`): the street's name,
    each community's registered name, the communities left out, and its output folder."""
    from xsk.cli.output import echo, emit_json, table, warn
    from xsk.reports import stats

    today = _today()
    out_dir = street.out_dir if street is not None else loaded[0].out_dir
    xlsx_path, docx_path = _in_out(out_dir, xlsx), _in_out(out_dir, docx)
    if datasets is None:  # (the street has loaded them to see which it can read)
        datasets = [stats.load_dataset(w) for w in loaded]
    _relabel(datasets, list(street.labels) if street is not None else None)
    figures = stats.compute(datasets, period, today)
    names: dict[str, str] = {}
    for d in datasets:
        names.update(d.procedure_names)
    per_ws = (
        [(d.name, stats.compute([d], period, today)) for d in datasets] if len(datasets) > 1 else []
    )
    tables = stats.tables(figures, names, per_ws)
    labels = [d.name for d in datasets]
    signature = datasets[0].signature
    del datasets  # the ledger reads its own, fuller records: not both in memory at once
    if xlsx_path is not None:
        from xsk.reports import ledger_cache

        _check_suffix(xlsx_path, ".xlsx")
        key = None
        if not reveal and len(loaded) == 1 and street is None:
            key = ledger_cache.key(loaded[0], signature, period, today)
        if not ledger_cache.restore(loaded[0], key, xlsx_path):
            _write_ledger(loaded, period, today, xlsx_path, reveal=reveal, labels=labels)
            ledger_cache.store(loaded[0], key, xlsx_path)
    if docx_path is not None:
        from xsk.reports import report_doc

        _check_suffix(docx_path, ".docx")
        doc_tables = report_doc.doc_tables(figures, names, per_ws)
        _path, warnings = report_doc.write_report(
            loaded, figures, doc_tables, docx_path, period=period, today=today, street=street
        )
        for w in warnings:
            warn(w)
    if json_:
        if extra_json is not None:
            per = {name: f for name, f in per_ws} if per_ws else {labels[0]: figures}
            emit_json({**extra_json, "total": figures, "communities": per})
        else:
            emit_json(figures)
    else:
        label = "、".join(labels)
        echo(f"{label} 协商议事统计（{period.label()}，统计日期 {cn_date(today)}）")
        for line in stats.summary_lines(figures):
            echo(line)
        for t in tables:
            if t["rows"]:
                echo()
                table(t["columns"], t["rows"], title=t["heading"])
        echo()
        echo("说明：")
        for i, d in enumerate(DEFINITIONS, 1):
            echo(f"  {i}. {d}")
    say = _stderr if json_ else echo
    if xlsx_path is not None:
        say(
            f"已导出台账：{xlsx_path}"
            + ("（内部台账，未脱敏，勿外传）" if reveal else "（已脱敏）")
        )
    if docx_path is not None:
        say(f"已生成统计报告：{docx_path}")


def _stderr(text: str) -> None:
    import sys

    sys.stderr.write(text + "\n")


def _in_out(out_dir: Path, given: str | None) -> Path | None:
    """A bare file name goes into the output folder (a workspace's ``out/``, kept out of git);
    a path with a folder (``./台账.xlsx``, ``~/报告.docx``) is used as given, from the current
    folder (``given`` is the text typed: pathlib would turn ``./x`` into ``x``)."""
    if given is None:
        return None
    path = Path(given).expanduser()
    if path.is_absolute() or "/" in given or "\\" in given or given.startswith("~"):
        return path
    out_dir.mkdir(parents=True, exist_ok=True)
    return out_dir / path.name


def _check_suffix(path: Path, suffix: str) -> None:
    from xsk.core.errors import UsageError

    if path.suffix.lower() != suffix:
        raise UsageError(f"文件名应以 {suffix} 结尾：{path}")
    if path.parent and not path.parent.exists():
        raise UsageError(f"目录不存在：{path.parent}")


def import_ledger(
    file: Annotated[str, typer.Argument(help="台账文件（.xlsx 或 .csv）", metavar="FILE")],
    mapping: Annotated[
        str | None,
        typer.Option("--mapping", help="列名对应文件（TOML：表头 = 字段名）", metavar="FILE"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只检查，不写入；列出全部错误")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """导入已有台账（.xlsx/.csv）：逐行校验，全部通过才写入并一次提交。

    表头按中文列名识别：序号、议题编号、原编号、议题名称、来源、类别、层级、协商形式、协商时间、参与人数、
    协商结果、责任单位、办结时限、办理情况（或状态）、满意度、回访日期、登记日期、办结日期、提出人、联系电话。

    议题编号是 xsk 编号（如 2026-007）的保留原号；没有编号或是台账自己的编号（如 DC-2026-0001、
    东城〔2026〕12号，或只有序号）时，按行序从本工作区的编号序列取新号，原来的编号存为“原编号”。

    示例：xsk import 2025年台账.xlsx --dry-run && xsk import 2025年台账.xlsx
    """
    from dataclasses import asdict

    from xsk.actions import importer
    from xsk.cli.output import echo, emit_json

    ws = _current_ws()
    result = importer.run_import(
        ws, Path(file), mapping_file=Path(mapping) if mapping else None, dry_run=dry_run
    )
    if json_:
        emit_json(asdict(result))
        if dry_run and result.errors:
            raise typer.Exit(2)  # as a failed import
        return
    if result.unknown_columns:
        echo(f"未识别的列（已忽略）：{'、'.join(result.unknown_columns)}")
    for row in result.skipped:
        echo(f"第 {row['row']} 行是合计行（{row['text']}），未导入")
    if dry_run:
        for line in importer.iter_errors(result):
            echo(line)
        if result.numbered and not result.errors:
            echo(f"将按行序取新编号的议题 {len(result.numbered)} 个（原编号 → 新编号）：")
            for n in result.numbered:
                echo(f"  第 {n['row']} 行  {n['original'] or '（无）'} → {n['id']}")
        if result.errors:
            echo(f"检查未通过：{len(result.errors)} 处错误，未写入任何内容。")
            raise typer.Exit(2)  # as a failed import
        echo(
            f"检查通过：可导入 {result.cases} 个议题（其中已办结 {result.closed} 个）；"
            "去掉 --dry-run 即可导入。"
        )
        return
    echo(f"已导入 {result.cases} 个议题（其中已办结 {result.closed} 个），并已提交。")
    if result.numbered:
        first, last = result.numbered[0], result.numbered[-1]
        echo(
            f"其中 {len(result.numbered)} 个按行序取了新编号（{first['id']} 至 {last['id']}），"
            "原来的编号存为“原编号”（xsk show / xsk find 可查）。"
        )


def due(
    within: Annotated[
        int,
        typer.Option(
            "--within", help="列出 N 个工作日内到期的事项（含已逾期）", metavar="N", min=0
        ),
    ] = 5,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列出已逾期的事项")] = False,
    notices: Annotated[
        bool, typer.Option("--notices", help="为每个有逾期事项的责任单位生成督办单（Word）")
    ] = False,
    json_: JsonOpt = False,
) -> None:
    """按责任单位列出即将到期和已逾期的协商成果事项（督办）。

    时限按工作日计算（法定节假日和调休按国家安排，可在 xsk.toml [calendar] 调整）。

    示例：xsk due --within 3；xsk due --notices（生成督办单）
    """
    from xsk.cli.output import echo, emit_json, table
    from xsk.reports import stats

    ws = _current_ws()
    today = _today()
    if notices:
        from xsk.documents import plan as documents
        from xsk.reports import supervision

        result = documents.run_jobs(ws, supervision.supervision_jobs(ws, today), force=True)
        for path in result.built:
            echo(f"已生成督办单：{ws.rel(path)}")
        if not result.built:
            echo("没有逾期事项，无需督办。")
        return
    groups = stats.overdue_by_unit(ws, today) if overdue else stats.due_by_unit(ws, today, within)
    if json_:
        emit_json(groups)
        return
    if not groups:
        echo("没有逾期事项。" if overdue else f"{within} 个工作日内没有到期或逾期的事项。")
        return
    total = sum(len(v) for v in groups.values())
    late = sum(i["overdue"] for v in groups.values() for i in v)
    echo(f"共 {len(groups)} 个责任单位、{total} 项事项，其中逾期 {late} 项（{cn_date(today)}）")
    for unit, items in groups.items():
        n_late = sum(i["overdue"] for i in items)
        echo()
        table(
            ["议题编号", "议题", "序号", "事项", "办结时限", "状态", "剩余工作日"],
            [
                [
                    i["case_id"],
                    i["case_title"],
                    i["no"],
                    i["item"],
                    i["deadline"].isoformat() + ("（暂定）" if i.get("provisional") else ""),
                    "逾期" if i["overdue"] else i["status"],
                    f"逾期 {-i['workdays_left']} 天" if i["overdue"] else str(i["workdays_left"]),
                ]
                for i in items
            ],
            title=f"{unit}（{len(items)} 项，逾期 {n_late} 项）",
        )
    if any(i.get("provisional") for v in groups.values() for i in v):
        echo()
        echo("注：标“暂定”的时限按暂定节假日推算（节假日安排以国务院公布为准）。")
