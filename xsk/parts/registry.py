"""The composite parts of a step's answers, in one table.

A question whose type is a *part* (a meeting, outcome items, progress updates, visits,
ratings) has an answer with structure of its own and files of its own. Each part is one
module ``xsk/parts/answer_<type>.py`` that owns its prompts (``ask``), how it is stored
(``save``), what it contributes to the documents (``context``) and, for a type the engine
does not know, its validation (``check``). The step
runner (``casework.steps``), the walk and the engine's context look parts up here instead of
switching on the question type. Adding a part: one new module and one line in ``_BUILTIN``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

# the built-in parts, one line each (modules are imported on first use)
_BUILTIN = (
    "xsk.parts.answer_meeting",
    "xsk.parts.answer_outcomes",
    "xsk.parts.answer_progress",
    "xsk.parts.answer_visits",
    "xsk.parts.answer_ratings",
)


@dataclass
class Saved:
    """What a part's ``save`` returns: the value case.toml keeps under the question's id."""

    stored: Any
    due_changed: bool = False  # the case's next deadline must be worked out again


@dataclass
class SaveJob:
    """Everything a part may need to store its answer inside the step's transaction."""

    ws: Any
    case: Any
    proc: Any
    step: Any
    question: Any
    answers: Mapping[str, Any]  # all validated answers of the step
    when: dt.datetime
    tx: Any  # journal.Transaction: track every file written outside the case folder
    case_dir: Path
    written: list[Path]  # append every file written
    meeting_ids: list[str]  # append the id of a meeting held or joined


@dataclass
class AskJob:
    """Everything a part's prompts may need."""

    ws: Any
    p: Any  # prompts.base.Prompter
    case: Any
    step: Any
    ctx: Any  # procedure.engine.Context
    draft: Any  # the answer kept in the step's draft, if any
    keep: Callable[[Any], None]  # keep a partial answer in the draft


@dataclass
class DocSource:
    """What a part's piece of a document context is made from (only what it needs is set)."""

    case: Any = None  # the case (core.model.Case)
    items: list[Any] = field(default_factory=list)  # outcome items (parts.outcomes.Outcome)
    events: list[Mapping[str, Any]] = field(default_factory=list)  # the case's events
    meeting: Mapping[str, Any] | None = None  # a meeting's file, for its documents
    rules: Mapping[str, Any] | None = None  # the workspace's vote rules


@dataclass(frozen=True)
class Part:
    type: str  # the question type in procedure files
    name: str  # its Chinese name
    save: Callable[[SaveJob, Any], Saved]
    ask: Callable[[AskJob], Any]
    # (raw, ctx, base_dir, vote rules) -> (value, problems); None: the engine validates it
    check: Callable[[Any, Any, Path | None, Any], tuple[Any, list[str]]] | None = None
    # what the part contributes to the context of the documents that show it (plain data)
    context: Callable[[DocSource], dict[str, Any]] | None = None


_added: dict[str, Part] = {}


@cache
def _builtin() -> dict[str, Part]:
    parts = [importlib.import_module(name).PART for name in _BUILTIN]
    return {p.type: p for p in parts}


def parts() -> dict[str, Part]:
    """Every part by question type."""
    return {**_builtin(), **_added}


def get(qtype: str) -> Part | None:
    """The part for a question type, or None for a plain question (text, date, choice ...)."""
    return _added.get(qtype) or _builtin().get(qtype)


def register(part: Part) -> None:
    """Add a part at run time (a plug-in, a test); the built-in ones are listed in ``_BUILTIN``."""
    from xsk.procedure import model

    model.add_question_type(part.type)
    _added[part.type] = part


def unregister(qtype: str) -> None:
    _added.pop(qtype, None)
