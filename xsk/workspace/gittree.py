"""A commit of named files built from HEAD's trees: the index is read and written once.

``git add`` + ``git commit`` read and write the whole index (54,000 entries, 6.6 MB at
10,000 cases) twice, and ``git commit`` first ``lstat``s every tracked file. The files a
command wrote are known, so the commit can be made from HEAD instead: ``update-index`` stages
them (the one read and write of the index), ``hash-object`` gives their blob ids, the trees on
their way to the top are listed from HEAD (``ls-tree``, one folder each), changed and written
back (``mktree``, deepest first), and the new top tree is committed with a compare-and-swap of
HEAD (:func:`xsk.workspace.git.commit_tree`). Anything else a person staged stays staged
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
    filemode: bool,
    run: Run,
    check_names: Callable[[list[str]], None],
    finish: Callable[[str, str], None],
) -> bool | None:
    """Commit the files ``rel`` (relative to ``root``; a missing one is deleted) on top of
    HEAD: ``check_names`` sees the names being added (relative to ``root``) before anything
    is staged, ``finish(tree, head)`` makes the commit. True when committed, False when
    nothing changed, None when not applicable."""
    run_git = run
    state = plain_head(run_git, root)
    if state is None:
        return None
    prefix, head = state
    present: list[tuple[str, str, str]] = []  # (rel, full name, mode)
    gone: list[str] = []  # full names
    for r in dict.fromkeys(rel):
        full = joined(prefix, r)
        if full == "." or "\n" in full or full.endswith("/"):
            return None
        try:
            st = os.lstat(os.path.join(root, r))
        except FileNotFoundError:
            gone.append(full)
            continue
        if not stat.S_ISREG(st.st_mode):
            return None  # a folder or a link: git add decides
        executable = filemode and bool(st.st_mode & stat.S_IXUSR)
        present.append((r, full, "100755" if executable else "100644"))
    trees = _listings(run_git, root, head, [f for _r, f, _m in present] + gone)
    if trees is None:
        return None
    for full in [f for _r, f, _m in present] + gone:
        folder, name = _split(full)
        old = trees[folder].get(name)
        if old is not None and old[1] != "blob":
            return None  # a folder in HEAD becomes a file, or is named as one
    check_names([full[len(prefix) :] for _r, full, _m in present])
    run_git(["update-index", "--add", "--remove", "--", *rel], root)
    blobs: list[str] = []
    if present:
        hashed = run_git(["hash-object", "--", *(r for r, _f, _m in present)], root)
        blobs = hashed.stdout.split()
        if len(blobs) != len(present):
            return None
    changed = False
    for (_r, full, mode), blob in zip(present, blobs, strict=True):
        folder, name = _split(full)
        old = trees[folder].get(name)
        if not filemode and old is not None:
            mode = old[0]  # as update-index keeps the mode where the file system has none
        if old != (mode, "blob", blob):
            trees[folder][name] = (mode, "blob", blob)
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
        out = run_git(["ls-tree", "-z", "--full-tree", head, *spec], root).stdout
        entries: dict[str, Entry] = {}
        for record in out.split("\0"):
            if not record:
                continue
            meta, _tab, name = record.partition("\t")
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
