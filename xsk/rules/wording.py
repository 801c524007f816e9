"""How an office writes a line: sentences that end properly, people named once, no private
phone on a public page.

Pure string rules used by the document contexts and the renderer:

* :func:`sentence`: a paragraph or numbered item ends with 。 (or ？/！), never with ，or ；.
* :func:`join_broken_lines`: a line break typed mid-sentence (after ，；、) is not a paragraph.
* :func:`person_line`: ``王丽（红桥社区党委书记，主持人）`` — unit and post joined once, no
  nested brackets.
* :func:`drop_masked_phones`: "联系人电话138****5678。" has no place on a public notice (the
  community's own 监督电话 is printed instead).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_ENDS = "。？！?!…"
_CLOSERS = "”’」』"
_SOFT_ENDS = "，；,;、：: "

_BROKEN = re.compile(r"([，；、,;])[ \t\u3000]*\n[ \t\u3000]*")


def sentence(text: Any) -> str:
    """``text`` ending as a sentence: a trailing ，/；/、 becomes 。, a missing 。 is added.
    Empty text stays empty."""
    s = str(text or "").rstrip()
    if not s:
        return ""
    if s[-1] in _ENDS or (s[-1] in _CLOSERS and len(s) > 1 and s[-2] in _ENDS):
        return s
    return s.rstrip(_SOFT_ENDS) + "。"


def join_broken_lines(text: str) -> str:
    """Join lines broken after a comma, semicolon or 顿号: the break was typed mid-sentence."""
    return _BROKEN.sub(r"\1", text)


def _merge_unit_role(unit: str, role: str) -> str:
    """``柳南区政协`` + ``区政协委员`` -> ``柳南区政协委员``; a role naming its unit already
    stands alone."""
    if not unit:
        return role
    if not role:
        return unit
    if unit in role:
        return role
    for n in range(min(len(unit), len(role)) - 1, 1, -1):
        if unit.endswith(role[:n]):
            return unit + role[n:]
    return unit + role


_BRACKETED = re.compile(r"[（(]([^（）()]*)[）)]")
_ROLE_WORDS = {"主持": "主持人", "记录": "记录人"}


def person_line(attendee: Mapping[str, Any], *, host: str = "", recorder: str = "") -> str:
    """How minutes name a person: ``王丽（红桥社区党委书记，主持人）``.

    Unit and post are joined once (overlaps merged); a bracketed note in the role
    (``书记（主持）``) becomes a second item after a comma instead of a bracket in a bracket.
    """
    name = str(attendee.get("name", "")).strip()
    unit = str(attendee.get("unit", "") or "").strip()
    role = str(attendee.get("role", "") or "").strip()
    notes = [_ROLE_WORDS.get(n.strip(), n.strip()) for n in _BRACKETED.findall(role)]
    role = _BRACKETED.sub("", role).strip()
    parts = [p for p in (_merge_unit_role(unit, role),) if p]
    parts += [n for n in notes if n]
    if name and name == host and "主持人" not in parts:
        parts.append("主持人")
    if name and name == recorder and "记录人" not in parts:
        parts.append("记录人")
    return f"{name}（{'，'.join(parts)}）" if parts else name


_MASKED_PHONE = re.compile(
    r"[，,；;]?\s*(?:联系人|联系|本人|提出人)?(?:电话|手机|联系方式|号码)?[：:为]?\s*"
    r"(?:\+86\s*)?(?:1\d{2}\*{4}\d{4}|0\d{2,3}-?\*{4}\d{3}|\*{4}\d{3})"
)


def drop_masked_phones(text: str) -> str:
    """Remove masked private phones (and the words that introduce them) from public text."""
    out = _MASKED_PHONE.sub("", text)
    out = re.sub(r"([。！？])\s*。", r"\1", out)
    return out
