"""Error types and exit codes. Imports nothing from xsk.

Exit codes: 0 ok; 1 `check` found problems; 2 bad input or usage; 3 a missing external
tool; 130 interrupted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def one_line(text: str) -> str:
    """A message stays on one line and prints no control characters (a value typed into a
    file may hold a newline or an escape sequence)."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_TOOL = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One problem found in a file: printed as ``path:line: CODE message``."""

    path: str
    line: int
    code: str
    message: str
    field: str = ""

    def format(self) -> str:
        loc = f"{self.path}:{self.line}" if self.line else self.path
        return one_line(f"{loc}: {self.code} {self.message}")

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "field": self.field,
            "message": self.message,
        }


class XskError(Exception):
    """Base of every error shown to the user as one Chinese line."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def format(self) -> str:
        return one_line(f"{self.message}（{self.hint}）" if self.hint else self.message)


class UsageError(XskError):
    """Wrong arguments or options."""


class NotFoundError(XskError):
    """An id, file or workspace that does not exist."""


class WorkspaceError(XskError):
    """No workspace here, or one already exists."""


class DataError(XskError):
    """A file whose content is invalid; carries the problem with file and line."""

    def __init__(self, problem: Problem, *, hint: str = "") -> None:
        super().__init__(problem.format(), hint=hint)
        self.problem = problem


class AnswerError(XskError):
    """A missing or invalid answer for a step."""


class GuardError(XskError):
    """A step that may not start yet."""


class GitError(XskError):
    """git failed."""


class ToolMissingError(XskError):
    """An external program (git, LibreOffice) is not installed."""

    exit_code = EXIT_TOOL


class ProblemsFound(XskError):
    """`check` found problems."""

    exit_code = EXIT_PROBLEMS
