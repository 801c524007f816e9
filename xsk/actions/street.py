"""A street office's view over its communities' workspaces (``xsk street``).

A street folder holds ``street.toml`` (the street's name and each community's repository URL:
GitLab, Gitea, or plain git over ssh/http/git) and one read-only clone per community under
``communities/<name>/``. ``pull`` fetches every community in parallel; a community that cannot
be reached is reported and the others are still aggregated. The street never writes to a
community's repository: clones get a push URL that cannot work, and nothing here pushes.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.core import filelock
from xsk.core.errors import DataError, UsageError
from xsk.core.model import Reader
from xsk.store import atomic, tomlio
from xsk.workspace import git

STREET_FILE = "street.toml"
COMMUNITIES = "communities"
NO_PUSH = "只读-街道汇总不向社区推送"
PULL_TIMEOUT = 120.0  # seconds for one community's clone or fetch
LOCK_FILE = ".xsk-street.lock"
READ_WAIT = 60.0  # seconds a report or ``add`` waits for a pull to end
_BAD_NAME = set('<>:"/\\|?*')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
_RESERVED |= {f"LPT{i}" for i in range(1, 10)}
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:")  # git@host:path, a remote and not a local path


@dataclass(frozen=True)
class Community:
    name: str
    url: str


@dataclass(frozen=True)
class Street:
    root: Path
    name: str
    communities: tuple[Community, ...]

    def folder(self, c: Community) -> Path:
        return self.root / COMMUNITIES / c.name


@dataclass(frozen=True)
class Pulled:
    """The outcome of pulling one community."""

    community: Community
    ok: bool
    message: str  # 已克隆 / 已更新 / why it failed
    cases: int = 0


@contextlib.contextmanager
def holding(street: Street, *, wait: float, doing: str) -> Iterator[None]:
    """The street folder's one lock, held while ``pull`` rewrites the clones and while a
    report or ``add`` reads them or ``street.toml``: two pulls would remove each other's
    half-made clone, and a report read during a checkout would count (and let the index
    remember) a half-written community."""
    with filelock.file_lock(street.root / LOCK_FILE, wait=wait) as held:
        if not held:
            raise UsageError(
                f"另一个 xsk street 命令正在使用街道汇总目录 {street.root}，{doing}未执行",
                hint="等它结束后再运行（通常是 xsk street pull）",
            )
        yield


def init(directory: Path, name: str | None = None) -> Path:
    """Create a street folder; refuses one that already is one."""
    directory = directory.expanduser()
    if (directory / STREET_FILE).exists():
        raise UsageError(f"{directory} 已经是街道汇总目录")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} 不是文件夹")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / COMMUNITIES).mkdir(exist_ok=True)
    text = (
        "# 街道汇总：各社区工作区仓库的地址（xsk street add 名称 地址）。\n"
        "# 社区文件夹在 communities/ 下，只读，由 xsk street pull 更新。\n"
        f"name = {tomlio.dumps({'n': name or directory.resolve().name}).split('=', 1)[1].strip()}\n"
    )
    atomic.write_text(directory / STREET_FILE, text)
    return directory


def find_root(start: Path | None = None) -> Path:
    here = (start or Path.cwd()).expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / STREET_FILE).is_file():
            return folder
    raise UsageError(
        f"{here} 不是街道汇总目录（找不到 {STREET_FILE}）", hint="先运行 xsk street init 目录"
    )


def load(start: Path | None = None) -> Street:
    root = find_root(start)
    path = root / STREET_FILE
    data, text = tomlio.read(path, root)
    r = Reader(tomlio.display_path(path, root), text)
    name = r.get(data, ("name",), "str", default=root.name)
    communities: list[Community] = []
    for i, raw in enumerate(r.items(data, ("communities",))):
        cname = r.get(raw, ("communities", i, "name"), "str", required=True)
        url = r.get(raw, ("communities", i, "url"), "str", required=True)
        if cname and url:
            communities.append(Community(cname, url))
    if r.problems:
        raise DataError(r.problems[0].format())
    return Street(root, name, tuple(communities))


def check_name(name: str) -> str:
    """A community's name becomes a folder name: it must work on Windows too."""
    name = name.strip()
    if not name:
        raise UsageError("社区名称不能为空")
    bad = sorted({ch for ch in name if ch in _BAD_NAME or ord(ch) < 32})
    if bad:
        shown = "、".join(repr(ch)[1:-1] for ch in bad)
        raise UsageError(f"社区名称“{name}”含有不能用作文件夹名的字符：{shown}")
    if name[-1] in ". " or name.split(".")[0].upper() in _RESERVED or name in {".", ".."}:
        raise UsageError(f"社区名称“{name}”不能用作文件夹名（Windows 保留名或以点、空格结尾）")
    return name


