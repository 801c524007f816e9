"""``xsk show`` on screen: the view of :mod:`xsk.actions.overview` as lines of Chinese."""

from __future__ import annotations

from typing import Any

from xsk.cli.output import echo


def print_case(view: dict[str, Any]) -> None:
    echo(f"{view['id']}  {view['title']}")
    if view.get("original_id"):
        echo(f"  原编号：{view['original_id']}")
    where = f"  当前步骤：{view['step_name']}" if view["step_name"] else ""
    echo(f"  程序：{view['procedure_name']}{where}  状态：{view['status_name']}")
    echo(f"  层级：{view['level']}  类别：{view['category'] or '—'}  登记：{view['created']}")
    if view["due"]:
        echo(f"  办结时限：{view['due']}")
    src = view["source"]
    echo(f"  来源：{src['channel'] or '—'}  受理人：{src['received_by'] or '—'}")
    for p in view["proposers"]:
        echo(f"  提出人：{p['name']}  电话：{p['phone'] or '—'}")
    if view["description"]:
        echo(f"  描述：{view['description']}")
    if view["close_reason"]:
        echo(f"  办结/关闭说明：{view['close_reason']}")
    marks = {"已完成": "✓", "当前": "▶", "未办": "·"}
    echo("办理进度：")
    echo("  " + "  ".join(f"{marks[s['state']]}{s['name']}" for s in view["progress"]["steps"]))
    for h in view["progress"]["history"]:
        note = f"（{h['note']}）" if h["note"] else ""
        echo(f"  {h['done'][:16].replace('T', ' ')}  {h['step_name']}  {h['by']}{note}")
    if view["outcomes"]:
        echo("协商成果：")
        for o in view["outcomes"]:
            progress = f"；进展：{o['progress']}" if o["progress"] else ""
            echo(
                f"  {o['no']}. {o['item']}  责任单位：{o['unit'] or '—'}  "
                f"时限：{o['deadline'] or '—'}  {o['status']}{progress}"
            )
    if view["events"]:
        echo("事件：")
        for e in view["events"]:
            echo(f"  {e['date']}  {e['kind_name']}  {e['text']}")
    if view["meetings"]:
        echo("会议：")
        for m in view["meetings"]:
            when = str(m["time"] or "")[:16].replace("T", " ")
            echo(f"  {m['id']}  {m['title']}  {when}  {m['venue']}  主持：{m['host'] or '—'}")
    echo("已生成的文书：" + ("" if view["documents"] else "（无，xsk docs build 生成）"))
    for d in view["documents"]:
        echo(f"  {d}")
    if view["attachments"]:
        echo("附件：")
        for a in view["attachments"]:
            note = f"  {a['note']}" if a["note"] else ""
            echo(f"  {a['path']}{note}（{a['added']}）")
    if view["masked"]:
        echo("  （隐私信息已打码；--reveal 显示）")
