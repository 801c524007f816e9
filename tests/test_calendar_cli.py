"""xsk calendar: the provisional calendar for years without official data, the workspace's
year files (calendar/<year>.toml), out-of-range input, and ``xsk calendar recheck``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_xsk

PROVISIONAL = "2027 年的国务院节假日安排尚未收录"


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("错误：") and "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------- provisional


def test_spring_festival_2027_is_off_with_one_provisional_warning(cli):
    r = cli("calendar", "add", "2027-02-03", "5")
    assert r.code == 0 and r.out.strip() == "2027-02-12"
    assert r.err.count(PROVISIONAL) == 1 and "调休上班日未知" in r.err
    assert "以国务院公布为准" in r.err
    r = cli("calendar", "is-workday", "2027-02-05")
    assert r.code == 0 and r.out.strip() == "2027-02-05 不是工作日（春节，暂定）"
    r = cli("calendar", "is-workday", "2027-02-09", "--json")
    assert json.loads(r.out) == {"date": "2027-02-09", "workday": True, "provisional": True}
    r = cli("calendar", "add", "2027-02-03", "5", "--json")
    data = json.loads(r.out)
    assert data["date"] == "2027-02-12" and data["provisional"] is True
    assert len(data["warnings"]) == 1 and r.err.count(PROVISIONAL) == 1


def test_2026_is_unchanged_and_not_provisional(cli):
    r = cli("calendar", "add", "2026-09-28", "5", "--json")
    assert json.loads(r.out)["date"] == "2026-10-10" and json.loads(r.out)["provisional"] is False
    assert r.err == ""
    r = cli("calendar", "is-workday", "2026-10-05")
    assert r.out.strip() == "2026-10-05 不是工作日" and r.err == ""
    assert cli("calendar", "add", "2026-02-13", "1").out.strip() == "2026-02-14"


def test_warning_once_per_run_not_once_per_process(cli):
    assert cli("calendar", "add", "2027-03-01", "1").err.count(PROVISIONAL) == 1
    assert cli("calendar", "add", "2027-03-01", "1").err.count(PROVISIONAL) == 1


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("calendar", "add", "2026-01-05", "-3"), "天数不能为负数"),
        (("calendar", "add", "2026-01-05", "--", "-3"), "天数不能为负数"),
        (("calendar", "add", "9999-12-31", "5"), "超出"),
        (("calendar", "add", "2100-12-28", "5"), "2101 年超出可推算范围"),
        (("calendar", "is-workday", "2150-06-01"), "2150 年超出可推算范围"),
        (("calendar", "add", "2026-13-01", "1"), "DATE"),
    ],
)
def test_out_of_range_is_one_chinese_line_and_exit_2(cli, args, needle):
    r = cli(*args)
    assert r.code == 2, (r.out, r.err)
    assert needle in one_error_line(r.err)


def test_negative_count_without_a_traceback_in_a_real_process():
    r = run_xsk("calendar", "add", "2026-01-05", "-3")
    assert r.returncode == 2 and "天数不能为负数" in one_error_line(r.stderr)
    r = run_xsk("calendar", "add", "9999-12-31", "5")
    assert r.returncode == 2 and "超出" in one_error_line(r.stderr)


# --------------------------------------------------------------------------- year files

CAL_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
source = "示例"
holidays = [
  2027-01-01,
  2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11,
  2027-02-12,
]
workdays = [2027-02-20]
"""


def write_year(ws_path: Path, text: str, name: str = "2027.toml") -> Path:
    folder = ws_path / "calendar"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_year_file_wins_over_the_provisional_calendar(ws_path, cli):
    write_year(ws_path, CAL_2027)
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "5")
    assert r.code == 0 and r.out.strip() == "2027-02-18"  # 02-04, then 02-15 .. 02-18
    assert r.err == ""  # official: no provisional warning
    r = cli("-C", str(ws_path), "calendar", "is-workday", "2027-02-20")
    assert r.out.strip() == "2027-02-20 是工作日"
    # outside the workspace the same question is still provisional
    assert cli("calendar", "add", "2027-02-03", "5").out.strip() == "2027-02-12"


def test_xsk_toml_dates_win_over_the_year_file(ws_path, cli):
    write_year(ws_path, CAL_2027)
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("workdays = []", "workdays = [2027-02-12]")
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "2")
    assert r.out.strip() == "2027-02-12"


def test_xsk_toml_dates_in_a_provisional_year_stay_provisional(ws_path, cli):
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("holidays = []", "holidays = [2027-02-09]")
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "5")
    assert r.out.strip() == "2027-02-15" and r.err.count(PROVISIONAL) == 1


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("2027.toml", "holidays = [2026-12-31]\n", "calendar/2027.toml:1: E803"),
        ("2027.toml", "holiday = [2027-02-05]\n", "E804"),
        ("2027.toml", 'holidays = ["2027-02-05"]\n', "E802"),
        ("2027.toml", "holidays = [2027-02-05]\nworkdays = [2027-02-05]\n", "E805"),
        ("2027.toml", "holidays = [2027-02-05\n", "calendar/2027.toml"),
        ("next.toml", "holidays = []\n", "E801"),
    ],
)
def test_bad_year_file_is_one_line_with_file_and_line(ws_path, cli, name, text, needle):
    write_year(ws_path, text, name)
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "5")
    assert r.code == 2 and needle in one_error_line(r.err)
    r = cli("-C", str(ws_path), "check")
    assert r.code == 1 and needle in r.out + r.err


def test_same_date_twice_in_xsk_toml_is_a_data_error(ws_path, cli):
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("holidays = []", "holidays = [2026-03-04]")
    text = text.replace("workdays = []", "workdays = [2026-03-04]")
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "calendar", "add", "2026-03-02", "5")
    assert r.code == 2 and "2026-03-04" in one_error_line(r.err)
