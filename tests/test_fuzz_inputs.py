"""Broken input files never crash xsk: generated mutations of a valid case.toml and answers file.

For every mutation: ``xsk check`` exits 1 and the other commands exit 2; the message names the
file and a line number (``path:line:``, the exact line where it can be known), there is no
traceback, and neither the file nor git's view of the workspace changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
CID = "2026-001"
CASE_REL = f"cases/{CID}/case.toml"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

SCREEN = """\
# 答案文件：确定协商议题
[screen]
in_scope = true
level = "社区"
escalate = false
form = "议事会"
subjects = ["村（居）民委员会", "业主委员会", "物业服务企业"]
rule = "majority"
"""
SCREEN_OTHERS = ("reason", "explanation", "escalate_to", "escalate_reason", "funding_asked")
SCREEN_KINDS = {  # question -> kind of value it takes (the others do not apply here)
    "in_scope": "yesno",
    "level": "choice",
    "escalate": "yesno",
    "form": "choice",
    "subjects": "multichoice",
    "rule": "choice",
}


# --- the workspace ---------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _fast_cli():
    """Build typer's click command once instead of at every in-process call (~65 ms each)."""
    from conftest import cached_command

    import xsk.cli.app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xsk.cli.app, "command", cached_command())
        yield


def xsk(*args: str) -> tuple[int, str, str]:
    from xsk.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


@dataclass
class Base:
    root: Path
    case_path: Path
    case_bytes: bytes
    answers_path: Path
    head: str


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Base:
    """A workspace whose one case is at step ``screen`` (with proposer, source and history)."""
    from xsk.workspace import settings as workspace

    tmp = tmp_path_factory.mktemp("fuzz")
    root = workspace.create(
        tmp / "ws",
        community="红桥社区",
        street="潭中街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="王丽",
    )
    code, _out, err = xsk("-C", str(root), "new", "--title", "小区配电变压器移交电网公司",
                          "--proposer", "张建国", "--phone", "13812345678", "--channel",
                          "居民反映", "--date", "2026-03-02", "--no-input")  # fmt: skip
    assert code == 0, err
    code, _out, err = xsk("-C", str(root), "step", CID, "--answers", str(ANSWERS), "--no-docs")
    assert code == 0, err
    case_path = root / CASE_REL
    answers_path = tmp / "answers.toml"
    answers_path.write_text(SCREEN, encoding="utf-8")
    # The unbroken files work.
    assert xsk("-C", str(root), "check")[0] == 0
    assert xsk("-C", str(root), "step", CID, "--answers", str(answers_path), "--dry-run")[0] == 0
    return Base(
        root, case_path, case_path.read_bytes(), answers_path, git(root, "rev-parse", "HEAD")
    )


# --- oracles ---------------------------------------------------------------------------------


