"""Whether a workspace's documents are up to date, decided without planning them.

``xsk docs build`` with nothing changed must not load 10,000 cases to find that out. Beside
the jobs each case and each meeting produced, the manifest keeps the signature of the inputs
they were planned from; a unit whose signature and outputs still match is not planned again.

Layout, under the workspace's state folder (``.xsk/``, untracked, a cache)::

    docs/units/<case id>.json       a case's own documents (out/<case id>/…)
    docs/units/meetings/<mid>.json  a meeting's documents (out/meetings/<mid>/…)
    docs/units/<folder>.json        other folders of out/ (督办 …), jobs only
    docs/summary.json               what the check needs of every unit, in one file
    docs/outputs.json               the outputs' names of every unit (for ``xsk check``)
    docs/clean.json                 the clean point: what git said at the last whole build
    docs/changed                    units rewritten since the summary was made
    docs/workspace.json             the register signature every unit's numbers were checked at
    docs/building                   present while a build renders (its temp files after a kill)

A *unit* file holds ``jobs`` (output key -> job hash, size, mtime, inode of the output as
written), and when the unit was planned whole: ``sig`` (stat signature of its inputs, as
:mod:`xsk.casework.index` computes them), ``global`` (the workspace-wide inputs), ``links``
(a case's meetings; a meeting's cases) and ``numbers`` (the 文号 its documents carry).

* A case's inputs: its folder (case.toml, outcomes.toml, events/ and each event file) and the
  file of each meeting it refers to. A meeting's inputs: its file and the folders of the cases
  it lists. Workspace-wide: xsk.toml, roster.toml, calendar/, templates/ (the workspace's and
  the built-in ones), the xsk and renderer versions and the traditional flag. No document of
  ``docs build`` depends on today's date.
* Keys are taken before the content is read (a file changed while planning is seen next time);
  a file changed within :data:`RACY_NS` of the check makes its unit "racy", planned again.
* The register (``register/``) changes with every number issued. An append by xsk never
  changes a number already given, so ``workspace.json`` records the register signature at
  which every unit's ``numbers`` were known to hold; a different register is read once and
  each unit's numbers compared (a hand edit or another clone's file).
* A unit planned again gets exactly the jobs a full plan gives it (a job no longer planned is
  dropped). Jobs built by a partial plan (``--kind``, the 督办单) only update ``jobs``.
* Unit files are written without fsync and synced once per build (:func:`atomic.sync_all`):
  a lost or torn unit file is only a unit planned again.
* ``summary.json`` holds what the check needs of every unit in one file; a unit rewritten
  since (listed in ``changed``, appended by every save) is read from its own file.
* Git vouches for event files. Taking a case's signature stats every event file (an event
  edited in place changes no folder), about 75,000 stats at 10,000 cases: most of a
  no-change build. A build that checked every case records a *clean point*: HEAD before its
  stats, and the cases whose files then differ from HEAD or are untracked. The next build
  asks git which tracked files differ from that commit now (``git diff-index``, in C, on
  the other core while the summary is read); a case not among those nor dirty then, whose
  unit was recorded by that build or before, and whose case.toml, outcomes.toml and events/
  folder keep their keys, takes its recorded signature without a stat of its event files.
  Without git, or when git does not know the commit, every folder is stat'ed as before.

Why this module is long: the signatures, the manifest they are stored in, its summary and the
check that compares them must change together; apart, a unit could be trusted stale.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xsk
from xsk.casework import index as cindex
from xsk.core import nogc
from xsk.store import atomic
from xsk.workspace.settings import CASES_DIR, Workspace

VERSION = 1
DOCS_DIR = "docs"
WORKSPACE_FILE = "workspace.json"
BUILDING_FILE = "building"
SUMMARY_FILE = "summary.json"
UNITS_DIR = "units"  # the unit files (the journal does not walk it: see building())
CHANGED_FILE = "changed"
CLEAN_FILE = "clean.json"
OUTPUTS_FILE = "outputs.json"
MEETINGS_UNIT = "meetings/"
OUTSIDE_UNIT = "_outside"  # outputs outside out/ (absolute keys)
RACY_NS = cindex.RACY_NS
_JOB_LEN = 4  # [hash, size, mtime_ns, inode]

FileKey = tuple[Any, ...]


def docs_dir(ws: Workspace) -> Path:
    return ws.state_dir / DOCS_DIR


# --- signatures ------------------------------------------------------------------------------


def _tree_keys(folder: Path, label: str) -> list[FileKey | None]:
    """Keys of a folder and everything under it (small folders: calendar/, templates/)."""
    top = cindex._file_key(str(folder), label)
    if top is None:
        return [None]
    keys: list[FileKey | None] = [top]
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel = os.path.relpath(dirpath, folder)
        for name in [*dirnames, *sorted(filenames)]:
            keys.append(cindex._file_key(os.path.join(dirpath, name), f"{label}/{rel}/{name}"))
    return keys


def global_keys(ws: Workspace) -> list[FileKey | None]:
    """Keys of the workspace-wide inputs of every document."""
    from xsk.documents.builtin import builtin_templates_dir

    root = ws.root
    keys = [
        cindex._file_key(str(root / "xsk.toml"), "xsk.toml"),
        cindex._file_key(str(root / "roster.toml"), "roster.toml"),
    ]
    keys += _tree_keys(root / "calendar", "calendar")
    keys += _tree_keys(ws.templates_dir, "templates")
    keys += _tree_keys(builtin_templates_dir(), "builtin")
    return keys


def global_sig(ws: Workspace, traditional: bool) -> str:
    from xsk.documents.builtin import RENDERER_VERSION

    sig = cindex._sig(global_keys(ws))
    return f"{VERSION}:{xsk.__version__}:{RENDERER_VERSION}:{int(bool(traditional))}:{sig}"


def register_sig(ws: Workspace) -> str:
    from xsk.workspace.docnumbers import REGISTER_DIR

    return str(cindex._sig(_tree_keys(ws.root / REGISTER_DIR, "register")))


def _racy(keys: Iterable[FileKey | None], started_ns: int) -> bool:
    limit = started_ns - RACY_NS
    return any(k is not None and max(k[0], k[1]) >= limit for k in keys)


Sig = tuple[int, int]  # (signature, newest mtime or ctime of the files in it)
_MISSING: Sig = (-1, 0)
_CASE = "/" + cindex.CASE_FILE
_OUTCOMES = "/" + cindex.OUTCOMES_FILE
_EVENTS = "/" + cindex.EVENTS_DIR


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _folder_stats(folder: str) -> tuple[int, int, list[os.stat_result]] | None:
    """Signature of a case folder and the stats it was taken from: ``[mtime_ns, ctime_ns,
    size, inode]`` of case.toml, outcomes.toml, the events/ folder and each event file, with
    the event files' names (the files :func:`xsk.casework.index._folder_keys` takes). None
    when there is no case.toml. One pass, as few Python operations per file as it can: a
    no-change build takes this for each of 10,000 folders. The second value is the quick
    signature (:func:`_quick_sig`) from the same stats."""
    stat = os.stat
    try:
        case = stat(folder + _CASE)
    except (FileNotFoundError, NotADirectoryError):
        return None
    stats = [case]
    parts: list[Any] = [case.st_mtime_ns, case.st_ctime_ns, case.st_size, case.st_ino]
    try:
        st = stat(folder + _OUTCOMES)
    except (FileNotFoundError, NotADirectoryError):
        parts.append(-1)
    else:
        stats.append(st)
        parts += (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    events = folder + _EVENTS
    try:
        st = stat(events)
    except (FileNotFoundError, NotADirectoryError):
        parts.append(-1)
        quick = hash(tuple(parts))
        return quick, quick, stats
    stats.append(st)
    parts += (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    quick = hash(tuple(parts))
    try:
        with os.scandir(events) as it:
            entries = [e for e in it if e.name.endswith(".toml")]
    except (FileNotFoundError, NotADirectoryError):
        entries = []
    entries.sort(key=_name)
    for e in entries:
        try:
            st = e.stat()
        except FileNotFoundError:
            parts.append(-2)
            continue
        stats.append(st)
        parts += (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    parts.append(zlib.crc32("\0".join([e.name for e in entries]).encode("utf-8")))
    return hash(tuple(parts)), quick, stats


def _quick_sig(folder: str) -> int | None:
    """The keys of case.toml, outcomes.toml and the events/ folder alone (three stats, not one
    per event file): what changes when xsk writes the case (atomic renames), when an event
    file is added, removed or replaced, and on a checkout. Not when an event file is edited
    in place: a :class:`CleanPoint` asks git for those."""
    stat = os.stat
    try:
        st = stat(folder + _CASE)
    except (FileNotFoundError, NotADirectoryError):
        return None
    parts: list[Any] = [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]
    try:
        st = stat(folder + _OUTCOMES)
    except (FileNotFoundError, NotADirectoryError):
        parts.append(-1)
    else:
        parts += (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    try:
        st = stat(folder + _EVENTS)
    except (FileNotFoundError, NotADirectoryError):
        parts.append(-1)
    else:
        parts += (st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return hash(tuple(parts))


def _newest(stats: Sequence[os.stat_result]) -> int:
    return max(max(st.st_mtime_ns, st.st_ctime_ns) for st in stats)


@dataclass
class CleanPoint:
    """What git said at the end of the last build that checked every case (``clean.json``):
    the commit then, when that check started, and the cases whose files differed from that
    commit or were untracked. A case folder not among those, and not changed (says git) since
    that commit, has the files its documents were checked against then: its event files
    need no stat."""

    rev: str
    at: int
    dirty: set[str]


def _case_ids_of(paths: Iterable[str]) -> set[str]:
    """The case ids of paths ``cases/<id>/…`` (relative to the workspace)."""
    prefix = CASES_DIR + "/"
    return {p.split("/")[1] for p in paths if p.startswith(prefix) and p.count("/") >= 1}


def read_clean(ws: Workspace) -> CleanPoint | None:
    try:
        data = json.loads((docs_dir(ws) / CLEAN_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    rev, at, dirty = data.get("rev"), data.get("at"), data.get("dirty")
    if not isinstance(rev, str) or not isinstance(at, int) or not isinstance(dirty, list):
        return None
    return CleanPoint(rev, at, {str(d) for d in dirty})


def record_clean(ws: Workspace, rev: str, started_ns: int) -> None:
    """Record a clean point: ``rev`` (HEAD before the check took its stats), when the check
    started, and the cases whose files differ from ``rev`` now or are untracked. Anything
    changed after the stats, committed or not, differs from ``rev`` here, so it is in
    ``dirty``."""
    from xsk.workspace import git

    changed = git.start_worktree_changes(ws.root, rev, CASES_DIR)
    loose = git.start_untracked(ws.root, CASES_DIR)
    paths, others = changed.lines(), loose.lines()
    if paths is None or others is None:
        return
    dirty = sorted(_case_ids_of([*paths, *others]))
    text = json.dumps({"v": VERSION, "rev": rev, "at": started_ns, "dirty": dirty})
    with contextlib.suppress(OSError):
        atomic.write_bytes(docs_dir(ws) / CLEAN_FILE, text.encode("utf-8"))


class Keys:
    """Signatures of case folders and meeting files, each taken once per run. The newest
    time of a folder (for the racy test) is computed only for the units that are recorded.

    With :meth:`vouch`, a case folder that git and its quick signature say is unchanged
    since the last whole build takes its signature from the summary instead of a stat of
    each of its files."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.cases_dir = str(ws.cases_dir)
        self.meetings_dir = str(ws.meetings_dir)
        self._prefix = self.cases_dir + "/"
        self._full: dict[str, tuple[int, int, list[os.stat_result]] | None] = {}
        self._sigs: dict[str, int | None] = {}
        self._meeting: dict[str, Sig | None] = {}
        self._clean: CleanPoint | None = None
        self._excluded: set[str] = set()
        self._summary: Summary | None = None
        self.vouched = 0

    def vouch(self, clean: CleanPoint, changed: set[str], summary: Summary) -> None:
        """Trust the recorded signature of a case not in ``changed`` (nor dirty at the clean
        point) whose unit was recorded at or before the clean point and whose quick
        signature still matches."""
        self._clean = clean
        self._excluded = changed | clean.dirty
        self._summary = summary

    def full(self, cid: str) -> tuple[int, int, list[os.stat_result]] | None:
        """:func:`_folder_stats` of the case, taken once."""
        try:
            return self._full[cid]
        except KeyError:
            got = self._full[cid] = _folder_stats(self._prefix + cid)
            return got

    def case_sig(self, cid: str) -> int | None:
        """The signature alone (no newest time): what the check compares."""
        try:
            return self._sigs[cid]
        except KeyError:
            pass
        sig = self._vouched(cid) if self._clean is not None else None
        if sig is None:
            got = self.full(cid)
            sig = None if got is None else got[0]
        self._sigs[cid] = sig
        return sig

    def _vouched(self, cid: str) -> int | None:
        if cid in self._excluded or self._summary is None or self._clean is None:
            return None
        meta = self._summary.meta(cid)
        quick = meta.get("quick") if meta is not None else None
        if (
            not isinstance(quick, list)
            or len(quick) != 3
            or not all(isinstance(v, int) for v in quick)
            or quick[2] > self._clean.at
            or quick[1] != _quick_sig(self._prefix + cid)
        ):
            return None
        self.vouched += 1
        return int(quick[0])

    def case(self, cid: str) -> Sig | None:
        got = self.full(cid)
        return None if got is None else (got[0], _newest(got[2]))

    def quick_of(self, cid: str, started_ns: int) -> list[int] | None:
        """``[signature, quick signature, started_ns]`` from this run's full stats of the
        case (None when they were not taken or the folder changed too recently)."""
        got = self._full.get(cid)
        if got is None or _newest(got[2]) >= started_ns - RACY_NS:
            return None
        return [got[0], got[1], started_ns]

    def meeting(self, mid: str) -> Sig | None:
        if mid not in self._meeting:
            try:
                st = os.stat(f"{self.meetings_dir}/{mid}.toml")
            except (FileNotFoundError, NotADirectoryError):
                self._meeting[mid] = None
            else:
                key = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
                self._meeting[mid] = hash(key), max(st.st_mtime_ns, st.st_ctime_ns)
        return self._meeting[mid]

    def case_inputs(self, cid: str, meetings: Sequence[str]) -> Sig:
        return _combine([self.case(cid), *(self.meeting(m) for m in meetings)])

    def meeting_inputs(self, mid: str, cases: Sequence[str]) -> Sig:
        return _combine([self.meeting(mid), *(self.case(c) for c in cases)])

    def case_inputs_sig(self, cid: str, meetings: Sequence[str]) -> int:
        """``case_inputs(...)[0]`` without the newest times."""
        sigs = [self.case_sig(cid)]
        for m in meetings:
            got = self.meeting(m)
            sigs.append(None if got is None else got[0])
        return _combine_sigs(sigs)

    def meeting_inputs_sig(self, mid: str, cases: Sequence[str]) -> int:
        """``meeting_inputs(...)[0]`` without the newest times."""
        got = self.meeting(mid)
        return _combine_sigs([None if got is None else got[0], *map(self.case_sig, cases)])


