"""``xsk step --dry-run --all``: the whole chain of steps, run for real in a scratch clone.

Each step's answers are checked against the case as the steps before it left it (its meeting,
its outcomes, its new step), so the only faithful rehearsal is to run them. The clone shares
the workspace's objects (``git clone --shared``), gets the workspace's uncommitted files and
its numbering series; :func:`xsk.actions.stepfile.run_file` runs the steps there without
documents, and the clone is deleted. The workspace itself is never written and its lock never taken.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from xsk.workspace import git as vcs
from xsk.workspace import numbering
from xsk.workspace import settings as wsmod
from xsk.workspace.settings import Workspace


@contextlib.contextmanager
def scratch_clone(ws: Workspace) -> Iterator[Workspace]:
    """A throw-away copy of ``ws`` to run steps in (deleted afterwards)."""
    scratch = Path(tempfile.mkdtemp(prefix="xsk-rehearsal-"))
    try:
        yield _clone(ws, scratch / "ws")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _clone(ws: Workspace, target: Path) -> Workspace:
    vcs.run_git(["clone", "-q", "--shared", "--no-checkout", str(ws.root), str(target)], ws.root)
    if vcs.has_commits(ws.root):
        head = vcs.head(ws.root) or "HEAD"
        vcs.run_git(["checkout", "-q", "-B", vcs.current_branch(ws.root), head], target)
    for rel in vcs.dirty_paths(ws.root):  # what the facilitator changed and did not commit
        src, dst = ws.root / rel, target / rel
        if rel.startswith((wsmod.STATE_DIR, str(ws.settings.output_dir))):
            continue
        if src.is_dir():
            shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
        elif src.is_file():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        elif dst.exists():  # deleted in the workspace
            dst.unlink()
    letter = numbering.series(ws.root)
    if letter is not None:
        vcs.config_set_local(target, numbering.CONFIG_KEY, letter or numbering.PRIMARY)
    for key in ("user.name", "user.email"):
        if value := vcs.config_get(ws.root, key):
            vcs.config_set_local(target, key, value)
    return wsmod.load(target)
