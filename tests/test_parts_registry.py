"""A composite part is one module and one registry line: a toy part goes through the whole
step (validation, storage, the walk's prompts) without a change to the engine, the step runner
or the walk."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
import toy_part

from xsk.parts import registry
from xsk.prompts.base import ScriptedPrompter
from xsk.workspace import cases as store
from xsk.workspace import settings as workspace

WHEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def toy(ws_path, cli):
    registry.register(toy_part.PART)  # the one registry line
    from xsk.core.paths import builtin_templates

    (ws_path / "templates" / "procedures").mkdir(parents=True, exist_ok=True)
    text = (builtin_templates() / "procedures" / "dongguan-6.toml").read_text("utf-8")
    text = text.replace('id = "dongguan-6"', 'id = "toy"', 1).replace(
        '  [[steps.questions]]\n  id = "location"',
        '  [[steps.questions]]\n  id = "signers"\n  prompt = "签名人"\n  type = "signatures"\n\n'
        '  [[steps.questions]]\n  id = "location"',
        1,
    )
    (ws_path / "templates" / "procedures" / "toy.toml").write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "new", "--title", "楼道照明", "--procedure", "toy", "--no-input")
    assert r.code == 0, r.err
    yield workspace.load(ws_path), r.out.split()[-1]
    registry.unregister("signatures")


def test_toy_part_is_validated_and_stored_by_the_step_runner(toy):
    from xsk.casework import steps

    ws, cid = toy
    raw = {"description": "楼道灯坏了", "category": "基层公共事务", "signers": "张三、李四"}
    with pytest.raises(Exception, match="签名人"):
        steps.run(ws, cid, {**raw, "signers": 7}, when=WHEN)
    report = steps.run(ws, cid, raw, when=WHEN)
    assert report.committed or report.written
    folder = store.case_dir(ws, cid)
    stored = tomllib.loads((folder / "signatures.toml").read_text("utf-8"))
    assert stored == {"step": "collect", "names": ["张三", "李四"]}
    assert store.load_case(ws, cid).answers["collect"]["signers"] == 2


def test_toy_part_is_asked_by_the_walk(toy):
    from xsk.casework import steps
    from xsk.walk import walk

    ws, cid = toy
    case = store.load_case(ws, cid)
    _case, proc, step = steps.current(ws, cid)
    p = ScriptedPrompter(["楼道灯坏了", "基层公共事务", "王五、赵六", ""])
    raw = walk.ask_step(ws, p, case, proc, step, WHEN.date())
    assert "签名人（用、分隔）" in p.asked
    assert raw["signers"] == "王五、赵六"
