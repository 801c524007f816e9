"""A commit of named files built from HEAD's trees: the index is written once, not twice.

``git add`` + ``git commit`` read and write the whole index (54,000 entries, 6.6 MB at
10,000 cases) twice, and ``git commit`` first ``lstat``s every tracked file. The files a
command wrote are known, so the commit can be made from HEAD instead: ``update-index`` stages
them (the one write of the index), ``ls-files -s`` reads back the mode and blob git staged,
the trees on their way to the top are listed from HEAD (``ls-tree``, one folder each),
changed and written back (``mktree``, deepest first), and the new top tree is committed with
a compare-and-swap of HEAD (:func:`xsk.workspace.git.commit_tree`). A file git is told to
leave alone (skip-worktree, assume-unchanged) or a new file .gitignore excludes goes to
``git add``, which refuses or skips it as before. Anything else a person staged stays staged
and out of the commit, as with ``git commit -- PATHS``. This module runs no process itself:
it is given :func:`xsk.workspace.git.run_git`, the one way xsk runs git.

:func:`commit_files` returns None where this does not apply (no commit yet, a merge, revert or
cherry-pick in progress, a folder, a symbolic link, a path git would have to turn from a file
into a folder or back): the caller then commits with ``git add`` and ``git commit``.
"""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

TREE = "040000"
# (mode, type, object id) of one entry of a tree
Entry = tuple[str, str, str]
# how git is run (xsk.workspace.git.run_git: this module sits below it and runs no process)
Run = Callable[..., subprocess.CompletedProcess[str]]


def posix(rel: str) -> str:
    """A relative path as git prints it (``/``, no ``./``)."""
    path = rel.replace(os.sep, "/") if os.sep != "/" else rel
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/") or "."


def joined(prefix: str, rel: str) -> str:
    """``rel`` (relative to a folder ``prefix`` below the top of the repository) from the top."""
    path = posix(rel)
    if path == ".":
        return prefix.rstrip("/") or "."
    return prefix + path


def plain_head(run_git: Run, root: Path) -> tuple[str, str] | None:
    """(``root``'s folder below the top of the repository, HEAD's commit) when a plain commit
    on top of HEAD is what ``git commit`` would make; None on an unborn branch or while a
    merge, cherry-pick or revert is in progress (its commit has other parents)."""
    heads = run_git(
        ["rev-parse", "--show-prefix", "--absolute-git-dir", "--verify", "-q", "HEAD^{commit}"],
        root,
        check=False,
    )
    lines = heads.stdout.split("\n")
    if heads.returncode or len(lines) < 3 or not lines[2]:
        return None  # an unborn branch
    prefix, git_dir, head = lines[0], Path(lines[1]), lines[2]
    if any((git_dir / n).exists() for n in ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD")):
        return None
    return prefix, head


def commit_files(
    root: Path,
    rel: Sequence[str],
    *,
    run: Run,
    check_names: Callable[[list[str]], None],
    finish: Callable[[str, str], None],
) -> bool | None:
    """Commit the files ``rel`` (relative to ``root``; a missing one is deleted) on top of
    HEAD: ``check_names`` sees the names being added (relative to ``root``) before anything
    is staged, ``finish(tree, head)`` makes the commit. True when committed, False when
    nothing changed, None when not applicable.

    What is committed is read back from the index after ``update-index`` (mode and blob as
    git staged them: its filters ran once, ``core.fileMode`` and a staged ``chmod`` as git
    sees them), so the commit and the index agree by construction."""
    run_git = run
    state = plain_head(run_git, root)
    if state is None:
        return None
    prefix, head = state
    present: list[str] = []  # full names of files that exist
    gone: list[str] = []  # full names of files to delete
    for r in dict.fromkeys(rel):
        full = joined(prefix, r)
        if full == "." or "\n" in full or "\r" in full or full.endswith("/"):
            return None
        try:
            st = os.lstat(os.path.join(root, r))
        except FileNotFoundError:
            gone.append(full)
            continue
        if not stat.S_ISREG(st.st_mode):
            return None  # a folder or a link: git add decides
        present.append(full)
    trees = _listings(run_git, root, head, present + gone)
    if trees is None:
        return None
    new: list[str] = []
    for full in present + gone:
        folder, name = _split(full)
        old = trees[folder].get(name)
        if old is not None and old[1] != "blob":
            return None  # a folder in HEAD becomes a file, or is named as one
        if old is None and full in present:
            new.append(full)
    if not _plain_entries(run_git, root, rel) or _ignored(run_git, root, prefix, new):
        return None  # git add says what it says about these (and leaves the index alone)
    check_names([full[len(prefix) :] for full in present])
    run_git(["update-index", "--add", "--remove", "--", *rel], root)
    staged = _staged(run_git, root, rel, prefix)
    if staged is None or set(staged) != set(present):
        return None
    changed = False
    for full in present:
        folder, name = _split(full)
        if trees[folder].get(name) != staged[full]:
            trees[folder][name] = staged[full]
            changed = True
    for full in gone:
        folder, name = _split(full)
        if trees[folder].pop(name, None) is not None:
            changed = True
    if not changed:
        return False
    top = _write_trees(run_git, root, trees)
    if top is None:
        return None
    finish(top, head)
    return True


# pathspecs taken as plain names (a folder called ``:c`` is not "magic")
LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}


