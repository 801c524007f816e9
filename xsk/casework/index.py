"""The index cache: one compact record per case and per meeting, kept in ``.xsk/*.json``.

``status`` and ``report`` on a workspace of 10,000 cases must answer in about a second, but
parsing 10,000 TOML files takes several. The index keeps, for every case folder and meeting
file, the record the reports need together with the signature of the files it came from, and
re-parses only what changed.

Rules (the index is a cache, never a source of truth):

* It lives in the workspace's untracked state folder (``.xsk/``, ignored by git); deleting it
  only costs one slow run.
* An entry is keyed by its folder (``cases/<id>``) or file (``meetings/<id>.toml``). Its
  signature is ``[mtime_ns, ctime_ns, size, inode]`` of ``case.toml``, ``outcomes.toml``, the
  ``events/`` folder (whose mtime and ctime change when an event file is added, removed,
  renamed or replaced, as xsk's atomic writes and git checkouts do) and each event file (so
  an event edited in place by hand is seen too). Any difference and the entry is parsed
  again.
* Three files, so each command reads only what it needs: ``index.json`` (status rows, from
  case.toml alone), ``stats.json`` (the report figures and the meetings) and
  ``details.json`` (everything the ledger shows).
* "Racily clean" entries (a file changed less than :data:`RACY_NS` before the entry was
  recorded, so a second change within the same timestamp tick could keep the signature) are
  marked and parsed again on the next run, as git does.
* A file that fails to parse or validate is never cached: the same :class:`DataError` (with
  ``file:line``) as :func:`xsk.store.cases.load_case` is raised on every run until it is fixed.
* A different :data:`FORMAT` or xsk version, or an unreadable index, means a full rebuild.
* The index is written atomically (:mod:`xsk.store.atomic`) and only when something changed;
  a read-only workspace simply gets no cache.
* Records hold no private data: proposers' contact data is masked before it is stored.

Why this module is long: the cache format, its signatures (what makes a record stale) and the one reader that fills it must change together; splitting them would let a record go stale silently.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import time
import tomllib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xsk
from xsk.core import nogc
from xsk.core.errors import DataError, Problem
from xsk.core.model import ATTENDANCE, SATISFACTION, Reader, case_from_dict, case_summary
from xsk.workspace.settings import Workspace

FORMAT = 5  # 5: original_id (原编号); 4: items keep days/counted_from; 3: 张某
INDEX_FILE = "index.json"  # what status needs: one short row per case
DETAILS_FILE = "details.json"  # what reports need: outcomes, events, meetings
RACY_NS = 3_000_000_000  # 3 s: covers coarse (FAT: 2 s) file timestamps
CASE_FILE = "case.toml"
OUTCOMES_FILE = "outcomes.toml"
EVENTS_DIR = "events"
MEETING_ID_RE = re.compile(r"^\d{4}-[A-Z]?M\d{3,}\Z")
HINT = "修正后运行 xsk check"
MEETINGS_KEY = "\0meetings"  # in stats.json, beside the case folders (never a folder name)
STATS_FILE = "stats.json"  # what the report figures need, compact
REPORT_FIELDS = (
    "closed",
    "result",
    "channel",
    "escalated",
    "vote_action",
    "items",
    "visits",
    "ratings",
)
LEVELS = ("status", "report", "ledger")
SUMMARY_FIELDS = (
    "id",
    "title",
    "procedure",
    "step",
    "status",
    "level",
    "category",
    "created",
    "due",
)


@dataclass
class Index:
    """Records of one workspace, sorted by case id (folder name) and meeting file name.

    What a case record holds depends on the level :func:`load` was called with.
    """

    root: Path
    cases: list[dict[str, Any]]
    meetings: list[dict[str, Any]] = field(default_factory=list)
    parsed: int = 0  # files or folders parsed this time (0 on a fully warm run)
    written: bool = False  # whether an index file was rewritten
    # one digest of the signatures of every case folder and meeting file read (beyond
    # ``status``), "" when one of them changed too recently to be trusted: what a result
    # made from these records (the ledger) can be cached by
    signature: str = ""


def index_path(ws: Workspace) -> Path:
    return ws.state_dir / INDEX_FILE


def details_path(ws: Workspace) -> Path:
    return ws.state_dir / DETAILS_FILE


def stats_path(ws: Workspace) -> Path:
    return ws.state_dir / STATS_FILE


def clear(ws: Workspace) -> None:
    """Delete the cache (the next run rebuilds it)."""
    for path in (index_path(ws), stats_path(ws), details_path(ws)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# --- pinned workspaces: a read-only clone whose commit has not changed --------------------------
# ``xsk street`` reads each community from a clone nobody edits (``xsk street pull`` resets it
# to the server's commit). While the clone's commit and git index are as when its index was
# last validated, the records are taken from the index files without looking at any case file:
# at 20 communities of 1,000 cases, checking every file's stat was most of the street report.
PIN_FILE = "index-pin.json"
_PINS: dict[str, str] = {}


def pin(root: Path, value: str | None) -> None:
    """Trust the index of the workspace at ``root`` while ``value`` (what identifies its files,
    e.g. a read-only clone's commit and git index) stays the same; None forgets it."""
    if value is None:
        _PINS.pop(str(root), None)
    else:
        _PINS[str(root)] = value


def _pin_file(ws: Workspace) -> Path:
    return ws.state_dir / PIN_FILE


def _pinned_levels(ws: Workspace, value: str) -> list[str]:
    try:
        data = json.loads(_pin_file(ws).read_bytes())
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("pin") != value or data.get("xsk") != xsk.__version__:
        return []
    levels = data.get("levels")
    return [x for x in levels if x in LEVELS] if isinstance(levels, list) else []


def _write_pin(ws: Workspace, value: str, level: str) -> None:
    from xsk.store import atomic

    # a level validates the levels below it too (ledger > report > status)
    levels = sorted({*_pinned_levels(ws, value), *LEVELS[: LEVELS.index(level) + 1]})
    data = {"pin": value, "xsk": xsk.__version__, "format": FORMAT, "levels": levels}
    with contextlib.suppress(OSError):
        atomic.write_bytes(_pin_file(ws), json.dumps(data).encode("utf-8"))


def _load_pinned(ws: Workspace, level: str, value: str) -> Index | None:
    """The records straight from the index files, or None when anything is missing."""
    if level not in _pinned_levels(ws, value):
        return None
    full, ledger = level != "status", level == "ledger"
    summary = _read_store(index_path(ws))
    stats = _read_store(stats_path(ws)) if full else {}
    details = _read_store(details_path(ws)) if ledger else {}
    cases: list[dict[str, Any]] = []
    for name in sorted(summary):
        row = summary[name]
        if not isinstance(row, list) or len(row) != 2 + len(SUMMARY_FIELDS) or row[1]:
            return None
        rec = dict(zip(SUMMARY_FIELDS, row[2:], strict=True))
        if full:
            entry = stats.get(name)
            if not isinstance(entry, list) or len(entry) != 3 or entry[1]:
                return None
            rec.update(zip(REPORT_FIELDS, entry[2], strict=True))
        if ledger:
            extra = details.get(name)
            if not isinstance(extra, list) or len(extra) != 2 or not isinstance(extra[1], dict):
                return None
            rec.update(extra[1])
        cases.append(rec)
    meetings: list[dict[str, Any]] = []
    if full:
        stored = stats.get(MEETINGS_KEY)
        if not isinstance(stored, dict):
            return None
        for name in sorted(stored):
            entry = stored[name]
            if not isinstance(entry, list) or len(entry) != 3 or entry[1]:
                return None
            meetings.append(entry[2])
    return Index(ws.root, cases, meetings, 0, False)


def load(ws: Workspace, *, level: str = "ledger", write: bool = True) -> Index:
    """Records of every case (and, beyond ``status``, every meeting), refreshed from the files.

    ``level`` says how much each record holds, and so how much is read:

    * ``"status"``: :data:`SUMMARY_FIELDS`, from ``case.toml`` only (``index.json``);
    * ``"report"``: also :data:`REPORT_FIELDS` (outcome items, visits, ratings, escalation and
      vote flags: ``stats.json``), from the whole case folder, plus the meetings;
    * ``"ledger"``: every field of :func:`build_case` (``details.json``).

    Problems are raised for the files the level reads: the first in case-id order (then
    meeting order) as a :class:`DataError` naming file and line, after the valid entries
    have been saved.
    """
    if level not in LEVELS:
        raise ValueError(level)
    pinned = _PINS.get(str(ws.root))
    if pinned is not None:
        fast = _load_pinned(ws, level, pinned)
        if fast is not None:
            return fast
    full = level != "status"
    ledger = level == "ledger"
    started = time.time_ns()
    summary_old = _read_store(index_path(ws))
    stats_old = _read_store(stats_path(ws)) if full else {}
    details_old = _read_store(details_path(ws)) if ledger else {}
    summary_new: dict[str, Any] = {}
    stats_new: dict[str, Any] = {}
    details_new: dict[str, Any] = {}
    records: list[dict[str, Any] | None] = []
    misses: list[tuple[int, str, FileKey, list[FileKey | None]]] = []
    cases_dir = str(ws.cases_dir)
    for name in _case_folders(cases_dir):
        folder = os.path.join(cases_dir, name)
        case_key = _file_key(os.path.join(folder, CASE_FILE))
        if case_key is None:
            continue  # not a case folder (as xsk.store.cases.case_ids)
        row = summary_old.get(name)
        summary_ok = (
            isinstance(row, list)
            and len(row) == 2 + len(SUMMARY_FIELDS)
            and row[0] == _sig([case_key])
            and not row[1]
        )
        if not full:
            if summary_ok:
                summary_new[name] = row
                records.append(dict(zip(SUMMARY_FIELDS, row[2:], strict=True)))
            else:
                misses.append((len(records), name, case_key, []))
                records.append(None)
            continue
        entry = stats_old.get(name)
        sig = None
        if (
            summary_ok
            and isinstance(entry, list)
            and len(entry) == 3
            and not entry[1]
            and isinstance(entry[2], list)
            and len(entry[2]) == len(REPORT_FIELDS)
        ):
            sig = _sig(_folder_keys(folder, case_key))
        if sig is not None and sig == entry[0]:
            extra = details_old.get(name) if ledger else None
            if not ledger or (
                isinstance(extra, list)
                and len(extra) == 2
                and extra[0] == sig
                and isinstance(extra[1], dict)
            ):
                summary_new[name] = row
                stats_new[name] = entry
                rec = dict(zip(SUMMARY_FIELDS, row[2:], strict=True))
                rec.update(zip(REPORT_FIELDS, entry[2], strict=True))
                if ledger:
                    details_new[name] = extra
                    rec.update(extra[1])
                records.append(rec)
                continue
        keys = _folder_keys(folder, case_key)  # keys first, then the content: never newer keys
        misses.append((len(records), name, case_key, keys))
        records.append(None)
    meeting_records: list[dict[str, Any] | None] = []
    meeting_misses: list[tuple[int, str, FileKey]] = []
    meetings_old: Any = stats_old.get(MEETINGS_KEY, {}) if full else {}
    meetings_new: dict[str, Any] = {}
    if full:
        if not isinstance(meetings_old, dict):
            meetings_old = {}
        mdir = str(ws.meetings_dir)
        for name in _meeting_files(mdir):
            key = _file_key(os.path.join(mdir, name))
            if key is None:
                continue
            entry = meetings_old.get(name)
            if (
                isinstance(entry, list)
                and len(entry) == 3
                and entry[0] == _sig([key])
                and not entry[1]
                and isinstance(entry[2], dict)
            ):
                meetings_new[name] = entry
                meeting_records.append(entry[2])
                continue
            meeting_misses.append((len(meeting_records), name, key))
            meeting_records.append(None)
    tasks: list[Task] = [("case" if full else "summary", m[1]) for m in misses]
    tasks += [("meeting", m[1]) for m in meeting_misses]
    results = _parse_many(ws, tasks)
    first_problem: Problem | None = None
    for (slot, name, case_key, keys), (rec, case_problem, extra_problem) in zip(
        misses, results, strict=False
    ):
        problem = case_problem or extra_problem
        if problem is not None and first_problem is None:
            first_problem = problem  # misses are in case-id order
        if rec is None:
            continue
        records[slot] = rec
        summary_new[name] = [
            _sig([case_key]),
            _racy([case_key], started),
            *(rec[k] for k in SUMMARY_FIELDS),
        ]
        if full and extra_problem is None:
            sig = _sig(keys)
            stats = [rec[k] for k in REPORT_FIELDS]
            stats_new[name] = [sig, _racy(keys, started), stats]
            details_new[name] = [
                sig,
                {
                    k: v
                    for k, v in rec.items()
                    if k not in SUMMARY_FIELDS and k not in REPORT_FIELDS
                },
            ]
    for (slot, name, key), (mrec, problem, _none) in zip(
        meeting_misses, results[len(misses) :], strict=True
    ):
        if problem is not None:
            first_problem = first_problem or problem
            continue
        meeting_records[slot] = mrec
        meetings_new[name] = [_sig([key]), _racy([key], started), mrec]
    if full:
        stats_new[MEETINGS_KEY] = meetings_new
    parsed = len(tasks)
    written = False
    if write and _changed(summary_old, summary_new):
        written = _write_store(index_path(ws), summary_new) or written
    if write and full and _changed(stats_old, stats_new):
        written = _write_store(stats_path(ws), stats_new) or written
    if write and ledger and _changed(details_old, details_new):
        written = _write_store(details_path(ws), details_new) or written
    if first_problem is not None:
        raise DataError(first_problem, hint=HINT)
    if pinned is not None and write:
        _write_pin(ws, pinned, level)
    cases = [r for r in records if r is not None]
    meetings = [m for m in meeting_records if m is not None]
    signature = _signature(stats_new, meetings_new) if full else ""
    return Index(ws.root, cases, meetings, parsed, written, signature)


def _signature(stats: Mapping[str, Any], meetings: Mapping[str, Any]) -> str:
    import hashlib

    sigs = [(name, e[0], e[1]) for name, e in stats.items() if name != MEETINGS_KEY]
    sigs += [(name, e[0], e[1]) for name, e in meetings.items()]
    if any(racy for _name, _sig, racy in sigs):
        return ""
    return hashlib.sha256(repr(sorted(sigs)).encode("utf-8")).hexdigest()


def _changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Whether the entries differ (entries are reused objects when nothing changed)."""
    if len(old) != len(new):
        return True
    for key, value in new.items():
        before = old.get(key)
        if before is not value and before != value:
            return True
    return False


# --- parsing many cases (in parallel when there are many) -----------------------------------

PARALLEL_MIN = 400  # below this, starting worker processes costs more than it saves
PARALLEL_MIN_SPAWN = 1500  # a spawned worker imports xsk afresh (Windows): worth it later
_WORKER_WS: Workspace | None = None  # the workspace, in a worker process


Task = tuple[str, str]  # ("summary" | "case" | "meeting", folder or file name)
Parsed = tuple[Any, Problem | None, Problem | None]


def _parse_one(ws: Workspace, task: Task) -> Parsed:
    kind, name = task
    if kind == "case":
        return build_case(ws, name)
    if kind == "summary":
        rec, problem = build_case_summary(ws, name)
    else:
        rec, problem = build_meeting(ws, ws.meetings_dir / name)
    return rec, problem, None


def _init_worker(ws: Workspace) -> None:
    global _WORKER_WS
    _WORKER_WS = ws


def _parse_chunk(tasks: list[Task]) -> list[Parsed]:
    assert _WORKER_WS is not None
    return [_parse_one(_WORKER_WS, t) for t in tasks]


def _parse_many(ws: Workspace, tasks: list[Task]) -> list[Parsed]:
    """Parse case folders and meeting files; results in the order of ``tasks``.

    A cold build of 10,000 cases is bound by the pure-Python TOML parser, so with many
    files the work is shared among worker processes (one per CPU core). The workers get
    the workspace by argument (``_init_worker``), so this works with ``fork`` (Linux) and
    ``spawn`` (Windows, or ``XSK_MP_START=spawn``) alike.
    """
    from xsk.core import mpstart

    workers = min(os.cpu_count() or 1, 8)
    ctx = mpstart.context()
    least = PARALLEL_MIN if mpstart.forks(ctx) else PARALLEL_MIN_SPAWN
    if len(tasks) < least or workers < 2:
        return [_parse_one(ws, t) for t in tasks]
    from concurrent.futures import ProcessPoolExecutor

    size = max(50, len(tasks) // (workers * 4) + 1)
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    fresh = Workspace(root=ws.root, settings=ws.settings, settings_text=ws.settings_text)
    try:
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(fresh,)
        ) as pool:
            return [r for part in pool.map(_parse_chunk, chunks) for r in part]
    except (OSError, RuntimeError):  # no processes here (sandbox, limits): do it in this one
        return [_parse_one(ws, t) for t in tasks]


# --- signatures ------------------------------------------------------------------------------

FileKey = tuple[Any, ...]


def _file_key(path: str, name: str = "") -> FileKey | None:
    """What identifies one version of a file without reading it; None when it is missing."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, name)


def _folder_keys(folder: str, case_key: FileKey) -> list[FileKey | None]:
    """Keys of case.toml, outcomes.toml, the events folder and each event file.

    xsk writes every event once, in a new file, so the folder's mtime and ctime would show
    it; the files' own keys also catch an event edited in place by hand. Only ``report`` and
    the ledger pay for them: ``status`` reads case.toml alone.
    """
    keys = [
        case_key,
        _file_key(os.path.join(folder, OUTCOMES_FILE), OUTCOMES_FILE),
        _file_key(os.path.join(folder, EVENTS_DIR), EVENTS_DIR),
    ]
    if keys[2] is not None:
        try:
            with os.scandir(os.path.join(folder, EVENTS_DIR)) as it:
                entries = sorted((e for e in it if e.name.endswith(".toml")), key=lambda e: e.name)
                for e in entries:
                    with contextlib.suppress(FileNotFoundError):
                        st = e.stat()
                        keys.append((st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, e.name))
        except (FileNotFoundError, NotADirectoryError):
            pass
    return keys


def _sig(keys: list[FileKey | None]) -> int:
    """One number for a list of file keys, the same in every process.

    ``hash()`` of ints is stable across processes, of strings not (hash randomisation), so
    the file names go in through a CRC.
    """
    names = zlib.crc32("\0".join(k[4] for k in keys if k).encode("utf-8"))
    return hash((*(k[:4] if k else (-1,) for k in keys), names))


def _racy(keys: list[FileKey | None], started_ns: int) -> int:
    """1 when a file changed too recently for its signature to be trusted next time."""
    limit = started_ns - RACY_NS
    return int(any(k is not None and max(k[0], k[1]) >= limit for k in keys))


def _case_folders(cases_dir: str) -> list[str]:
    """Sub-folder names of ``cases/``, sorted (as :func:`xsk.store.cases.case_ids`)."""
    try:
        with os.scandir(cases_dir) as it:
            names = [e.name for e in it if e.is_dir()]
    except FileNotFoundError:
        return []
    names.sort()
    return names


def _meeting_files(mdir: str) -> list[str]:
    try:
        with os.scandir(mdir) as it:
            names = [e.name for e in it if e.name.endswith(".toml") and not e.name.startswith(".")]
    except FileNotFoundError:
        return []
    return sorted(names)


# --- reading and writing the index files -----------------------------------------------------


def _read_store(path: Path) -> dict[str, Any]:
    """The stored entries, or {} when missing, unreadable or of another format/version."""
    try:
        with nogc.paused():  # decoding creates many containers and no cycles
            data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("xsk") != xsk.__version__
        or not isinstance(data.get("entries"), dict)
    ):
        return {}
    return data["entries"]


