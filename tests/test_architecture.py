"""The layout holds: no import cycles, typer/click only in the CLI, no layer imports a higher one.

The layers, lowest first, are written at the top of each package's ``__init__.py``; the order
here is the same (docs/architecture.md explains them).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "xsk"

# lowest first; a package may import packages of a lower rank, and itself
LAYERS: dict[str, int] = {
    "core": 0,
    "rules": 1,
    "prompts": 1,
    "store": 2,
    "workspace": 3,
    "procedure": 4,
    "parts": 5,
    "casework": 6,
    "documents": 7,
    "reports": 8,
    "actions": 9,
    "walk": 10,
    "cli": 11,
}
TOP = {"xsk": -1, "xsk.__main__": 12}  # the package itself (nothing), the entry point (anything)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every xsk module ``path`` imports, at any depth (lazy imports inside functions count)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            mod = node.module or ""
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        for name in names:
            if name in known:
                found.add(name)
            elif name.split(".")[0] in {"typer", "click"}:
                found.add(name.split(".")[0])
    return found


def layer(mod: str) -> tuple[str, int]:
    if mod in TOP:
        return mod, TOP[mod]
    pkg = mod.split(".")[1]
    return pkg, LAYERS[pkg]


GRAPH = {m: imports(p, modules()) for m, p in modules().items()}


def test_every_package_has_a_layer_and_states_its_rule():
    for mod, path in modules().items():
        if mod in TOP:
            continue
        assert mod.split(".")[1] in LAYERS, f"{mod}: no layer for its package"
        if path.name == "__init__.py" and mod.count(".") == 1:
            doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
            assert "May import" in doc, f"{path}: the docstring states what it may import"


def test_typer_and_click_only_in_the_cli():
    for mod, deps in GRAPH.items():
        if {"typer", "click"} & deps:
            assert mod.startswith("xsk.cli.") or mod == "xsk.__main__", mod


def test_no_layer_imports_a_higher_one():
    wrong = []
    for mod, deps in GRAPH.items():
        pkg, rank = layer(mod)
        for dep in deps - {"typer", "click", "xsk"}:
            dpkg, drank = layer(dep)
            if dpkg != pkg and drank >= rank:
                wrong.append(f"{mod} -> {dep}")
    assert wrong == []


def test_no_import_cycles():
    graph = {m: {d for d in deps if d in GRAPH and d != "xsk"} for m, deps in GRAPH.items()}
    # Tarjan's strongly connected components
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: module_name(p))
def test_modules_stay_small_or_say_why(path: Path):
    lines = path.read_text("utf-8").count("\n")
    if lines > 600:
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8"))) or ""
        assert "Why this module is long" in doc, f"{path}: {lines} lines"
