"""Procedures as data: steps, questions, guards and branches (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = (
    "text",  # one line
    "longtext",  # several lines
    "choice",  # one of choices
    "multichoice",  # several of choices
    "date",  # 2026-11-23
    "datetime",  # 2026-11-23 14:30
    "number",  # integer or decimal
    "yesno",  # true/false
    "person",  # a person from the roster (or a new name)
    "org",  # an organisation from the roster (or a new name)
    "records",  # repeated records, each with ``fields``
    "meeting",  # a meeting (new or joined): written to meetings/<id>.toml
    "outcomes",  # agreed items: written to the case's outcomes.toml
    "visits",  # follow-up visits: written as events
    "ratings",  # ratings of units by residents and participants (下评上): written as events
    "progress",  # progress on the case's outcome items (no, status, note)
    "publicity",  # a publicity period: start date + working days; the end is computed
)

_ADDED_TYPES: list[str] = []  # the types of composite parts registered at run time


def question_types() -> tuple[str, ...]:
    """Every question type a procedure may use: the built-in ones and any part added later."""
    return QUESTION_TYPES + tuple(_ADDED_TYPES)


def add_question_type(name: str) -> None:
    if name not in question_types():
        _ADDED_TYPES.append(name)


ACTIONS = ("close", "escalate", "goto", "wait", "vote", "next")

# Case fields a question may set (``field = "category"``).
CASE_FIELDS = ("category", "level", "description", "due")


@dataclass(frozen=True)
class Condition:
    question: str  # "id" in the same step, or "step.id"
    op: str  # equals | not_equals | in | answered | contains
    value: Any = None

    def test(self, value: Any) -> bool:
        if self.op == "contains":  # a list (of records) holding the value (in any field)
            return isinstance(value, (list, tuple)) and any(
                v == self.value or (isinstance(v, Mapping) and self.value in v.values())
                for v in value
            )
        if self.op == "answered":
            return value not in (None, "", [], {})
        if self.op == "equals":
            return value == self.value
        if self.op == "not_equals":
            return value != self.value
        if self.op == "in":
            return value in self.value
        return False


@dataclass(frozen=True)
class Question:
    id: str
    prompt: str
    type: str = "text"
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    choices_from: str = ""  # settings.not_deliberated | settings.categories | roster.people ...
    help: str = ""
    field: str = ""
    when: Condition | None = None
    fields: tuple[Question, ...] = ()
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Guard:
    kind: str  # after | answered | equals
    ref: str  # "step.question" or "case.wait_until"
    value: Any = None
    message: str = ""


EXIT_GUARD_KINDS = (
    "items_done",  # every outcome item 已办结, or 不具备实施条件 with a reason
    "items_started",  # no outcome item still 待办
    "visits_satisfied",  # no follow-up visit 不满意
)


@dataclass(frozen=True)
class ExitGuard:
    """A condition for leaving a step (``[[steps.exit_guards]]``), checked on the case as it
    will be after the step's answers. ``override`` names a question of the step whose answer
    (a reason, or 是) lets the case go on anyway; the answer is recorded. With ``closing``
    the guard applies only when the step would close the case."""

    kind: str
    override: str = ""
    closing: bool = False
    message: str = ""


@dataclass(frozen=True)
class Branch:
    id: str
    label: str
    action: str
    when: Condition | None = None
    target: str = ""  # goto/vote/escalate: the step to continue with
    result: str = ""  # close: result code for reports (out_of_scope, resolved ...)
    reason: str = ""  # close/escalate: the question whose answer explains why
    until: str = ""  # wait: the question holding the date
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    help: str = ""
    questions: tuple[Question, ...] = ()
    documents: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    branches: tuple[Branch, ...] = ()
    exit_guards: tuple[ExitGuard, ...] = ()
    final: bool = False  # completing this step closes the case as resolved
    only_via_branch: bool = False  # skipped in order; entered only by a branch (e.g. a vote)

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


@dataclass(frozen=True)
class Procedure:
    id: str
    name: str
    summary: str = ""
    origin: str = ""
    steps: tuple[Step, ...] = ()
    path: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    def step(self, sid: str) -> Step | None:
        return next((s for s in self.steps if s.id == sid), None)

    def index(self, sid: str) -> int:
        for i, s in enumerate(self.steps):
            if s.id == sid:
                return i
        return -1

    @property
    def first(self) -> Step:
        return self.steps[0]