def broken_at(raw: bytes) -> int | None:
    """The line where the stdlib says ``raw`` stops being UTF-8 TOML; 0 when the error is at
    the end of the document (the line is then not checked); None when it is valid TOML."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        return int(m.group(1)) if m else 0
    return None


def screen_lines(text: str) -> list[str]:
    """The non-blank lines ``text`` shows on a terminal."""
    return [x for x in re.split(r"[\n\r\v\f]", text) if x.strip()]


def assert_reported(text: str, shown: str, line: int) -> None:
    """``text`` names ``shown`` with ``line`` (any line when ``line`` is 0)."""
    assert "Traceback" not in text and "内部错误" not in text, text
    if line:
        assert f"{shown}:{line}: " in text, (line, text)
    else:
        assert re.search(re.escape(shown) + r":[1-9]\d*: ", text), text


def run_case_commands(b: Base, broken: bytes, line: int) -> None:
    """Write ``broken`` as the case file, run the commands, check, restore."""
    b.case_path.write_bytes(broken)
    try:
        status = git(b.root, "status", "--porcelain")
        code, out, err = xsk("-C", str(b.root), "check")
        assert code == 1, (code, out, err)
        assert_reported(out, CASE_REL, line)
        for args in (
            ("status",),
            ("show", CID),
            ("step", CID, "--answers", str(b.answers_path)),
            ("docs", "build", CID),
            ("log", CID),
        ):
            code, out, err = xsk("-C", str(b.root), *args)
            assert code == 2, (args, code, out, err)
            assert len(screen_lines(err)) == 1, (args, err)
            assert_reported(err, CASE_REL, line)
        assert b.case_path.read_bytes() == broken
        assert git(b.root, "status", "--porcelain") == status
        assert git(b.root, "rev-parse", "HEAD") == b.head
    finally:
        b.case_path.write_bytes(b.case_bytes)


# --- mutations of bytes ----------------------------------------------------------------------

BAD_UTF8 = [b"\xff", b"\xfe", b"\xc3", b"\xe4\xb8", b"\x80", b"\xed\xa0\x80", b"\xf8\x88\x80"]


@st.composite
def byte_mutations(draw, original: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "quote", "bytes", "utf8"]))
    if kind == "truncate":
        return original[: draw(st.integers(1, len(original) - 1))]
    if kind == "quote":
        quotes = [i for i, c in enumerate(original) if c == ord('"')]
        i = draw(st.sampled_from(quotes))
        return original[:i] + original[i + 1 :]
    pos = draw(st.integers(0, len(original)))
    junk = (
        draw(st.binary(min_size=1, max_size=8))
        if kind == "bytes"
        else draw(st.sampled_from(BAD_UTF8))
    )
    return original[:pos] + junk + original[pos:]


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_broken_case_file_bytes(base: Base, data) -> None:
    broken = data.draw(byte_mutations(base.case_bytes))
    line = broken_at(broken)
    assume(line is not None)
    run_case_commands(base, broken, line)


# --- wrong values in the right syntax --------------------------------------------------------


def literal(value: Any) -> str:
    """A TOML literal for ``value``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {literal(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


text_values = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=12
)  # any text, quotes, CJK and emoji included
# Without control characters and line separators: what a message may quote as it is (see
# test_choice_error_with_a_newline_stays_on_one_line).
plain_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12)
scalars = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.just(dt.timezone(dt.timedelta(hours=8)))),
    st.times(),
    text_values,
)
containers = st.one_of(
    st.lists(scalars, max_size=3),
    st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), scalars, max_size=2),
)


def wrong_for(kind: str) -> st.SearchStrategy[Any]:
    """Values of a type the field does not take."""
    if kind == "str":
        return st.one_of(scalars.filter(lambda v: not isinstance(v, str)), containers)
    if kind in ("date", "datetime"):
        dates_as_text = st.dates().map(dt.date.isoformat)  # "2026-03-02" in quotes
        return st.one_of(
            dates_as_text,
            text_values,
            scalars.filter(lambda v: not isinstance(v, (dt.date, str))),
            containers,
        )
    if kind == "bool":
        return st.one_of(scalars.filter(lambda v: not isinstance(v, bool)), containers)
    raise ValueError(kind)


# (keypath, kind); None in the table part means a top-level key. Every field of the model.
CASE_FIELDS: list[tuple[tuple[Any, ...], str]] = [
    *[((k,), "str") for k in ("id", "uid", "title", "procedure", "step", "status", "level")],
    *[((k,), "str") for k in ("category", "description", "close_reason", "result")],
    *[((k,), "date") for k in ("created", "due", "closed", "wait_until")],
    *[(("source", k), "str") for k in ("channel", "received_by")],
    (("source", "date"), "date"),
    *[(("proposers", 0, k), "str") for k in ("name", "phone", "id_number", "address")],
    (("proposers", 0, "public"), "bool"),
    *[(("history", 1, k), "str") for k in ("step", "by", "action", "note")],
    (("history", 1, "done"), "datetime"),
]


