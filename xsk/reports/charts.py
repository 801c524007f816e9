"""Charts for the report (PNG through matplotlib's Agg backend, imported only here, lazily).

Chinese labels need a CJK font; :func:`find_cjk_font` looks for one that matplotlib knows,
in the order of the platform (Windows ships Microsoft YaHei, SimHei and SimSun; Linux has Noto
Sans CJK from ``fonts-noto-cjk``; macOS PingFang), and, when matplotlib's font cache does not
list one, registers the font files those systems install (:data:`FONT_FILES`). Without one,
:func:`make_charts` returns no charts and a warning in Chinese, and the report is built
without them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from xsk.reports.stats import office_number, office_pct

# Preferred fonts, best first (Simplified Chinese faces before the others).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
)
WINDOWS_FONTS = ("Microsoft YaHei", "SimHei", "DengXian", "SimSun", "NSimSun", "KaiTi", "FangSong")
# Font files by platform, for a font matplotlib's cache does not list (a cache made before
# the font was installed). Windows' are under %WINDIR%\\Fonts.
FONT_FILES = {
    "win32": ("msyh.ttc", "simhei.ttf", "Deng.ttf", "simsun.ttc"),
    "linux": (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ),
    "darwin": ("/System/Library/Fonts/PingFang.ttc", "/System/Library/Fonts/STHeiti Light.ttc"),
}
NO_FONT_WARNING = (
    "未找到中文字体，统计报告将不含图表（Linux 可安装 fonts-noto-cjk："
    "apt-get install fonts-noto-cjk；Windows 自带的微软雅黑、黑体、宋体应在 C:\\Windows\\Fonts 中）"
)
TOP = 12  # bars per chart; the rest are summed as 其他
# Every chart is 7.2 in wide and at most 4 in tall: 150 mm wide in the report, at most 83 mm
# tall, so two charts with their captions share a page (none alone on a half-empty page).
WIDTH_IN, MAX_HEIGHT_IN = 7.2, 4.0


def _matplotlib() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def preferred_fonts(platform: str = sys.platform) -> tuple[str, ...]:
    """CJK font names, best first for ``platform`` (the fonts it ships before the others)."""
    if platform == "win32":
        return (*WINDOWS_FONTS, *(f for f in CJK_FONTS if f not in WINDOWS_FONTS))
    return CJK_FONTS


def font_files(platform: str = sys.platform, env: Mapping[str, str] = os.environ) -> list[Path]:
    """The CJK font files ``platform`` installs, where they would be."""
    names = FONT_FILES.get(platform, FONT_FILES["linux"])
    if platform == "win32":
        fonts = Path(env.get("WINDIR") or env.get("SystemRoot") or r"C:\Windows", "Fonts")
        return [fonts / n for n in names]
    return [Path(n) for n in names]


def find_cjk_font(platform: str = sys.platform) -> str | None:
    """Name of an installed CJK font matplotlib can use, or None."""
    _matplotlib()
    from matplotlib import font_manager

    found = _best(font_manager, platform)
    if found is None:  # matplotlib's font cache may predate the font: add the files we know
        for path in font_files(platform):
            if path.is_file():
                with contextlib.suppress(Exception):  # an unreadable font file: try the next
                    font_manager.fontManager.addfont(str(path))
        found = _best(font_manager, platform)
    return found


def _best(font_manager: Any, platform: str) -> str | None:
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in preferred_fonts(platform):
        if name in available:
            return name
    for name in sorted(available):
        if any(tag in name for tag in ("CJK", "Hei", "Song", "Kai", "Ming", "Han Sans")):
            return name
    return None


def make_charts(
    report: Mapping[str, Any], out_dir: Path, *, font: str | None = None
) -> tuple[list[dict[str, str]], list[str]]:
    """Draw the report's charts into ``out_dir``.

    Returns ``([{heading, image_path}], warnings)``; no CJK font -> no charts, one warning.
    """
    font = font or find_cjk_font()
    if font is None:
        return [], [NO_FONT_WARNING]
    plt = _matplotlib()
    out_dir.mkdir(parents=True, exist_ok=True)
    style = {
        "font.family": "sans-serif",
        "font.sans-serif": [font, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 11,
        "svg.hashsalt": "xsk",
    }
    charts: list[dict[str, str]] = []
    with plt.rc_context(style):
        if report["by_category"]:
            path = out_dir / "by_category.png"
            _barh(plt, _top(report["by_category"]), "议题数（个）", path)
            charts.append({"heading": "各类议题数量", "image_path": str(path)})
        sat = report["satisfaction"]
        if sat["visits"]:
            path = out_dir / "satisfaction.png"
            _pie(plt, {k: v for k, v in sat["counts"].items() if v}, path)
            charts.append({"heading": "回访满意度构成", "image_path": str(path)})
        rated = {
            unit: u["on_time_rate"]
            for unit, u in report["by_unit"].items()
            if u["on_time_rate"] is not None
        }
        if rated:
            path = out_dir / "on_time.png"
            top = dict(list(rated.items())[:TOP])
            _barh(plt, top, "按时办结率（%）", path, limit=100)
            charts.append({"heading": "责任单位按时办结率", "image_path": str(path)})
        if report["cases"]:
            path = out_dir / "resolution.png"
            _bars(
                plt,
                {
                    "已办结": report["closed"],
                    "本级解决": report["on_site"],
                    "提请上级": report["escalated"],
                    "提交表决": report["voted"],
                    "直接实施": report["direct"],
                },
                path,
            )
            charts.append({"heading": "议题办理方式", "image_path": str(path)})
    return charts, []


def _top(counts: Mapping[str, int]) -> dict[str, int]:
    items = list(counts.items())
    if len(items) <= TOP:
        return dict(items)
    head = dict(items[: TOP - 1])
    head["其他"] = sum(v for _, v in items[TOP - 1 :])
    return head


def _save(plt: Any, fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=150, metadata={"Software": None})
    plt.close(fig)


def _barh(
    plt: Any, values: Mapping[str, float], xlabel: str, path: Path, limit: float | None = None
) -> None:
    labels = list(values)[::-1]
    data = [values[k] for k in labels]
    fig, ax = plt.subplots(figsize=(WIDTH_IN, min(MAX_HEIGHT_IN, 0.3 * len(labels) + 1.1)))
    bars = ax.barh(labels, data, color="#C0504D")
    ax.set_xlabel(xlabel)
    if limit is not None:
        ax.set_xlim(0, limit * 1.12)
    for bar, value in zip(bars, data, strict=True):
        # a rate as the report's text writes it ("75", "66.7", "100"), a count as it is
        text = office_number(value) if isinstance(value, float) else str(value)
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center")
    ax.spines[["top", "right"]].set_visible(False)
    _save(plt, fig, path)


def _bars(plt: Any, values: Mapping[str, int], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.4))
    bars = ax.bar(list(values), list(values.values()), color="#4F81BD")
    for bar, value in zip(bars, values.values(), strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height(), str(value), ha="center")
    ax.set_ylabel("议题数（个）")
    ax.spines[["top", "right"]].set_visible(False)
    _save(plt, fig, path)


def _pie(plt: Any, values: Mapping[str, int], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.4))
    colours = {"满意": "#9BBB59", "基本满意": "#F79646", "不满意": "#C0504D"}
    total = sum(values.values())
    # each share from the counts, exactly, as the report's text writes it
    ax.pie(
        list(values.values()),
        labels=[f"{k} {v}次（{office_pct(Fraction(100 * v, total))}）" for k, v in values.items()],
        startangle=90,
        counterclock=False,
        colors=[colours.get(k, "#4F81BD") for k in values],
    )
    ax.axis("equal")
    _save(plt, fig, path)
