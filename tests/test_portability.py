"""Static check: no module under xsk/ calls a POSIX-only API outside a guarded, tested fallback.

Windows has no ``fork``, ``fcntl``, ``SIGKILL``, ``os.O_DIRECTORY``, ``getuid``, ``pwd`` …; a
call to one is a crash on the laptops community offices use. A use is accepted only

* inside a guard: an ``if``/``elif``/conditional expression testing ``sys.platform``,
  ``os.name`` or ``hasattr(...)``, or a ``try`` whose handler catches ImportError
  (ModuleNotFoundError) or AttributeError, and
* in a module listed in :data:`ALLOWED` with the test that exercises its fallback.
"""

from __future__ import annotations

import ast

from conftest import ROOT

POSIX_MODULES = {
    "fcntl",
    "pwd",
    "grp",
    "termios",
    "tty",
    "pty",
    "resource",
    "posix",
    "syslog",
    "crypt",
    "spwd",
    "curses",
    "readline",
}
POSIX_ATTRS = {
    "os": {
        "fork",
        "forkpty",
        "setsid",
        "setpgrp",
        "getpgid",
        "killpg",
        "getuid",
        "geteuid",
        "getgid",
        "getegid",
        "getgroups",
        "setuid",
        "setgid",
        "chown",
        "lchown",
        "fchown",
        "mkfifo",
        "mknod",
        "statvfs",
        "fstatvfs",
        "uname",
        "getloadavg",
        "sched_getaffinity",
        "sync",
        "wait",
        "wait3",
        "wait4",
        "WNOHANG",
        "O_DIRECTORY",
        "O_NOFOLLOW",
        "O_CLOEXEC",
        "O_NONBLOCK",
        "O_SYNC",
        "O_DSYNC",
        "posix_fadvise",
        "pipe2",
        "openpty",
    },
    "signal": {
        "SIGKILL",
        "SIGHUP",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
        "SIGCHLD",
        "SIGPIPE",
        "SIGTSTP",
        "SIGCONT",
        "SIGSTOP",
        "SIGWINCH",
        "alarm",
        "pause",
        "setitimer",
        "pthread_kill",
        "pthread_sigmask",
        "siginterrupt",
    },
}
POSIX_KEYWORDS = {"preexec_fn", "start_new_session", "pass_fds"}  # of subprocess.Popen
START_METHOD_CALLS = {"get_context", "set_start_method"}

# module (relative to the repository) -> the test that exercises its Windows fallback
ALLOWED: dict[str, str] = {
    # issue 13's workspace lock and the cache lock: fcntl or msvcrt (or O_EXCL), chosen by
    # try/except ImportError
    "xsk/core/filelock.py": "tests/test_lock.py",
    # issue 13's pool workers: PR_SET_PDEATHSIG on Linux only, else the polling thread
    "xsk/documents/orphans.py": "tests/test_orphans.py",
    # issue 19's one sync() per bulk build: os.sync where it exists, else an fsync per file
    "xsk/store/atomic.py": "tests/test_render_build.py",
}


def _is_guard(node: ast.AST) -> bool:
    if isinstance(node, (ast.If, ast.IfExp)):
        text = ast.unparse(node.test)
        return "sys.platform" in text or "os.name" in text or "hasattr(" in text
    if isinstance(node, ast.Try):
        for handler in node.handlers:
            names = ast.unparse(handler.type) if handler.type is not None else "BaseException"
            if any(n in names for n in ("ImportError", "ModuleNotFoundError", "AttributeError")):
                return True
    return False


def posix_uses(source: str, filename: str = "<src>") -> list[tuple[int, str, bool]]:
    """(line, what, guarded) for every POSIX-only use in ``source``."""
    tree = ast.parse(source, filename)
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent

    def guarded(node: ast.AST) -> bool:
        while node in parents:
            node = parents[node]
            if _is_guard(node):
                return True
        return False

    aliases = {"os": {"os"}, "signal": {"signal"}}
    found: list[tuple[int, str, bool]] = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in POSIX_MODULES:
                    what = f"import {alias.name}"
                if top in aliases:
                    aliases[top].add(alias.asname or top)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            if top in POSIX_MODULES:
                what = f"from {node.module} import …"
            elif top in POSIX_ATTRS:
                bad = [a.name for a in node.names if a.name in POSIX_ATTRS[top]]
                if bad:
                    what = f"from {top} import {', '.join(bad)}"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            for module, names in POSIX_ATTRS.items():
                if node.value.id in aliases[module] and node.attr in names:
                    what = f"{module}.{node.attr}"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in START_METHOD_CALLS and any(
                isinstance(a, ast.Constant) and a.value in ("fork", "forkserver") for a in node.args
            ):
                what = f"{name}({node.args[0].value!r})"  # type: ignore[union-attr]
            for kw in node.keywords:
                if kw.arg in POSIX_KEYWORDS:
                    what = f"{kw.arg}="
        if what:
            found.append((getattr(node, "lineno", 0), what, guarded(node)))
    return found


def test_no_posix_only_api_outside_a_guarded_allowed_fallback():
    problems = []
    for path in sorted((ROOT / "xsk").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, what, guarded in posix_uses(path.read_text("utf-8"), rel):
            if not guarded:
                problems.append(f"{rel}:{line}: {what} without a platform guard")
            elif rel not in ALLOWED:
                problems.append(f"{rel}:{line}: {what} guarded, but {rel} is not in ALLOWED")
    assert not problems, "POSIX-only APIs (Windows has none of them):\n" + "\n".join(problems)


def test_allowed_modules_name_their_fallback_test():
    for module, test in ALLOWED.items():
        if (ROOT / module).exists():
            assert (ROOT / test).is_file(), f"{module}: its fallback test {test} is missing"


def test_the_check_finds_unguarded_uses_and_accepts_guards():
    bad = (
        "import os, signal, fcntl\n"
        "import multiprocessing as mp\n"
        "from os import getuid\n"
        "os.kill(1, signal.SIGKILL)\n"
        "fd = os.open('.', os.O_RDONLY | os.O_DIRECTORY)\n"
        "mp.get_context('fork')\n"
        "import subprocess\n"
        "subprocess.Popen(['x'], start_new_session=True)\n"
        "if os.fork() == 0: pass\n"
    )
    found = {what for _line, what, guarded in posix_uses(bad) if not guarded}
    assert found == {
        "import fcntl",
        "from os import getuid",
        "signal.SIGKILL",
        "os.O_DIRECTORY",
        "get_context('fork')",
        "start_new_session=",
        "os.fork",
    }
    good = (
        "import os, signal, sys\n"
        "try:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
        "if sys.platform != 'win32':\n    os.kill(1, signal.SIGKILL)\n"
        "flags = os.O_RDONLY | (os.O_DIRECTORY if hasattr(os, 'O_DIRECTORY') else 0)\n"
        "if os.name == 'posix':\n    os.setsid()\n"
    )
    assert all(guarded for _line, _what, guarded in posix_uses(good))
    assert len(posix_uses(good)) == 4
