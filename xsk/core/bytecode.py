"""Compile xsk's own modules ahead of time.

Where writing bytecode on import is disabled (``PYTHONDONTWRITEBYTECODE``, common in managed
environments) an editable install recompiles every module on every start, which costs about
a third of ``xsk status``'s start-up. ``xsk init`` and ``xsk demo`` compile the package once;
Python still reads bytecode files that exist.
"""

from __future__ import annotations

import contextlib
from pathlib import Path


def warm() -> None:
    import compileall

    with contextlib.suppress(Exception):  # a read-only install simply stays as it is
        compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=2, workers=1)
