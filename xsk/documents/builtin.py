"""Where the built-in templates are and which renderer version built a document: what a
no-change ``docs build`` needs without importing the renderer (jinja2, lxml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import xsk

# Bumped when a change to the renderer changes the bytes of documents built from the same
# inputs: every document is rebuilt once.
RENDERER_VERSION = "7"


def builtin_templates_dir() -> Path:
    """Directory holding the built-in document templates.

    An installed package keeps them in ``xsk/_templates/documents``; a source checkout keeps
    them in the top-level ``templates/documents``. The installed location wins.
    """
    installed = Path(xsk.__file__).resolve().parent / "_templates" / "documents"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates" / "documents"


@dataclass
class BuildResult:
    """What a build did: documents written, up to date (skipped), refused (open in Word/WPS
    or read-only)."""

    built: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)
