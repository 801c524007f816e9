"""The built-in templates and samples are installed with the package (non-editable install)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_finds_templates_and_samples(tmp_path):
    wheel_dir = tmp_path / "wheel"
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheel_dir), str(ROOT)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {r.stderr[-300:]}")
    target = tmp_path / "site"
    wheel = next(wheel_dir.glob("xsk-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    # run from an unrelated folder, with the installed copy first on the path
    env = dict(os.environ, PYTHONPATH=str(target))
    code = (
        "import xsk, xsk.core.paths, xsk.actions.samples, xsk.documents.docx as d;"
        "print(xsk.__file__); print(xsk.core.paths.builtin_templates());"
        "print(xsk.actions.samples.samples_dir()); print(d.builtin_templates_dir())"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert all(line.startswith(str(target)) for line in lines), lines
    r = subprocess.run(
        [sys.executable, "-m", "xsk", "procedures", "list", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    ids = {row["id"] for row in json.loads(r.stdout)}
    assert {"dongguan-6", "liunan-246", "xinhua-135", "tianshui-6", "tianxin"} <= ids
    docs = Path(lines[3])
    assert (docs / "minutes.docx").is_file() and (docs / "result.docx").is_file()
    assert (Path(lines[2]) / "workspace.toml").is_file()
