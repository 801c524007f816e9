"""Find, load and create a workspace (a git repository for one community)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, UsageError, WorkspaceError
from xsk.core.model import Reader, RosterEntry, Settings, roster_from_dict, settings_from_dict
from xsk.store import atomic, tomlio
from xsk.workspace import git as vcs

SETTINGS_FILE = "xsk.toml"
ROSTER_FILE = "roster.toml"
CASES_DIR = "cases"
MEETINGS_DIR = "meetings"
STATE_DIR = ".xsk"  # local, untracked: index cache, drafts


@dataclass
class Workspace:
    root: Path
    settings: Settings
    settings_text: str = field(default="", repr=False)

    @property
    def cases_dir(self) -> Path:
        return self.root / CASES_DIR

    @property
    def meetings_dir(self) -> Path:
        return self.root / MEETINGS_DIR

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def out_dir(self) -> Path:
        return self.root / self.settings.output_dir

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    def rel(self, path: Path) -> str:
        return tomlio.display_path(path, self.root)

    @cached_property
    def roster(self) -> list[RosterEntry]:
        path = self.root / ROSTER_FILE
        if not path.exists():
            return []
        data, text = tomlio.read(path, self.root)
        r = Reader(ROSTER_FILE, text)
        entries = roster_from_dict(data, r)
        if r.problems:
            raise DataError(r.problems[0])
        return entries

    def roster_by_name(self) -> dict[str, RosterEntry]:
        return {e.name: e for e in self.roster}

    def commit(self, paths: list[Path], message: str, *, date: str | None = None) -> bool:
        from xsk.workspace import lock  # a commit is always made under the workspace lock

        with lock.hold(self.root):
            return vcs.commit(
                self.root, paths, message, fallback_name=self.settings.facilitator, date=date
            )


def find_root(start: Path | None = None) -> Path:
    """The workspace root: ``-C DIR`` (searched upwards from DIR), else $XSK_WORKSPACE, else
    the nearest xsk.toml upwards from the current folder."""
    if start is None:
        env = os.environ.get("XSK_WORKSPACE")
        start = Path(env) if env else Path.cwd()
    start = start.expanduser()
    if not start.is_dir():
        raise WorkspaceError(f"目录不存在：{start}")
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise WorkspaceError(
        f"{start} 不在 xsk 工作区内（向上未找到 {SETTINGS_FILE}）",
        hint="请先运行 xsk init 创建工作区，或用 -C 指定工作区目录",
    )


def load(start: Path | None = None) -> Workspace:
    root = find_root(start)
    data, text = tomlio.read(root / SETTINGS_FILE, root)
    r = Reader(SETTINGS_FILE, text)
    settings = settings_from_dict(data, r)
    if r.problems:
        raise DataError(r.problems[0])
    first = text.find("\n")
    atomic.set_new_files_crlf(first > 0 and text[first - 1] == "\r")  # a core.autocrlf clone
    return Workspace(root=root, settings=settings, settings_text=text)


def check_settings(root: Path) -> list:
    """All problems of xsk.toml and roster.toml (for ``xsk check``)."""
    problems = []
    for name, builder in ((SETTINGS_FILE, settings_from_dict), (ROSTER_FILE, roster_from_dict)):
        path = root / name
        if not path.exists() and name == ROSTER_FILE:
            continue
        try:
            data, text = tomlio.read(path, root)
        except DataError as exc:
            problems.append(exc.problem)
            continue
        r = Reader(name, text)
        builder(data, r)
        problems.extend(r.problems)
    from xsk.workspace import calendars

    problems.extend(calendars.check(root))  # calendar/<year>.toml
    return problems


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


SETTINGS_TEMPLATE = """\
# xsk 工作区设置（可以直接编辑，xsk 会保留注释和顺序）
# 每一项的含义见各行的注释；修改后运行 xsk check 检查

[workspace]
community = {community}      # 社区名称
street = {street}            # 街道（乡镇）
district = {district}        # 区（县）
issuer = {issuer}            # 公文落款（发文单位）
facilitator = {facilitator}  # 默认经办人；git 未配置用户名时作为提交作者
office_contact = ""          # 社区办公电话（公开，可印在公示上）

[consultation]
procedure = {procedure}      # 默认协商程序：xsk procedures list 查看
publicity_days = 5           # 结果公示期（工作日）
objection_channel = ""       # 异议反映渠道，印在结果公示上
# 不予协商的事项（“五不议”），筛选时作为不予协商的理由
not_deliberated = [
  "违反党的路线方针政策和法律法规的事项",
  "已由法律法规明确规定或已作出决定的事项",
  "涉及国家秘密、商业秘密和个人隐私的事项",
  "属于私人纠纷、宜通过调解或诉讼解决的事项",
  "超出社区职权范围、应由上级或有关部门依法处理的事项",
]