def _plain_entries(run_git: Run, root: Path, rel: Sequence[str]) -> bool:
    """No entry of ``rel`` is marked skip-worktree or assume-unchanged (``update-index``
    would drop the first and skip the second; ``git add`` refuses or skips them)."""
    out = run_git(["ls-files", "-v", "-z", "--", *rel], root, env=LITERAL).stdout
    return all(e[:1] in ("H", "") for e in out.split("\0"))


def _ignored(run_git: Run, root: Path, prefix: str, new: Sequence[str]) -> bool:
    """Whether a file not yet tracked is one that .gitignore excludes (``git add`` refuses
    it: xsk never commits what the workspace ignores, such as ``out/`` and ``.xsk/``)."""
    if not new:
        return False
    # check-ignore knows no literal pathspecs: "./" keeps a leading ":" from being magic
    names = ["./" + full[len(prefix) :] for full in new]
    found = run_git(["check-ignore", "--", *names], root, check=False)
    return found.returncode != 1  # 1: none is ignored (0: some are; else: let git add say)


def _staged(run_git: Run, root: Path, rel: Sequence[str], prefix: str) -> dict[str, Entry] | None:
    """(mode, "blob", id) of each of ``rel`` in the index, by full name; None when one is
    unmerged or its name does not come back as it went in."""
    out = run_git(["ls-files", "-s", "-z", "--full-name", "--", *rel], root, env=LITERAL).stdout
    staged: dict[str, Entry] = {}
    for record in out.split("\0"):
        if not record:
            continue
        meta, _tab, name = record.partition("\t")
        mode, oid, stage = meta.split(" ")
        if stage != "0" or "\n" in name or "\ufffd" in name:
            return None
        staged[name] = (mode, "blob", oid)
    return staged


def _split(full: str) -> tuple[str, str]:
    folder, _sep, name = full.rpartition("/")
    return folder, name


def _listings(
    run_git: Run, root: Path, head: str, names: Sequence[str]
) -> dict[str, dict[str, Entry]] | None:
    """HEAD's entries of every folder from the top down to each of ``names``; None when one
    of those folders is a file in HEAD."""
    folders: set[str] = {""}
    for full in names:
        folder = _split(full)[0]
        while folder:
            folders.add(folder)
            folder = _split(folder)[0]
    trees: dict[str, dict[str, Entry]] = {}
    for folder in sorted(folders):
        spec = ["--", folder + "/"] if folder else []
        out = run_git(["ls-tree", "-z", "--full-tree", head, *spec], root, env=LITERAL).stdout
        entries: dict[str, Entry] = {}
        for record in out.split("\0"):
            if not record:
                continue
            meta, _tab, name = record.partition("\t")
            if "\n" in name or "\ufffd" in name:
                return None  # \r read as \n, or not UTF-8: it would not go back as it came
            mode, kind, oid = meta.split(" ")
            entries[_split(name)[1]] = (mode, kind, oid)
        trees[folder] = entries
    for folder in folders - {""}:
        parent, name = _split(folder)
        entry = trees[parent].get(name)
        if entry is not None and entry[1] != "tree":
            return None  # a file in HEAD becomes a folder
    return trees


def _write_trees(run_git: Run, root: Path, trees: dict[str, dict[str, Entry]]) -> str | None:
    """Write the folders deepest first, each into its parent (an empty one is dropped, as
    git drops it); the top tree's id."""
    for folder in sorted(trees, key=lambda f: f.count("/") + bool(f), reverse=True):
        entries = trees[folder]
        if folder:
            parent, name = _split(folder)
            if not entries:
                trees[parent].pop(name, None)
                continue
        text = "".join(f"{m} {k} {o}\t{n}\0" for n, (m, k, o) in entries.items())
        oid = run_git(["mktree", "-z"], root, input=text).stdout.strip()
        if not oid:
            return None
        if not folder:
            return oid
        trees[parent][name] = (TREE, "tree", oid)
    return None
