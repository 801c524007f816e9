"""External tools where Windows puts them: LibreOffice, git, the CJK fonts of the charts."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import run_xsk

from xsk.documents import build


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", "utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_soffice_from_env_then_path_then_program_files(tmp_path, monkeypatch):
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    monkeypatch.delenv(build.SOFFICE_ENV, raising=False)
    for key in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
        monkeypatch.delenv(key, raising=False)
    assert build.find_soffice() is None
    x86 = _exe(tmp_path / "x86" / "LibreOffice" / "program" / "soffice.exe")
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path / "x86"))
    assert build.find_soffice() == str(x86)
    pf = _exe(tmp_path / "pf" / "LibreOffice" / "program" / "soffice.exe")
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "pf"))
    assert build.find_soffice() == str(pf)  # 64-bit before x86
    monkeypatch.setattr(build.shutil, "which", lambda name: "/opt/lo/soffice")
    assert build.find_soffice() == "/opt/lo/soffice"  # PATH before Program Files
    mine = _exe(tmp_path / "便携 版" / "soffice.exe")
    monkeypatch.setenv(build.SOFFICE_ENV, f'"{mine}"')  # pasted from Explorer with quotes
    assert build.find_soffice() == str(mine)  # XSK_SOFFICE first
    monkeypatch.setenv(build.SOFFICE_ENV, str(tmp_path / "nope.exe"))
    assert build.find_soffice() is None
    with pytest.raises(build.ToolMissingError) as exc:
        build.convert_to_pdf([tmp_path / "a.docx"], tmp_path)
    assert build.SOFFICE_ENV in str(exc.value) and "nope.exe" in str(exc.value)


def test_windows_default_soffice_paths():
    paths = build.windows_soffice_paths({}, windows=True)
    assert [str(p).replace("/", "\\") for p in paths] == [
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    ]
    assert build.windows_soffice_paths({}, windows=False) == []


def test_missing_soffice_says_where_to_get_it_on_windows(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "find_soffice", lambda: None)
    monkeypatch.delenv(build.SOFFICE_ENV, raising=False)
    with pytest.raises(build.ToolMissingError) as exc:
        build.convert_to_pdf([tmp_path / "a.docx"], tmp_path)
    assert "libreoffice.org" in str(exc.value) and "XSK_SOFFICE" in str(exc.value)


def test_no_git_on_path_is_exit_3_with_where_to_get_it(ws_path, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    r = run_xsk("-C", str(ws_path), "new", "--title", "甲", "--no-input", env={"PATH": str(bare)})
    assert r.returncode == 3, r.stderr
    assert "未找到 git" in r.stderr and "https://git-scm.com/download/win" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_git_for_windows_default_folder(tmp_path, monkeypatch):
    from xsk.workspace import git

    monkeypatch.setattr(git.shutil, "which", lambda name: None)
    monkeypatch.setattr(git.sys, "platform", "win32")
    for key in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
        monkeypatch.delenv(key, raising=False)
    assert git.find_git() is None
    exe = _exe(tmp_path / "Programs" / "Git" / "cmd" / "git.exe")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))  # a per-user install
    assert git.find_git() == str(exe)
    exe = _exe(tmp_path / "pf" / "Git" / "cmd" / "git.exe")
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "pf"))
    assert git.find_git() == str(exe)


class _Font:
    def __init__(self, name: str) -> None:
        self.name = name


def test_chart_fonts_prefer_what_windows_ships(monkeypatch):
    from xsk.reports import charts

    charts._matplotlib()
    from matplotlib import font_manager

    shipped = [_Font(n) for n in ("DejaVu Sans", "SimSun", "SimHei", "Microsoft YaHei")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", shipped)
    assert charts.find_cjk_font("win32") == "Microsoft YaHei"
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [_Font("SimSun"), _Font("DejaVu Sans")])  # fmt: skip
    assert charts.find_cjk_font("win32") == "SimSun"
    both = [_Font("SimHei"), _Font("Noto Sans CJK SC")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", both)
    assert charts.find_cjk_font("linux") == "Noto Sans CJK SC"
    assert charts.find_cjk_font("win32") == "SimHei"
    files = charts.font_files("win32", {"WINDIR": r"D:\Windows"})
    assert [str(p).replace("/", "\\") for p in files][:3] == [
        r"D:\Windows\Fonts\msyh.ttc",
        r"D:\Windows\Fonts\simhei.ttf",
        r"D:\Windows\Fonts\Deng.ttf",
    ]


@pytest.mark.skipif(not Path("/usr/share/fonts/opentype/noto").is_dir(), reason="no Noto CJK")
def test_chart_font_found_from_its_file_when_the_cache_lacks_it(monkeypatch):
    from xsk.reports import charts

    charts._matplotlib()
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [_Font("DejaVu Sans")])
    found = charts.find_cjk_font("linux")
    assert found is not None and "CJK" in found
