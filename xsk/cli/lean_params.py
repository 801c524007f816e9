"""typer's parameter coercion without pydantic for the values that need no conversion.

typer 0.29 builds a pydantic ``TypeAdapter`` for every parameter that is not a flag before it
looks at the value, so any command with a text option imported pydantic: about a quarter of a
second of every ``xsk new``, ``xsk step`` or ``xsk event``. Here a value that needs nothing (an
option not given, a text for a text parameter) passes straight through, exactly as typer's
adapter would return it; every other value (a number, a path, a choice, a list) goes to typer's
own coercion, built the first time it is needed. Like :mod:`xsk.cli.zh` this sets attributes
typer has already imported; with a typer that lacks them nothing is changed.
"""

from __future__ import annotations

import types
import typing
from typing import Any

_MARK = "_xsk_lean"


def install() -> None:
    try:
        import typer.core as tcore
    except ImportError:  # pragma: no cover - typer is a dependency
        return
    real = getattr(tcore, "build_runtime_param", None)
    if real is None or getattr(real, _MARK, False):
        return

    def lean(descriptor: Any) -> Any:
        return _Lean(descriptor, real)

    setattr(lean, _MARK, True)
    tcore.build_runtime_param = lean


def _is_text(descriptor: Any) -> bool:
    """A plain ``str`` (or ``str | None``) parameter: typer's adapter returns a text as is."""
    if getattr(descriptor, "file_annotation", None) is not None:
        return False
    annotation = getattr(descriptor, "annotation", None)
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation)) == {str, type(None)}
    return False


class _Lean:
    """Quacks as typer's ``RuntimeParam``: only ``coerce`` is called on it."""

    __slots__ = ("_build", "_descriptor", "_real", "_text")

    def __init__(self, descriptor: Any, build: Any) -> None:
        self._descriptor = descriptor
        self._build = build
        self._real: Any = None
        self._text = _is_text(descriptor)

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = bool(getattr(param, "multiple", False)) or getattr(param, "nargs", 1) == -1
        if value is None:  # as typer's RuntimeParam.coerce
            return () if many else None
        if self._text and not many and isinstance(value, str):
            return value
        if self._real is None:
            self._real = self._build(self._descriptor)
        return self._real.coerce(value, param=param, ctx=ctx)
