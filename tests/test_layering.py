"""Arrows point down only: screens → widgets → data → domain (docs/architecture.md).

The data layer and the domain never import Textual or Rich; the screens never touch the tables,
the engine or SQL themselves, and reach the store only lazily, from inside a function.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.store_fixtures import ROOT

PACKAGE = ROOT / "lobby_tui"
UI_LIBRARIES = {"textual", "rich"}
SQL_LIBRARIES = {"sqlmodel", "sqlalchemy", "alembic"}
# What a screen may reach of the data layer: the store and its views, what a failure means
# (faults) and the record of a form's save (pending); those that import SQLAlchemy only lazily.
SCREEN_MAY_IMPORT = {
    "lobby_tui.data.store",
    "lobby_tui.data.views",
    "lobby_tui.data.faults",
    "lobby_tui.data.pending",
}
SCREEN_IMPORTS_LAZILY = {"lobby_tui.data.store", "lobby_tui.data.faults", "lobby_tui.data.pending"}

# Run in a fresh interpreter: import the data layer and every domain module, report the UI.
IMPORT_AND_REPORT = """
import importlib, json, pkgutil, sys
import lobby_tui.data, lobby_tui.domain
wanted = ["lobby_tui.data.store", "lobby_tui.data.engine", "lobby_tui.data.migrate",
          "lobby_tui.data.models"]
for package in (lobby_tui.data, lobby_tui.domain):
    wanted += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
for name in wanted:
    importlib.import_module(name)
ui = sorted(n for n in sys.modules if n.split(".")[0] in {"textual", "rich"})
print(json.dumps({"imported": sorted(set(wanted)), "ui": ui}))
"""


def python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(
    path: Path, module: str | None = None, *, typing: bool = True
) -> Iterator[tuple[str, bool]]:
    """Every module ``path`` imports, made absolute, and whether it is imported at load time.

    An import inside a function, or under ``if TYPE_CHECKING:``, is not run at load time; with
    ``typing`` False, those under ``if TYPE_CHECKING:`` (never run) are left out.
    """
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    yield from _visit(tree, package, at_load=True, typing=typing)


def _visit(
    node: ast.AST, package: str, *, at_load: bool, typing: bool = True
) -> Iterator[tuple[str, bool]]:
    if isinstance(node, ast.Import):
        yield from ((alias.name, at_load) for alias in node.names)
        return
    if isinstance(node, ast.ImportFrom):
        base = _absolute(node, package)
        yield base, at_load
        # ``from lobby_tui.data import models`` imports the module lobby_tui.data.models.
        for alias in node.names:
            if _is_our_module(f"{base}.{alias.name}"):
                yield f"{base}.{alias.name}", at_load
        return
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        at_load = False
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.body if typing else ():
            yield from _visit(child, package, at_load=False, typing=typing)
        for child in node.orelse:
            yield from _visit(child, package, at_load=at_load, typing=typing)
        return
    for child in ast.iter_child_nodes(node):
        yield from _visit(child, package, at_load=at_load, typing=typing)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _is_our_module(name: str) -> bool:
    if top_level(name) != "lobby_tui":
        return False
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def top_level(module: str) -> str:
    return module.split(".")[0]


def test_the_data_layer_and_domain_load_without_textual_or_rich() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_AND_REPORT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(done.stdout)

    assert {"lobby_tui.data.store", "lobby_tui.domain.validation"} <= set(report["imported"])
    assert report["ui"] == []


def test_no_data_or_domain_file_imports_textual_or_rich() -> None:
    files = python_files(PACKAGE / "data") + python_files(PACKAGE / "domain")
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name, _ in imports(path)
        if top_level(name) in UI_LIBRARIES
    }

    assert files
    assert found == set()


def test_no_domain_file_imports_sql_or_the_data_layer() -> None:
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files(PACKAGE / "domain")
        for name, _ in imports(path)
        if top_level(name) in SQL_LIBRARIES or name.startswith("lobby_tui.data")
    }

    assert found == set()


def screen_import_problems(path: Path, module: str | None = None) -> set[str]:
    """What ``path``, a screen, imports that a screen must not (or not at load time)."""
    problems: set[str] = set()
    for name, at_load in imports(path, module):
        if top_level(name) in SQL_LIBRARIES:
            problems.add(f"{name} (SQL belongs in lobby_tui.data)")
        elif name.startswith("lobby_tui.data.") and name not in SCREEN_MAY_IMPORT:
            problems.add(f"{name} (only the store and its views)")
        elif name in SCREEN_IMPORTS_LAZILY and at_load:
            problems.add(f"{name} at load time (import it inside the worker)")
    return problems


def test_screens_reach_the_database_only_through_the_store_and_only_lazily() -> None:
    found = {
        f"{path.relative_to(ROOT)}: {problem}"
        for path in python_files(PACKAGE / "screens")
        for problem in screen_import_problems(path)
    }

    assert found == set()


def test_the_screen_check_catches_what_it_is_meant_to(tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(
        "from sqlmodel import select\n"
        "from ..data import models\n"
        "from lobby_tui.data.store import Store\n"
        "from lobby_tui.data import views\n"
        "def save():\n"
        "    from lobby_tui.data.store import Store\n"
        "    from lobby_tui.data.engine import Database\n",
        encoding="utf-8",
    )

    problems = screen_import_problems(source, "lobby_tui.screens.example")

    assert problems == {
        "sqlmodel (SQL belongs in lobby_tui.data)",
        "lobby_tui.data.models (only the store and its views)",
        "lobby_tui.data.store at load time (import it inside the worker)",
        "lobby_tui.data.engine (only the store and its views)",
    }


def import_graph(modules: dict[str, Path], *, typing: bool) -> dict[str, set[str]]:
    """Module → the modules of ours it imports, wherever in it (inside functions too)."""
    return {
        module: {name for name, _ in imports(path, module, typing=typing) if name in modules}
        - {module}
        for module, path in modules.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round about (Tarjan's strongly
    connected components of more than one module)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for name in sorted(graph[module]):
            if name not in order:
                visit(name)
                low[module] = min(low[module], low[name])
            elif name in stack:
                low[module] = min(low[module], order[name])
        if low[module] == order[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return sorted(cycles)


def our_modules() -> dict[str, Path]:
    return {module_name(path): path for path in python_files(PACKAGE)}


def test_no_import_cycle_inside_the_package() -> None:
    # Imports inside functions count: a lazy import keeps the start fast, not the layers apart.
    # Those under ``if TYPE_CHECKING:`` do not: they are never run, and name a type only.
    cycles = import_cycles(import_graph(our_modules(), typing=False))

    assert cycles == []


def test_the_cycle_check_catches_what_it_is_meant_to() -> None:
    graph = {
        "a": {"b"},
        "b": {"c"},
        "c": {"a", "d"},
        "d": set(),
        "e": {"f"},
        "f": {"e"},
        "g": {"g"},
    }

    assert import_cycles(graph) == [["a", "b", "c"], ["e", "f"]]
