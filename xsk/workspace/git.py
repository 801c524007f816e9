"""git, called with argument lists through one function. Nothing else runs git."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from xsk.core.errors import GitError, ToolMissingError, UsageError
from xsk.core.winpath import path_problem
from xsk.workspace import gittree
from xsk.workspace.gittree import joined as _joined

INSTALL_HINT = (
    "请先安装 git：Windows 从 https://git-scm.com/download/win 下载 Git for Windows"
    "（安装时选“Git from the command line and also from 3rd-party software”）；"
    "Linux 用 apt-get install git"
)


def find_git() -> str | None:
    """``git`` (``git.exe``) on PATH, else where Git for Windows installs itself."""
    found = shutil.which("git")
    if found or sys.platform != "win32":
        return found
    for key in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
        base = os.environ.get(key)
        sub = ("Programs", "Git") if key == "LOCALAPPDATA" else ("Git",)
        candidate = Path(base, *sub, "cmd", "git.exe") if base else None
        if candidate is not None and candidate.is_file():
            return str(candidate)
    return None


# when the first git this process killed (Ctrl-C during subprocess.run) started: its lock files
# (index.lock …) are ours to clear when the interrupted change is rolled back
killed_since: float | None = None


def take_killed_since() -> float | None:
    """When a git this process killed started, once (see :data:`killed_since`)."""
    global killed_since
    since, killed_since = killed_since, None
    return since


def run_git(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``git ARGS`` in ``cwd``; a failure becomes a GitError with git's own message.

    ``timeout`` (seconds) bounds commands that talk to a server (a hung remote is a GitError).
    ``input`` is given to git on its standard input (else it reads nothing).
    """
    git = find_git()
    if git is None:
        raise ToolMissingError("未找到 git", hint=INSTALL_HINT)
    full_env = dict(os.environ)
    full_env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
    if env:
        full_env.update(env)
    started = time.time()
    try:
        proc = subprocess.run(
            [git, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=full_env,
            stdin=subprocess.DEVNULL if input is None else None,
            input=input,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} 超时（{timeout:g} 秒内没有完成）") from None
    except BaseException:  # Ctrl-C: subprocess.run kills the git it waited for
        global killed_since
        killed_since = min(killed_since or started, started)
        raise
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} 失败：{reason(detail, proc.returncode)}")
    return proc


# git's messages (LC_ALL=C) that xsk says in Chinese; anything else is quoted as git's own
_REASONS = (
    (r"Unable to create '([^']+\.lock)': File exists",
     "另一个 git 进程可能仍在运行（锁文件 {0} 存在）；若确定没有 git 在运行，删除该文件后重试"),
    (r"not a git repository", "这里不是 git 仓库"),
    (r"Could not resolve host: (\S+)", "无法连接服务器 {0}（请检查网络）"),
    (r"Authentication failed|could not read Username|Permission denied \(publickey",
     "远程仓库拒绝了登录（请检查账号或密钥）"),
    (r"does not appear to be a git repository|repository '[^']*' (not found|does not exist)",
     "找不到远程仓库（请检查地址）"),
    (r"Connection refused", "无法连接服务器（连接被拒绝：服务器没有开启，或地址、端口不对）"),
    (r"[Tt]imed out|Connection timed out", "连接服务器超时（请检查网络）"),
    (r"\[rejected\]|non-fast-forward|fetch first", "远程仓库有本机没有的提交，请先 xsk sync"),
    (r"No space left on device", "磁盘空间不足"),
    (r"Permission denied", "没有权限写入（请检查文件夹权限）"),
    (r"Could not read from remote repository", "无法读取远程仓库（请检查地址、网络和访问权限）"),
)  # fmt: skip


def reason(lines: Sequence[str], code: int) -> str:
    """git's reason for a failure, in Chinese where xsk knows it, else quoted as git's own."""
    import re

    text = "\n".join(lines)
    for pattern, said in _REASONS:
        m = re.search(pattern, text)
        if m:
            return said.format(*m.groups())
    return f"git 返回（英文原文）：{lines[-1]}" if lines else f"退出码 {code}"