def add(street: Street, name: str, url: str) -> Community:
    with holding(street, wait=READ_WAIT, doing="登记"):
        return _add(load(street.root), name, url)  # read again under the lock


def _add(street: Street, name: str, url: str) -> Community:
    name = check_name(name)
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        raise UsageError(f"仓库地址不对：“{url}”", hint="例如 https://git.example/红桥社区.git")
    if url.startswith("-"):  # git would read it as an option
        raise UsageError(f"仓库地址不能以“-”开头：“{url}”")
    if any(c.name == name for c in street.communities):
        raise UsageError(f"社区“{name}”已在街道汇总中")
    same = next((c for c in street.communities if _same_repo(c.url, url, street.root)), None)
    if same is not None:  # counted twice in every figure otherwise
        raise UsageError(f"仓库地址 {url} 已登记为社区“{same.name}”")

    def mutate(doc: object) -> None:
        import tomlkit

        arr = doc.get("communities")  # type: ignore[attr-defined]
        if arr is None:
            arr = tomlkit.aot()
            doc["communities"] = arr  # type: ignore[index]
        table = tomlkit.table()
        table["name"] = name
        table["url"] = url
        arr.append(table)

    tomlio.update(street.root / STREET_FILE, mutate)
    return Community(name, url)


def _same_repo(a: str, b: str, root: Path) -> bool:
    """The same repository written two ways: a trailing slash or ``.git``, a relative local
    path."""

    def norm(url: str) -> str:
        url = url.rstrip("/\\")
        url = url[:-4] if url.endswith(".git") else url
        if "://" not in url and not _SCP_LIKE.match(url):  # a local path
            path = Path(url).expanduser()
            url = str(path if path.is_absolute() else (root / path).resolve())
        return url

    return norm(a) == norm(b)


def _cases(folder: Path) -> int:
    cases = folder / "cases"
    return sum(1 for p in cases.iterdir() if (p / "case.toml").is_file()) if cases.is_dir() else 0


def pull_one(street: Street, c: Community, timeout: float = PULL_TIMEOUT) -> Pulled:
    dest = street.folder(c)
    try:
        if not (dest / ".git").is_dir():
            tmp = dest.with_name(f".{c.name}.cloning")
            shutil.rmtree(tmp, ignore_errors=True)  # left by a clone that was interrupted
            tmp.parent.mkdir(parents=True, exist_ok=True)
            git.run_git(
                ["clone", "--quiet", "--no-tags", c.url, str(tmp)], street.root, timeout=timeout
            )
            git.run_git(["remote", "set-url", "--push", "origin", NO_PUSH], tmp)
            if dest.exists():
                shutil.rmtree(dest)
            tmp.rename(dest)  # a half-made clone never looks like a community
            message = "已克隆"
        else:
            git.run_git(["fetch", "--quiet", "--prune", "origin"], dest, timeout=timeout)
            message = "已更新"
        # the remote's default branch as it is now (it may have been renamed since the clone)
        head = git.run_git(
            ["ls-remote", "--symref", "origin", "HEAD"], dest, timeout=timeout
        ).stdout
        branch = next(
            (
                x.split()[1]
                for x in head.splitlines()
                if x.startswith("ref:") and len(x.split()) > 1
            ),
            None,
        )
        tip = f"refs/remotes/origin/{branch.removeprefix('refs/heads/')}" if branch else None
        if (
            tip is None
            or git.run_git(["rev-parse", "-q", "--verify", tip], dest, check=False).returncode
        ):
            return Pulled(c, False, "仓库是空的（社区还没有推送任何内容）", 0)
        git.run_git(["checkout", "--quiet", "--force", "-B", "main", tip], dest)
        git.run_git(
            ["branch", "--quiet", "--set-upstream-to", tip.removeprefix("refs/remotes/"), "main"],
            dest,
        )
    except Exception as exc:  # one community's failure must not stop the others
        reason = getattr(exc, "message", None) or str(exc)
        return Pulled(c, False, f"无法更新：{reason}", _cases(dest))
    if not (dest / "xsk.toml").is_file():
        return Pulled(c, False, "不是 xsk 工作区（仓库中没有 xsk.toml）", 0)
    return Pulled(c, True, message, _cases(dest))


