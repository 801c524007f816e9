"""The public view of cases: what a public document (notice, result notice) may show.

A public document's template context is made by :meth:`PublicView.context`, which copies the
context tree and scrubs every string in it (:mod:`xsk.rules.scrub`): free text, titles, venues,
names, lists, whatever a template could show. Only a few keys that xsk fills itself are kept
as they are (:data:`SAFE_KEYS`: the document title, the issuing body, the community, case
ids). So a field added to a context later is scrubbed too, without anyone having to remember
it. Fields that hold a person's name (:data:`NAME_KEYS`) are masked as a name unless the
roster marks the person official or consenting.

The workspace part of the scrubber (the roster's allowed and private names, its phones, the
office's public phone) is built once per run and roster version; each case adds its own
proposers and meeting attendees cheaply (:meth:`xsk.rules.scrub.Scrubber.extend`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from xsk.core.model import Case
from xsk.rules.scrub import Scrubber
from xsk.rules.wording import drop_masked_phones
from xsk.workspace.settings import ROSTER_FILE, SETTINGS_FILE, Workspace

# keys whose values xsk makes itself and that are never private
SAFE_KEYS = frozenset({"doc_title", "issuer", "community", "case_ids", "case_id", "no", "days"})
# keys whose values are a person's name
NAME_KEYS = frozenset(
    {"host", "speaker", "recorder", "name", "visitor", "proposer", "by", "chair", "contact_name"}
)
RESIDENT_MARKS = ("居民", "村民", "业主", "股东", "楼长", "单元长", "住户", "租户")


class PublicContext(dict):
    """A template context made by :meth:`PublicView.context` (the only way public documents
    get one)."""


def is_resident(attendee: Mapping[str, Any]) -> bool:
    """An attendee who takes part as a resident (no unit, or a resident's role)."""
    text = f"{attendee.get('subject_type', '')}{attendee.get('role', '')}"
    return not attendee.get("unit") or any(m in text for m in RESIDENT_MARKS)


_CACHE: dict[tuple[Any, ...], Scrubber] = {}


def _stamp(ws: Workspace) -> tuple[Any, ...]:
    out: list[Any] = [str(ws.root)]
    for name in (ROSTER_FILE, SETTINGS_FILE):
        try:
            st = (ws.root / name).stat()
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def workspace_scrubber(ws: Workspace) -> Scrubber:
    """The scrubber of ``ws``: roster officials, consenting people and organisations stay;
    the roster's other people are masked wherever their names occur; the roster's phones are
    private; the office's phone may appear. Built once per roster and settings version."""
    from xsk.rules import names_cache

    names_cache.use_cache(ws.state_dir / "names-cache.json")  # jieba loaded only for new texts
    key = _stamp(ws)
    found = _CACHE.get(key)
    if found is not None:
        return found
    s = ws.settings
    roster = list(ws.roster)
    allowed_names = {e.name for e in roster if e.public_name}
    if s.facilitator:
        allowed_names.add(s.facilitator)
    residents = {e.name: e.gender for e in roster if e.kind == "person" and not e.public_name}
    protect = {s.community, s.issuing_body, s.street, s.district}
    protect |= {e.unit for e in roster if e.unit}
    scrubber = Scrubber(
        allowed_names=allowed_names,
        residents=residents,
        known_private=[e.phone for e in roster if e.phone and e.kind == "person"],
        allowed=[s.office_contact] if s.office_contact else [],
        protect=protect,
    )
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[key] = scrubber
    return scrubber


def case_people(
    cases: Iterable[Case],
    attendees: Iterable[Mapping[str, Any]] = (),
    allowed_names: Iterable[str] = (),
) -> tuple[set[str], dict[str, str], list[str]]:
    """Allowed names, residents (name -> gender) and private strings of some cases and
    meeting attendees. A name the roster allows (``allowed_names``: officials, consenting
    people) is never a resident's."""
    roster_allowed = set(allowed_names)
    allowed: set[str] = set()
    residents: dict[str, str] = {}
    known: list[str] = []
    for case in cases:
        for p in case.proposers:
            if p.public:
                allowed.add(p.name)
            elif p.name and p.name not in roster_allowed:
                residents[p.name] = p.gender
            known.extend(v for v in (p.phone, p.id_number, p.address) if v)
    for a in attendees:
        name = str(a.get("name", ""))
        if name and is_resident(a) and name not in roster_allowed and name not in allowed:
            residents.setdefault(name, str(a.get("gender", "")))
    return allowed, residents, known


class PublicView:
    """Masks residents and scrubs free text for the public documents of some cases."""

    def __init__(
        self,
        ws: Workspace,
        cases: Iterable[Case],
        attendees: Iterable[Mapping[str, Any]] | None = None,
    ) -> None:
        base = workspace_scrubber(ws)
        cases = list(cases)
        if attendees is None:
            attendees = meeting_attendees(ws, cases)
        allowed, residents, known = case_people(cases, attendees, base.allowed_names)
        self.scrubber = base.extend(allowed_names=allowed, residents=residents, known_private=known)
        self.allowed = [ws.settings.office_contact] if ws.settings.office_contact else []

    @property
    def known_private(self) -> list[str]:
        """The private strings the renderer checks the document for (phones, IDs, addresses
        and residents' names)."""
        return sorted({*self.scrubber.known.values(), *self.scrubber.residents})

    def spec(self) -> dict[str, Any]:
        """What the renderer needs to scan the finished document with the same scrubber
        (plain data, for worker processes)."""
        s = self.scrubber
        return {
            "allowed_names": sorted(s.allowed_names),
            "residents": dict(sorted(s.residents.items())),
            "protect": sorted(s.protect),
        }

    def text(self, text: str) -> str:
        # a resident's masked phone reads badly on a board: the notice gives the community's
        # own 监督电话 instead
        return drop_masked_phones(self.scrubber.scrub(text))

    def name(self, name: str) -> str:
        return self.scrubber.name(name)

    def context(self, ctx: Mapping[str, Any]) -> PublicContext:
        """A copy of ``ctx`` with every string scrubbed (names in name fields masked)."""
        return PublicContext(self._value(ctx, ""))

    def _value(self, value: Any, key: str) -> Any:
        if isinstance(value, str):
            if key in SAFE_KEYS:
                return value
            return self.scrubber.name(value) if key in NAME_KEYS else self.text(value)
        if isinstance(value, Mapping):
            return {k: self._value(v, str(k)) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._value(v, key) for v in value]
        return value


def meeting_attendees(ws: Workspace, cases: Iterable[Case]) -> list[Mapping[str, Any]]:
    """The attendees of every meeting that discussed one of ``cases``."""
    from xsk.parts import meetings

    out: list[Mapping[str, Any]] = []
    for mid in sorted({m for c in cases for m in meetings.case_meeting_ids(c.answers)}):
        try:
            out.extend(meetings.load(ws.meetings_dir, mid, ws.root).get("attendees", []))
        except Exception:
            continue
    return out


def field_of(ctx: Any, needle: str, path: str = "") -> str:
    """The key path (``meeting.topics[0].summary``) of the first string in ``ctx`` that holds
    ``needle``, or ``""``."""
    if isinstance(ctx, str):
        return path if needle and needle in ctx else ""
    if isinstance(ctx, Mapping):
        for k, v in ctx.items():
            found = field_of(v, needle, f"{path}.{k}" if path else str(k))
            if found:
                return found
    elif isinstance(ctx, (list, tuple)):
        for i, v in enumerate(ctx):
            found = field_of(v, needle, f"{path}[{i}]")
            if found:
                return found
    return ""