def set_field(text: str, keypath: tuple[Any, ...], value: str) -> tuple[str, int]:
    """Set ``keypath`` to the literal ``value`` in ``text`` (replacing or inserting its line);
    returns the new text and the 1-based line of the key."""
    lines = text.split("\n")
    if len(keypath) == 1:
        start, key = 0, keypath[0]
        header = next(i for i, x in enumerate(lines) if x.startswith("id ="))
    else:
        table, *index, key = keypath
        pattern = f"[[{table}]]" if index else f"[{table}]"
        headers = [i for i, x in enumerate(lines) if x.strip() == pattern]
        start = header = headers[index[0] if index else 0]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    for i in range(start, end):
        if lines[i].startswith(f"{key} = "):
            lines[i] = f"{key} = {value}"
            return "\n".join(lines), i + 1
    lines.insert(header + 1, f"{key} = {value}")
    return "\n".join(lines), header + 2


def without_table(text: str, name: str) -> str:
    """``text`` with every ``[name]``/``[[name]]`` section removed."""
    out, skipping = [], False
    for line in text.split("\n"):
        if line.startswith("["):
            head = line.strip()
            skipping = head in (f"[{name}]", f"[[{name}]]") or head.startswith(f"[{name}.")
        if not skipping:
            out.append(line)
    return "\n".join(out)


@st.composite
def field_mutations(draw) -> tuple[tuple[Any, ...], str]:
    """(keypath, TOML literal) of a wrong value for one field of the case."""
    kind = draw(st.sampled_from(["type", "status", "level", "table"]))
    if kind == "status":
        value = draw(plain_text.filter(lambda v: v not in ("open", "closed")))
        return ("status",), literal(value)
    if kind == "level":
        value = draw(plain_text.filter(lambda v: v not in ("网格", "小区", "社区", "街道", "区")))
        return ("level",), literal(value)
    if kind == "table":  # a scalar where a table or an array of tables belongs
        name = draw(st.sampled_from(["source", "proposers", "history", "answers"]))
        return (name,), literal(draw(scalars))
    keypath, ftype = draw(st.sampled_from(CASE_FIELDS))
    return keypath, literal(draw(wrong_for(ftype)))


@pytest.mark.slow
@FUZZ
@given(mutation=field_mutations())
def test_wrong_values_in_case_file(base: Base, mutation) -> None:
    keypath, value = mutation
    text = base.case_bytes.decode("utf-8")
    if len(keypath) == 1 and keypath[0] in ("source", "proposers", "history", "answers"):
        text = without_table(text, keypath[0])
    broken, line = set_field(text, keypath, value)
    tomllib.loads(broken)  # still valid TOML: the values are wrong, not the syntax
    run_case_commands(base, broken.encode("utf-8"), line)


# --- answers files ---------------------------------------------------------------------------


def run_step(b: Base, broken: bytes, line: int) -> None:
    path = b.answers_path.with_name("broken.toml")
    path.write_bytes(broken)
    code, out, err = xsk("-C", str(b.root), "step", CID, "--answers", str(path), "--all")
    assert code == 2, (code, out, err)
    assert len(screen_lines(err)) == 1, err
    assert_reported(err, str(path), line)
    assert git(b.root, "status", "--porcelain") == ""
    assert git(b.root, "rev-parse", "HEAD") == b.head
    assert b.case_path.read_bytes() == b.case_bytes


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_broken_answers_file_bytes(base: Base, data) -> None:
    broken = data.draw(byte_mutations(SCREEN.encode("utf-8")))
    line = broken_at(broken)
    assume(line is not None)
    run_step(base, broken, line)


def wrong_answer(kind: str) -> st.SearchStrategy[Any]:
    invalid_text = plain_text.map(lambda s: "无效" + s)  # never a listed choice
    if kind == "yesno":
        from xsk.procedure.engine import NO, YES

        yes_no = {*YES, *NO}
        return st.one_of(
            scalars.filter(lambda v: not isinstance(v, bool)).filter(
                lambda v: not (isinstance(v, str) and v.strip().lower() in yes_no)
            ),
            containers,
        )
    if kind == "choice":
        return st.one_of(invalid_text, scalars.filter(lambda v: not isinstance(v, str)), containers)
    if kind == "multichoice":
        return st.one_of(
            invalid_text,
            st.lists(invalid_text, min_size=1, max_size=3),
            st.lists(scalars.filter(lambda v: not isinstance(v, str)), min_size=1, max_size=3),
            scalars.filter(lambda v: not isinstance(v, (str, list))),
        )
    raise ValueError(kind)