def _combine(sigs: Sequence[Sig | None]) -> Sig:
    """One signature of several (in order; a missing file counts as such)."""
    sigs = [s or _MISSING for s in sigs]
    return hash((len(sigs), *(s[0] for s in sigs))), max(s[1] for s in sigs)


def _combine_sigs(sigs: Sequence[int | None]) -> int:
    """The first of :func:`_combine`'s pair, from the signatures alone."""
    return hash((len(sigs), *(_MISSING[0] if s is None else s for s in sigs)))


# --- the manifest, one file per unit ---------------------------------------------------------


def unit_of(key: str) -> str:
    """The unit an output key belongs to: ``<case id>``, ``meetings/<mid>`` or a folder."""
    parts = key.split("/")
    if len(parts) < 2 or not parts[0] or ":" in parts[0] or ".." in parts:
        return OUTSIDE_UNIT
    if parts[0] == "meetings":
        return MEETINGS_UNIT + parts[1] if len(parts) >= 3 else OUTSIDE_UNIT
    return parts[0]


def _output_stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


@dataclass
class _Plan:
    """What a whole plan of a unit gave: recorded with the jobs at save time."""

    sig: int | None
    racy: bool
    global_: str | None
    links: list[str]
    keys: set[str]
    numbers: dict[str, str]
    quick: list[int] | None = None  # a case unit: [folder signature, quick signature, at]