[calendar]
# 本地调整（优先于国家法定节假日安排）：
holidays = []                # 额外的休息日，如 [2026-12-31]
workdays = []                # 额外的工作日（调休上班）

[votes.rules]
# 自定义表决规则（分数写成字符串），例如：
# [votes.rules.council-two-thirds]
# name = "议事会三分之二"
# basis = "head"
# threshold = "2/3"
# threshold_op = ">="

[votes.categories]
# 事项类别 → 表决规则，walk 时自动建议，例如：
# "物业管理" = "owners-ordinary"
# "维修资金使用" = "owners-major"

[documents]
output = "out"               # 生成文件目录（不纳入 git）
traditional = false          # true：公文输出繁体中文
number_prefix = ""           # 文号的发文机关代字，如“红桥议”（空：社区简称＋议）
"""

ROSTER_TEMPLATE = """\
# 参与主体名册：个人（[[people]]）与单位（[[orgs]]）
# deliberate = 议事权，vote = 表决权；official = 干部或单位代表（公示中可显示姓名），
# consent = 本人同意在公示中显示姓名；phone 为隐私信息，不会出现在公开文书上。
#
# [[people]]
# id = "wangli"
# name = "王丽"
# role = "社区书记"
# subject_type = "社区党组织"
# unit = "社区党委"
# official = true
# vote = true
#
# [[orgs]]
# id = "wuye"
# name = "某某物业服务有限公司"
# subject_type = "物业服务企业"
# vote = false
"""

GITIGNORE = """\
# xsk: generated documents and local state are rebuilt on demand
/out/
/.xsk/
*.tmp
~$*
"""

TEMPLATES_README = """\
# 本地模板

在此目录放置的文件优先于 xsk 内置模板：

- `documents/<种类>.docx`：公文模板（用 `xsk templates export 种类` 复制内置模板后在 Word/WPS 中修改）
- `procedures/<编号>.toml`：协商程序（用 `xsk procedures copy 原编号 新编号` 复制后修改）
"""


def _new_parts(target: Path) -> list[str]:
    """Names of the folders of ``target`` that do not exist yet (outermost first)."""
    parts: list[str] = []
    while not target.exists() and target.name:
        parts.insert(0, target.name)
        target = target.parent
    return parts


def create(
    target: Path,
    *,
    community: str,
    street: str,
    district: str,
    procedure: str,
    facilitator: str = "",
    date: str | None = None,
    own_repo: bool = False,
) -> Path:
    """Create a workspace in ``target`` and commit it. Refuses an existing workspace.

    The workspace joins the git repository it is created in, if any, unless ``own_repo``
    (the demo always gets a repository of its own).
    """
    target = target.expanduser()
    if (target / SETTINGS_FILE).exists():
        raise WorkspaceError(f"{target / SETTINGS_FILE} 已存在，不会覆盖现有工作区")
    if target.exists() and not target.is_dir():
        raise WorkspaceError(f"{target} 不是目录")
    from xsk.core.winpath import check_name

    for part in _new_parts(target):  # the folders this creates must exist on Windows too
        check_name(part, "文件夹名")
    target.mkdir(parents=True, exist_ok=True)
    root = target.resolve()
    issuer = f"{community}居民委员会"
    text = SETTINGS_TEMPLATE.format(
        community=_q(community),
        street=_q(street),
        district=_q(district),
        issuer=_q(issuer),
        facilitator=_q(facilitator),
        procedure=_q(procedure),
    )
    top = vcs.toplevel(root)
    if top is None or (own_repo and top.resolve() != root):
        vcs.init(root)
    files = {
        root / SETTINGS_FILE: text,
        root / ROSTER_FILE: ROSTER_TEMPLATE,
        root / ".gitignore": GITIGNORE,
        root / "templates" / "README.md": TEMPLATES_README,
    }
    for path, content in files.items():
        if path.name == ".gitignore" and path.exists():
            content = path.read_text(encoding="utf-8").rstrip("\n") + "\n" + content
        atomic.write_text(path, content)
    (root / CASES_DIR).mkdir(exist_ok=True)
    from xsk.workspace import numbering

    numbering.claim_primary(root)
    from xsk.workspace import merge

    merge.register(root)  # sync merges TOML files by field
    vcs.commit(
        root,
        [*files, root / ".gitattributes"],
        f"创建工作区：{community}",
        fallback_name=facilitator,
        date=date,
    )
    return root


# --- rules configured in xsk.toml ---------------------------------------------------------


def calendar(ws: Workspace):
    from xsk.workspace import calendars

    return calendars.for_workspace(ws)


def vote_rules(ws: Workspace) -> dict[str, Any]:
    from xsk.rules import votes

    try:
        return votes.load_rules(ws.settings.vote_rules)
    except votes.VoteError as exc:
        raise UsageError(f"xsk.toml [votes.rules]：{exc}") from None