@st.composite
def answer_mutations(draw) -> tuple[str, str]:
    """(question, TOML literal): a wrong answer, or an answer to a question the step lacks."""
    if draw(st.booleans()):
        question = draw(st.sampled_from(sorted(SCREEN_KINDS)))
        return question, literal(draw(wrong_answer(SCREEN_KINDS[question])))
    key = draw(
        st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
            lambda k: k not in SCREEN_KINDS and k not in SCREEN_OTHERS and k != "_meta"
        )
    )
    return key, literal(draw(st.one_of(scalars, containers)))


@pytest.mark.slow
@FUZZ
@given(mutation=answer_mutations())
def test_wrong_answers_for_step(base: Base, mutation) -> None:
    question, value = mutation
    broken, line = set_field(SCREEN, ("screen", question), value)
    tomllib.loads(broken)
    run_step(base, broken.encode("utf-8"), line)


# --- regressions: bugs these tests found, now fixed ----------------------------------------


def test_truncated_case_file_points_at_its_last_line(base: Base) -> None:
    broken = base.case_bytes[:400]
    text = broken.decode("utf-8", errors="ignore")
    last = text.count("\n") + 1
    base.case_path.write_bytes(broken)
    try:
        code, out, _err = xsk("-C", str(base.root), "check")
        assert code == 1
        assert f"{CASE_REL}:{last}: " in out, out
        assert out.count("(") == out.count(")") and out.count("（") == out.count("）"), out
    finally:
        base.case_path.write_bytes(base.case_bytes)


@pytest.mark.parametrize("where", ["case", "answers"])
def test_choice_error_with_a_newline_stays_on_one_line(base: Base, where: str) -> None:
    if where == "case":
        broken, _line = set_field(base.case_bytes.decode("utf-8"), ("status",), '"open\\nx"')
        base.case_path.write_text(broken, encoding="utf-8")
        try:
            code, out, _err = xsk("-C", str(base.root), "check")
        finally:
            base.case_path.write_bytes(base.case_bytes)
        assert code == 1
    else:
        broken, _line = set_field(SCREEN, ("screen", "level"), '"社区\\n街道"')
        path = base.answers_path.with_name("newline.toml")
        path.write_text(broken, encoding="utf-8")
        code, _out, out = xsk("-C", str(base.root), "step", CID, "--answers", str(path))
        assert code == 2
    assert len(screen_lines(out)) == 1, out


def test_missing_required_field_has_a_line(base: Base) -> None:
    text = base.case_bytes.decode("utf-8")
    broken = re.sub(r"(?m)^title = .*\n", "", text)
    base.case_path.write_text(broken, encoding="utf-8")
    try:
        code, out, _err = xsk("-C", str(base.root), "check")
        assert code == 1
        assert re.search(re.escape(CASE_REL) + r":[1-9]\d*: E101", out), out
    finally:
        base.case_path.write_bytes(base.case_bytes)


def test_unknown_step_is_reported_by_check(base: Base) -> None:
    text = base.case_bytes.decode("utf-8")
    broken, line = set_field(text, ("step",), '"nonexistent"')
    base.case_path.write_text(broken, encoding="utf-8")
    try:
        code, out, _err = xsk("-C", str(base.root), "check")
        assert code == 1
        assert f"{CASE_REL}:{line}: " in out and "step" in out, out
    finally:
        base.case_path.write_bytes(base.case_bytes)


@pytest.mark.parametrize(
    "args",
    [
        ("step", CID),  # --answers missing
        ("bogus",),
        ("status", "--no-such-option"),
        ("calendar", "add", "2026-01-01", "five"),
    ],
)
def test_usage_errors_exit_2_without_traceback(base: Base, args) -> None:
    """Regression: with typer's own copy of click, usage errors were a traceback (fixed)."""
    code, out, err = xsk("-C", str(base.root), *args)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    lines = screen_lines(err)
    assert len(lines) == 1 and lines[0].startswith("错误："), err