class UnitManifest:
    """The workspace's manifest (:class:`xsk.documents.build.Manifest`'s methods), one file
    per unit so that a step rewrites its case's entry, not every case's."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.out = ws.out_dir
        self.dir = docs_dir(ws) / UNITS_DIR
        self._dir_str = os.path.join(str(self.dir), "")
        self._units: dict[str, dict[str, Any] | None] = {}
        self._dirty: set[str] = set()
        self._new: set[str] = set()
        self.saved: set[str] = set()  # units written by this manifest
        self.logged: list[tuple[int, int, bytes]] = []  # (log inode, offset, lines) appended
        self._plans: dict[str, _Plan] = {}
        self._legacy: dict[str, str] | None = None
        self._out_resolved: Path | None = None

    # unit files
    def path_of(self, unit: str) -> Path:
        return self.dir / f"{unit}.json"

    def unit(self, unit: str) -> dict[str, Any] | None:
        """The unit's stored data, or None (missing, unreadable, another version)."""
        if unit not in self._units:
            data = self._units[unit] = self._read(f"{self._dir_str}{unit}.json")
            if data is None:
                self._new.add(unit)  # not written by this version yet: the old manifest counts
        return self._units[unit]

    @staticmethod
    def _read(path: str) -> dict[str, Any] | None:
        try:
            with open(path, "rb") as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("v") != VERSION:
            return None
        if not isinstance(data.get("jobs"), dict) or not isinstance(data.get("links"), list):
            return None
        return data

    def _writable(self, unit: str) -> dict[str, Any]:
        data = self.unit(unit)
        if data is None:
            data = {"v": VERSION, "sig": None, "global": None, "links": [], "jobs": {}}
            self._units[unit] = data
        self._dirty.add(unit)
        return data

    # the Manifest methods build_documents calls
    def key(self, out_path: Path) -> str:
        path = Path(out_path)
        try:
            rel = path.relative_to(self.out)
        except ValueError:
            return path.resolve().as_posix()
        return rel.as_posix()

    def get(self, key: str) -> str | None:
        unit = unit_of(key)
        data = self.unit(unit)
        entry = data["jobs"].get(key) if data is not None else None
        if isinstance(entry, list) and entry:
            return str(entry[0])
        return self._legacy_get(key) if unit in self._new else None

    def record(self, key: str, digest: str, path: Path) -> None:
        data = self._writable(unit_of(key))
        data["jobs"][key] = [digest, *(_output_stat(path) or [-1, -1, -1])]

    def drop(self, key: str) -> None:
        data = self.unit(unit_of(key))
        if data is not None and key in data["jobs"]:
            self._writable(unit_of(key))["jobs"].pop(key, None)

    def save(self) -> None:
        for unit, plan in self._plans.items():
            data = self._writable(unit)
            jobs = data["jobs"]
            for key in [k for k in jobs if k not in plan.keys]:
                del jobs[key]  # no longer planned (an undone reply): not this unit's any more
            complete = all(
                isinstance(jobs.get(k), list) and len(jobs[k]) == _JOB_LEN and jobs[k][1] >= 0
                for k in plan.keys
            )
            trusted = complete and not plan.racy
            data.update(
                sig=plan.sig if trusted else None,
                links=plan.links,
                numbers=plan.numbers,
                quick=plan.quick if trusted else None,
            )
            data["global"] = plan.global_
        self._plans.clear()
        written: list[Path] = []
        appended = None
        if self._dirty:  # first: the summary must not trust them
            appended = _log_changed(docs_dir(self.ws), sorted(self._dirty))
            if appended is not None:
                self.logged.append(appended)
        now = time.time_ns()
        for unit in sorted(self._dirty):
            data = self._units.get(unit)
            if data is not None:
                data["dir"] = _dir_key(self.out, unit, now)
        failed = False
        for unit in sorted(self._dirty):
            data = self._units.get(unit)
            if data is None:
                continue
            path = self.path_of(unit)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            try:  # a read-only workspace only loses the cache
                atomic.write_bytes(path, text.encode("utf-8"), durable=False)
                written.append(path)
            except OSError:
                failed = True
            self.saved.add(unit)
        if failed and appended is not None:
            self.logged.remove(appended)  # a unit file is not what the summary will hold
        self._dirty.clear()
        atomic.sync_all(written)

    def planned(self, unit: str, plan: _Plan) -> None:
        """``unit`` was planned whole: record its inputs with its jobs at :meth:`save`."""
        self._plans[unit] = plan

    # the single-file manifest of earlier versions: its hashes count until a unit is rewritten
    def _legacy_get(self, key: str) -> str | None:
        if self._legacy is None:
            from xsk.documents.build import _load_manifest

            self._legacy = _load_manifest(self.ws.state_dir / "docs-manifest.json")
        if not self._legacy:
            return None
        if key.startswith("/") or ":" in key.split("/")[0]:
            return self._legacy.get(key)
        if self._out_resolved is None:
            self._out_resolved = self.out.resolve()
        return self._legacy.get((self._out_resolved / key).as_posix())


