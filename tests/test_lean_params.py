"""typer's coercion without pydantic where a value needs none (:mod:`xsk.cli.lean_params`):
the same values as typer's own, and a text option no longer costs a pydantic import."""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from conftest import ROOT


def test_a_command_with_text_options_does_not_import_pydantic(ws_path):
    code = (
        "import sys\nfrom xsk.__main__ import main\n"
        "main(['-C', sys.argv[1], 'new', '--title', '楼道灯', '--proposer', '张三', '--no-input'])\n"
        "main(['-C', sys.argv[1], 'step', '2026-001', '--answers', sys.argv[2], '--no-docs'])\n"
        "print('PYDANTIC', 'pydantic' in sys.modules)\n"
    )
    answers = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
    r = subprocess.run(
        [sys.executable, "-c", code, str(ws_path), str(answers)], capture_output=True, text=True
    )
    assert "PYDANTIC False" in r.stdout, r.stdout + r.stderr
    assert "进入下一步" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize(
    "annotation, values",
    [
        (str, ["abc", "", "中文 议题", "--x"]),
        (str | None, ["abc", ""]),
        (int, ["3", "0"]),
        (int | None, ["12"]),
    ],
)
def test_lean_values_are_typers_own(annotation, values):
    from typer import _coercion
    from typer.models import OptionInfo

    from xsk.cli import lean_params

    descriptor = _coercion.resolve_type_descriptor(annotation, OptionInfo())
    real = _coercion.build_runtime_param(descriptor)
    lean = lean_params._Lean(descriptor, _coercion.build_runtime_param)
    param = SimpleNamespace(multiple=False, nargs=1)
    for value in [None, *values]:
        got = lean.coerce(value, param=param, ctx=None)
        want = real.coerce(value, param=param, ctx=None)
        assert got == want and type(got) is type(want), (annotation, value)
    many = SimpleNamespace(multiple=True, nargs=1)
    assert lean.coerce(None, param=many, ctx=None) == real.coerce(None, param=many, ctx=None)


def test_a_number_option_still_checks_its_range(ws_path, cli, tmp_path):
    r = cli("-C", str(ws_path), "due", "--within", "-5")
    assert r.code == 2 and "应不小于" in r.err, r.err