def _write_store(path: Path, entries: Mapping[str, Any]) -> bool:
    from xsk.store import atomic

    data = {"format": FORMAT, "xsk": xsk.__version__, "entries": entries}
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        atomic.write_bytes(path, text.encode("utf-8"))
    except OSError:
        return False  # a read-only workspace works without a cache
    return True


# --- building records ------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def build_case_summary(ws: Workspace, name: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """Only what ``status`` needs, from case.toml alone."""
    case, problem = _read_case(ws, name)
    return (None, problem) if case is None else (case_summary(case), None)


def _read_case(ws: Workspace, name: str) -> tuple[Any, Problem | None]:
    """The valid Case of ``cases/<name>``, or its first problem.

    Fast path: read and validate directly. On any problem the canonical reader runs again so
    that the error is exactly the one :func:`xsk.store.cases.load_case` raises.
    """
    from xsk.workspace import cases as store

    path = ws.cases_dir / name / CASE_FILE
    data, text = _quick_toml(path)
    if data is not None:
        r = Reader(f"{ws.cases_dir.name}/{name}/{CASE_FILE}", text)  # shown as ws.rel shows it
        case = case_from_dict(data, r, folder_id=name)
        if case is not None and not r.problems:
            return case, None
    case, problems = store.read_case(ws, path)
    if problems or case is None:
        return None, (problems[0] if problems else Problem(ws.rel(path), 0, "E100", "无法读取"))
    return case, None