def pull(
    street: Street,
    *,
    jobs: int = 4,
    timeout: float = PULL_TIMEOUT,
    on_done: Callable[[Pulled], None] | None = None,
) -> list[Pulled]:
    """Fetch every community in parallel (git runs in subprocesses, so threads suffice)."""
    if not street.communities:
        raise UsageError("街道汇总中还没有社区", hint="xsk street add 名称 仓库地址")
    results: dict[str, Pulled] = {}
    with (
        holding(street, wait=0, doing="拉取"),
        ThreadPoolExecutor(max_workers=max(1, min(jobs, len(street.communities)))) as pool,
    ):
        futures = [pool.submit(pull_one, street, c, timeout) for c in street.communities]
        for fut in as_completed(futures):  # the progress bar moves as each one ends
            res = fut.result()
            results[res.community.name] = res
            if on_done:
                on_done(res)
    return [results[c.name] for c in street.communities]  # in the street's order


def clone_pin(folder: Path) -> str | None:
    """What identifies the files of a read-only clone without reading them: its HEAD commit
    and its git index file's stat (``git reset`` rewrites both); None when unreadable."""
    git_dir = folder / ".git"
    try:
        head = (git_dir / "HEAD").read_text("utf-8").strip()
        if head.startswith("ref: "):
            ref = head[5:]
            path = git_dir / ref
            if path.is_file():
                head = path.read_text("utf-8").strip()
            else:
                packed = (git_dir / "packed-refs").read_text("utf-8").splitlines()
                head = next(x.split()[0] for x in packed if x.endswith(f" {ref}"))
        st = (git_dir / "index").stat()
    except (OSError, StopIteration, IndexError):
        return None
    return f"{head}:{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


def pin_clones(have: list[tuple[Community, Path]]) -> None:
    """Let the index trust each pulled clone while its commit is unchanged (see
    :func:`xsk.casework.index.pin`): a street report then reads no case file."""
    from xsk.casework import index

    for _c, folder in have:
        index.pin(folder, clone_pin(folder))


def pulled(street: Street) -> tuple[list[tuple[Community, Path]], list[Community]]:
    """(communities with a workspace to read and its folder, communities not pulled yet)."""
    have: list[tuple[Community, Path]] = []
    missing: list[Community] = []
    for c in street.communities:
        folder = street.folder(c)
        if (folder / "xsk.toml").is_file():
            have.append((c, folder))
        else:
            missing.append(c)
    return have, missing


def open_communities(
    street: Street,
) -> tuple[list[tuple[Community, Any, Any]], list[tuple[Community, str]]]:
    """The pulled communities' workspaces and report datasets, loaded, with each one that
    cannot be read and why: one community's broken data leaves it out of the figures, never
    the whole street."""
    from xsk.reports import stats
    from xsk.workspace import settings as wsmod

    have, missing = pulled(street)
    left_out: list[tuple[Community, str]] = [(c, "未能拉取") for c in missing]
    pin_clones(have)
    opened: list[tuple[Community, Any, Any]] = []
    for c, folder in have:
        try:
            ws = wsmod.load(folder)
            data = stats.load_dataset(ws)  # every case file read (through the index) here
        except DataError as exc:
            left_out.append((c, f"数据有误：{exc.format()}"))
            continue
        opened.append((c, ws, data))
    return opened, left_out
