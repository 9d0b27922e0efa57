"""The package's shape: which module may import which.

The data flow runs one way (scheme files -> model -> engine -> results and analyses ->
faces); a module never imports, even inside a function, one that imports it back.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "sroi"


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(path: Path, modules: set[str]) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (functions included), except
    under ``if TYPE_CHECKING:``."""
    me = _name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            for a in node.names:  # `from . import plots` imports the module sroi.plots
                if f"{target}.{a.name}" in modules:
                    found.add(f"{target}.{a.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != me}


def graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_name(p) for p in files}
    return {_name(p): _imports(p, modules) for p in files}


def _cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found by depth-first search, as the path that closes it."""
    found, state, stack = [], {}, []

    def dfs(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                dfs(nxt)
        stack.pop()
        state[node] = 2

    for n in sorted(g):
        if n not in state:
            dfs(n)
    return found


def _ancestors(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:k]) for k in range(1, len(parts))}


def test_no_import_cycles():
    g = graph()
    # a package's own __init__ importing its submodules, and a submodule importing a name
    # its package re-exports, are one package, not a cycle between modules
    flat = {m: {t for t in deps if t not in _ancestors(m) and m not in _ancestors(t)} for m, deps in g.items()}
    assert _cycles(flat) == []


def test_the_engine_imports_no_face_and_no_analysis():
    g = graph()
    faces = ("sroi.report", "sroi.plots", "sroi.display", "sroi.compare", "sroi.cli", "sroi.excel",
             "sroi.sensitivity", "sroi.results", "sroi.scenario", "sroi.checks")
    for m, deps in g.items():
        if m.startswith("sroi.engine"):
            assert not [d for d in deps if d.startswith(faces)], m


def test_the_report_plots_and_text_only_read_results():
    """The report, the league table, the plots and the text rendering compute no analysis:
    they import nothing from sroi.sensitivity or the engine (sroi.sensitivity.analyse and
    .comparison compute what they show)."""
    g = graph()
    for face in ("sroi.report", "sroi.plots", "sroi.display", "sroi.compare"):
        assert not [d for d in g[face] if d.startswith(("sroi.sensitivity", "sroi.engine"))], face