def _quick_toml(path: Path) -> tuple[dict[str, Any] | None, str]:
    """Parse without building error messages (None on any failure; the caller falls back to
    :func:`xsk.store.tomlio.read`, which names file and line)."""
    try:
        text = path.read_bytes().decode("utf-8")
        return tomllib.loads(text), text
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None, ""


def _read_toml(ws: Workspace, path: Path) -> tuple[dict[str, Any], str]:
    """Parse ``path``; a problem raises the canonical DataError (file and line)."""
    from xsk.store import tomlio

    data, text = _quick_toml(path)
    if data is None:
        return tomlio.read(path, ws.root)
    return data, text


def build_case(
    ws: Workspace, name: str
) -> tuple[dict[str, Any] | None, Problem | None, Problem | None]:
    """Parse and validate one case folder.

    Returns (record, problem in case.toml, problem in outcomes.toml or an event file). The
    record is None when case.toml is unusable.
    """
    from xsk.parts import outcomes
    from xsk.rules import privacy

    folder = ws.cases_dir / name
    case, problem = _read_case(ws, name)
    if case is None:
        return None, problem, None
    extra: Problem | None = None
    items, found = outcomes.read(folder)  # fast: no path resolution
    if found:
        items, found = outcomes.read(folder, ws.root)  # again, for the canonical message
        extra, items = found[0], []
    evs, found = read_events(ws, folder)
    if found and extra is None:
        extra = found[0]
    answers = case.answers
    form = ""
    screen = answers.get("screen", {})
    if isinstance(screen.get("form"), str):
        form = screen["form"]
    meetings: list[str] = []
    imported: dict[str, Any] = {}
    for step_id, table in answers.items():
        for key, value in table.items():
            if isinstance(value, str) and MEETING_ID_RE.match(value) and value not in meetings:
                meetings.append(value)
            elif key == "form" and isinstance(value, str) and not form:
                form = value
        if step_id == "import":
            imported = {k: _plain(v) for k, v in table.items()}
    rec: dict[str, Any] = case_summary(case)
    rec |= {
        "original_id": case.original_id,
        "closed": _iso(case.closed),
        "result": case.result,
        "close_reason": case.close_reason,
        "description": case.description,
        "channel": case.source.channel,
        "received_by": case.source.received_by,
        "proposers": [
            {
                "name": p.name if p.public else privacy.mask_name(p.name),
                "phone": privacy.mask_phone(p.phone),
            }
            for p in case.proposers
        ],
        "form": form,
        "meetings": meetings,
        "actions": sorted({h.action for h in case.history}),
        "imported": imported,
        "outcomes": [
            {
                "no": o.no,
                "item": o.item,
                "unit": o.unit,
                "deadline": _iso(o.deadline),
                "status": o.status,
                "progress": o.progress,
                "done": _iso(o.done),
                "supervisor": o.supervisor,
                "meeting": o.meeting,
                "days": o.days,
                "counted_from": _iso(o.counted_from),
            }
            for o in items
        ],
        "events": evs if extra is None else [],
    }
    actions = rec["actions"]
    rec |= {
        "escalated": "escalate" in actions or any(e["kind"] == "escalation" for e in evs),
        "vote_action": "vote" in actions,
        "items": [[o["unit"], o["status"], o["deadline"], o["done"]] for o in rec["outcomes"]],
        "visits": [[e["date"], e["satisfaction"]] for e in evs if e["kind"] == "visit"],
        "ratings": [[e["unit"], e["score"]] for e in evs if e["kind"] == "rating"],
    }
    return rec, None, extra