def _dir_key(out: Path | str, unit: str, started_ns: int) -> list[int] | None:
    """Key of a unit's output folder (a file added, removed or replaced changes it); None
    when missing or changed too recently to be trusted (the outputs are then stat'ed)."""
    if unit == OUTSIDE_UNIT:
        return None
    try:
        st = os.stat(f"{out}/{unit}")
    except OSError:
        return None
    if max(st.st_mtime_ns, st.st_ctime_ns) >= started_ns - RACY_NS:
        return None
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _log_changed(folder: Path, units: Sequence[str]) -> tuple[int, int, bytes] | None:
    """Units rewritten since the summary was made (appended; read and cleared by a build).

    Returns where the lines went (the log's inode, their offset, the lines), so the build that
    wrote them can take them out again once its summary holds those units."""
    block = "".join(f"{u}\n" for u in units).encode("utf-8")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / CHANGED_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, block)  # one write: appends from other processes go around it
            end = os.lseek(fd, 0, os.SEEK_CUR)
            ino = os.fstat(fd).st_ino
        finally:
            os.close(fd)
    except OSError:
        return None
    return (ino, end - written, block) if written == len(block) else None


class Summary:
    """What ``check`` needs of every unit, in one file (``summary.json``): reading 10,000
    unit files would cost more than the check. A unit rewritten since (``changed``) is read
    from its own file. The outputs' names, which only ``xsk check`` needs, are kept apart
    (``outputs.json``): a no-change build does not read them."""

    def __init__(self, ws: Workspace, manifest: UnitManifest) -> None:
        self.manifest = manifest
        self.dir = docs_dir(ws)
        self.path = self.dir / SUMMARY_FILE
        self.units: dict[str, dict[str, Any]] = {}
        self.logs: list[Path] = []
        self.changed: set[str] = set()
        self.dirty = False
        self.outputs: dict[str, list[str] | None] = {}  # names to write into outputs.json
        try:
            data = json.loads(self.path.read_bytes())
            if isinstance(data, dict) and data.get("v") == VERSION:
                units = data.get("units")
                self.units = units if isinstance(units, dict) else {}
        except (OSError, ValueError):
            pass
        for unit, meta in self.units.items():  # a summary of earlier versions held them
            if isinstance(meta, dict) and "keys" in meta:
                keys = meta.pop("keys")
                self.outputs[unit] = keys if isinstance(keys, list) else None
                self.dirty = True
        log = self.dir / CHANGED_FILE
        if log.exists():  # taken aside: a step appending now starts a new log
            aside = self.dir / f"{CHANGED_FILE}.{os.getpid()}.{time.time_ns()}"
            with contextlib.suppress(OSError):
                os.replace(log, aside)
        with contextlib.suppress(OSError):
            self.logs = sorted(self.dir.glob(f"{CHANGED_FILE}.*"))
        for path in self.logs:
            with contextlib.suppress(OSError):
                self.changed.update(path.read_text("utf-8").split())
        if self.changed:
            self.dirty = True

    def meta(self, unit: str) -> dict[str, Any] | None:
        """sig, global, links, dir, n (number of jobs) of ``unit``, or None."""
        if unit not in self.changed:
            meta = self.units.get(unit)
            if isinstance(meta, dict):
                return meta
        data = self.manifest.unit(unit)
        self.dirty = True
        if data is None:
            self.units.pop(unit, None)
            return None
        meta = _meta(data)
        self.units[unit] = meta
        self.outputs[unit] = sorted(data["jobs"])
        self.changed.discard(unit)
        return meta

    def update(self, unit: str, data: dict[str, Any] | None) -> None:
        self.dirty = True
        if data is None:
            self.units.pop(unit, None)
            self.outputs[unit] = None
        else:
            self.units[unit] = _meta(data)
            self.outputs[unit] = sorted(data["jobs"])

    def save(self) -> bool:
        """Write the summary (and the outputs' names) if anything changed; True when written."""
        if not self.dirty:
            return False
        for unit in self.changed:  # listed as changed and not read: not to be trusted
            self.units.pop(unit, None)
            self.outputs[unit] = None
        try:
            if self.outputs:  # first: a summary never trusts a unit whose names are not saved
                names = _read_outputs(self.dir)
                if names is None:
                    names = {}
                for unit, keys in self.outputs.items():
                    if keys is None:
                        names.pop(unit, None)
                    else:
                        names[unit] = keys
                text = json.dumps({"v": VERSION, "units": names}, separators=(",", ":"))
                atomic.write_bytes(self.dir / OUTPUTS_FILE, text.encode("utf-8"))
            text = json.dumps({"v": VERSION, "units": self.units}, separators=(",", ":"))
            atomic.write_bytes(self.path, text.encode("utf-8"))
        except OSError:
            return False  # a read-only workspace only loses the cache
        for path in self.logs:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        return True


