"""The typer app: parse options, pick a prompter, call the core, print. Nothing else.

Heavy modules (questionary, python-docx, openpyxl, matplotlib) are imported inside the
commands that need them, never at module level, so ``--help`` and ``status`` start fast.
The commands live in one module per group; importing them here registers them on the app,
in the order ``--help`` lists them.
"""

from __future__ import annotations

# isort: off
# the order of these imports is the order of the commands in ``xsk --help``
from xsk.cli import cases, people, steps, lifecycle, calendar, meetings, docs, walk, street  # noqa: F401

# isort: on
from xsk.cli.common import _subcommand, _ws, app, command
from xsk.cli.reports import register as _register_reports

__all__ = ["_subcommand", "_ws", "app", "command"]

_register_reports(app)