# Events the reports use; the others (progress, reply ...) are validated but not kept.
_KEPT_EVENTS = frozenset({"visit", "rating", "escalation", "objection", "reopen"})
_EVENT_FIELDS = {
    "visit": (("visitor", "str"), ("method", "str"), ("comment", "str")),
    "rating": (("by", "str"), ("comment", "str")),
    "escalation": (
        ("from_level", "str"),
        ("to_level", "str"),
        ("to", "str"),
        ("reason", "str"),
        ("funding_asked", "any"),
        ("funding_granted", "any"),
    ),
}


def read_events(ws: Workspace, folder: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Events of a case folder as plain records (sorted by file name), with their problems."""
    from xsk.parts import events

    d = folder / EVENTS_DIR
    if not d.is_dir():
        return [], []
    out: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for p in sorted(d.glob("*.toml")):
        try:
            data, text = _read_toml(ws, p)
        except DataError as exc:
            problems.append(exc.problem)
            continue
        r = Reader(_rel(ws, p), text)
        events.validate(data, r)  # the same typed check as ``xsk check`` and the commands
        if r.problems:
            problems.extend(r.problems)
            continue
        kind = r.get(data, ("kind",), "str", required=True, default="")
        rec: dict[str, Any] = {"kind": kind, "date": _iso(r.get(data, ("date",), "date"))}
        for key, kind_name in _EVENT_FIELDS.get(kind, ()):
            value = r.get(data, (key,), kind_name)
            if value is not None:
                rec[key] = _plain(value)
        if kind == "visit":
            rec["satisfaction"] = r.get(
                data, ("satisfaction",), "str", required=True, default="", choices=SATISFACTION
            )
        elif kind == "rating":
            rec["unit"] = r.get(data, ("unit",), "str", required=True, default="")
            score = r.get(data, ("score",), "int", required=True)
            if score is not None and not 1 <= score <= 5:
                r.problem(("score",), "E104", f"评分应为 1–5 的整数，实际为 {score}")
            rec["score"] = score
        if r.problems:
            problems.extend(r.problems)
            continue
        if kind in _KEPT_EVENTS:
            out.append(rec)
    return out, problems


def build_meeting(ws: Workspace, path: Path) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse and validate one meeting file into a record."""
    from xsk.parts import meetings

    try:
        data, text = _read_toml(ws, path)
    except DataError as exc:
        return None, exc.problem
    r = Reader(_rel(ws, path), text)
    meetings.validate(data, r)  # the same typed check as ``xsk check`` and the commands
    if r.problems:
        return None, r.problems[0]
    mid = r.get(data, ("id",), "str", default=path.stem)
    when = r.get(data, ("time",), "datetime")
    cases = r.get(data, ("cases",), "strlist", default=())
    attendance = dict.fromkeys(ATTENDANCE, 0)
    for i, a in enumerate(r.items(data, ("attendees",))):
        if not isinstance(a, Mapping):
            r.problem(("attendees", i), "E102", "应为表")
            continue
        att = r.get(a, ("attendees", i, "attendance"), "str", default="出席", choices=ATTENDANCE)
        if att:
            attendance[att] += 1
    topics = []
    for i, t in enumerate(r.items(data, ("topics",))):
        if not isinstance(t, Mapping):
            r.problem(("topics", i), "E102", "应为表")
            continue
        case_id = r.get(t, ("topics", i, "case"), "str", default="")
        vote = t.get("vote")
        resolutions = r.get(t, ("topics", i, "resolutions"), "strlist", default=())
        topic: dict[str, Any] = {
            "case": case_id,
            "voted": isinstance(vote, Mapping),
            "resolutions": list(resolutions),
        }
        if isinstance(vote, Mapping):
            topic["vote"] = {
                k: vote[k]
                for k in ("rule", "yes", "no", "abstain")
                if isinstance(vote.get(k), (str, int))
            }
        topics.append(topic)
    if r.problems:
        return None, r.problems[0]
    rec = {
        "id": mid,
        "file": path.name,
        "title": r.get(data, ("title",), "str", default=""),
        "form": r.get(data, ("form",), "str", default=""),
        "time": when.replace(tzinfo=None).isoformat(timespec="minutes") if when else None,
        "date": when.date().isoformat() if when else None,
        "venue": r.get(data, ("venue",), "str", default=""),
        "host": r.get(data, ("host",), "str", default=""),
        "cases": list(cases),
        "attendance": attendance,
        "topics": topics,
    }
    return rec, None


def _rel(ws: Workspace, path: Path) -> str:
    """``path`` relative to the workspace, as :meth:`Workspace.rel` shows it (no symlinks)."""
    try:
        return path.relative_to(ws.root).as_posix()
    except ValueError:
        return ws.rel(path)


def _plain(value: Any) -> Any:
    """JSON-safe copy: dates as ISO strings, tables and lists recursively."""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    return value
