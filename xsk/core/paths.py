"""Where the built-in templates are: installed with the package, or the source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def builtin_templates() -> Path:
    here = Path(__file__).resolve().parents[1]  # the xsk package
    for candidate in (here / "_templates", here.parent / "templates"):
        if (candidate / "procedures").is_dir():
            return candidate
    raise FileNotFoundError("找不到 xsk 内置模板目录（安装可能不完整）")
