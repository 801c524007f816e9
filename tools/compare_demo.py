"""Build `xsk demo` from two revisions and compare every output file byte for byte.

Used for moves that must not change behaviour (the layout issue): the random parts of a run
(case uids, event file suffixes) are seeded, so two runs of the same code give identical
trees, and any difference between two revisions is a real change.

    python tools/compare_demo.py REV_A [REV_B]      # REV_B defaults to the work tree

Exit 0 when every file under the demo workspace (except .git and the .xsk caches) is identical.
"""

from __future__ import annotations

import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RUN = """
import random, secrets, sys
rng = random.Random(20260301)
secrets.token_hex = lambda n=16: rng.randbytes(n).hex()
from xsk.__main__ import main
sys.exit(main(["demo", sys.argv[1]]))
"""


def build(source: Path, target: Path) -> None:
    env = {"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin", "HOME": str(target.parent)}
    import os

    env = {**os.environ, **env, "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run(
        [sys.executable, "-c", RUN, str(target)],
        cwd=source,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def checkout(rev: str, into: Path) -> Path:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(into), rev],
        check=True,
        capture_output=True,
    )
    return into


def files(root: Path) -> dict[str, Path]:
    skip = {".git", ".xsk"}
    return {
        str(p.relative_to(root)): p
        for p in root.rglob("*")
        if p.is_file() and not skip & set(p.relative_to(root).parts)
    }


def same(a: Path, b: Path) -> bool:
    """Equal bytes; a spreadsheet compares by its parts (openpyxl stamps the time it was written)."""
    if filecmp.cmp(a, b, shallow=False):
        return True
    if a.suffix != ".xlsx":
        return False
    import zipfile

    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names = [n for n in za.namelist() if n != "docProps/core.xml"]
        if names != [n for n in zb.namelist() if n != "docProps/core.xml"]:
            return False
        return all(za.read(n) == zb.read(n) for n in names)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        trees = []
        worktrees = []
        try:
            for i, rev in enumerate([argv[0], argv[1] if len(argv) > 1 else None]):
                src = ROOT if rev is None else checkout(rev, t / f"src{i}")
                if rev is not None:
                    worktrees.append(src)
                build(src, t / f"demo{i}")
                trees.append(files(t / f"demo{i}"))
        finally:
            for w in worktrees:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(w)],
                    capture_output=True,
                )
        a, b = trees
        diff = sorted(set(a) ^ set(b))
        diff += sorted(k for k in set(a) & set(b) if not same(a[k], b[k]))
        for name in diff:
            print("不同：", name)
        print(f"{len(a)} / {len(b)} 个文件，{len(diff)} 个不同")
        return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