def prune_changed_log(ws: Workspace, manifest: UnitManifest) -> None:
    """Take out of the ``changed`` log the lines this process appended, once the summary it
    wrote holds those units (else a check re-reads every unit file a first build wrote).

    Exactly those bytes, where they were appended: lines a step appended before or after (docs
    build runs without the workspace lock) stay, and so does the whole log when it is not the
    file this process appended to (another build took it aside meanwhile)."""
    if not manifest.logged:
        return
    folder = docs_dir(ws)
    aside = folder / f"{CHANGED_FILE}.{os.getpid()}.{time.time_ns()}"
    try:
        os.replace(folder / CHANGED_FILE, aside)  # a step appending now starts a new log
        ino = os.stat(aside).st_ino
        data = aside.read_bytes()
    except OSError:
        return
    for log_ino, offset, block in sorted(manifest.logged, key=lambda x: -x[1]):
        if log_ino == ino and data[offset : offset + len(block)] == block:
            data = data[:offset] + data[offset + len(block) :]
    manifest.logged.clear()
    with contextlib.suppress(OSError):
        if data.strip():  # kept aside: every reader of the log reads ``changed*``
            atomic.write_bytes(aside, data)
        else:
            aside.unlink()


def _read_outputs(folder: Path) -> dict[str, Any] | None:
    """``outputs.json``'s units (output names per unit), or None when missing or unreadable."""
    try:
        data = json.loads((folder / OUTPUTS_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    units = data.get("units")
    return units if isinstance(units, dict) else None


def _meta(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "sig": data.get("sig"),
        "global": data.get("global"),
        "links": list(data.get("links") or []),
        "dir": data.get("dir"),
        "n": len(data.get("jobs") or {}),
        "quick": data.get("quick"),
    }


def built_outputs(ws: Workspace) -> set[str]:
    """The outputs the manifest records, as resolved paths with ``/`` (for ``xsk check``,
    which tells those public or internal by their names without opening them): from the
    summary's ``outputs.json``, the unit files a step rewrote since (or whose names are not
    there), and an old single-file manifest. Reads nothing else and writes nothing."""
    folder = docs_dir(ws)
    changed: set[str] = set()
    for log in folder.glob(f"{CHANGED_FILE}*"):
        with contextlib.suppress(OSError):
            changed.update(log.read_text("utf-8").split())
    names = _read_outputs(folder)
    units: dict[str, Any] = {}
    if names is None:  # a summary of an earlier version holds the names itself
        with contextlib.suppress(OSError, ValueError):
            data = json.loads((folder / SUMMARY_FILE).read_bytes())
            if isinstance(data, dict) and data.get("v") == VERSION:
                units = data["units"] if isinstance(data.get("units"), dict) else {}
        names = {u: m.get("keys") for u, m in units.items() if isinstance(m, dict)}
    keys: set[str] = set()
    for unit, listed in names.items():
        if unit in changed or not isinstance(listed, list):
            changed.add(unit)
        else:
            keys.update(listed)
    manifest = UnitManifest(ws)
    for unit in changed:
        data = manifest.unit(unit)
        if data is not None:
            keys.update(data["jobs"])
    base = ws.out_dir.resolve().as_posix()
    out = {k if os.path.isabs(k) else f"{base}/{k}" for k in keys}
    legacy = ws.state_dir / "docs-manifest.json"
    if legacy.is_file():
        from xsk.documents.build import built_outputs as legacy_outputs

        out |= legacy_outputs(legacy)
    return out


# --- the register's trust --------------------------------------------------------------------


def _trusted_register(ws: Workspace) -> str | None:
    try:
        data = json.loads((docs_dir(ws) / WORKSPACE_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        return None
    value = data.get("register")
    return value if isinstance(value, str) else None


def _trust_register(ws: Workspace, sig: str) -> None:
    text = json.dumps({"v": VERSION, "register": sig})
    with contextlib.suppress(OSError):
        atomic.write_bytes(docs_dir(ws) / WORKSPACE_FILE, text.encode("utf-8"))


@contextlib.contextmanager
def own_register_appends(ws: Workspace) -> Iterator[None]:
    """Around a step's documents: the numbers xsk appends to the register change no number
    already given, so a register trusted before stays trusted after (no re-check next time)."""
    before = register_sig(ws)
    yield
    if before == _trusted_register(ws):
        after = register_sig(ws)
        if after != before:
            _trust_register(ws, after)


# --- the check -------------------------------------------------------------------------------


@dataclass
class Check:
    """The result of :func:`check`: which cases to plan, which outputs are up to date."""

    ws: Workspace
    manifest: UnitManifest
    summary: Summary
    keys: Keys
    global_: str | None
    started_ns: int
    register: str
    register_checked: bool
    clean: CleanPoint | None = None  # the clean point the check vouched with
    changed: set[str] | None = None  # cases changed since it (git), when asked
    rev: str | None = None  # HEAD before any case was stat'ed (a whole check)
    ids: list[str] = field(default_factory=list)  # the cases asked for
    to_plan: list[str] = field(default_factory=list)
    fresh: list[str] = field(default_factory=list)  # units up to date, not planned

    def skipped_count(self, planned_units: set[str]) -> int:
        return sum(
            int(self.summary.units.get(u, {}).get("n", 0))
            for u in self.fresh
            if u not in planned_units
        )

    def skipped(self, planned_units: set[str]) -> list[Path]:
        """The up-to-date outputs as paths (read only when asked: many thousands)."""
        out = self.ws.out_dir
        paths = []
        for unit in self.fresh:
            data = self.manifest.unit(unit) if unit not in planned_units else None
            for k in data["jobs"] if data else ():
                paths.append(Path(k) if unit_of(k) == OUTSIDE_UNIT else out / k)
        return paths

    def planned(
        self, jobs: Sequence[Any], planner: Any, cases: Sequence[str] | None = None
    ) -> None:
        """Record what planning ``cases`` (default ``to_plan``) gave, each unit whole.
        ``planner`` is :mod:`xsk.documents.plan` (its ``gather``, ``load_meeting`` and
        ``_number_key``); call inside its ``reading_once`` block that produced ``jobs``, so
        nothing is read twice."""
        record_plan(
            self.ws,
            self.manifest,
            self.keys,
            self.to_plan if cases is None else cases,
            jobs,
            self.global_,
            self.started_ns,
            planner,
        )

    def finish(self, *, whole: bool) -> None:
        """After the build: the summary gets what was built; with every case checked
        (``whole``) against the register, or no change of it since it was last trusted, the
        register as it is now is trusted."""
        for unit in self.manifest.saved:
            self.summary.update(unit, self.manifest.unit(unit))
            self.summary.changed.discard(unit)
        if self.summary.save():
            # what this build logged as changed, the summary now holds: a check that read the
            # log would re-read every unit file it wrote (11,929 after a first build)
            prune_changed_log(self.ws, self.manifest)
        if whole and self.rev and (self.clean is None or self.changed):
            record_clean(self.ws, self.rev, self.started_ns)  # vouches for the next build
        if (whole and self.register_checked) or self.register == _trusted_register(self.ws):
            now = register_sig(self.ws)
            if now != _trusted_register(self.ws):
                _trust_register(self.ws, now)


def _outputs_ok(out: str, data: dict[str, Any]) -> bool:
    """Whether every output is there as it was written (string paths: many thousands)."""
    stat = os.stat
    for key, entry in data["jobs"].items():
        if not isinstance(entry, list) or len(entry) != _JOB_LEN:
            return False
        try:
            st = stat(key if key[:1] == "/" or ":" in key[:3] else out + key)
        except OSError:
            return False
        if st.st_size != entry[1] or st.st_mtime_ns != entry[2] or st.st_ino != entry[3]:
            return False
    return True


def check(
    ws: Workspace, ids: Sequence[str] | None, *, traditional: bool, force: bool = False
) -> Check:
    """Which of ``ids`` (default: every case) must be planned for their documents (and their
    meetings') to be up to date; the others are ``fresh``. Reads no case file."""
    with nogc.paused():  # 10,000 folders' stats and the summary: many objects, no cycles
        return _check(ws, ids, traditional=traditional, force=force)


def _check(ws: Workspace, ids: Sequence[str] | None, *, traditional: bool, force: bool) -> Check:
    from xsk.workspace import git

    started = time.time_ns()
    # git runs on the other core while the manifest is read: HEAD (for the next clean point)
    # and what changed since the last one
    clean = None if force else read_clean(ws)
    head = git.start_head(ws.root) if ids is None else None
    changes = git.start_worktree_changes(ws.root, clean.rev, CASES_DIR) if clean else None
    manifest = UnitManifest(ws)
    summary = Summary(ws, manifest)
    keys = Keys(ws)
    gkeys = global_keys(ws)
    glob = None if _racy(gkeys, started) else global_sig(ws, traditional)
    register = register_sig(ws)
    result = Check(ws, manifest, summary, keys, glob, started, register, False)
    out_dir = str(ws.out_dir)
    outdirs: dict[str, list[int] | None] = {}
    if not force and glob is not None:  # the output folders' keys, while git still runs
        for unit in summary.units:
            outdirs[unit] = _dir_key(out_dir, unit, started)
    if head is not None:  # before any case folder is stat'ed
        lines = head.lines()
        result.rev = lines[0].strip() if lines else None
    if changes is not None and clean is not None:
        paths = changes.lines()
        if paths is not None and glob is not None:
            result.clean = clean
            result.changed = _case_ids_of(paths)
            keys.vouch(clean, result.changed, summary)
    if ids is None:  # every case folder with a case.toml (its key is taken here anyway)
        ids = [c for c in cindex._case_folders(keys.cases_dir) if keys.case_sig(c) is not None]
    result.ids = list(ids)
    if force or glob is None:
        result.to_plan = list(ids)
        result.register_checked = True
        return result
    out = os.path.join(out_dir, "")
    stale: set[str] = set()
    fresh: list[str] = []
    producers: dict[str, list[str]] = {}

    def unit_ok(unit: str, meta: dict[str, Any] | None, inputs: Any) -> bool:
        if meta is None or meta.get("global") != glob or meta.get("sig") is None:
            return False
        if meta["sig"] != inputs:
            return False
        here = outdirs[unit] if unit in outdirs else _dir_key(out_dir, unit, started)
        if here is not None and here == meta.get("dir"):
            return True  # no output added, removed or replaced in its folder
        data = manifest.unit(unit)
        if data is None or not _outputs_ok(out, data):
            return False
        meta["dir"] = here
        summary.dirty = True
        return True

    for cid in ids:
        meta = summary.meta(cid)
        links = [str(m) for m in meta["links"]] if meta else []
        if unit_ok(cid, meta, keys.case_inputs_sig(cid, links) if meta else None):
            fresh.append(cid)
            quick = keys.quick_of(cid, started)  # its files were stat'ed: vouch next time
            if quick is not None and meta is not None:
                had = meta.get("quick")
                if not isinstance(had, list) or had[:2] != quick[:2]:
                    meta["quick"] = quick
                    summary.dirty = True
            for mid in links:
                producers.setdefault(mid, []).append(cid)
        else:
            stale.add(cid)
    for mid, cases in producers.items():
        unit = MEETINGS_UNIT + mid
        meta = summary.meta(unit)
        links = [str(c) for c in meta["links"]] if meta else []
        if unit_ok(unit, meta, keys.meeting_inputs_sig(mid, links) if meta else None):
            fresh.append(unit)
        else:
            stale.add(cases[0])  # planning one case that refers to it plans the meeting
    if register != _trusted_register(ws):
        from xsk.workspace import docnumbers

        issued = docnumbers.lookup(ws)
        for unit in fresh:
            data = manifest.unit(unit)
            numbers = (data.get("numbers") if data else None) or {}
            if data is None or any(issued.get(k) != n for k, n in numbers.items()):
                if unit.startswith(MEETINGS_UNIT):
                    stale.add(producers[unit[len(MEETINGS_UNIT) :]][0])
                else:
                    stale.add(unit)
        result.register_checked = True
    result.to_plan = [cid for cid in ids if cid in stale]
    result.fresh = [u for u in fresh if u not in stale]
    return result


def record_plan(
    ws: Workspace,
    manifest: UnitManifest,
    keys: Keys,
    cases: Sequence[str],
    jobs: Sequence[Any],
    glob: str | None,
    started_ns: int,
    plan: Any,
) -> None:
    """Each of ``cases`` and each meeting they refer to was planned whole into ``jobs``."""
    by_unit: dict[str, list[Any]] = {}
    for job in jobs:
        by_unit.setdefault(unit_of(manifest.key(job.out_path)), []).append(job)
    meetings: dict[str, None] = {}
    for cid in cases:
        d = plan.gather(ws, cid)
        links = list(d.meeting_ids)
        meetings.update(dict.fromkeys(links))
        _record_unit(
            manifest,
            cid,
            by_unit.get(cid, []),
            keys.case_inputs(cid, links),
            links,
            glob,
            started_ns,
            plan._number_key,
            quick=keys.quick_of(cid, started_ns),
        )
    for mid in meetings:
        try:
            links = [str(c) for c in plan.load_meeting(ws, mid).get("cases", [])]
        except Exception:
            links = []  # a meeting that cannot be read has no documents until it is fixed
        unit = MEETINGS_UNIT + mid
        inputs = keys.meeting_inputs(mid, links)
        jobs_of = by_unit.get(unit, [])
        _record_unit(manifest, unit, jobs_of, inputs, links, glob, started_ns, plan._number_key)


def _record_unit(
    manifest: UnitManifest,
    unit: str,
    jobs: Sequence[Any],
    inputs: Sig,
    links: list[str],
    glob: str | None,
    started_ns: int,
    number_key: Any,
    *,
    quick: list[int] | None = None,
) -> None:
    numbers = {
        number_key(j): str(j.context["doc_number"]) for j in jobs if j.context.get("doc_number")
    }
    manifest.planned(
        unit,
        _Plan(
            sig=inputs[0],
            racy=inputs[1] >= started_ns - RACY_NS,
            global_=glob,
            links=links,
            keys={manifest.key(j.out_path) for j in jobs},
            numbers=numbers,
            quick=quick,
        ),
    )


# --- a build's temp files ----------------------------------------------------------------------


@contextlib.contextmanager
def building(ws: Workspace) -> Iterator[None]:
    """While documents render: a marker, so that the temp files a killed build left in out/
    are removed by the next build (and only then: a build does not walk out/ every time)."""
    marker = docs_dir(ws) / BUILDING_FILE
    if marker.exists() and not _alive(marker):
        from xsk.workspace.journal import remove_stray_temp_files

        for folder in (ws.out_dir, docs_dir(ws) / UNITS_DIR):
            if folder.is_dir():
                remove_stray_temp_files(folder)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(os.getpid()), encoding="utf-8")
        mine = True
    except OSError:
        mine = False
    try:
        yield
    finally:
        if mine:
            with contextlib.suppress(OSError):
                if marker.read_text(encoding="utf-8") == str(os.getpid()):
                    marker.unlink()


def _alive(marker: Path) -> bool:
    """Whether the build that wrote ``marker`` still runs (another build at the same time)."""
    try:
        pid = int(marker.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return False
    if pid == os.getpid() or os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