def toplevel(path: Path) -> Path | None:
    proc = run_git(["rev-parse", "--show-toplevel"], path, check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 else None


def init(path: Path) -> None:
    run_git(["init", "-q", "-b", "main"], path)


def config_get(root: Path, key: str) -> str | None:
    proc = run_git(["config", "--get", key], root, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def config_set_local(root: Path, key: str, value: str) -> None:
    run_git(["config", "--local", key, value], root)


# the settings a commit depends on, read in one ``git config`` call
_COMMIT_KEYS = r"^(user\.name|user\.email|commit\.gpgsign)$"


def _commit_config(root: Path) -> dict[str, str]:
    """user.name, user.email and commit.gpgsign as git sees them here (lower-case keys; a
    key written without a value maps to "")."""
    proc = run_git(["config", "-z", "--get-regexp", _COMMIT_KEYS], root, check=False)
    found: dict[str, str] = {}
    for entry in proc.stdout.split("\0"):
        if entry:
            key, _sep, value = entry.partition("\n")
            found[key.lower()] = value
    return found


def _identity_env(
    root: Path, fallback_name: str, config: dict[str, str] | None = None
) -> dict[str, str]:
    """Author from git config, else the facilitator named in xsk.toml."""
    config = _commit_config(root) if config is None else config
    env: dict[str, str] = {}
    if not config.get("user.name"):
        name = fallback_name or "xsk"
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = name
    if not config.get("user.email"):
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = "xsk@localhost"
    return env


def _signs(config: dict[str, str]) -> bool:
    """Whether ``commit.gpgSign`` asks for signed commits (only ``git commit`` signs them);
    read as git reads a boolean (a key written without a value is true)."""
    value = config.get("commit.gpgsign")
    return value is not None and value.strip().lower() in ("", "true", "yes", "on", "1")


def commit(
    root: Path,
    paths: Sequence[Path],
    message: str,
    *,
    fallback_name: str = "",
    date: str | None = None,
) -> bool:
    """Stage exactly ``paths`` (added, changed or deleted) and commit them.

    Never ``add -A``: only the touched paths are staged. Returns False when nothing changed.
    ``date`` (ISO 8601) sets author and committer date, used by replayed sample histories.
    """
    rel = [os.path.relpath(p, root) for p in paths]
    config = _commit_config(root)
    env = _identity_env(root, fallback_name, config)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    signs = _signs(config)
    if not signs and not any(os.path.isdir(os.path.join(root, r)) for r in rel):
        made = gittree.commit_files(
            root,
            rel,
            run=run_git,
            check_names=lambda names: _refuse_windows_invalid(root, rel, names),
            finish=lambda tree, head: commit_tree(root, tree, head, message, env),
        )
        if made is not None:
            return made
    run_git(["add", "--all", "--", *rel], root)
    fast = None if signs else _commit_index(root, rel, message, env)
    if fast is not None:
        return fast
    # everything staged, not only ours: when nothing else is, the index is committed as it
    # is; ``commit -- PATHS`` builds a second index and refreshes every entry of it, 2-3
    # times the cost at 10,000 cases
    staged = run_git(["diff", "--cached", "--name-status", "--no-renames", "-z"], root)
    everything = _pairs(staged.stdout)
    changes = _ours(everything, _prefix(root), rel)  # git names paths from the top
    if not changes:
        return False
    _refuse_windows_invalid(root, rel, [name for status, name in changes if status != "D"])
    only = [] if len(changes) == len(everything) else ["--", *rel]
    run_git(["commit", "-q", "--no-verify", "-m", message, *only], root, env=env)
    return True


def _ours(
    everything: list[tuple[str, str]], prefix: str, rel: Sequence[str]
) -> list[tuple[str, str]]:
    """The (status, path relative to the workspace) of ``everything`` (git's names, from
    the top of the repository) that are ``rel`` or inside them."""
    mine = [_joined(prefix, r) for r in rel]
    return [(s, n[len(prefix) :]) for s, n in everything if _under(n, mine)]


def _pairs(z: str) -> list[tuple[str, str]]:
    """(status, path) from ``--name-status -z`` output."""
    fields = z.split("\0")
    return list(zip(fields[0::2], fields[1::2], strict=False))


def _commit_index(root: Path, rel: Sequence[str], message: str, env: dict[str, str]) -> bool | None:
    """The usual case without ``git commit``: when the index differs from HEAD only in
    ``rel``, write its tree, make the commit and move HEAD from the commit it was read at
    (a compare-and-swap). ``git commit`` would first ``lstat`` every tracked file to refresh
    the index (80 of its 160 ms at 10,000 cases) though ``git add`` has just refreshed the
    files that changed. None means "not the usual case": no commit yet, a merge or
    cherry-pick in progress, an unmerged index, or something else staged; the caller then
    commits with ``git commit``."""
    state = gittree.plain_head(run_git, root)
    if state is None:
        return None
    prefix, head = state
    tree = run_git(["write-tree"], root, check=False)
    if tree.returncode:
        return None  # unmerged entries: ``git commit`` says why
    tree_id = tree.stdout.strip()
    diff = run_git(["diff-tree", "-r", "--name-status", "--no-renames", "-z", head, tree_id], root)
    everything = _pairs(diff.stdout)
    changes = _ours(everything, prefix, rel)
    if not everything:
        return False
    if len(changes) != len(everything):
        return None
    _refuse_windows_invalid(root, rel, [name for status, name in changes if status != "D"])
    commit_tree(root, tree_id, head, message, env)
    return True


def commit_tree(root: Path, tree: str, head: str, message: str, env: dict[str, str]) -> None:
    """Commit ``tree`` on top of ``head`` and move HEAD there, only if HEAD is still ``head``
    (a compare-and-swap), with the reflog line ``git commit`` writes; then what ``git commit``
    does after each commit: pack loose objects now and then."""
    text = _clean_message(message)
    made = run_git(["commit-tree", tree, "-p", head, "-m", text], root, env=env)
    subject = text.split("\n", 1)[0]
    run_git(["update-ref", "-m", f"commit: {subject}", "HEAD", made.stdout.strip(), head], root)
    run_git(["maintenance", "run", "--auto", "--quiet"], root, check=False)


def _clean_message(message: str) -> str:
    """The message as ``git commit -m`` stores it: trailing spaces and blank lines at either
    end removed, runs of blank lines made one."""
    lines = [line.rstrip() for line in message.replace("\r\n", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)  # commit-tree adds the final newline


_PREFIXES: dict[str, str] = {}


def _prefix(root: Path) -> str:
    """``root`` relative to the top of its repository, with a trailing ``/`` ("" at the top)."""
    key = str(root)
    if key not in _PREFIXES:
        _PREFIXES[key] = run_git(["rev-parse", "--show-prefix"], root).stdout.strip()
    return _PREFIXES[key]


def _under(name: str, paths: Sequence[str]) -> bool:
    """Whether git's ``name`` is one of ``paths`` or inside one of them."""
    return any(p == "." or name == p or name.startswith(p + "/") for p in paths)


def _refuse_windows_invalid(root: Path, rel: Sequence[str], added: Sequence[str]) -> None:
    """A file Windows cannot hold is never committed: a colleague's clone would fail."""
    for name in added:
        problem = path_problem(name)
        if problem:
            run_git(["reset", "-q", "--", *rel], root, check=False)
            raise UsageError(
                f"{name} 不能提交：{problem}", hint="Windows 上无法检出这个文件，请改名后再试"
            )


def is_clean(root: Path, paths: Sequence[str] = ()) -> bool:
    proc = run_git(["status", "--porcelain", "--", *paths], root)
    return not proc.stdout.strip()


def dirty_paths(root: Path, pathspec: str | Sequence[str] = ".") -> list[str]:
    specs = [pathspec] if isinstance(pathspec, str) else list(pathspec)
    proc = run_git(["status", "--porcelain", "-z", "--", *specs], root)
    entries = [e for e in proc.stdout.split("\0") if e]
    return [e[3:] for e in entries if len(e) > 3]


def restore(root: Path, paths: Sequence[str]) -> None:
    """Put tracked paths back as in HEAD and drop untracked ones."""
    if not paths:
        return
    tracked = run_git(["ls-files", "--", *paths], root).stdout.split()
    if tracked:
        run_git(["checkout", "HEAD", "--", *tracked], root)
    run_git(["clean", "-fdq", "--", *paths], root)


def log(root: Path, path: str) -> list[tuple[str, str, str, str]]:
    """(short hash, ISO date, author, subject) of the commits touching ``path``, newest first."""
    proc = run_git(
        ["log", "--date=iso-strict", "--format=%h%x1f%ad%x1f%an%x1f%s", "--", path], root
    )
    rows = []
    for line in proc.stdout.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            rows.append((parts[0], parts[1], parts[2], parts[3]))
    return rows


def has_commits(root: Path) -> bool:
    return run_git(["rev-parse", "--verify", "-q", "HEAD"], root, check=False).returncode == 0


def remotes(root: Path) -> list[str]:
    return run_git(["remote"], root).stdout.split()


def current_branch(root: Path) -> str:
    return run_git(["rev-parse", "--abbrev-ref", "HEAD"], root).stdout.strip()


def commits(root: Path, path: str) -> list[tuple[str, str, str]]:
    """(full hash, subject, body) of the commits touching ``path``, newest first."""
    proc = run_git(["log", "--format=%H%x1f%s%x1f%b%x1e", "--", path], root)
    rows = []
    for entry in proc.stdout.split("\x1e"):
        parts = entry.strip("\n").split("\x1f")
        if len(parts) == 3:
            rows.append((parts[0], parts[1], parts[2]))
    return rows


def changed(root: Path, rev: str) -> list[tuple[str, str]]:
    """(status letter A/M/D, path) of the files commit ``rev`` changed (renames split)."""
    proc = run_git(["show", "--no-renames", "--format=", "--name-status", "-z", rev], root)
    fields = [f for f in proc.stdout.split("\0") if f]
    return [(fields[i][:1], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]


def file_at(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` in commit ``rev`` (None when it did not exist there)."""
    if shutil.which("git") is None:
        raise ToolMissingError("未找到 git", hint="请先安装 git，例如 apt-get install git")
    proc = subprocess.run(
        ["git", "cat-file", "blob", f"{rev}:{path}"],
        cwd=root,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return proc.stdout if proc.returncode == 0 else None


def tree_paths(root: Path, rev: str, paths: Sequence[str]) -> list[str]:
    """Which of ``paths`` (files or folders) exist in commit ``rev``; [] when ``rev`` is not
    a commit of this repository."""
    proc = run_git(["ls-tree", "--name-only", "-z", rev, "--", *paths], root, check=False)
    if proc.returncode != 0:
        return []
    return [p for p in proc.stdout.split("\0") if p]


def archive(root: Path, rev: str, paths: Sequence[str]) -> bytes | None:
    """``paths`` of commit ``rev`` as an uncompressed tar (None when git refuses)."""
    git = find_git()
    if git is None:
        raise ToolMissingError("未找到 git", hint=INSTALL_HINT)
    proc = subprocess.run(
        [git, "archive", "--format=tar", rev, "--", *paths],
        cwd=root,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"},
    )
    return proc.stdout if proc.returncode == 0 else None


def later_commits(root: Path, rev: str, path: str) -> list[str]:
    """Subjects of the commits after ``rev`` that touched ``path``."""
    proc = run_git(["log", "--format=%s", f"{rev}..HEAD", "--", path], root)
    return [s for s in proc.stdout.splitlines() if s]


def head(root: Path) -> str | None:
    """The commit HEAD points at (None in a repository without commits)."""
    proc = run_git(["rev-parse", "--verify", "-q", "HEAD"], root, check=False)
    return proc.stdout.strip() or None if proc.returncode == 0 else None


class Pending:
    """A git command started in the background (:func:`start`); :meth:`lines` waits for it."""

    def __init__(self, proc: subprocess.Popen[str] | None) -> None:
        self._proc = proc

    def lines(self) -> list[str] | None:
        """Its NUL-separated output, or None when it failed (or could not start)."""
        if self._proc is None:
            return None
        try:
            out, _err = self._proc.communicate()
        except OSError:
            return None
        if self._proc.returncode != 0:
            return None
        return [p for p in out.split("\0") if p]


def start(args: Sequence[str], cwd: Path) -> Pending:
    """Start ``git ARGS`` (read-only, output with ``-z``) without waiting: the caller does
    other work while git runs on the other core."""
    git = find_git()
    if git is None:
        return Pending(None)
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"})
    try:
        proc = subprocess.Popen(
            [git, *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
        )
    except OSError:
        return Pending(None)
    return Pending(proc)


def start_head(root: Path) -> Pending:
    """``HEAD``'s commit, in the background (one line; None without commits)."""
    return start(["rev-parse", "--verify", "-q", "HEAD"], root)


def start_worktree_changes(root: Path, rev: str, pathspec: str) -> Pending:
    """Paths under ``pathspec`` (relative to ``root``) whose working-tree content differs from
    ``rev``'s: edited, added to the index, deleted, or changed by the commits since. Tracked
    files only; git compares by its index's stat data, in C, so 60,000 files take about as
    long as starting git."""
    args = ["diff-index", "--name-only", "-z", "--relative", rev, "--", pathspec]
    # one thread: the caller works on the other core meanwhile (2-core laptops)
    return start(["-c", "core.preloadIndex=false", *args], root)


def start_untracked(root: Path, pathspec: str) -> Pending:
    """Untracked, not ignored files under ``pathspec`` (relative to ``root``), in the
    background."""
    return start(["ls-files", "--others", "--exclude-standard", "-z", "--", pathspec], root)


def rewind(root: Path, commit: str) -> None:
    """Put the current branch back at ``commit`` (the commits after it are dropped), keeping
    any local change to files those commits did not touch (``reset --keep``)."""
    run_git(["reset", "-q", "--keep", commit], root)
