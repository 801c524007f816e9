"""The one interface through which xsk asks the facilitator anything.

``TerminalPrompter`` (questionary, in ``prompts/tty.py``) asks on a terminal;
``ScriptedPrompter`` answers from a list (tests); ``NoInputPrompter`` never asks: it returns the
default or reports the missing value as a usage error (exit 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from xsk.core.errors import UsageError

Validator = Callable[[str], str | None]  # returns an error message, or None when valid


class PartialText(KeyboardInterrupt):
    """Ctrl-C while typing a text: a KeyboardInterrupt that carries what was typed, so the walk
    keeps it in the draft (a long description is not lost)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Prompter(Protocol):
    interactive: bool

    def text(
        self,
        message: str,
        *,
        default: str = "",
        validate: Validator | None = None,
        multiline: bool = False,
        instruction: str = "",
    ) -> str: ...

    def select(
        self, message: str, choices: Sequence[str], *, default: str | None = None
    ) -> str: ...

    def checkbox(
        self, message: str, choices: Sequence[str], *, default: Iterable[str] = ()
    ) -> list[str]: ...

    def confirm(self, message: str, *, default: bool = True) -> bool: ...

    def say(self, message: str) -> None: ...


class NoInputPrompter:
    """Used with --no-input or without a terminal: defaults only, else exit 2."""

    interactive = False

    def _missing(self, message: str) -> UsageError:
        return UsageError(f"缺少必需的值：{message}", hint="非交互模式下请用选项或答案文件提供")

    def text(self, message: str, *, default: str = "", validate=None, **_: Any) -> str:
        if default:
            return default
        raise self._missing(message)

    def select(self, message: str, choices: Sequence[str], *, default: str | None = None) -> str:
        if default is not None:
            return default
        raise self._missing(message)

    def checkbox(self, message: str, choices: Sequence[str], *, default=()) -> list[str]:
        return list(default)

    def confirm(self, message: str, *, default: bool = True) -> bool:
        return default

    def say(self, message: str) -> None:
        pass


class ScriptedPrompter:
    """Answers from a list, in order; for tests. Each answer is validated like typed input."""

    interactive = True

    def __init__(self, answers: Iterable[Any]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.said: list[str] = []
        self.errors: list[str] = []

    def _next(self, message: str) -> Any:
        self.asked.append(message)
        if not self.answers:
            raise AssertionError(f"no scripted answer left for: {message}")
        value = self.answers.pop(0)
        if isinstance(value, BaseException):
            raise value
        return value

    def text(self, message: str, *, default: str = "", validate=None, **_: Any) -> str:
        while True:
            value = self._next(message)
            value = default if value is None else str(value)
            err = validate(value) if validate else None
            if not err:
                return value
            self.errors.append(err)

    def select(self, message: str, choices: Sequence[str], *, default: str | None = None) -> str:
        value = self._next(message)
        value = default if value is None else value
        if value not in choices:
            raise AssertionError(f"{value!r} not among {choices}")
        return value

    def checkbox(self, message: str, choices: Sequence[str], *, default=()) -> list[str]:
        value = self._next(message)
        return list(default) if value is None else list(value)

    def confirm(self, message: str, *, default: bool = True) -> bool:
        value = self._next(message)
        return default if value is None else bool(value)

    def say(self, message: str) -> None:
        self.said.append(message)
